"""Odd but real pictures people upload: each is read the right way up, in grey or colour, or named as a problem."""

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


def test_colour_decoding_keeps_red_green_blue_upright_and_on_white_paper():
    pixels = np.zeros((20, 40, 3), np.uint8)
    pixels[:, :20] = (200, 30, 30)  # red left half
    pixels[:, 20:] = (30, 30, 200)  # blue right half
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise
    rgb = decode_upload(encode(Image.fromarray(pixels), "JPEG", exif=exif, quality=95), ALL, colour=True)
    assert rgb.shape == (40, 20, 3) and rgb.dtype == np.uint8
    assert rgb[5, 10, 0] > 150 > rgb[5, 10, 2] and rgb[35, 10, 2] > 150 > rgb[35, 10, 0]  # red on top
    rgba = np.zeros((16, 16, 4), np.uint8)
    rgba[4:12, 4:12] = (0, 255, 0, 255)  # an opaque green square, the rest fully transparent
    rgb = decode_upload(encode(Image.fromarray(rgba, "RGBA"), "PNG"), ALL, colour=True)
    assert rgb[0, 0].tolist() == [255, 255, 255] and rgb[8, 8].tolist() == [0, 255, 0]


def test_colour_decoding_of_cmyk_sixteen_bit_and_grey_pictures():
    cmyk = decode_upload(encode(Image.new("CMYK", (32, 32), (0, 0, 0, 255)), "JPEG"), ALL, colour=True)
    assert cmyk.shape == (32, 32, 3) and cmyk.max() < 40
    wide = np.array([[0, 257 * 128, 65535]] * 8, np.uint16).repeat(4, axis=1)
    rgb = decode_upload(encode(Image.fromarray(wide), "PNG"), ALL, colour=True)
    assert rgb[0, 0].tolist() == [0] * 3 and rgb[0, 4].tolist() == [128] * 3 and rgb[0, 8].tolist() == [255] * 3
    with pytest.raises(UserError) as caught:
        decode_upload(encode(Image.new("RGB", (4, 4)), "PNG"), ALL, colour=True)
    assert caught.value.key == "error.upload_too_small"


def test_colour_photo_steps_pad_with_the_border_colour_and_never_invert():
    from data.preprocess import colour_photo_steps

    photo = np.empty((60, 30, 3), np.uint8)
    photo[...] = (20, 40, 220)  # blue sky, tall
    photo[20:40, 10:20] = (250, 250, 250)  # a white object in the middle
    steps = colour_photo_steps(photo)
    assert np.array_equal(steps.grey, photo)
    assert steps.square.shape == (60, 60, 3) and steps.square[0, 0].tolist() == [20, 40, 220]
    assert steps.small.shape == (32, 32, 3) and steps.small.dtype == np.uint8 and not steps.inverted
    assert steps.model_input.shape == (32, 32, 3) and steps.model_input.dtype == np.float32
    np.testing.assert_allclose(steps.model_input, steps.small / 255.0, atol=1e-7)
    assert steps.model_input[16, 16].min() > 0.9  # the white object, kept white
    np.testing.assert_allclose(steps.model_input[0, 0], np.array([20, 40, 220]) / 255.0, atol=1e-7)
    assert colour_photo_steps(photo, side=16).small.shape == (16, 16, 3)


def test_grey_photo_steps_did_not_change_with_the_colour_path():
    from data.preprocess import photo_steps

    photo = np.random.default_rng(2).integers(0, 256, (45, 23), dtype=np.uint8)
    photo[0], photo[1:-1, 0] = 127, 127
    photo[-1], photo[1:-1, -1] = 128, 128  # border median 127.5: rounded down to 127, as it always was
    steps = photo_steps(photo)
    assert steps.square.shape == (45, 45) and steps.square[0, 0] == 127 and not steps.inverted
    expected = np.asarray(Image.fromarray(steps.square).resize((28, 28), Image.Resampling.LANCZOS))
    assert np.array_equal(steps.small, expected)
    assert np.array_equal(steps.square[:, 11:34], photo)
