"""The one audio format every speech part of NeuralStage agrees on: 8 kHz mono float clips of one second.

8 kHz keeps the bundled corpus small and matches the Free Spoken Digit Dataset; a spoken digit
("seven", "qī") fits in well under a second. Whatever comes in (a microphone, a file, the corpus) is
brought to exactly ``CLIP_SAMPLES`` samples by ``fit_to_clip`` before a model sees it.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 8000  # samples per second
CLIP_SECONDS = 1.0  # every model input lasts this long
CLIP_SAMPLES = int(SAMPLE_RATE * CLIP_SECONDS)
DIGITS = tuple(range(10))
LANGUAGES = ("en", "zh")


def fit_to_clip(signal: np.ndarray, length: int = CLIP_SAMPLES) -> np.ndarray:
    """A float32 clip of exactly ``length`` samples: a shorter signal is centred in silence, a longer
    one is cut to the ``length`` samples around its centre."""
    signal = np.asarray(signal, dtype=np.float32).reshape(-1)
    if len(signal) >= length:
        start = (len(signal) - length) // 2
        return signal[start: start + length].copy()
    clip = np.zeros(length, dtype=np.float32)
    start = (length - len(signal)) // 2
    clip[start: start + len(signal)] = signal
    return clip
