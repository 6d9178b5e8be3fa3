"""The image CNN presets: shapes, parameter counts, named conv layers, refused settings."""

import numpy as np
import pytest

from core.errors import UserError
from core.tasks import ImageJobSpec, build_from_config
from models.image_cnn import PRESETS, CNNConfig, build_model
from models.mnist_mlp import MLPConfig


@pytest.mark.parametrize("name, params", [
    # conv 3·3·1·32+32, conv 3·3·32·64+64, conv 3·3·64·64+64, dense 576·64+64, classifier 64·10+10
    ("cnn3", 320 + 18_496 + 36_928 + 36_928 + 650),
    # conv 3·3·1·32+32, conv 3·3·32·64+64, dense 1600·128+128, classifier 128·10+10
    ("cnn2", 320 + 18_496 + 204_928 + 1_290),
])
def test_preset_parameter_counts_and_shapes(name, params):
    model = build_model(PRESETS[name].model)
    assert model.count_params() == params
    assert model.input_shape == (None, 28, 28) and model.output_shape == (None, 10)
    conv_names = [layer.name for layer in model.layers if layer.name.startswith("conv_")]
    assert conv_names == [f"conv_{i + 1}" for i in range(len(PRESETS[name].model.filters))]


def test_custom_cnn_with_batch_norm_augmentation_and_dropout_predicts_probabilities():
    config = CNNConfig(filters=(8, 16, 16, 16), kernel_size=3, pool_after=(True, True, False, False),
                       dense_units=0, batch_norm=True, dropout=0.3, shift_pixels=2, rotation=0.05)
    model = build_model(config)
    out = np.asarray(model(np.random.default_rng(0).random((3, 28, 28), dtype=np.float32), training=False))
    assert out.shape == (3, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("config", [
    CNNConfig(filters=(), pool_after=()), CNNConfig(filters=(8,) * 5, pool_after=(False,) * 5),
    CNNConfig(filters=(1000,), pool_after=(True,)), CNNConfig(kernel_size=4),
    CNNConfig(filters=(8, 8), pool_after=(True,)), CNNConfig(rotation=0.5),
    CNNConfig(filters=(8, 8, 8, 8), kernel_size=5, pool_after=(True, True, True, True)),
])
def test_impossible_architectures_are_refused(config):
    with pytest.raises(UserError):
        build_model(config)


def test_task_names_and_builders_follow_the_config():
    assert ImageJobSpec(model=MLPConfig()).task == "mnist-mlp"
    assert ImageJobSpec(model=PRESETS["cnn3"].model, dataset="fashion").task == "fashion-cnn"
    assert build_from_config(PRESETS["cnn2"].model).name == "image_cnn"
    with pytest.raises(UserError):
        ImageJobSpec(model=MLPConfig(), dataset="cifar").validate()


def test_augmentation_follows_the_data_set():
    from models.image_cnn import preset_for

    digits, clothes = preset_for("cnn3", "mnist"), preset_for("cnn3", "fashion")
    assert digits.model.shift_pixels == 1 and digits.model.rotation > 0
    assert clothes.model.shift_pixels == 0 and clothes.model.rotation == 0
    assert digits.model.filters == clothes.model.filters == PRESETS["cnn3"].model.filters
    assert build_model(digits.model).count_params() == build_model(clothes.model).count_params()
