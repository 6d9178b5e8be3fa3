"""CIFAR-10 from a tiny copy laid out exactly as keras.datasets.cifar10 leaves it in the Keras cache.

The copy holds 5 × 20 training and 20 test photos of random pixels in the real "python version"
batch format, so loading, the unavailable reasons and a one-epoch training run are checked with the
network switched off (tests/conftest.py sets NEURALSTAGE_OFFLINE=1 and an empty KERAS_HOME).
"""

import pickle

import numpy as np
import pytest

from core.errors import UserError
from core.tasks import ImageJobSpec, train_classifier
from core.training import TrainConfig
from data.images import (CIFAR10_BATCHES_DIR, full_cached, load_full, load_images, read_cifar_batch,
                         sources_for, unavailable_reason)
from models.image_cnn import PRESETS, CNNConfig
from models.mnist_mlp import MLPConfig

PER_BATCH = 20  # two photos of each class in every batch


def write_batch(path, rows: np.ndarray, labels: list[int]) -> None:
    """One batch file as the CIFAR-10 archive holds it: rows of red, green and blue 32×32 planes."""
    batch = {b"batch_label": path.name.encode(), b"labels": labels, b"data": rows,
             b"filenames": [f"{i}.png".encode() for i in range(len(labels))]}
    with open(path, "wb") as f:
        pickle.dump(batch, f, protocol=4)  # bytes keys stay bytes, as in the Python 2 original


@pytest.fixture
def cifar10_cache(tmp_path, monkeypatch):
    """A Keras cache holding an extracted tiny CIFAR-10; returns the test rows and labels written."""
    folder = tmp_path / "datasets" / CIFAR10_BATCHES_DIR
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    labels = [i % 10 for i in range(PER_BATCH)]
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        rows = rng.integers(0, 256, (PER_BATCH, 3 * 32 * 32), dtype=np.uint8)
        write_batch(folder / name, rows, labels)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    load_full.cache_clear()
    yield rows, labels  # the test batch, written last
    load_full.cache_clear()


def test_cached_cifar10_loads_offline_as_flat_labels_and_colour_images(cifar10_cache):
    rows, labels = cifar10_cache
    assert full_cached("cifar10") and unavailable_reason("cifar10", "full") is None
    data = load_images("cifar10", "full")
    assert data.source == "full"
    assert data.sizes == {"train": 90, "validation": 10, "test": 20}
    assert data.x_train.shape == (90, 32, 32, 3) and data.x_train.dtype == np.uint8
    assert data.y_train.shape == (90,) and data.y_train.dtype == np.uint8
    assert np.bincount(data.y_val, minlength=10).tolist() == [1] * 10  # stratified
    # Pixel (row 5, column 7) of photo 3 is byte 5·32+7 of each colour plane.
    assert data.x_test[3, 5, 7].tolist() == [rows[3, 5 * 32 + 7], rows[3, 1024 + 5 * 32 + 7],
                                             rows[3, 2048 + 5 * 32 + 7]]
    assert data.y_test.tolist() == labels
    assert not data.x_test.flags.writeable


def test_without_a_cached_copy_cifar10_is_unavailable_offline():
    assert sources_for("cifar10") == ("full",) and sources_for("mnist") == ("bundled", "full")
    assert not full_cached("cifar10")
    assert unavailable_reason("cifar10", "full") == "error.full_cifar10_offline"
    assert unavailable_reason("cifar10", "bundled") == "error.no_bundled_cifar10"
    assert unavailable_reason("mnist", "full") == "error.full_mnist_offline"
    assert unavailable_reason("fashion", "bundled") is None
    for source, key in [("full", "error.full_cifar10_offline"), ("bundled", "error.no_bundled_cifar10")]:
        with pytest.raises(UserError) as caught:
            load_images("cifar10", source)
        assert caught.value.key == key
    with pytest.raises(UserError):
        unavailable_reason("cifar10", "imagenet")


def test_a_batch_file_that_would_run_code_is_refused(tmp_path):
    import os

    path = tmp_path / "data_batch_1"
    with open(path, "wb") as f:
        pickle.dump({b"data": os.getcwd, b"labels": []}, f, protocol=4)
    with pytest.raises(pickle.UnpicklingError):
        read_cifar_batch(path)


def test_job_spec_adapts_the_model_to_the_data_set_and_refuses_bundled_cifar10():
    spec = ImageJobSpec(model=PRESETS["cnn3"].model, data_source="full", dataset="cifar10")
    assert spec.model.input_shape == (32, 32, 3) and PRESETS["cnn3"].model.input_shape == (28, 28)
    assert spec.task == "cifar10-cnn"
    assert spec.to_dict()["model"]["input_shape"] == [32, 32, 3]
    spec.validate()
    assert ImageJobSpec(model=MLPConfig(input_shape=(32, 32, 3))).model.input_shape == (28, 28)
    with pytest.raises(UserError) as caught:
        ImageJobSpec(model=MLPConfig(), dataset="cifar10").validate()  # "bundled" is the default source
    assert caught.value.key == "error.no_bundled_cifar10"
    # Three 5×5 blocks fit a 32×32 photo (32→28→14→10→5→1) but not a 28×28 digit (…→4→0).
    deep = CNNConfig(filters=(8, 8, 8), kernel_size=5, pool_after=(True, True, False))
    ImageJobSpec(model=deep, data_source="full", dataset="cifar10").validate()
    with pytest.raises(UserError) as caught:
        ImageJobSpec(model=deep).validate()
    assert caught.value.key == "error.too_small" and caught.value.params["size"] == "28×28"


@pytest.mark.parametrize("model", [
    CNNConfig(filters=(4,), pool_after=(True,), dense_units=0, shift_pixels=1, rotation=0.02),
    MLPConfig(hidden_units=(8,), shift_pixels=1),
])
def test_one_epoch_on_the_cached_copy_trains_a_colour_model(cifar10_cache, model):
    spec = ImageJobSpec(model=model, train=TrainConfig(epochs=1, batch_size=16, seed=3), data_source="full",
                        train_limit=64, dataset="cifar10")
    result = train_classifier(spec)
    assert result["model"].input_shape == (None, 32, 32, 3)
    assert np.isfinite(result["history"]["loss"]).all()
    assert result["test_probabilities"].shape == (20, 10)
    assert result["data_sizes"] == {"train": 64, "validation": 10, "test": 20}
    assert result["data_source"] == "full"
