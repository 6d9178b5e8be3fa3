"""Turn a recording someone made into the clip the speech models hear: 8 kHz mono, one second, the word centred.

A model trained on the bundled corpus only recognises a digit that reaches it the way the corpus
clips do (``data.speech_format``): one channel, 8000 samples per second, the word in the middle of
one second, loud but not over full scale. A microphone or a file gives anything else: 44.1 or
48 kHz, stereo, seconds of room noise around the word, too quiet or clipped. ``prepare_clip`` walks
through the steps and keeps each one (``ClipSteps``) so the page can show what the model was given.

Long recordings: when the speech found is longer than one clip, the loudest second is kept rather
than the recording refused, so someone who paused before speaking still gets an answer; only
recordings over ``MAX_SECONDS`` are refused, because they are almost certainly the wrong file.

Pure numpy, scipy and soundfile: no Keras, no Streamlit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from core.errors import UserError, check_upload_size
from data.speech_format import CLIP_SAMPLES, SAMPLE_RATE, fit_to_clip

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SECONDS = 60.0  # longer than any single spoken digit needs; refused before the samples are decoded
RATE_RANGE = (1000, 384_000)  # sample rates a recorder plausibly writes; outside them the header is wrong
# Decoded samples of all channels together, checked before decoding: MAX_SECONDS of 48 kHz stereo fit
# (5.8 million), while a 20 KB Ogg file declaring 32 channels would have taken over 1 GB.
MAX_DECODED_SAMPLES = 8_000_000
MAX_RATIO_DENOMINATOR = 1000  # keeps the resampling filter short for odd rates (a pitch error below 0.1 %)
FRAME_SECONDS = 0.01  # energy is measured over 10 ms frames, the hop of the models' spectrogram
SILENT_PEAK = 10 ** (-50 / 20)  # -50 dBFS: quieter than this, the microphone heard no one
SILENT_RMS = 10 ** (-60 / 20)  # -60 dBFS in the loudest frame: a lone click over silence is not speech
TRIM_FRACTION = 10 ** (-26 / 20)  # frames 26 dB below the loudest are room noise, not the word
TRIM_MARGIN_SECONDS = 0.05  # kept either side of the word so soft onsets ("s" in six) survive
TARGET_PEAK = 0.9  # peak level after normalising: loud, with headroom like the corpus clips
FULL_SCALE = 0.99  # a sample this close to ±1 was probably cut off by the recorder
MAX_LEVEL = 1000.0  # float samples are clipped here: 60 dB over full scale is damage, not sound
CLIPPED_FRACTION = 0.001  # more than 1 speech sample in 1000 at full scale: the recording is clipped
# Test-time augmentation: the answer averages the clip heard at these speeds. Playing a clip 10 %
# slower or faster also moves its pitch and formants by 10 %, the range vocal-tract-length perturbation
# uses for the spread between one adult's voice and another's, so a real voice unlike the synthesized
# ones lands near one of them. On the bundled real recordings it lifted three trained models from 81, 75
# and 81 % to 87.5 % each (docs/BENCHMARKS.md).
LISTEN_SPEEDS = (0.9, 1.0, 1.1)
CLIPPED_MIN_SAMPLES = 5  # fewer is a recording normalised to full scale by an editor, not distortion


@dataclass(frozen=True)
class ClipSteps:
    """Each stage a recording goes through on its way to the model, to show on screen.

    Arrays are float32. ``mono`` is at ``original_rate``; every later stage is at ``SAMPLE_RATE``.
    """

    original_rate: int  # samples per second of the recording
    original_seconds: float  # length of the whole recording
    mono: np.ndarray  # (n,) the channels averaged
    resampled: np.ndarray  # (m,) at SAMPLE_RATE
    trimmed: np.ndarray  # the speech found, with a margin; the loudest second when speech ran longer
    normalised: np.ndarray  # trimmed, scaled so that its peak is TARGET_PEAK
    model_input: np.ndarray  # (CLIP_SAMPLES,) normalised, centred in one second of silence
    speech_start: float  # where the trimmed part starts in the recording, in seconds
    trimmed_seconds: float  # length of the trimmed part, in seconds
    cut_to_loudest: bool  # the speech was longer than a clip: only its loudest second was kept
    peak: float  # largest absolute sample of the recording, before normalising (1.0 is full scale)
    gain: float  # factor applied by normalising
    clipped: bool  # many samples sit at full scale: the recording is distorted, the answer less sure


def decode_audio(payload: bytes) -> tuple[np.ndarray, int]:
    """Decode a WAV, FLAC or OGG file (anything libsndfile reads) into float32 samples (frames, channels)
    in [-1, 1] and its sample rate.

    Raises ``UserError``: empty or no samples, too large, too long, too many channels, not audio or
    damaged, or an impossible sample rate.
    """
    check_upload_size(payload, MAX_UPLOAD_BYTES, "audio")
    try:
        with sf.SoundFile(io.BytesIO(payload)) as audio:
            _check_rate(audio.samplerate)
            _check_length(audio.frames / audio.samplerate)  # before decoding: a small file can hold hours
            if audio.frames * audio.channels > MAX_DECODED_SAMPLES:  # ... or dozens of channels
                raise UserError("error.audio_too_many_samples", channels=audio.channels,
                                seconds=round(audio.frames / audio.samplerate, 1), max=MAX_DECODED_SAMPLES)
            samples = audio.read(dtype="float32", always_2d=True)
            rate = int(audio.samplerate)
    except UserError:
        raise
    except (sf.SoundFileError, RuntimeError, TypeError, ValueError, EOFError) as exc:
        raise UserError("error.audio_not_audio") from exc
    if samples.shape[0] == 0:
        raise UserError("error.audio_empty")
    return samples, rate


def prepare_clip(samples: np.ndarray, rate: int) -> ClipSteps:
    """Mono → SAMPLE_RATE → the speech trimmed out → peak-normalised → one centred clip.

    ``samples`` is (n,) or (n, channels), as ``decode_audio`` or a microphone gives it. Raises
    ``UserError`` for silence, a recording over ``MAX_SECONDS`` or an impossible rate.
    """
    _check_rate(rate)
    samples = np.nan_to_num(np.asarray(samples, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    # A damaged float file can hold samples near 3e38, which the resampling filter would turn into inf
    # and NaN; so far over full scale they are no sound anyway.
    samples = np.clip(samples, -MAX_LEVEL, MAX_LEVEL)
    mono = samples.mean(axis=1, dtype=np.float32) if samples.ndim == 2 else samples.reshape(-1)
    if len(mono) == 0:
        raise UserError("error.audio_empty")
    original_seconds = len(mono) / rate
    _check_length(original_seconds)
    peak = float(np.max(np.abs(mono)))

    resampled = resample(mono, rate)
    energy = measure_frame_rms(resampled)
    if peak < SILENT_PEAK or float(energy.max()) < SILENT_RMS:
        raise UserError("error.audio_silent")

    start, stop = find_speech(energy)
    cut_to_loudest = stop - start > CLIP_SAMPLES
    if cut_to_loudest:
        start = find_loudest_second(resampled, start, stop)
        stop = start + CLIP_SAMPLES
    trimmed = resampled[start:stop]
    trimmed_peak = float(np.max(np.abs(trimmed)))
    gain = TARGET_PEAK / trimmed_peak
    normalised = (trimmed * gain).astype(np.float32)

    speech_samples = (stop - start) * rate / SAMPLE_RATE  # the same stretch, counted at the original rate
    full_scale = np.count_nonzero(np.abs(mono) >= FULL_SCALE)
    return ClipSteps(
        original_rate=int(rate), original_seconds=original_seconds, mono=mono, resampled=resampled,
        trimmed=trimmed, normalised=normalised, model_input=fit_to_clip(normalised),
        speech_start=start / SAMPLE_RATE, trimmed_seconds=(stop - start) / SAMPLE_RATE,
        cut_to_loudest=bool(cut_to_loudest), peak=peak, gain=gain,
        clipped=bool(full_scale > max(CLIPPED_MIN_SAMPLES, CLIPPED_FRACTION * speech_samples)),
    )


def resample(signal: np.ndarray, rate: int) -> np.ndarray:
    """``signal`` at ``rate`` brought to SAMPLE_RATE by polyphase filtering, up·L then down·M with
    L/M = SAMPLE_RATE/rate in lowest terms (44.1 kHz: up 80, down 441); its anti-aliasing filter
    removes what lies above the new Nyquist frequency (4 kHz)."""
    ratio = Fraction(SAMPLE_RATE, int(rate)).limit_denominator(MAX_RATIO_DENOMINATOR)
    if ratio == 1:
        return np.asarray(signal, dtype=np.float32).copy()
    return resample_poly(signal, ratio.numerator, ratio.denominator).astype(np.float32)


def measure_frame_rms(signal: np.ndarray, frame: int = int(SAMPLE_RATE * FRAME_SECONDS)) -> np.ndarray:
    """Root-mean-square level of each ``frame``-sample stretch of ``signal``; the last one may be shorter."""
    count = -(-len(signal) // frame)
    padded = np.zeros(count * frame, dtype=np.float64)  # a damaged float file's 1e38 squares beyond float32
    padded[: len(signal)] = signal
    squares = np.square(padded).reshape(count, frame).sum(axis=1)
    lengths = np.full(count, frame, dtype=np.float64)
    lengths[-1] = len(signal) - (count - 1) * frame
    return np.sqrt(squares / lengths).astype(np.float32)


def find_speech(energy: np.ndarray, frame: int = int(SAMPLE_RATE * FRAME_SECONDS)) -> tuple[int, int]:
    """First and one-past-last sample of the stretch from the first to the last frame within
    TRIM_FRACTION of the loudest, widened by TRIM_MARGIN_SECONDS each side; pauses inside stay."""
    loud = np.flatnonzero(energy >= TRIM_FRACTION * energy.max())
    margin = int(TRIM_MARGIN_SECONDS * SAMPLE_RATE)
    total = len(energy) * frame
    return max(0, loud[0] * frame - margin), min(total, (loud[-1] + 1) * frame + margin)


def find_loudest_second(signal: np.ndarray, start: int, stop: int, length: int = CLIP_SAMPLES) -> int:
    """Start of the ``length``-sample window of ``signal[start:stop]`` holding the most energy."""
    cumulative = np.concatenate([[0.0], np.cumsum(np.square(signal[start:stop], dtype=np.float64))])
    window_energy = cumulative[length:] - cumulative[:-length]
    return start + int(np.argmax(window_energy))


def _check_rate(rate: int) -> None:
    if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
        raise UserError("error.audio_sample_rate", rate=rate, min=RATE_RANGE[0], max=RATE_RANGE[1])


def _check_length(seconds: float) -> None:
    if seconds > MAX_SECONDS:
        raise UserError("error.audio_too_long", seconds=round(seconds, 1), max=int(MAX_SECONDS))


def read_labelled_clips(folder: Path) -> tuple[np.ndarray, np.ndarray, list[str], list[tuple[str, str]]]:
    """Model clips from every ``<digit>_<anything>.wav`` under ``folder`` (the Free Spoken Digit
    Dataset's naming), their digits and file names, and the files skipped with the reason's key."""
    clips, labels, names, skipped = [], [], [], []
    for path in sorted(Path(folder).rglob("*.wav")):
        head = path.name.split("_", 1)[0]
        if not (head.isdigit() and len(head) == 1 and "_" in path.name):
            skipped.append((str(path), "error.audio_file_name"))
            continue
        try:
            clips.append(prepare_clip(*decode_audio(path.read_bytes())).model_input)
        except UserError as exc:
            skipped.append((str(path), exc.key))
            continue
        labels.append(int(head))
        names.append(str(path.relative_to(folder)))
    shape = (len(clips), CLIP_SAMPLES)
    return (np.stack(clips) if clips else np.zeros(shape, np.float32)), np.array(labels, np.int64), names, skipped


def listen_at_speeds(clip: np.ndarray, speeds: tuple[float, ...] = LISTEN_SPEEDS) -> np.ndarray:
    """``clip`` played at each of ``speeds`` (1.1 is 10 % faster and higher), each prepared again like
    a new recording: (len(speeds), CLIP_SAMPLES). A model clip played at speed s is the same samples
    read as if recorded at s × SAMPLE_RATE, so ``prepare_clip`` does the resampling."""
    clip = np.asarray(clip, dtype=np.float32)
    return np.stack([clip if speed == 1.0 else prepare_clip(clip, round(SAMPLE_RATE * speed)).model_input
                     for speed in speeds])


def predict_listening(predict_batch: Callable[[np.ndarray], np.ndarray], clips: np.ndarray,
                      speeds: tuple[float, ...] = LISTEN_SPEEDS) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities of each of ``clips`` (N, CLIP_SAMPLES) averaged over ``speeds``, and the
    probabilities at each speed (N, len(speeds), classes), from one call of ``predict_batch``."""
    clips = np.asarray(clips, dtype=np.float32).reshape(-1, CLIP_SAMPLES)
    variants = np.concatenate([listen_at_speeds(clip, speeds) for clip in clips])
    per_speed = np.asarray(predict_batch(variants)).reshape(len(clips), len(speeds), -1)
    return per_speed.mean(axis=1), per_speed
