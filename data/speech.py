"""The bundled spoken digits: synthesized "zero".."nine" and "líng".."jiǔ", split by voice.

``data/files/speech_digits.npz`` (built by ``tools/build_speech_digits.py``) holds clean synthesized
clips of the ten digits. espeak-ng 1.51 says them in English and in Mandarin with 20 voice variants at
3 speeds and 3 pitches; seven English voices of flite and Festival, made from recordings of real
people, add the same English words at 3 speeds and up to 3 pitches. All of it is synthetic speech, not
recordings of people: real speakers, rooms and microphones differ (data/README.md).

The split is by voice, so the test score says how the model does on voices it never heard:

| split | voices | English clips | Mandarin clips |
|---|---|---|---|
| train | the other 15 espeak-ng variants and 6 flite / Festival voices | 1,830 | 1,350 |
| validation | espeak-ng m8 (male), f5 (female) | 180 | 180 |
| test | espeak-ng m7 (male), linda and grandma (female); flite rms (male) | 300 | 270 |

The clips are clean; ``data.speech_augment.augment`` makes them sound more like real recordings at
training time. Nothing loads at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from data.speech_format import LANGUAGES
from data.splits import Splits

CORPUS_FILE = Path(__file__).with_name("files") / "speech_digits.npz"
# A male and two female espeak-ng variants, none a near copy of a training one, and flite's rms, the one
# flite / Festival speaker with no other voice in the corpus.
TEST_VARIANTS = ("m7", "linda", "grandma", "flite-rms")
VALIDATION_VARIANTS = ("m8", "f5")  # held out too, so the validation curve also measures unseen voices
SHUFFLE_SEED = 1  # the file is sorted by voice; each split is shuffled once so any prefix mixes voices
MU = 255  # mu-law constant of the stored clips (G.711's value): 8 bits keep about 38 dB of dynamic range
MU_LEVELS = 127  # codes 1..255 around 128, so silence is stored and decoded as exactly 0


@dataclass(frozen=True)
class ClipInfo:
    """Who said each clip, and how: one entry per clip, aligned with the waveforms."""

    language: np.ndarray  # "en" or "zh"
    engine: np.ndarray  # "espeak-ng", "flite" or "festival"
    variant: np.ndarray  # the voice: an espeak-ng variant ("m1", "klatt"), or "flite-awb", "festival-ked_diphone"
    group: np.ndarray  # "male", "female" or "other": espeak-ng's `gender` line, or the recorded speaker's
    speaker: np.ndarray  # whom a flite / Festival voice was made from ("kal", "slt"); an espeak-ng variant's own name
    speed: np.ndarray  # espeak-ng: -s in words per minute; flite and Festival: duration in % of the voice's own
    pitch: np.ndarray  # espeak-ng: -p, 0..99 (50 = own); flite and Festival: target mean in Hz (0 = own)

    def take(self, index: np.ndarray) -> ClipInfo:
        """The entries at ``index``, read-only."""
        return ClipInfo(*(_read_only(getattr(self, name)[index]) for name in self.__dataclass_fields__))


@dataclass(frozen=True)
class SpeechData(Splits):
    """Train, validation and test clips: float32 (N, CLIP_SAMPLES) in [-1, 1], uint8 digits, and who said them."""

    info_train: ClipInfo
    info_val: ClipInfo
    info_test: ClipInfo
    languages: tuple[str, ...]


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False  # shared by every visitor: accidental writes fail loudly
    return array


def encode_mu_law(signal: np.ndarray) -> np.ndarray:
    """Store float samples in [-1, 1] as uint8 mu-law codes: fine steps for quiet sounds, coarse for loud ones."""
    signal = np.clip(np.asarray(signal, dtype=np.float64), -1.0, 1.0)
    compressed = np.sign(signal) * np.log1p(MU * np.abs(signal)) / np.log1p(MU)
    return (np.rint(compressed * MU_LEVELS) + 128).astype(np.uint8)


def decode_mu_law(codes: np.ndarray) -> np.ndarray:
    """The float32 samples in [-1, 1] that ``encode_mu_law`` stored."""
    compressed = (np.arange(256) - 128) / MU_LEVELS
    levels = (np.sign(compressed) * np.expm1(np.abs(compressed) * np.log1p(MU)) / MU).astype(np.float32)
    return levels[np.asarray(codes, dtype=np.uint8)]  # a table lookup: far quicker than expm1 per sample


def _validate_languages(languages: str | Iterable[str]) -> tuple[str, ...]:
    languages = (languages,) if isinstance(languages, str) else tuple(languages)
    chosen = tuple(lang for lang in LANGUAGES if lang in set(languages))
    unknown = set(languages) - set(LANGUAGES)
    if unknown or not chosen:
        raise ValueError(f"languages must be a non-empty subset of {LANGUAGES}, got {tuple(languages)}")
    return chosen


@lru_cache(maxsize=1)
def _read_info() -> ClipInfo:
    with np.load(CORPUS_FILE) as f:
        return ClipInfo(*(_read_only(f[name]) for name in ClipInfo.__dataclass_fields__))


@lru_cache(maxsize=None)
def _load(languages: tuple[str, ...]) -> SpeechData:
    info = _read_info()
    with np.load(CORPUS_FILE) as f:
        codes, digits = f["clips"], f["digit"]
    chosen = np.isin(info.language, languages)
    held_out = (*TEST_VARIANTS, *VALIDATION_VARIANTS)
    splits = {"train": chosen & ~np.isin(info.variant, held_out),
              "val": chosen & np.isin(info.variant, VALIDATION_VARIANTS),
              "test": chosen & np.isin(info.variant, TEST_VARIANTS)}
    rng = np.random.default_rng(SHUFFLE_SEED)
    parts = {}
    for name, mask in splits.items():
        index = rng.permutation(np.flatnonzero(mask))
        parts[f"x_{name}"] = _read_only(decode_mu_law(codes[index]))
        parts[f"y_{name}"] = _read_only(digits[index])
        parts[f"info_{name}"] = info.take(index)
    return SpeechData(**parts, source="bundled", languages=languages)


def load_speech(languages: str | Iterable[str] = LANGUAGES) -> SpeechData:
    """Load the bundled spoken digits of ``languages`` ("en", "zh" or both), split by voice variant (cached)."""
    return _load(_validate_languages(languages))


def describe_corpus() -> dict:
    """Counts for the data notes: clips per language and per split, and each split's voices with their group and engine."""
    info = _read_info()
    held_out = (*TEST_VARIANTS, *VALIDATION_VARIANTS)
    variants = sorted(set(info.variant.tolist()), key=str.lower)
    split_variants = {"train": [v for v in variants if v not in held_out],
                      "validation": list(VALIDATION_VARIANTS), "test": list(TEST_VARIANTS)}
    groups = {v: str(info.group[info.variant == v][0]) for v in variants}
    engines = {v: str(info.engine[info.variant == v][0]) for v in variants}
    return {
        "clips_per_language": {lang: int(np.sum(info.language == lang)) for lang in LANGUAGES},
        "clips_per_split": {split: int(np.isin(info.variant, names).sum()) for split, names in split_variants.items()},
        "variants": split_variants,
        "groups": groups,
        "engines": engines,
    }
