"""How accuracy holds up when inputs get worse: noisy, rotated or partly hidden images, and speech in noise.

Each perturbation maps a batch and a strength to a perturbed batch (strength 0 leaves it untouched)
and draws any randomness from the caller's generator, so a curve can be repeated exactly.
``accuracy_curve`` scores a classifier at every strength. Images are floats in [0, 1], (N, H, W) grey
or (N, H, W, 3) colour; speech is (N, samples) waveforms.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.ndimage import rotate

Perturb = Callable[[np.ndarray, float, np.random.Generator], np.ndarray]


def add_gaussian_noise(images: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Add pixel noise of standard deviation ``sigma`` (on the 0–1 scale), clipped back to [0, 1]."""
    if sigma == 0:
        return np.asarray(images, dtype=np.float32)
    noisy = images + rng.normal(0.0, sigma, size=np.shape(images))
    return np.clip(noisy, 0.0, 1.0).astype(np.float32)


def rotate_images(images: np.ndarray, degrees: float, rng: np.random.Generator) -> np.ndarray:
    """Turn every image by ``degrees`` about its centre, corners filled with black (the background)."""
    if degrees == 0:
        return np.asarray(images, dtype=np.float32)
    turned = rotate(np.asarray(images, dtype=np.float32), degrees, axes=(1, 2), reshape=False, order=1,
                    mode="constant", cval=0.0)
    return np.clip(turned, 0.0, 1.0)


def occlude_images(images: np.ndarray, side: float, rng: np.random.Generator) -> np.ndarray:
    """Cover a grey square of ``side`` pixels at a random place in each image, the same for every channel."""
    side = int(side)
    images = np.array(images, dtype=np.float32)
    if side <= 0:
        return images
    height, width = images.shape[1:3]
    side = min(side, height, width)
    tops = rng.integers(0, height - side + 1, size=len(images))
    lefts = rng.integers(0, width - side + 1, size=len(images))
    for image, top, left in zip(images, tops, lefts):
        image[top: top + side, left: left + side] = 0.5
    return images


def add_speech_noise(waveforms: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """White noise so each clip's speech is ``snr_db`` dB above it; ``inf`` leaves the clips clean."""
    from data.speech_augment import add_noise

    if np.isinf(snr_db):
        return np.asarray(waveforms, dtype=np.float32)
    return add_noise(np.asarray(waveforms, dtype=np.float32), snr_db, rng)


def accuracy_curve(predict_batch: Callable[[np.ndarray], np.ndarray], x: np.ndarray, y: np.ndarray,
                   perturb: Perturb, strengths: list[float], seed: int = 0) -> list[float]:
    """Accuracy of ``predict_batch`` on ``x`` perturbed at each of ``strengths``, one seeded generator per
    strength so adding a point to the curve does not change the others."""
    accuracies = []
    for i, strength in enumerate(strengths):
        rng = np.random.default_rng([seed, i])
        predicted = np.asarray(predict_batch(perturb(x, strength, rng))).argmax(axis=1)
        accuracies.append(float((predicted == np.asarray(y)).mean()))
    return accuracies
