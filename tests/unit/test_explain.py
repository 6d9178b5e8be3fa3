"""Feature maps and occlusion maps on the shipped digit CNN and on colour images."""

import numpy as np
import pytest

from core.explain import feature_maps, occlusion_map
from core.inference import load_pretrained
from data.images import load_bundled, to_model_input


@pytest.fixture(scope="module")
def cnn():
    return load_pretrained("mnist_cnn")


def test_feature_maps_have_one_grid_per_conv_layer(cnn):
    image = to_model_input(load_bundled("mnist").x_test[0])
    maps = feature_maps(cnn.model, image)
    assert [(name, fmap.shape) for name, fmap in maps] == [
        ("conv_1", (26, 26, 32)), ("conv_2", (11, 11, 64)), ("conv_3", (3, 3, 64))]
    assert all(np.isfinite(fmap).all() and (fmap >= 0).all() for _, fmap in maps)  # after ReLU


def test_occluding_the_digit_lowers_the_score_and_the_empty_border_does_not(cnn):
    data = load_bundled("mnist")
    image, label = to_model_input(data.x_test[1]), int(data.y_test[1])
    heat = occlusion_map(cnn.predict_batch, image, label)
    assert heat.shape == (28, 28)
    inked = image > 0.5
    assert heat[inked].max() > 0.05  # some part of the stroke matters to the answer
    assert abs(heat[:3, :3]).max() < 0.02  # greying an empty corner changes next to nothing
    assert heat[inked].mean() > heat[~inked].mean()


def test_a_model_without_conv_layers_has_no_feature_maps():
    mlp = load_pretrained("mnist_mlp")
    assert feature_maps(mlp.model, np.zeros((28, 28), np.float32)) == []


def red_square_score(batch: np.ndarray) -> np.ndarray:
    """A stand-in classifier: class 0's probability is the mean red of rows and columns 10 to 13."""
    score = batch[:, 10:14, 10:14, 0].mean(axis=(1, 2))
    return np.stack([score, 1.0 - score], axis=1)


def test_occlusion_map_of_a_colour_image_is_one_grid_of_pixels():
    image = np.zeros((32, 32, 3), np.float32)
    image[10:14, 10:14, 0] = 1.0  # a red square
    heat = occlusion_map(red_square_score, image, label=0)
    assert heat.shape == (32, 32)
    assert heat[11, 11] > 0.3 and heat[0, 0] == 0.0 and heat[31, 31] == 0.0
    grey = occlusion_map(lambda b: red_square_score(np.repeat(b[..., None], 3, axis=-1)), image[..., 0], 0)
    np.testing.assert_allclose(heat, grey)  # a patch greys every channel, as it greys one


def test_feature_maps_of_a_colour_cnn():
    from core.devices import load_keras
    from models.image_cnn import CNNConfig, build_model

    load_keras().utils.set_random_seed(0)
    model = build_model(CNNConfig(filters=(4, 8), pool_after=(True, False), input_shape=(32, 32, 3)))
    maps = feature_maps(model, np.random.default_rng(0).random((32, 32, 3), dtype=np.float32))
    assert [(name, fmap.shape) for name, fmap in maps] == [("conv_1", (30, 30, 4)), ("conv_2", (13, 13, 8))]


def test_over_time_views_of_a_speech_model_line_up_and_average_to_its_answer():
    from core.explain import over_time
    from core.inference import wrap_model
    from data.speech_format import CLIP_SAMPLES
    from models.speech_rnn import FRAMES, PRESETS, build_model

    model = build_model(PRESETS["gru"].model)
    clip = np.sin(np.arange(CLIP_SAMPLES) * 0.3).astype(np.float32) * 0.5
    frames, states, per_frame = over_time(model, clip)
    assert frames.shape == (FRAMES, 40) and states.shape == (FRAMES, 64) and per_frame.shape == (FRAMES, 10)
    assert over_time(model, clip)[2] is not per_frame  # a second call reuses the compiled model, fresh output
    answer = wrap_model(model).predict_one(clip)
    logits = np.log(per_frame)
    mean_logits = logits.mean(axis=0)
    expected = np.exp(mean_logits - mean_logits.max())
    np.testing.assert_allclose(expected / expected.sum(), answer, atol=1e-4)
