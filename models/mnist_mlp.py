"""Multilayer perceptrons (MLPs) that classify small images: 28×28 digits or clothes, colour photos.

A stack of fully connected layers, the second generation of the timeline (Rumelhart, Hinton and
Williams, 1986, trained by back-propagation). The presets come from the project's source articles:
"Keras MLP" (Dense 256-128-10 with Adam, article 000) and "Compact MLP" (Dense 128-10 with plain SGD
at 0.01, article 003). The model takes pixel levels in [0, 1] of shape ``input_shape``, (28, 28)
unless the data set says otherwise (CIFAR-10: (32, 32, 3)), and flattens them; an optional random
shift, active only while training, teaches it that a digit moved by a pixel or two is the same digit.
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
ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu")
MAX_HIDDEN_LAYERS = 4
UNITS_RANGE = (4, 1024)
MAX_DROPOUT = 0.8
MAX_SHIFT_PIXELS = 4


@dataclass(frozen=True)
class MLPConfig:
    """Architecture of one MLP image classifier."""

    hidden_units: tuple[int, ...] = (256, 128)  # width of each hidden Dense layer, from input to output
    activation: str = "relu"  # non-linearity after every hidden layer, one of ACTIVATIONS
    dropout: float = 0.0  # fraction of hidden activations silenced at each training step
    shift_pixels: int = 0  # largest random shift of a training digit, in pixels; 0 turns it off
    seed: int | None = None  # seeds the random shift; None follows keras.utils.set_random_seed
    input_shape: tuple[int, ...] = IMAGE_SHAPE  # one image, (H, W) grey or (H, W, 3) colour; follows the data set
    num_classes: int = NUM_CLASSES  # outputs; follows the data set (a class's own may have 2 to 50)

    def validate(self) -> None:
        """Raise ``UserError`` naming the first setting out of range."""
        validate_input_shape(self.input_shape)
        if not 2 <= self.num_classes <= MAX_CLASSES:
            raise UserError("error.num_classes", value=self.num_classes, max=MAX_CLASSES)
        if not 1 <= len(self.hidden_units) <= MAX_HIDDEN_LAYERS:
            raise UserError("error.hidden_layers", value=len(self.hidden_units), max=MAX_HIDDEN_LAYERS)
        for units in self.hidden_units:
            if not UNITS_RANGE[0] <= units <= UNITS_RANGE[1]:
                raise UserError("error.units", value=units, min=UNITS_RANGE[0], max=UNITS_RANGE[1])
        if self.activation not in ACTIVATIONS:
            raise UserError("error.activation", value=self.activation, allowed=", ".join(ACTIVATIONS))
        if not 0.0 <= self.dropout <= MAX_DROPOUT:
            raise UserError("error.dropout", value=self.dropout, max=MAX_DROPOUT)
        if not 0 <= self.shift_pixels <= MAX_SHIFT_PIXELS:
            raise UserError("error.shift", value=self.shift_pixels, max=MAX_SHIFT_PIXELS)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return {**asdict(self), "hidden_units": list(self.hidden_units), "input_shape": list(self.input_shape)}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> MLPConfig:
        """The config ``to_dict`` gave, also from runs stored before a field existed (it takes its default)."""
        return cls(**{key: tuple(value) if isinstance(value, list) else value for key, value in values.items()})


PRESETS: dict[str, Preset] = {
    # The article's Dense 256-128-10 with Adam reaches about 94.5 % here in 10 epochs; one-pixel
    # random shifts, a larger cosine-decayed step and label smoothing lift it past 97 % in about 11 s
    # on two cores (docs/BENCHMARKS.md).
    "keras_mlp": Preset(
        MLPConfig(hidden_units=(256, 128), shift_pixels=1),
        TrainConfig(optimizer="adam", learning_rate=4e-3, batch_size=256, epochs=20, cosine_decay=True,
                    label_smoothing=0.1),
        source="article 000",
    ),
    "compact_mlp": Preset(
        MLPConfig(hidden_units=(128,)),
        TrainConfig(optimizer="sgd", learning_rate=0.01, batch_size=64, epochs=10),
        source="article 003",
    ),
}


def preset_for(name: str, dataset: str) -> Preset:
    """Preset ``name`` for ``dataset``: random shifts only for digits.

    Fashion-MNIST photos are all centred; on them the Keras MLP scored 87.7 % without shifts and
    87.6 % with, and trained 1.6 times slower with them (bundled split, two CPU cores).
    """
    preset = PRESETS[name]
    return preset if dataset == "mnist" else replace(preset, model=replace(preset.model, shift_pixels=0))


def build_model(config: MLPConfig) -> keras.Model:
    """Build an uncompiled MLP mapping ``config.input_shape`` pixel levels to ``num_classes`` class probabilities."""
    config.validate()
    inputs = keras.Input(shape=config.input_shape, name="pixels")
    x = inputs
    if config.shift_pixels > 0:
        x = RandomShift(config.shift_pixels, seed=config.seed, name="random_shift")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for i, units in enumerate(config.hidden_units, start=1):
        x = keras.layers.Dense(units, activation=config.activation, name=f"hidden_{i}")(x)
        if config.dropout > 0:
            x = keras.layers.Dropout(config.dropout, name=f"dropout_{i}")(x)
    outputs = keras.layers.Dense(config.num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="mnist_mlp")


def first_layer_kernel(model: keras.Model) -> Any:
    """The (H·W·C, units) weights of the first hidden layer, one column per unit: (784, units) for 28×28."""
    return keras.ops.convert_to_numpy(model.get_layer("hidden_1").kernel)
