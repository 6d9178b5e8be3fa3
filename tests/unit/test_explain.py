"""Feature maps and occlusion maps on the shipped digit CNN."""

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
