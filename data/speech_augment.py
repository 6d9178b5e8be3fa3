"""Augmentation of the bundled spoken digits: making clean synthesized clips sound like recordings.

``augment`` makes each clip a little faster or slower, places it anywhere in the second, sends it
through a coloured channel and a small room, adds noise and changes its level, so a model trained on
espeak-ng's studio-clean voices copes with real microphones, rooms and speakers. Every draw comes
from the caller's random generator, so a training run is repeatable from its seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from data.speech_format import CLIP_SAMPLES, SAMPLE_RATE


@dataclass(frozen=True)
class AugmentConfig:
    """How far each augmentation may go; every draw is uniform within its range."""

    rate_range: tuple[float, float] = (0.9, 1.1)  # playback speed: people say a digit 10 % faster or slower
    snr_db_range: tuple[float, float] = (5.0, 30.0)  # speech over noise: a busy room (5 dB) to a quiet one
    gain_db_range: tuple[float, float] = (-12.0, 0.0)  # microphones and speakers differ in level
    filter_probability: float = 0.5  # chance of each of low-pass, high-pass and peaking EQ on a copy
    reverb_probability: float = 0.5  # chance of a small room around a copy
    t60_range: tuple[float, float] = (0.05, 0.3)  # reverberation time in seconds: a car to a living room


AUGMENT = AugmentConfig()
RATE_STEP = 0.01  # speeds are drawn on a 1 % grid so clips of one speed are resampled together
CHUNK = 256  # clips augmented at once: bounds the temporary float64 arrays to a few tens of MB


def change_speed(waveforms: np.ndarray, rate: float) -> np.ndarray:
    """Play ``waveforms`` (last axis: time) ``rate`` times as fast, like a tape: duration / rate, pitch × rate.

    Speakers differ in tempo and voice pitch; resampling changes both at once, which is what a ±10 %
    change of speaking speed roughly does too. The result is ``round(length / rate)`` samples long.
    """
    from scipy.signal import resample_poly

    ratio = Fraction(rate).limit_denominator(100)
    return resample_poly(waveforms, ratio.denominator, ratio.numerator, axis=-1).astype(np.float32)


def fit_rows(waveforms: np.ndarray, length: int = CLIP_SAMPLES) -> np.ndarray:
    """``fit_to_clip`` for every row of a 2-D batch at once: centred in silence, or cut to the centre."""
    size = waveforms.shape[-1]
    if size >= length:
        return waveforms[:, (size - length) // 2: (size - length) // 2 + length]
    clips = np.zeros((len(waveforms), length), np.float32)
    clips[:, (length - size) // 2: (length - size) // 2 + size] = waveforms
    return clips


def change_speeds(waveforms: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Each clip at its own speed from ``rates`` (one per row), fitted back to the clip length.

    Rates are rounded to ``RATE_STEP`` so each distinct rate is one vectorised ``resample_poly`` call.
    """
    rates = np.round(np.asarray(rates) / RATE_STEP) * RATE_STEP
    out = np.empty_like(waveforms, dtype=np.float32)
    for rate in np.unique(rates):
        rows = rates == rate
        out[rows] = fit_rows(change_speed(waveforms[rows], float(rate)), waveforms.shape[-1])
    return out


