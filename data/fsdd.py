"""The Free Spoken Digit Dataset (FSDD): real people saying the English digits, online only.

Jakobovski et al., CC BY-SA 4.0: 3,000 recordings at 8 kHz, six speakers each saying every digit
50 times, stored as ``recordings/<digit>_<speaker>_<n>.wav``. It is never bundled: the GitHub archive
of ``FSDD_VERSION`` is downloaded once into the Keras cache (``$KERAS_HOME/datasets/fsdd``) and read
from there afterwards, even offline. Each recording goes through ``core.audio.prepare_clip``, exactly
like a recording made on the speech page, so the models hear the same kind of clip either way.

The split is by speaker, so the test score says how a model does on a voice it never heard:

| split | speakers | clips |
|---|---|---|
| train | george, jackson, lucas, yweweler | 2,000 |
| validation | nicolas | 500 |
| test | theo | 500 |

Nothing loads or downloads at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.network import probe_network
from data.images import keras_cache_dir
from data.splits import Splits

FSDD_VERSION = "1.0.10"  # a tagged release, so every download holds the same recordings
FSDD_URL = f"https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v{FSDD_VERSION}.tar.gz"
FSDD_PROBE_HOST = ("github.com", 443)  # where the archive comes from, rather than keras.datasets' host
CACHE_NAME = "fsdd"  # folder under the Keras cache that keras.utils.get_file extracts the archive into
ARCHIVE_FOLDER = f"free-spoken-digit-dataset-{FSDD_VERSION}"  # the archive's top folder
TEST_SPEAKERS = ("theo",)  # held out for the final score
VALIDATION_SPEAKERS = ("nicolas",)  # held out too, so the validation curve also measures an unseen voice
SHUFFLE_SEED = 1  # the files are read sorted by name; each split is shuffled once so any prefix mixes digits


def fsdd_dir() -> Path:
    """Where the extracted archive lives: ``$KERAS_HOME/datasets/fsdd`` (read when called, not at import)."""
    return keras_cache_dir() / CACHE_NAME


def recordings_dir() -> Path:
    """The folder of ``<digit>_<speaker>_<n>.wav`` files inside the extracted archive."""
    return fsdd_dir() / ARCHIVE_FOLDER / "recordings"


def fsdd_cached() -> bool:
    """True when the recordings lie in the Keras cache already, so loading needs no network."""
    folder = recordings_dir()
    return folder.is_dir() and any(folder.glob("*.wav"))


def fsdd_unavailable_reason() -> str | None:
    """None when FSDD can be loaded now, else the translation key of why not.

    Asking when it is not cached probes the network (up to 3 s); ``NEURALSTAGE_OFFLINE`` makes the probe fail.
    """
    if fsdd_cached() or probe_network(FSDD_PROBE_HOST):
        return None
    return "error.fsdd_offline"


def _download() -> None:
    from core.devices import load_keras

    cache = keras_cache_dir()
    load_keras().utils.get_file(CACHE_NAME, FSDD_URL, extract=True, cache_dir=str(cache.parent),
                                cache_subdir=cache.name)


def _speaker(name: str) -> str:
    return Path(name).stem.split("_")[1]


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False  # shared by every visitor: accidental writes fail loudly
    return array


@lru_cache(maxsize=1)
def load_fsdd() -> Splits:
    """Train, validation and test clips of FSDD: float32 (N, 8000), uint8 digits, split by speaker (cached).

    Downloads the archive once when it is not cached; raises ``UserError("error.fsdd_offline")`` when it
    can be neither read nor downloaded.
    """
    from core.audio import read_labelled_clips

    reason = fsdd_unavailable_reason()
    if reason is not None:
        raise UserError(reason)
    if not fsdd_cached():
        _download()
    clips, labels, names, _skipped = read_labelled_clips(recordings_dir())  # silent or broken files are left out
    speakers = np.array([_speaker(name) for name in names])
    held_out = (*TEST_SPEAKERS, *VALIDATION_SPEAKERS)
    masks = {"train": ~np.isin(speakers, held_out), "val": np.isin(speakers, VALIDATION_SPEAKERS),
             "test": np.isin(speakers, TEST_SPEAKERS)}
    rng = np.random.default_rng(SHUFFLE_SEED)
    parts = {}
    for split, mask in masks.items():
        index = rng.permutation(np.flatnonzero(mask))
        parts[f"x_{split}"] = _read_only(clips[index].astype(np.float32))
        parts[f"y_{split}"] = _read_only(labels[index].astype(np.uint8))
    return Splits(**parts, source="fsdd")
