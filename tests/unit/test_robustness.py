"""Perturbations for the robustness curves, and the curve itself, on tiny exact inputs."""

import numpy as np
import pytest

from core.robustness import (accuracy_curve, add_gaussian_noise, add_speech_noise, occlude_images,
                             rotate_images)


def bar_images(count: int = 4) -> np.ndarray:
    images = np.zeros((count, 9, 9), dtype=np.float32)
    images[:, 4, :] = 1.0  # a horizontal bar through the centre
    return images


def test_strength_zero_leaves_images_untouched():
    rng = np.random.default_rng(0)
    images = bar_images()
    for perturb in (add_gaussian_noise, rotate_images, occlude_images):
        np.testing.assert_array_equal(perturb(images, 0, rng), images)


def test_noise_has_the_asked_spread_and_stays_in_range():
    flat = np.full((20, 28, 28), 0.5, dtype=np.float32)
    noisy = add_gaussian_noise(flat, 0.1, np.random.default_rng(0))
    assert noisy.min() >= 0 and noisy.max() <= 1
    assert np.std(noisy - flat) == pytest.approx(0.1, rel=0.05)


def test_rotating_by_ninety_degrees_turns_the_bar_upright():
    turned = rotate_images(bar_images(1), 90, np.random.default_rng(0))[0]
    np.testing.assert_allclose(turned[:, 4], 1.0, atol=1e-5)
    assert turned[4].sum() == pytest.approx(1.0, abs=1e-5)  # only the centre pixel of the old row is left


def test_occlusion_covers_exactly_one_grey_square_per_image_and_channel():
    images = np.zeros((3, 8, 8, 3), dtype=np.float32)
    covered = occlude_images(images, 3, np.random.default_rng(1))
    assert np.all((covered == 0.5).sum(axis=(1, 2)) == 9)
    assert images.max() == 0  # the input is not changed in place


def test_speech_noise_reaches_the_asked_signal_to_noise_ratio():
    t = np.arange(8000) / 8000
    clips = np.stack([0.5 * np.sin(2 * np.pi * 440 * t)] * 4).astype(np.float32)
    noisy = add_speech_noise(clips, 10.0, np.random.default_rng(0))
    snr = 10 * np.log10(np.mean(clips ** 2) / np.mean((noisy - clips) ** 2))
    assert snr == pytest.approx(10.0, abs=0.2)
    np.testing.assert_array_equal(add_speech_noise(clips, np.inf, np.random.default_rng(0)), clips)


def test_accuracy_curve_scores_each_strength_and_repeats_exactly():
    images = bar_images(50)
    labels = np.zeros(50, dtype=int)

    def says_bar_when_centre_is_bright(batch):  # class 0 while the centre pixel stays lit
        lit = batch[:, 4, 4] > 0.5
        return np.stack([lit, ~lit], axis=1).astype(float)

    curve = accuracy_curve(says_bar_when_centre_is_bright, images, labels, occlude_images, [0, 9])
    assert curve == [1.0, 0.0]  # a 9-pixel square greys the whole image: centre 0.5 is not above 0.5
    noisy = accuracy_curve(says_bar_when_centre_is_bright, images, labels, add_gaussian_noise, [0, 0.5], seed=3)
    assert noisy == accuracy_curve(says_bar_when_centre_is_bright, images, labels, add_gaussian_noise, [0, 0.5], seed=3)
    assert noisy[0] == 1.0 and 0.0 < noisy[1] < 1.0
