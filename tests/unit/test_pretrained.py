"""The shipped MNIST model loads offline and scores what its card says on the bundled test split."""

import numpy as np
import pytest

from core.inference import load_pretrained, pretrained_path
from core.metrics import report_classifier
from data.mnist import load_bundled_mnist, to_model_input


@pytest.fixture(scope="module")
def shipped():
    return load_pretrained("mnist_mlp")


def test_card_accuracy_holds_within_half_a_point(shipped):
    data = load_bundled_mnist()
    report = report_classifier(data.y_test, shipped.predict_batch(to_model_input(data.x_test)))
    assert shipped.card["split"]["test"] == len(data.y_test) == 2000
    assert abs(report.accuracy - shipped.card["test_accuracy"]) <= 0.005
    assert report.accuracy >= 0.97


def test_compiled_single_prediction_matches_keras(shipped):
    x = to_model_input(load_bundled_mnist().x_test[:5])
    expected = np.asarray(shipped.model(x, training=False))
    np.testing.assert_allclose(np.stack([shipped.predict_one(d) for d in x]), expected, atol=1e-5)


def test_card_describes_the_model():
    card = load_pretrained("mnist_mlp").card
    for field in ("data", "split", "epochs", "test_accuracy", "date", "keras_version", "backend"):
        assert field in card
    assert pretrained_path("mnist_mlp").stat().st_size < 5_000_000
