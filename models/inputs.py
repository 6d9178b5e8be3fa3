"""The image shapes the model builders accept: grey (height, width) or (height, width, channels).

Grey images come as (H, W), the way MNIST and Fashion-MNIST are stored; colour photos such as
CIFAR-10 come as (H, W, 3). The model files check their ``input_shape`` setting here.
"""

from __future__ import annotations

from core.errors import UserError

SIDE_RANGE = (8, 64)  # smaller leaves a CNN nothing to pool; larger is not what these small models are for
CHANNELS = (1, 3)  # grey or red-green-blue


def validate_input_shape(shape: tuple[int, ...]) -> None:
    """Raise ``UserError`` unless ``shape`` is (H, W) or (H, W, C) with C in 1 or 3 and sides in SIDE_RANGE."""
    sides_ok = len(shape) in (2, 3) and all(SIDE_RANGE[0] <= side <= SIDE_RANGE[1] for side in shape[:2])
    if not sides_ok or (len(shape) == 3 and shape[2] not in CHANNELS):
        raise UserError("error.input_shape", value=" × ".join(map(str, shape)), min=SIDE_RANGE[0],
                        max=SIDE_RANGE[1])
