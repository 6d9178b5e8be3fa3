"""Drawn and uploaded digits become MNIST-style 28×28 inputs, exactly; bad files get named errors."""

import io

import numpy as np
import pytest
from PIL import Image

from core.errors import UserError
from data.preprocess import MAX_UPLOAD_BYTES, preprocess_drawing, preprocess_upload


def canvas_with_bar(top: int, left: int, height: int = 200, width: int = 40) -> np.ndarray:
    """A 280×280 canvas as the drawing widget returns it: opaque black, one white bar."""
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = 255
    rgba[top: top + height, left: left + width, :3] = 255
    return rgba


def expected_bar() -> np.ndarray:
    # The 200×40 bar is scaled by 20/200 to 20×4; its centre of mass (9.5, 1.5) goes to (13.5, 13.5).
    field = np.zeros((28, 28), np.float32)
    field[4:24, 12:16] = 1.0
    return field


def test_drawn_bar_becomes_exact_mnist_style_digit():
    digit = preprocess_drawing(canvas_with_bar(40, 120))
    assert digit.dtype == np.float32 and digit.shape == (28, 28)
    np.testing.assert_allclose(digit, expected_bar(), atol=1e-6)


def test_position_on_canvas_does_not_matter():
    np.testing.assert_allclose(preprocess_drawing(canvas_with_bar(5, 3)),
                               preprocess_drawing(canvas_with_bar(70, 230)), atol=1e-6)


def test_transparent_canvas_with_white_strokes_is_read_through_alpha():
    rgba = canvas_with_bar(40, 120)
    rgba[..., 3] = np.where(rgba[..., 0] > 0, 255, 0)
    rgba[rgba[..., 3] == 0, :3] = 0
    np.testing.assert_allclose(preprocess_drawing(rgba), expected_bar(), atol=1e-6)


@pytest.mark.parametrize("rgba", [None, np.zeros((280, 280, 4), np.uint8), canvas_with_bar(10, 10, 1, 2)])
def test_empty_canvas_or_a_speck_is_no_digit(rgba):
    assert preprocess_drawing(rgba) is None


def png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def test_photo_of_dark_ink_on_paper_matches_the_drawing():
    paper = np.full((280, 280), 235, np.uint8)
    paper[40:240, 120:160] = 20
    digit = preprocess_upload(png_bytes(Image.fromarray(paper)))
    np.testing.assert_allclose(digit, expected_bar(), atol=1e-6)


def test_jpeg_photo_is_accepted():
    paper = np.full((280, 280, 3), 240, np.uint8)
    paper[40:240, 120:160] = 10
    digit = preprocess_upload(png_bytes(Image.fromarray(paper), "JPEG"))
    assert digit.shape == (28, 28)
    assert digit[4:24, 12:16].mean() > 0.9 and digit[:, :10].max() < 0.05


@pytest.mark.parametrize("payload, key", [
    (b"", "error.upload_empty"),
    (b"hello, this is not a picture", "error.upload_not_image"),
    (b"\0" * (MAX_UPLOAD_BYTES + 1), "error.upload_too_large"),
])
def test_bad_files_are_refused_with_a_named_problem(payload, key):
    with pytest.raises(UserError) as caught:
        preprocess_upload(payload)
    assert caught.value.key == key


def test_truncated_png_is_reported_as_damaged():
    whole = png_bytes(Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), np.uint8)))
    with pytest.raises(UserError) as caught:
        preprocess_upload(whole[: len(whole) // 2])
    assert caught.value.key == "error.upload_corrupt"


def test_other_image_formats_and_blank_photos_are_refused():
    with pytest.raises(UserError) as caught:
        preprocess_upload(png_bytes(Image.new("L", (50, 50), 128), "GIF"))
    assert caught.value.key == "error.upload_format"
    with pytest.raises(UserError) as caught:
        preprocess_upload(png_bytes(Image.new("L", (50, 50), 255)))
    assert caught.value.key == "error.upload_no_digit"
