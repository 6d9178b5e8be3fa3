"""Model shapes and parameter counts of each MNIST preset, and the custom shift layer."""

import numpy as np
import pytest

from core.errors import UserError
from models.layers import RandomShift
from models.mnist_mlp import PRESETS, MLPConfig, build_model, first_layer_kernel


@pytest.mark.parametrize("name, params", [
    ("keras_mlp", 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10),
    ("compact_mlp", 784 * 128 + 128 + 128 * 10 + 10),
])
def test_preset_parameter_counts(name, params):
    model = build_model(PRESETS[name].model)
    assert model.count_params() == params
    assert model.input_shape == (None, 28, 28)
    assert model.output_shape == (None, 10)


def test_custom_model_has_named_layers_and_valid_probabilities():
    model = build_model(MLPConfig(hidden_units=(32, 16, 8), activation="tanh", dropout=0.2))
    names = [layer.name for layer in model.layers]
    assert names[-1] == "probabilities"
    assert {"hidden_1", "hidden_2", "hidden_3", "dropout_1"} <= set(names)
    out = np.asarray(model(np.random.default_rng(0).random((4, 28, 28), dtype=np.float32)))
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    assert first_layer_kernel(model).shape == (784, 32)


@pytest.mark.parametrize("config", [
    MLPConfig(hidden_units=()), MLPConfig(hidden_units=(8,) * 5), MLPConfig(hidden_units=(2000,)),
    MLPConfig(activation="softsign"), MLPConfig(dropout=0.95), MLPConfig(shift_pixels=9),
])
def test_out_of_range_architectures_are_refused(config):
    with pytest.raises(UserError):
        build_model(config)


def test_random_shift_moves_whole_pixels_only_when_training():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 10, 12] = 1.0
    layer = RandomShift(2, seed=3)
    assert np.array_equal(np.asarray(layer(image, training=False)), image)
    shifted = np.asarray(layer(np.repeat(image, 64, axis=0), training=True))
    rows, cols = np.nonzero(shifted.sum(axis=0))
    assert shifted.sum() == pytest.approx(64.0)  # a one-pixel dot stays one pixel, just moved
    assert set(rows) <= set(range(8, 13)) and set(cols) <= set(range(10, 15))
    assert len(set(zip(rows, cols))) > 5  # different images got different shifts


def test_colour_mlp_flattens_all_three_channels():
    model = build_model(MLPConfig(input_shape=(32, 32, 3)))
    assert model.input_shape == (None, 32, 32, 3)
    assert model.count_params() == 3072 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10
    assert first_layer_kernel(model).shape == (3072, 256)


def shift(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``image`` moved down ``rows`` and right ``cols`` pixels, zeros coming in."""
    out = np.zeros_like(image)
    height, width = image.shape[:2]
    out[max(rows, 0): height + min(rows, 0), max(cols, 0): width + min(cols, 0)] = \
        image[max(-rows, 0): height - max(rows, 0), max(-cols, 0): width - max(cols, 0)]
    return out


def shifts_found(images: np.ndarray, shifted: np.ndarray, max_shift: int) -> list[tuple[int, int]]:
    """For each image, the whole-pixel shift that turns it into its output (fails when there is none)."""
    moves = [(r, c) for r in range(-max_shift, max_shift + 1) for c in range(-max_shift, max_shift + 1)]
    return [next(m for m in moves if np.array_equal(shift(x, *m), y)) for x, y in zip(images, shifted)]


def test_random_shift_moves_non_square_grey_and_colour_images_alike():
    rng = np.random.default_rng(1)
    grey = rng.integers(1, 5, (16, 6, 9)).astype(np.float32)  # no zeros: every shift is visible
    colour = np.stack([grey, 2 * grey, 3 * grey], axis=-1)  # (16, 6, 9, 3)
    moved_grey = np.asarray(RandomShift(2, seed=5)(grey, training=True))
    moved_colour = np.asarray(RandomShift(2, seed=5)(colour, training=True))
    assert moved_colour.shape == colour.shape
    found = shifts_found(grey, moved_grey, 2)
    assert shifts_found(colour, moved_colour, 2) == found  # same seed, same moves, every channel alike
    assert len(set(found)) > 3
    assert np.array_equal(np.asarray(RandomShift(2)(colour, training=False)), colour)
