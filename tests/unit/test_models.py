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
