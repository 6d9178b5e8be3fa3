"""Odd but real pictures people upload: each is read the right way up, in grey, or named as a problem."""

import io

import numpy as np
import pytest
from PIL import Image

from core.errors import UserError
from data.preprocess import decode_upload

ALL = ("PNG", "JPEG", "WEBP", "GIF")


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def test_exif_rotated_photo_is_turned_upright():
    # A 40 wide × 20 tall picture, dark on its left half, stored with "rotate 90° clockwise" (6).
    pixels = np.full((20, 40), 230, np.uint8)
    pixels[:, :20] = 10
    exif = Image.Exif()
    exif[0x0112] = 6
    grey = decode_upload(encode(Image.fromarray(pixels), "JPEG", exif=exif, quality=95), ALL)
    assert grey.shape == (40, 20)  # upright: now tall
    assert grey[:20].mean() < 60 and grey[20:].mean() > 180  # the dark half ends up on top


def test_cmyk_jpeg_becomes_grey():
    cmyk = Image.new("CMYK", (32, 32), (0, 0, 0, 255))  # full black ink
    grey = decode_upload(encode(cmyk, "JPEG"), ALL)
    assert grey.shape == (32, 32) and grey.max() < 40


def test_transparent_png_sits_on_white_paper():
    rgba = np.zeros((16, 16, 4), np.uint8)
    rgba[4:12, 4:12] = (0, 0, 0, 255)  # an opaque black square, the rest fully transparent
    grey = decode_upload(encode(Image.fromarray(rgba, "RGBA"), "PNG"), ALL)
    assert grey[0, 0] == 255 and grey[8, 8] == 0


def test_sixteen_bit_png_keeps_its_grey_levels():
    wide = np.array([[0, 257 * 128, 65535]] * 8, np.uint16).repeat(4, axis=1)
    grey = decode_upload(encode(Image.fromarray(wide), "PNG"), ALL)
    assert grey[0, 0] == 0 and grey[0, 4] == 128 and grey[0, 8] == 255


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("L", (16, 16), level) for level in (20, 200)]
    payload = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    grey = decode_upload(payload, ALL)
    assert abs(int(grey.mean()) - 20) <= 2


def test_webp_is_read_where_the_page_allows_it_and_named_where_not():
    payload = encode(Image.new("L", (16, 16), 90), "WEBP", lossless=True)
    assert decode_upload(payload, ALL).mean() == pytest.approx(90, abs=1)
    with pytest.raises(UserError) as caught:
        decode_upload(payload)  # the digits page reads PNG and JPEG only
    assert caught.value.key == "error.upload_format" and caught.value.params["format"] == "WEBP"


@pytest.mark.parametrize("size, key", [((1, 1), "error.upload_too_small"),
                                       ((8000, 8000), "error.upload_too_many_pixels")])
def test_pictures_too_small_or_too_large_name_the_limit(size, key):
    payload = encode(Image.new("L", size, 0), "PNG")
    assert len(payload) < 10 * 2**20  # small on disk; the pixel count is what is refused
    with pytest.raises(UserError) as caught:
        decode_upload(payload, ALL)
    assert caught.value.key == key


def test_photo_steps_pad_to_square_shrink_and_invert_a_light_background():
    from data.preprocess import photo_steps

    photo = np.full((40, 20), 240, np.uint8)  # light paper, tall
    photo[10:30, 5:15] = 30  # a dark object in the middle
    steps = photo_steps(photo)
    assert steps.square.shape == (40, 40) and steps.square[0, 0] == 240  # padded with paper colour
    assert steps.small.shape == (28, 28) and steps.inverted
    assert steps.model_input.dtype == np.float32
    assert steps.model_input[14, 14] > 0.8 and steps.model_input[0, 0] < 0.1  # light object, dark ground
    dark = photo_steps(255 - photo)
    assert not dark.inverted
    np.testing.assert_allclose(dark.model_input, steps.model_input, atol=2 / 255)