def speech_span(waveforms: np.ndarray, floor: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """First and last sample of each row louder than ``floor`` × the row's peak: where the word is."""
    loud = np.abs(waveforms) > floor * np.abs(waveforms).max(axis=-1, keepdims=True)
    length = waveforms.shape[-1]
    first = np.where(loud.any(axis=-1), loud.argmax(axis=-1), 0)
    last = np.where(loud.any(axis=-1), length - 1 - loud[:, ::-1].argmax(axis=-1), length - 1)
    return first, last


def place_randomly(waveforms: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move each word to a random place in its clip, never cutting it.

    Every corpus clip has its word in the middle; a person presses record and speaks a little early
    or late, and a model should not depend on where in the second the word starts.
    """
    first, last = speech_span(waveforms)
    length = waveforms.shape[-1]
    shift = np.floor(rng.uniform(-first, length - last)).astype(int)
    source = (np.arange(length) - shift[:, None]) % length  # the shifted-out part is silence
    return np.take_along_axis(waveforms, source, axis=-1)


def make_noise(shape: tuple[int, int], exponents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise whose power falls as 1/f^exponent per row: 0 white (hiss), 1 pink, 2 brown (rumble).

    Real background noise is rarely white: fans and traffic put most of their power at low frequencies.
    Each row has unit power.
    """
    spectrum = np.fft.rfft(rng.standard_normal(shape), axis=-1)
    freqs = np.fft.rfftfreq(shape[-1], d=1.0 / SAMPLE_RATE)
    freqs[0] = freqs[1]  # no infinite gain at 0 Hz
    spectrum *= freqs ** (-np.asarray(exponents, dtype=float)[:, None] / 2)
    noise = np.fft.irfft(spectrum, n=shape[-1], axis=-1)
    noise -= noise.mean(axis=-1, keepdims=True)
    return noise / np.sqrt(np.mean(noise ** 2, axis=-1, keepdims=True))


def speech_power(waveforms: np.ndarray) -> np.ndarray:
    """Mean power of each row over its word (from first to last audible sample), not over the padding.

    A signal-to-noise ratio means speech against noise while someone speaks; averaging in the
    silence around a short word would make every clip sound noisier than asked for.
    """
    first, last = speech_span(waveforms)
    inside = (np.arange(waveforms.shape[-1]) >= first[:, None]) & (np.arange(waveforms.shape[-1]) <= last[:, None])
    return np.sum(np.where(inside, waveforms, 0.0) ** 2, axis=-1) / np.maximum(inside.sum(axis=-1), 1)


def add_noise(waveforms: np.ndarray, snr_db: np.ndarray | float, rng: np.random.Generator,
              exponents: np.ndarray | float = 0.0) -> np.ndarray:
    """Add coloured noise (see ``make_noise``) so each row's speech is ``snr_db`` dB above it."""
    count = len(waveforms)
    noise = make_noise(waveforms.shape, np.broadcast_to(exponents, (count,)), rng)
    noise_power = speech_power(waveforms) / 10 ** (np.broadcast_to(snr_db, (count,)) / 10)
    return (waveforms + noise * np.sqrt(noise_power)[:, None]).astype(np.float32)


def design_biquad(kind: str, frequency: float, q: float = 0.707, gain_db: float = 0.0) -> np.ndarray:
    """One second-order section (b0, b1, b2, 1, a1, a2) of the Audio EQ Cookbook (R. Bristow-Johnson).

    ``kind`` is "lowpass", "highpass" or "peaking"; ``frequency`` in Hz at ``SAMPLE_RATE``. These three
    shapes describe most of what a cheap microphone, a phone line or a small speaker does to a voice.
    """
    w0 = 2 * np.pi * frequency / SAMPLE_RATE
    alpha, cos_w0 = np.sin(w0) / (2 * q), np.cos(w0)
    if kind == "lowpass":
        b = [(1 - cos_w0) / 2, 1 - cos_w0, (1 - cos_w0) / 2]
        a = [1 + alpha, -2 * cos_w0, 1 - alpha]
    elif kind == "highpass":
        b = [(1 + cos_w0) / 2, -(1 + cos_w0), (1 + cos_w0) / 2]
        a = [1 + alpha, -2 * cos_w0, 1 - alpha]
    elif kind == "peaking":
        amp = 10 ** (gain_db / 40)
        b = [1 + alpha * amp, -2 * cos_w0, 1 - alpha * amp]
        a = [1 + alpha / amp, -2 * cos_w0, 1 - alpha / amp]
    else:
        raise ValueError(f"unknown filter kind {kind!r}")
    return np.array([*b, *a]) / a[0]


def random_channel(rng: np.random.Generator, probability: float) -> np.ndarray:
    """Random second-order sections for one copy: each of low-pass, high-pass and peaking EQ with ``probability``."""
    sections = [np.array([1.0, 0, 0, 1, 0, 0])]  # pass-through, so an empty draw still filters
    if rng.random() < probability:
        sections.append(design_biquad("lowpass", rng.uniform(1500, 3800)))  # narrowband phone to full band
    if rng.random() < probability:
        sections.append(design_biquad("highpass", rng.uniform(50, 400)))  # small speakers lose the bass
    if rng.random() < probability:
        sections.append(design_biquad("peaking", rng.uniform(200, 3000), rng.uniform(0.5, 2.0),
                                      rng.uniform(-10, 10)))  # a resonance or dip of the mic or the room
    return np.stack(sections)


def equalize(waveforms: np.ndarray, rng: np.random.Generator, probability: float = 0.5) -> np.ndarray:
    """Pass each row through its own ``random_channel``: the same word never sounds the same on two devices."""
    from scipy.signal import sosfilt

    return np.stack([sosfilt(random_channel(rng, probability), row) for row in waveforms]).astype(np.float32)


def make_room_response(t60: np.ndarray, rng: np.random.Generator, seconds: float = 0.3) -> np.ndarray:
    """Impulse responses (one per ``t60``): a direct sound, then noise decaying by 60 dB in ``t60`` seconds.

    Exponentially decaying noise is the classic stand-in for the late reverberation of a room.
    """
    times = np.arange(1, int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    tail = rng.standard_normal((len(t60), len(times))) * 10 ** (-3 * times / np.asarray(t60)[:, None])
    tail *= rng.uniform(0.1, 0.5, (len(t60), 1)) / np.sqrt(np.sum(tail ** 2, axis=-1, keepdims=True))
    return np.concatenate([np.ones((len(t60), 1)), tail], axis=-1)  # the tail is 6 to 20 dB below the direct sound


def add_reverb(waveforms: np.ndarray, t60: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each row as heard in a small room with reverberation time ``t60`` (seconds), at its former peak level."""
    from scipy.signal import fftconvolve

    wet = fftconvolve(waveforms, make_room_response(t60, rng), axes=-1)[:, : waveforms.shape[-1]]
    peak_before = np.abs(waveforms).max(axis=-1, keepdims=True)
    peak_after = np.maximum(np.abs(wet).max(axis=-1, keepdims=True), 1e-12)
    return (wet * peak_before / peak_after).astype(np.float32)


def _augment_chunk(clean: np.ndarray, rng: np.random.Generator, config: AugmentConfig) -> np.ndarray:
    count = len(clean)
    x = change_speeds(clean, rng.uniform(*config.rate_range, count))
    x = place_randomly(x, rng)
    x = equalize(x, rng, config.filter_probability)
    reverb = rng.random(count) < config.reverb_probability
    if reverb.any():
        x[reverb] = add_reverb(x[reverb], rng.uniform(*config.t60_range, reverb.sum()), rng)
    x = add_noise(x, rng.uniform(*config.snr_db_range, count), rng, rng.integers(0, 3, count))
    x *= 10 ** (rng.uniform(*config.gain_db_range, count)[:, None] / 20)
    return np.clip(x, -1.0, 1.0)


def augment(waveforms: np.ndarray, rng: np.random.Generator, copies: int = 1,
            config: AugmentConfig = AUGMENT) -> np.ndarray:
    """``copies`` randomly altered versions of each clip: (copies × N, CLIP_SAMPLES) float32 in [-1, 1].

    Row ``k × N + i`` is copy ``k`` of clip ``i``, so the labels are ``np.tile(labels, copies)``. The
    corpus clips are clean synthetic speech; this is what makes a model trained on them cope with
    noise, rooms, microphones and people who speak faster or slower. The originals are not included.
    """
    waveforms = np.asarray(waveforms, dtype=np.float32)
    if waveforms.ndim != 2 or copies < 1:
        raise ValueError(f"need waveforms (N, samples) and copies >= 1, got {waveforms.shape} and {copies}")
    out = np.tile(waveforms, (copies, 1))
    for start in range(0, len(out), CHUNK):
        out[start: start + CHUNK] = _augment_chunk(out[start: start + CHUNK], rng, config)
    return out
