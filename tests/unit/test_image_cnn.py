"""The image CNN presets: shapes, parameter counts, named conv layers, refused settings, colour input."""

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


def test_colour_input_goes_straight_into_the_convs():
    # conv 3·3·3·32+32; 32→30→15→13→6→4, so dense 4·4·64·64+64; the rest as for 28×28
    model = build_model(CNNConfig(input_shape=(32, 32, 3)))
    assert model.input_shape == (None, 32, 32, 3) and model.output_shape == (None, 10)
    assert model.count_params() == 896 + 18_496 + 36_928 + 65_600 + 650
    assert "as_image" not in [layer.name for layer in model.layers]
    assert "as_image" in [layer.name for layer in build_model(CNNConfig()).layers]
    grey_with_channel = build_model(CNNConfig(input_shape=(28, 28, 1)))
    assert grey_with_channel.count_params() == build_model(CNNConfig()).count_params()


@pytest.mark.parametrize("shape", [(28,), (7, 7), (65, 32), (28, 28, 2), (32, 32, 3, 1)])
def test_impossible_input_shapes_are_refused(shape):
    with pytest.raises(UserError) as caught:
        CNNConfig(input_shape=shape).validate()
    assert caught.value.key == "error.input_shape"
    with pytest.raises(UserError):
        MLPConfig(input_shape=shape).validate()


def test_configs_round_trip_through_the_run_store_and_old_runs_get_the_default_shape():
    import json

    from core.inference import read_model_card

    colour = CNNConfig(filters=(8, 16), pool_after=(True, False), input_shape=(32, 32, 3))
    stored = json.loads(json.dumps(colour.to_dict()))
    assert stored["input_shape"] == [32, 32, 3] and CNNConfig.from_dict(stored) == colour
    old = read_model_card("mnist_cnn")["settings"]["model"]  # written before input_shape existed
    assert "input_shape" not in old and CNNConfig.from_dict(old).input_shape == (28, 28)
    mlp = MLPConfig(hidden_units=(8,), input_shape=(32, 32, 3))
    assert MLPConfig.from_dict(json.loads(json.dumps(mlp.to_dict()))) == mlp
    assert MLPConfig.from_dict(read_model_card("mnist_mlp")["settings"]["model"]).input_shape == (28, 28)
