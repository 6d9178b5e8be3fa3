"""Recorded audio into model clips: formats, resampling, trimming, long and clipped input, and the errors."""

import io

import numpy as np
import pytest
import soundfile as sf

from core.audio import (MAX_SECONDS, MAX_UPLOAD_BYTES, TARGET_PEAK, TRIM_MARGIN_SECONDS, decode_audio,
                        prepare_clip)
from core.errors import UserError
from data.speech_format import CLIP_SAMPLES, SAMPLE_RATE


def tone(freq, seconds, rate, amplitude=0.5):
    """A float32 sine of ``freq`` Hz."""
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def burst_in_noise(rate, seconds, bursts, noise=1e-3, seed=0):
    """Faint noise of ``seconds`` with 440 Hz bursts (start, length, amplitude) laid over it."""
    signal = noise * np.random.default_rng(seed).standard_normal(int(seconds * rate)).astype(np.float32)
    for start, length, amplitude in bursts:
        first = int(start * rate)
        signal[first: first + int(length * rate)] += tone(440, length, rate, amplitude)
    return signal


def encode(samples, rate, format="WAV", subtype=None):
    """The bytes of an audio file holding ``samples``, as an upload would give them."""
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate, format=format, subtype=subtype)
    return buffer.getvalue()


def peak_frequency(signal, rate):
    """Frequency of the strongest FFT bin, in Hz."""
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return np.argmax(spectrum) * rate / len(signal)


