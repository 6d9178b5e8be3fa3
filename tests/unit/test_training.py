"""Training settings, seeding and a smoke test that the weights move and the loss stays finite."""

import numpy as np
import pytest

from core.errors import UserError
from core.tasks import ImageJobSpec, train_classifier
from core.training import MAX_EPOCHS, TrainConfig
from models.mnist_mlp import MLPConfig

TINY = ImageJobSpec(model=MLPConfig(hidden_units=(16,), shift_pixels=1),
                    train=TrainConfig(epochs=2, batch_size=32, learning_rate=0.01, seed=7), train_limit=512)


@pytest.mark.parametrize("config", [
    TrainConfig(epochs=0), TrainConfig(epochs=MAX_EPOCHS + 1), TrainConfig(batch_size=4),
    TrainConfig(learning_rate=5.0), TrainConfig(optimizer="adagrad"), TrainConfig(label_smoothing=0.7),
])
def test_out_of_range_training_settings_are_refused(config):
    with pytest.raises(UserError) as caught:
        config.validate()
    assert caught.value.key.startswith("error.")


def test_training_learns_and_repeats_with_the_same_seed():
    first = train_classifier(TINY)
    second = train_classifier(TINY)
    losses = first["history"]["loss"]
    assert len(losses) == 2 and all(np.isfinite(losses))
    assert losses[1] < losses[0]
    assert first["test_accuracy"] > 0.5  # 512 digits and two epochs already beat chance (0.1) by far
    np.testing.assert_allclose(first["history"]["loss"], second["history"]["loss"], rtol=1e-5)
    np.testing.assert_allclose(first["model"].get_weights()[0], second["model"].get_weights()[0], atol=1e-6)


def test_label_smoothing_path_reports_accuracy():
    spec = ImageJobSpec(model=MLPConfig(hidden_units=(16,)),
                        train=TrainConfig(epochs=1, batch_size=128, label_smoothing=0.1), train_limit=256)
    result = train_classifier(spec)
    assert 0.0 <= result["history"]["val_accuracy"][0] <= 1.0
    assert result["test_probabilities"].shape == (2000, 10)


def test_job_spec_is_checked_before_anything_is_queued():
    from core.tasks import make_training_work

    with pytest.raises(UserError) as caught:
        make_training_work(ImageJobSpec(model=MLPConfig(hidden_units=(5000,)), train=TrainConfig()))
    assert caught.value.key == "error.units"
    with pytest.raises(UserError):
        make_training_work(ImageJobSpec(model=MLPConfig(), train=TrainConfig(), data_source="imagenet"))
