"""The bundled spoken digits: split by voice with no voice in two splits, and augmentations that do what they say."""

import numpy as np
import pytest

from data.speech import TEST_VARIANTS, VALIDATION_VARIANTS, decode_mu_law, describe_corpus, encode_mu_law, load_speech
from data.speech_augment import (add_noise, augment, change_speed, design_biquad, place_randomly, speech_power,
                                 speech_span)
from data.speech_format import CLIP_SAMPLES, SAMPLE_RATE


def _sine(frequency: float, seconds: float = 1.0, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def test_corpus_loads_with_shapes_types_and_both_languages():
    data = load_speech()
    assert data.languages == ("en", "zh")
    for x, y, info in ((data.x_train, data.y_train, data.info_train), (data.x_val, data.y_val, data.info_val),
                       (data.x_test, data.y_test, data.info_test)):
        assert x.dtype == np.float32 and x.shape == (len(y), CLIP_SAMPLES)
        assert np.abs(x).max() <= 1.0 and np.isfinite(x).all()
        assert not x.flags.writeable and not y.flags.writeable  # shared by every visitor
        assert len(info.variant) == len(info.language) == len(info.group) == len(y)
        for language in ("en", "zh"):
            assert set(np.unique(y[info.language == language])) == set(range(10))


def test_one_language_is_the_matching_part_of_both():
    both, english = load_speech(), load_speech(("en",))
    assert set(english.info_train.language) == {"en"}
    assert english.sizes["test"] == np.sum(both.info_test.language == "en")
    assert load_speech(("zh", "en")) is both  # the same cached object, whatever the order asked
    with pytest.raises(ValueError):
        load_speech(("fr",))


def test_no_voice_variant_is_in_two_splits():
    data = load_speech()
    train, val, test = (set(info.variant) for info in (data.info_train, data.info_val, data.info_test))
    assert test == set(TEST_VARIANTS) and val == set(VALIDATION_VARIANTS)
    assert not train & test and not val & test and not train & val


def test_no_speaker_is_in_two_splits_and_test_holds_a_voice_made_from_real_speech():
    data = load_speech(("en",))
    train, val, test = (set(info.speaker) for info in (data.info_train, data.info_val, data.info_test))
    assert not train & test and not val & test and not train & val
    # two voices of one person (flite's and Festival's kal) count as one speaker, kept in one split
    assert {"kal", "slt"} <= train
    assert "flite" in set(data.info_test.engine) and {"flite", "festival"} <= set(data.info_train.engine)


def test_test_and_validation_hold_both_voice_groups():
    data = load_speech()
    assert {"male", "female"} <= set(data.info_test.group)
    assert {"male", "female"} <= set(data.info_val.group)


def test_describe_corpus_counts_add_up():
    corpus = describe_corpus()
    assert sum(corpus["clips_per_language"].values()) == sum(corpus["clips_per_split"].values())
    assert corpus["variants"]["test"] == list(TEST_VARIANTS)
    assert corpus["clips_per_split"] == load_speech().sizes


def test_mu_law_round_trip_keeps_silence_exact_and_error_small():
    x = np.array([0.0, 1.0, -1.0, 0.001, -0.3], np.float32)
    back = decode_mu_law(encode_mu_law(x))
    assert back[0] == 0.0 and back[1] == pytest.approx(1.0) and back[2] == pytest.approx(-1.0)
    np.testing.assert_allclose(back, x, rtol=0.05, atol=1e-4)


def test_augment_keeps_shape_range_and_finiteness():
    clips = load_speech().x_train[:20]
    out = augment(clips, np.random.default_rng(0), copies=2)
    assert out.shape == (40, CLIP_SAMPLES) and out.dtype == np.float32
    assert np.isfinite(out).all() and np.abs(out).max() <= 1.0
    assert not np.allclose(out[:20], out[20:])  # two copies, two different draws
    again = augment(clips, np.random.default_rng(0), copies=2)
    np.testing.assert_array_equal(out, again)  # same seed, same copies


@pytest.mark.parametrize("exponent", [0.0, 1.0, 2.0])
def test_noise_comes_at_the_requested_snr(exponent):
    clean = np.tile(_sine(440), (4, 1))
    noisy = add_noise(clean, np.array([5.0, 10.0, 20.0, 30.0]), np.random.default_rng(1), exponent)
    measured = 10 * np.log10(speech_power(clean) / np.mean((noisy - clean) ** 2, axis=1))
    np.testing.assert_allclose(measured, [5, 10, 20, 30], atol=0.1)


def test_speed_change_changes_duration_before_fitting():
    word = _sine(300, seconds=0.5)
    assert len(change_speed(word, 1.1)) == pytest.approx(len(word) / 1.1, abs=1)
    assert len(change_speed(word, 0.9)) == pytest.approx(len(word) / 0.9, abs=1)


def test_random_placement_moves_the_word_without_cutting_it():
    clip = np.zeros((8, CLIP_SAMPLES), np.float32)
    clip[:, 3000:5000] = _sine(300, seconds=0.25)
    moved = place_randomly(clip, np.random.default_rng(2))
    first, last = speech_span(moved)
    before_first, before_last = speech_span(clip)
    assert len(set(first)) > 1  # the words now start at different places
    np.testing.assert_array_equal(last - first, before_last - before_first)  # and each is whole
    np.testing.assert_allclose(_rms(moved), _rms(clip))


def test_low_pass_and_peaking_cut_a_high_sine_and_spare_a_low_one():
    from scipy.signal import sosfilt

    high, low = _sine(3500), _sine(200)
    low_pass = design_biquad("lowpass", 1000)[None]
    assert _rms(sosfilt(low_pass, high)[800:]) < 0.05 * _rms(high)
    assert _rms(sosfilt(low_pass, low)[800:]) == pytest.approx(_rms(low), rel=0.05)
    dip = design_biquad("peaking", 3500, q=1.0, gain_db=-12)[None]
    assert 20 * np.log10(_rms(sosfilt(dip, high)[800:]) / _rms(high)) == pytest.approx(-12, abs=0.5)


def test_the_bundled_corpus_holds_exactly_the_clips_the_build_tool_lists():
    from data.speech import CORPUS_FILE
    from tools.build_speech_digits import OTHER_VOICES, VARIANTS, list_jobs

    with np.load(CORPUS_FILE) as f:
        stored = {name: f[name] for name in ("language", "engine", "variant", "group", "speaker", "speed", "pitch",
                                              "digit")}
    groups = {v: str(stored["group"][stored["variant"] == v][0]) for v in VARIANTS}  # read from espeak-ng's files
    jobs = list_jobs(groups)
    assert len(jobs) == len(stored["digit"]) == 20 * 2 * 9 * 10 + sum(3 * len(v.pitches) * 10 for v in OTHER_VOICES)
    for name, column in stored.items():
        np.testing.assert_array_equal(column, [getattr(job, name) for job in jobs], err_msg=name)
