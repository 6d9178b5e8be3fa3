"""Turn a drawing or a photo into the image a model was trained on: a 28×28 digit or item, or a
32×32 colour photo.

MNIST digits were made by scaling each handwritten digit to fit a 20×20 box, keeping its aspect
ratio, and placing it in a 28×28 field so that its centre of mass sits at the centre (LeCun et al.,
1998). A digit drawn with a mouse or photographed on paper only looks like MNIST to a model after
the same steps. CIFAR-10 photos are whole small pictures, so a colour photo is only squared and
shrunk. These functions are pure, so the tests pin their output exactly.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import UserError, check_upload_size

FIELD = 28  # side of the model's input
BOX = 20  # side of the box the digit is scaled into
INK_THRESHOLD = 0.1  # grey level (0..1) above which a pixel counts as ink when finding the digit
MIN_INK_PIXELS = 4  # fewer inked pixels than this is an empty canvas, not a digit
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_PIXELS = 40_000_000  # refuses decompression bombs long before memory runs short
# Pictures are shrunk to this longest side as soon as they are decoded: every later step (colour
# conversion, squaring, the steps shown on screen) then costs a few MB whatever the upload declared,
# and the models read 28 or 32 pixels anyway. A 40-megapixel 16-bit PNG took 1 GB without it.
MAX_WORK_SIDE = 2048
MIN_UPLOAD_SIDE = 8  # below this there is nothing to scale into a 20×20 box but blur


def ink_from_rgba(rgba: np.ndarray) -> np.ndarray:
    """Ink intensity in [0, 1] of a canvas image (H, W, 4): light strokes, dark or transparent ground."""
    rgba = np.asarray(rgba, dtype=np.float32)
    luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return luminance * rgba[..., 3] / (255.0 * 255.0)


def ink_from_photo(grey: np.ndarray) -> np.ndarray:
    """Ink intensity in [0, 1] of a grey photo (H, W) of either polarity, its paper tone removed.

    Paper is whatever the border of the picture mostly is; ink is what differs from it, so a dark
    digit on white paper and a chalk digit on a board both come out as light ink on black.
    """
    grey = np.asarray(grey, dtype=np.float32) / 255.0
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    paper = float(np.median(border))
    ink = np.abs(grey - paper)
    ink = np.clip(ink - 0.15, 0.0, None)  # shadows and paper texture are not ink
    peak = float(ink.max())
    return ink / peak if peak > 0 else ink


def center_digit(ink: np.ndarray) -> np.ndarray | None:
    """MNIST-style normalisation of an ink image: crop, fit into 20×20, centre of mass to the middle.

    Returns a float32 (28, 28) array in [0, 1], or None when the image holds no digit.
    """
    ink = np.asarray(ink, dtype=np.float32)
    rows, cols = np.nonzero(ink > INK_THRESHOLD)
    if len(rows) < MIN_INK_PIXELS:
        return None
    crop = ink[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]
    scale = BOX / max(crop.shape)
    height = max(1, round(crop.shape[0] * scale))
    width = max(1, round(crop.shape[1] * scale))
    small = Image.fromarray(crop, mode="F").resize((width, height), Image.Resampling.LANCZOS)
    digit = np.clip(np.asarray(small, dtype=np.float32), 0.0, 1.0)

    total = float(digit.sum())
    ys, xs = np.indices(digit.shape)
    com_row, com_col = float((ys * digit).sum() / total), float((xs * digit).sum() / total)
    top = min(max(round(FIELD / 2 - 0.5 - com_row), 0), FIELD - height)
    left = min(max(round(FIELD / 2 - 0.5 - com_col), 0), FIELD - width)
    field = np.zeros((FIELD, FIELD), dtype=np.float32)
    field[top: top + height, left: left + width] = digit
    peak = float(field.max())
    return field / peak if peak > 0 else field


def preprocess_drawing(rgba: np.ndarray | None) -> np.ndarray | None:
    """The 28×28 model input for a canvas drawing, or None when nothing is drawn.

    The canvas comes from the browser, so anything that is not an (H, W, 4) picture counts as nothing
    drawn, and values are read as 0..255 levels, NaN as 0.
    """
    if rgba is None:
        return None
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype.kind not in "buif":
        return None
    levels = np.clip(np.nan_to_num(rgba.astype(np.float64), nan=0.0), 0.0, 255.0).astype(np.float32)
    return center_digit(ink_from_rgba(levels))


def _to_pixels(image: Image.Image, mode: str) -> np.ndarray:
    """uint8 pixels of any decoded image in ``mode``, "L" (H, W) or "RGB" (H, W, 3): 16-bit scaled
    down, CMYK and palettes converted, transparency composited on white paper."""
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        # 16-bit greys: PIL's convert("L") would clip everything above 255 to white.
        wide = np.asarray(image, dtype=np.float64)
        image = Image.fromarray(np.clip(np.rint(wide / 257.0), 0, 255).astype(np.uint8))
    if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info:
        ground = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(ground, image.convert("RGBA"))
    return np.asarray(image.convert(mode), dtype=np.uint8)


def _shrink_to_work_size(image: Image.Image) -> Image.Image:
    """``image`` decoded, its longest side at most MAX_WORK_SIDE; a JPEG is decoded at that scale directly.

    The peak is the decoded picture and, with transparency, one premultiplied copy that Pillow's
    resizing makes: at most 2 × 4 bytes × MAX_UPLOAD_PIXELS.
    """
    # A JPEG decodes at 1/2, 1/4 or 1/8 scale as long as the sides stay at least this size (thumbnail's
    # own draft asks for twice the size, which leaves a 6,000-pixel photo whole).
    image.draft(None, (MAX_WORK_SIDE, MAX_WORK_SIDE))
    image.thumbnail((MAX_WORK_SIDE, MAX_WORK_SIDE))
    image.load()
    return image


def decode_upload(payload: bytes, formats: tuple[str, ...] = ("PNG", "JPEG"), colour: bool = False) -> np.ndarray:
    """Decode an uploaded picture into grey (H, W) uint8 pixels, or red-green-blue (H, W, 3) ones
    with ``colour``, upright as the camera held it.

    Accepts the PIL ``formats`` given; an animated file gives its first frame. Raises ``UserError``
    naming the problem: empty, too large, too small, not an image, another format, or damaged.
    """
    check_upload_size(payload, MAX_UPLOAD_BYTES, "upload")
    try:
        with Image.open(io.BytesIO(payload)) as image:
            if image.format not in formats:
                raise UserError("error.upload_format", format=image.format or "?",
                                allowed=", ".join(formats))
            if image.width * image.height > MAX_UPLOAD_PIXELS:
                raise UserError("error.upload_too_many_pixels", width=image.width, height=image.height)
            if min(image.width, image.height) < MIN_UPLOAD_SIDE:
                raise UserError("error.upload_too_small", width=image.width, height=image.height,
                                min=MIN_UPLOAD_SIDE)
            image.seek(0)  # first frame of an animation
            return _to_pixels(ImageOps.exif_transpose(_shrink_to_work_size(image)), "RGB" if colour else "L")
    except UserError:
        raise
    except UnidentifiedImageError as exc:
        raise UserError("error.upload_not_image") from exc
    except Image.DecompressionBombError as exc:  # Pillow's own check, at opening: a header claims gigapixels
        raise UserError("error.upload_bomb", max=MAX_UPLOAD_PIXELS) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise UserError("error.upload_corrupt") from exc


def preprocess_upload(payload: bytes) -> np.ndarray:
    """The 28×28 model input for an uploaded photo or scan of one digit.

    Raises ``UserError`` when the file cannot be read or shows no digit.
    """
    digit = center_digit(ink_from_photo(decode_upload(payload)))
    if digit is None:
        raise UserError("error.upload_no_digit")
    return digit


@dataclass(frozen=True)
class PhotoSteps:
    """Each stage a photo goes through to become an input for the image models, to show on screen.

    Grey photos (``photo_steps``) give (H, W) arrays and a 28×28 input; colour photos
    (``colour_photo_steps``) give (H, W, 3) arrays and a side×side×3 input.
    """

    grey: np.ndarray  # the photo, upright: (H, W) uint8, or (H, W, 3) on the colour path
    square: np.ndarray  # (S, S) or (S, S, 3) uint8, padded with the photo's own background colour
    small: np.ndarray  # (28, 28) or (side, side, 3) uint8
    inverted: bool  # True when the background was light and the picture was flipped to light-on-dark
    model_input: np.ndarray  # small as float32 in [0, 1], inverted when ``inverted``


def _square_and_shrink(picture: np.ndarray, side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pad ``picture`` (H, W) or (H, W, 3) to a square with its median border colour, so padding looks
    like more background, and shrink it to side × side. Returns the background, square and small."""
    height, width = picture.shape[:2]
    border = np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]])
    background = np.median(border, axis=0).astype(np.uint8)  # one grey level, or one colour
    size = max(height, width)
    square = np.empty((size, size, *picture.shape[2:]), dtype=np.uint8)
    square[...] = background
    top, left = (size - height) // 2, (size - width) // 2
    square[top: top + height, left: left + width] = picture
    small = np.asarray(Image.fromarray(square).resize((side, side), Image.Resampling.LANCZOS), np.uint8)
    return background, square, small


def photo_steps(grey: np.ndarray) -> PhotoSteps:
    """Grey photo → square → 28×28 → light object on dark ground, like Fashion-MNIST and MNIST."""
    grey = np.asarray(grey, dtype=np.uint8)
    background, square, small = _square_and_shrink(grey, FIELD)
    inverted = int(background) > 127
    shown = 255 - small if inverted else small
    return PhotoSteps(grey, square, small, inverted, shown.astype(np.float32) / 255.0)


def colour_photo_steps(rgb: np.ndarray, side: int = 32) -> PhotoSteps:
    """Colour photo (H, W, 3) → square → side × side × 3, like CIFAR-10: whole photos, never inverted."""
    rgb = np.asarray(rgb, dtype=np.uint8)
    _, square, small = _square_and_shrink(rgb, side)
    return PhotoSteps(rgb, square, small, False, small.astype(np.float32) / 255.0)