def error_key(call, *args):
    with pytest.raises(UserError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize("subtype, step", [("PCM_U8", 1 / 128), ("PCM_16", 1 / 32768),
                                           ("PCM_24", 1 / 2**23), ("FLOAT", 1e-7)])
def test_wav_sample_formats_decode_to_the_same_float_samples(subtype, step):
    original = tone(440, 0.25, 16000)
    samples, rate = decode_audio(encode(original, 16000, subtype=subtype))
    assert rate == 16000 and samples.shape == (4000, 1) and samples.dtype == np.float32
    np.testing.assert_allclose(samples[:, 0], original, atol=step)


def test_stereo_is_averaged_to_mono():
    left, right = tone(440, 0.5, 8000, 0.6), tone(440, 0.5, 8000, 0.2)
    samples, rate = decode_audio(encode(np.stack([left, right], axis=1), 8000, subtype="FLOAT"))
    assert samples.shape == (4000, 2)
    steps = prepare_clip(samples, rate)
    np.testing.assert_allclose(steps.mono, (left + right) / 2, atol=1e-6)
    assert steps.original_rate == 8000 and steps.resampled.shape == (4000,)


@pytest.mark.parametrize("rate", [44100, 48000])
def test_high_rates_are_resampled_to_8_khz_keeping_the_pitch_and_dropping_what_lies_above_4_khz(rate):
    # 6 kHz cannot exist at 8 kHz; without the anti-aliasing filter it would fold back to 2 kHz.
    signal = tone(1000, 2.0, rate) + tone(6000, 2.0, rate, 0.3)
    steps = prepare_clip(signal, rate)
    assert len(steps.resampled) == 2 * SAMPLE_RATE and steps.original_seconds == pytest.approx(2.0)
    assert peak_frequency(steps.resampled, SAMPLE_RATE) == pytest.approx(1000, abs=1)
    spectrum = np.abs(np.fft.rfft(steps.resampled))
    assert spectrum[2 * 2000] < 1e-3 * spectrum[2 * 1000]  # bins are 0.5 Hz apart


def test_flac_is_lossless_and_ogg_vorbis_keeps_the_tone():
    original = tone(1000, 1.0, 16000)
    flac, rate = decode_audio(encode(original, 16000, format="FLAC", subtype="PCM_16"))
    assert rate == 16000
    np.testing.assert_allclose(flac[:, 0], original, atol=1 / 32768)
    ogg, rate = decode_audio(encode(original, 16000, format="OGG", subtype="VORBIS"))
    assert rate == 16000 and abs(len(ogg) - 16000) < 1000
    assert peak_frequency(ogg[:, 0], rate) == pytest.approx(1000, abs=2)


def test_the_clip_is_one_second_peak_normalised_and_float32():
    steps = prepare_clip(tone(440, 0.4, 8000, amplitude=0.1), 8000)
    assert steps.model_input.shape == (CLIP_SAMPLES,) and steps.model_input.dtype == np.float32
    assert np.abs(steps.model_input).max() == pytest.approx(TARGET_PEAK, rel=1e-5)
    assert steps.peak == pytest.approx(0.1, rel=1e-3) and steps.gain == pytest.approx(9.0, rel=1e-3)
    assert not steps.clipped and not steps.cut_to_loudest


def test_trimming_cuts_the_silence_around_a_tone_burst_and_centres_it():
    steps = prepare_clip(burst_in_noise(16000, 3.0, [(1.0, 0.3, 0.5)]), 16000)
    assert steps.speech_start == pytest.approx(1.0 - TRIM_MARGIN_SECONDS, abs=0.011)
    assert steps.trimmed_seconds == pytest.approx(0.3 + 2 * TRIM_MARGIN_SECONDS, abs=0.021)
    loud = np.flatnonzero(np.abs(steps.model_input) > 0.1)
    centre = (loud[0] + loud[-1]) / 2
    assert centre == pytest.approx(CLIP_SAMPLES / 2, abs=80)  # within one 10 ms frame of the middle
    assert loud[-1] - loud[0] == pytest.approx(0.3 * SAMPLE_RATE, abs=80)


def test_speech_longer_than_a_clip_keeps_its_loudest_second():
    recording = burst_in_noise(16000, 20.0, [(3.0, 0.4, 0.2), (14.0, 0.5, 0.8)])
    steps = prepare_clip(recording, 16000)
    assert steps.cut_to_loudest and steps.trimmed_seconds == 1.0
    assert len(steps.trimmed) == CLIP_SAMPLES
    assert steps.speech_start <= 14.0 and steps.speech_start + 1.0 >= 14.5
    np.testing.assert_array_equal(steps.model_input, steps.normalised)


def test_recordings_over_the_limit_are_refused_before_decoding():
    too_long = np.zeros(int((MAX_SECONDS + 1) * 8000), dtype=np.float32)
    too_long[:800] = 0.5
    error = error_key(prepare_clip, too_long, 8000)
    assert error.key == "error.audio_too_long" and error.params == {"seconds": MAX_SECONDS + 1,
                                                                      "max": int(MAX_SECONDS)}
    assert error_key(decode_audio, encode(too_long, 8000)).key == "error.audio_too_long"


def test_clipped_recordings_are_flagged_but_still_prepared():
    loud = np.clip(tone(440, 0.5, 16000, amplitude=3.0), -1.0, 1.0)
    samples, rate = decode_audio(encode(loud, 16000, subtype="PCM_16"))
    steps = prepare_clip(samples, rate)
    assert steps.clipped and steps.model_input.shape == (CLIP_SAMPLES,)
    assert not prepare_clip(tone(440, 0.5, 16000, amplitude=0.98), 16000).clipped


@pytest.mark.parametrize("signal", [np.zeros(8000, np.float32),
                                    1e-4 * np.random.default_rng(0).standard_normal(8000).astype(np.float32)])
def test_silence_is_refused(signal):
    assert error_key(prepare_clip, signal, 8000).key == "error.audio_silent"
    samples, rate = decode_audio(encode(signal, 8000, subtype="FLOAT"))
    assert error_key(prepare_clip, samples, rate).key == "error.audio_silent"


def test_unreadable_payloads_name_the_problem():
    assert error_key(decode_audio, b"").key == "error.audio_empty"
    assert error_key(decode_audio, encode(np.zeros(0, np.float32), 8000)).key == "error.audio_empty"
    assert error_key(decode_audio, b"this is a text file, not a recording").key == "error.audio_not_audio"
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    assert error_key(decode_audio, png).key == "error.audio_not_audio"
    wav = bytearray(encode(tone(440, 0.1, 8000), 8000))
    fmt = wav.index(b"fmt ")
    wav[fmt + 8: fmt + 24] = bytes(16)  # the format chunk zeroed: no channels, no rate, no sample size
    assert error_key(decode_audio, bytes(wav)).key == "error.audio_not_audio"
    too_large = error_key(decode_audio, bytes(MAX_UPLOAD_BYTES + 1))
    assert too_large.key == "error.audio_too_large" and too_large.params == {"size_mb": 10.0, "max_mb": 10}


def test_impossible_sample_rates_are_refused():
    assert error_key(prepare_clip, tone(10, 1.0, 100), 100).key == "error.audio_sample_rate"


def test_listening_at_a_faster_speed_raises_the_pitch_and_shortens_the_word_by_the_same_factor():
    from core.audio import LISTEN_SPEEDS, listen_at_speeds

    clip = prepare_clip(burst_in_noise(SAMPLE_RATE, 1.0, [(0.3, 0.4, 0.5)]), SAMPLE_RATE).model_input
    variants = listen_at_speeds(clip)
    assert variants.shape == (len(LISTEN_SPEEDS), CLIP_SAMPLES) and variants.dtype == np.float32
    for speed, variant in zip(LISTEN_SPEEDS, variants):
        spectrum = np.abs(np.fft.rfft(variant))
        peak_hz = np.argmax(spectrum) * SAMPLE_RATE / CLIP_SAMPLES
        assert peak_hz == pytest.approx(440 * speed, abs=3)
        loud = np.flatnonzero(np.abs(variant) > 0.1)
        assert (loud[-1] - loud[0]) / SAMPLE_RATE == pytest.approx(0.4 / speed, abs=0.01)
    np.testing.assert_array_equal(variants[LISTEN_SPEEDS.index(1.0)], clip)


def test_listening_averages_the_answers_at_each_speed_from_one_batch():
    from core.audio import LISTEN_SPEEDS, predict_listening

    calls = []

    def predict_batch(batch):
        calls.append(len(batch))
        # a "model" whose answer depends on the pitch it hears: class 1 when the tone sits above 440 Hz
        high = np.array([np.argmax(np.abs(np.fft.rfft(x))) * SAMPLE_RATE / CLIP_SAMPLES > 445 for x in batch])
        return np.stack([1.0 - high, high], axis=1).astype(np.float32)

    clips = np.stack([prepare_clip(tone(440, 0.5, SAMPLE_RATE), SAMPLE_RATE).model_input] * 2)
    mean, per_speed = predict_listening(predict_batch, clips)
    assert calls == [2 * len(LISTEN_SPEEDS)]
    assert per_speed.shape == (2, len(LISTEN_SPEEDS), 2)
    np.testing.assert_allclose(per_speed[0, :, 1], [0.0, 0.0, 1.0])  # only the faster listening hears it higher
    np.testing.assert_allclose(mean, [[2 / 3, 1 / 3]] * 2)
