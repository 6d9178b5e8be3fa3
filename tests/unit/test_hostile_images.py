"""Hostile pictures: random bytes, damaged files, decompression bombs, canvases of any shape and
value. Every call gives a model input of the right shape, finite and in range, or one of the app's
own translated errors, and no picture makes the server take more than a bounded amount of memory."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from data.preprocess import (FIELD, MAX_WORK_SIDE, center_digit, colour_photo_steps, decode_upload,
                             ink_from_rgba, photo_steps, preprocess_drawing, preprocess_upload)
from hostile_inputs import REPO, call_or_user_error, damaged
from tools.hostile_memory import blank_png, measure, white_jpeg

FORMATS = ("PNG", "JPEG", "WEBP", "GIF")  # everything an upload widget of the app accepts


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def noise(size: tuple[int, int], mode: str, seed: int = 0) -> Image.Image:
    channels = {"L": (), "RGB": (3,), "RGBA": (4,)}[mode]
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], *channels), dtype=np.uint8)
    return Image.fromarray(pixels, mode=mode)


# One small valid file per format and colour mode: the seeds the damage strategies start from.
VALID = [encode(noise((24, 16), mode), fmt) for fmt in FORMATS for mode in ("L", "RGB")
         if not (fmt == "GIF" and mode == "RGB")] + [encode(noise((20, 20), "RGBA"), "PNG")]


def check_pixels(pixels, colour: bool) -> None:
    """A decoded picture: uint8, upright, no side larger than the working size."""
    if pixels is None:
        return
    assert pixels.dtype == np.uint8
    assert pixels.ndim == (3 if colour else 2) and (not colour or pixels.shape[2] == 3)
    assert 1 <= min(pixels.shape[:2]) and max(pixels.shape[:2]) <= MAX_WORK_SIDE


def check_model_input(x, shape: tuple[int, ...]) -> None:
    assert x.shape == shape and x.dtype == np.float32
    assert np.isfinite(x).all() and x.min() >= 0.0 and x.max() <= 1.0


@given(payload=st.binary(max_size=4096), colour=st.booleans())
def test_any_bytes_decode_to_pixels_or_a_known_error(payload, colour):
    check_pixels(call_or_user_error(decode_upload, payload, FORMATS, colour), colour)


@given(payload=st.sampled_from(VALID).flatmap(damaged), colour=st.booleans())
def test_damaged_pictures_decode_to_pixels_or_a_known_error(payload, colour):
    pixels = call_or_user_error(decode_upload, payload, FORMATS, colour)
    check_pixels(pixels, colour)
    if pixels is not None:
        steps = colour_photo_steps(pixels) if colour else photo_steps(pixels)
        check_model_input(steps.model_input, (32, 32, 3) if colour else (FIELD, FIELD))


@given(payload=st.sampled_from(VALID).flatmap(damaged))
def test_damaged_digit_photos_give_a_28x28_input_or_a_known_error(payload):
    digit = call_or_user_error(preprocess_upload, payload)
    if digit is not None:
        check_model_input(digit, (FIELD, FIELD))


@settings(max_examples=12)  # each example encodes and decodes a picture of up to 9 megapixels
@given(width=st.integers(8, 3000), height=st.integers(8, 3000), mode=st.sampled_from(("L", "RGB", "RGBA")))
def test_pictures_of_any_proportions_become_model_inputs(width, height, mode):
    # Solid colour: PNG compresses it to almost nothing, so large sides stay quick to make.
    payload = encode(Image.new(mode, (width, height), "white"), "PNG")
    for colour in (False, True):
        pixels = decode_upload(payload, ("PNG",), colour)
        check_pixels(pixels, colour)
        steps = colour_photo_steps(pixels) if colour else photo_steps(pixels)
        check_model_input(steps.model_input, (32, 32, 3) if colour else (FIELD, FIELD))


CANVAS_SHAPE = st.tuples(st.integers(1, 64), st.integers(1, 64), st.just(4))
CANVAS = st.one_of(
    hnp.arrays(st.sampled_from((np.float32, np.float64)), CANVAS_SHAPE,
               elements=st.floats(width=32) | st.sampled_from((0.0, 255.0))),  # nan and inf included
    hnp.arrays(st.sampled_from((np.uint8, np.int64, np.bool_)), CANVAS_SHAPE),
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=4, max_side=8)),  # any shape at all
)


@given(rgba=CANVAS)
def test_a_canvas_of_any_shape_and_values_gives_a_digit_or_nothing(rgba):
    digit = call_or_user_error(preprocess_drawing, rgba)
    if digit is not None:
        check_model_input(digit, (FIELD, FIELD))


def test_the_canvas_the_page_sends_still_gives_its_digit():
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)
    rgba[60:220, 130:150] = 255  # a white vertical stroke: a one
    digit = preprocess_drawing(rgba)
    check_model_input(digit, (FIELD, FIELD))
    np.testing.assert_array_equal(digit, center_digit(ink_from_rgba(rgba)))  # the checks change nothing
    assert digit[4:24, 13:15].min() == 1.0 and digit[:, :8].max() == 0


# name: (how to make the file, the call, the most MB it may take, what it must give)
LARGE_PICTURES = {
    # A header claiming 100,000 × 100,000 pixels (10 gigapixels) in a file of a few hundred bytes.
    "10-gigapixel-header": (lambda: blank_png(100_000, 100_000, rows=1), "decode_upload(payload)", 30,
                            "error.upload_bomb"),
    # 40 megapixels, within the limit: 16-bit grey, and colour with transparency, each a few hundred KB.
    # Each peaks at the decoded picture and the copy Pillow resizes (premultiplied, for transparency):
    # about 135 and 375 MB, against 1,067 and 839 MB before pictures were shrunk as they were decoded.
    "16-bit-40-megapixels": (lambda: blank_png(6300, 6300, 0, 16), "photo_steps(decode_upload(payload))", 200, "ok"),
    "rgba-40-megapixels": (lambda: blank_png(6300, 6300, 6), "colour_photo_steps(decode_upload(payload, colour=True))",
                           450, "ok"),
    # A strip 5,000,000 × 8 pixels: squaring it at full size would take 25 TB.
    "long-strip": (lambda: blank_png(5_000_000, 8), "photo_steps(decode_upload(payload))", 150, "ok"),
    # A 36-megapixel JPEG photo: decoded at a reduced scale.
    "36-megapixel-jpeg": (lambda: white_jpeg(6000, 6000), "preprocess_upload(payload)", 150, "error.upload_no_digit"),
}


@pytest.fixture(scope="module")
def picture_memory(tmp_path_factory) -> dict:
    """Each large picture's (MB, seconds, outcome), measured one by one in one fresh Python."""
    folder = tmp_path_factory.mktemp("pictures")
    for name, (make, *_) in LARGE_PICTURES.items():
        (folder / name).write_bytes(make())
    jobs = [(call, folder / name) for name, (_, call, *_) in LARGE_PICTURES.items()]
    return dict(zip(LARGE_PICTURES, measure(REPO, "data.preprocess", jobs)))


@pytest.mark.parametrize("name", LARGE_PICTURES)
def test_large_pictures_take_bounded_memory(name, picture_memory):
    *_, most_mb, outcome = LARGE_PICTURES[name]
    growth, _, got = picture_memory[name]
    assert got == outcome
    assert growth < most_mb, f"{growth:.0f} MB"
