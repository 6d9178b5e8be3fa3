"""Convolutional networks (CNNs) that classify small images: grey digits or clothes, colour photos.

The third generation of the timeline (LeCun, Bottou, Bengio, Haffner, 1998): small filters slide
over the image, y[i, j] = Σ_m Σ_n x[i+m, j+n] · k[m, n], so a pattern is recognised wherever it
appears, and pooling keeps the strongest response of each neighbourhood. Presets from the source
articles: "3-conv CNN" Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10 (article 002) and "2-conv
CNN" Conv32-Pool-Conv64-Pool-Dense128 (article 001). Optional light augmentation (whole-pixel
shifts, small rotations) is active only while training. Grey (H, W) input gets a channel axis
before the first conv; colour (H, W, 3) input goes straight in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import keras

from core.errors import UserError
from core.training import Preset, TrainConfig
from models.inputs import validate_input_shape
from models.layers import RandomShift

IMAGE_SHAPE = (28, 28)  # the default input: MNIST and Fashion-MNIST
NUM_CLASSES = 10  # the default: digits, clothes and CIFAR-10 photos
MAX_CLASSES = 50  # as many as a class data set may have (core.user_data)
MAX_BLOCKS = 4  # 28 → 14 → 7 → 3 → 1 with pooling: a fifth block would have nothing left to pool
FILTER_RANGE = (4, 256)
KERNEL_SIZES = (3, 5)
MAX_DROPOUT = 0.8
MAX_ROTATION = 0.1  # fraction of a full turn: 0.1 is 36°, already more than handwriting tilts


@dataclass(frozen=True)
class CNNConfig:
    """Architecture of one CNN image classifier."""

    filters: tuple[int, ...] = (32, 64, 64)  # filters of each conv block, from input to output
    kernel_size: int = 3  # side of every square filter
    pool_after: tuple[bool, ...] = (True, True, False)  # 2×2 max pooling after each block
    dense_units: int = 64  # width of the fully connected layer before the classifier; 0 for none
    batch_norm: bool = False  # normalise each conv output over the batch (steadier, faster training)
    dropout: float = 0.0  # fraction of dense activations silenced at each training step
    shift_pixels: int = 0  # largest random shift of a training image, in pixels
    rotation: float = 0.0  # largest random rotation of a training image, as a fraction of a turn
    input_shape: tuple[int, ...] = IMAGE_SHAPE  # one image, (H, W) grey or (H, W, 3) colour; follows the data set
    num_classes: int = NUM_CLASSES  # outputs; follows the data set (a class's own may have 2 to 50)

    def validate(self) -> None:
        """Raise ``UserError`` naming the first setting out of range."""
        validate_input_shape(self.input_shape)
        if not 2 <= self.num_classes <= MAX_CLASSES:
            raise UserError("error.num_classes", value=self.num_classes, max=MAX_CLASSES)
        if not 1 <= len(self.filters) <= MAX_BLOCKS:
            raise UserError("error.conv_blocks", value=len(self.filters), max=MAX_BLOCKS)
        if len(self.pool_after) != len(self.filters):
            raise UserError("error.pool_after", blocks=len(self.filters), value=len(self.pool_after))
        for count in self.filters:
            if not FILTER_RANGE[0] <= count <= FILTER_RANGE[1]:
                raise UserError("error.filters", value=count, min=FILTER_RANGE[0], max=FILTER_RANGE[1])
        if self.kernel_size not in KERNEL_SIZES:
            raise UserError("error.kernel_size", value=self.kernel_size)
        if not 0 <= self.dense_units <= 1024:
            raise UserError("error.units", value=self.dense_units, min=0, max=1024)
        if not 0.0 <= self.dropout <= MAX_DROPOUT:
            raise UserError("error.dropout", value=self.dropout, max=MAX_DROPOUT)
        if not 0 <= self.shift_pixels <= 4:
            raise UserError("error.shift", value=self.shift_pixels, max=4)
        if not 0.0 <= self.rotation <= MAX_ROTATION:
            raise UserError("error.rotation", value=self.rotation, max=MAX_ROTATION)
        size = min(self.input_shape[:2])  # the shorter side runs out first
        for pooled in self.pool_after:
            size -= self.kernel_size - 1  # "valid" convolution trims the border
            if size < 1:
                raise UserError("error.too_small", blocks=len(self.filters),
                                size="×".join(map(str, self.input_shape[:2])))
            size = size // 2 if pooled else size

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return {**asdict(self), "filters": list(self.filters), "pool_after": list(self.pool_after),
                "input_shape": list(self.input_shape)}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> CNNConfig:
        """The config ``to_dict`` gave, also from runs stored before a field existed (it takes its default)."""
        return cls(**{key: tuple(value) if isinstance(value, list) else value for key, value in values.items()})


# Training settings measured on two CPU cores (docs/BENCHMARKS.md): 12 epochs of Adam at 0.003 with
# cosine decay and label smoothing reach 98.5 % on the bundled digits in about 50 s and 89.5 % on the
# bundled clothes in about 110 s.
TRAIN = TrainConfig(optimizer="adam", learning_rate=3e-3, batch_size=128, epochs=12, cosine_decay=True,
                    label_smoothing=0.1)

PRESETS: dict[str, Preset] = {
    "cnn3": Preset(CNNConfig(filters=(32, 64, 64), pool_after=(True, True, False), dense_units=64),
                   TRAIN, "article 002"),
    "cnn2": Preset(CNNConfig(filters=(32, 64), pool_after=(True, True), dense_units=128),
                   TRAIN, "article 001"),
}

# Light augmentation per data set: a digit moved by a pixel or tilted by ten degrees is still the
# same digit (+0.1 point here); Fashion-MNIST photos are all centred and upright, and shifting
# them cost 0.6 point in the same measurement.
AUGMENTATION = {"mnist": {"shift_pixels": 1, "rotation": 0.03}, "fashion": {}}


def preset_for(name: str, dataset: str) -> Preset:
    """Preset ``name`` with the augmentation that suits ``dataset``."""
    preset = PRESETS[name]
    return replace(preset, model=replace(preset.model, **AUGMENTATION.get(dataset, {})))


def build_model(config: CNNConfig) -> keras.Model:
    """Build an uncompiled CNN mapping ``config.input_shape`` pixel levels to ``num_classes`` class probabilities.

    Conv layers are named ``conv_1``, ``conv_2``, ... so the look-inside views can find them.
    """
    config.validate()
    inputs = keras.Input(shape=config.input_shape, name="pixels")
    x = inputs
    if config.shift_pixels > 0:
        x = RandomShift(config.shift_pixels, name="random_shift")(x)
    if len(config.input_shape) == 2:  # grey: the convs read a channel axis
        x = keras.layers.Reshape((*config.input_shape, 1), name="as_image")(x)
    if config.rotation > 0:
        x = keras.layers.RandomRotation(config.rotation, fill_mode="constant", name="random_rotation")(x)
    for i, (count, pooled) in enumerate(zip(config.filters, config.pool_after), start=1):
        x = keras.layers.Conv2D(count, config.kernel_size, activation=None if config.batch_norm else "relu",
                                name=f"conv_{i}")(x)
        if config.batch_norm:
            x = keras.layers.BatchNormalization(name=f"norm_{i}")(x)
            x = keras.layers.Activation("relu", name=f"relu_{i}")(x)
        if pooled:
            x = keras.layers.MaxPooling2D(2, name=f"pool_{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    if config.dense_units:
        x = keras.layers.Dense(config.dense_units, activation="relu", name="dense")(x)
    if config.dropout > 0:
        x = keras.layers.Dropout(config.dropout, name="dropout")(x)
    outputs = keras.layers.Dense(config.num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="image_cnn")
