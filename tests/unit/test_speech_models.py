"""The speech RNN presets: shapes, parameter counts, the log-mel front end, look-inside, saving, training."""

import json

import keras
import numpy as np
import pytest

from core.errors import UserError
from data.speech_format import CLIP_SAMPLES, SAMPLE_RATE
from models.speech_layers import SpecAugment
from models.speech_rnn import (FRAMES, MIN_FREQ, PRESETS, SpeechConfig, build_model, inside_model,
                               find_recurrent_layers)


def tone(freq, amplitude=0.5):
    """One clip of a sine at ``freq`` Hz."""
    t = np.arange(CLIP_SAMPLES) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def random_clips(count, seed=0):
    return np.random.default_rng(seed).uniform(-0.5, 0.5, (count, CLIP_SAMPLES)).astype(np.float32)


@pytest.mark.parametrize("name, params", [
    # GRU (reset_after): 3·(40·64 + 64·64) weights + 2·3·64 biases; classifier 64·10+10
    ("gru", 20_352 + 650),
    # LSTM: 4·(40·64 + 64·64 + 64); classifier 64·10+10
    ("lstm", 26_880 + 650),
    # two GRUs, forwards and backwards; classifier reads both states, 128·10+10
    ("bigru", 2 * 20_352 + 1_290),
    # conv 5 frames·40 bins·32+32, conv 5·32·32+32; the GRU reads 32 features: 3·(32·64 + 64·64) + 2·3·64;
    # classifier 64·10+10
    ("crnn", 6_432 + 5_152 + 18_816 + 650),
])
def test_presets_take_a_waveform_and_give_ten_probabilities(name, params):
    model = build_model(PRESETS[name].model)
    counts = {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}
    assert model.count_params() == params, f"{name}: {model.count_params()} parameters, {counts}"
    assert model.input_shape == (None, CLIP_SAMPLES) and model.output_shape == (None, 10)
    assert model.layers[1].name == "log_mel" and isinstance(model.layers[1], keras.layers.MelSpectrogram)
    assert model.get_layer("mel_frames").output.shape == (None, FRAMES, 40)
    assert find_recurrent_layers(model) == ["rnn_1"]
    assert FRAMES == 101


def test_stacked_layers_with_dropout_and_spec_augment_are_named_in_order():
    model = build_model(SpeechConfig(kind="lstm", units=16, layers=3, dropout=0.2, spec_augment=True))
    assert find_recurrent_layers(model) == ["rnn_1", "rnn_2", "rnn_3"]
    assert {"dropout_1", "dropout_3", "spec_augment"} <= {layer.name for layer in model.layers}
    out = np.asarray(model(random_clips(2), training=False))
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def _mel_centres_hz(bins):
    """Centre of each Keras mel band (HTK scale, mel = 1127·ln(1 + f/700)) between MIN_FREQ and 4 kHz."""
    mel = 1127.0 * np.log1p(np.array([MIN_FREQ, SAMPLE_RATE / 2]) / 700.0)
    centres = np.linspace(mel[0], mel[1], bins + 2)[1:-1]
    return 700.0 * np.expm1(centres / 1127.0)


def test_a_sine_is_loudest_in_the_mel_band_centred_nearest_its_frequency():
    model = build_model(SpeechConfig(units=8))
    frames = keras.Model(model.input, model.get_layer("mel_frames").output)
    log_mel = np.asarray(frames(np.stack([tone(500), tone(1000), tone(2000)])))
    loudest = log_mel[:, 5:-5].mean(axis=1).argmax(axis=1)  # away from the reflected edges
    centres = _mel_centres_hz(40)
    assert loudest[1] == np.argmin(np.abs(centres - 1000.0)) and loudest[2] == np.argmin(np.abs(centres - 2000.0))
    assert loudest[0] < loudest[1] < loudest[2]  # 500 Hz sits exactly between two centres on the mel scale


def test_log_mel_of_a_clip_does_not_depend_on_its_batch_mates():
    # Keras's top_db cut is relative to the loudest value in the batch; the model must not use it.
    model = build_model(SpeechConfig(units=8))
    frames = keras.Model(model.input, model.get_layer("mel_frames").output)
    quiet = tone(700, amplitude=0.001)
    alone = np.asarray(frames(quiet[None]))[0]
    beside_loud = np.asarray(frames(np.stack([quiet, tone(700, amplitude=1.0)])))[0]
    np.testing.assert_allclose(alone, beside_loud, atol=1e-4)
    assert np.asarray(frames(np.zeros((1, CLIP_SAMPLES), np.float32))).max() == pytest.approx(-40.0)


@pytest.mark.parametrize("kind, width", [("gru", 8), ("bigru", 16), ("crnn", 8)])
def test_inside_model_gives_frames_states_and_per_frame_votes_that_average_to_the_answer(kind, width):
    model = build_model(SpeechConfig(kind=kind, units=8, conv_filters=(4,)))
    clips = random_clips(3)
    log_mel, states, per_frame = inside_model(model).predict(clips, verbose=0)
    assert log_mel.shape == (3, FRAMES, 40) and states.shape == (3, FRAMES, width)
    assert per_frame.shape == (3, FRAMES, 10)
    np.testing.assert_allclose(per_frame.sum(axis=2), 1.0, rtol=1e-5)
    # The classifier reads the average state, so its logits are the average of the per-frame logits.
    mean_logits = np.log(per_frame).mean(axis=1)
    answer = np.exp(mean_logits) / np.exp(mean_logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(answer, model.predict(clips, verbose=0), atol=1e-5)


def test_a_saved_model_reloads_and_can_still_be_looked_inside(tmp_path):
    model = build_model(SpeechConfig(kind="bigru", units=8, spec_augment=True, seed=3))
    inside_model(model)  # the extra call on the classifier must not leak into the saved graph
    model.save(tmp_path / "speech.keras")
    loaded = keras.saving.load_model(tmp_path / "speech.keras")
    clips = random_clips(2)
    np.testing.assert_allclose(loaded.predict(clips, verbose=0), model.predict(clips, verbose=0), atol=1e-6)
    for before, after in zip(inside_model(model).predict(clips, verbose=0),
                             inside_model(loaded).predict(clips, verbose=0)):
        np.testing.assert_allclose(after, before, atol=1e-5)
    assert isinstance(loaded.get_layer("spec_augment"), SpecAugment)


def test_one_epoch_on_random_clips_moves_the_weights_and_keeps_the_loss_finite():
    keras.utils.set_random_seed(0)
    model = build_model(SpeechConfig(units=8, spec_augment=True))
    before = [np.array(weight) for weight in model.get_weights()]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(random_clips(16), np.arange(16) % 10, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert all(not np.allclose(old, new) for old, new in zip(before, model.get_weights()))


def test_spec_augment_masks_one_run_of_frames_and_one_of_bins_only_while_training():
    layer = SpecAugment(max_frames=10, max_bins=5, seed=1)
    ones = np.ones((64, FRAMES, 40), np.float32)
    np.testing.assert_array_equal(np.asarray(layer(ones)), ones)
    masked = np.asarray(layer(ones, training=True))
    assert set(np.unique(masked)) <= {0.0, 1.0} and masked.min() == 0.0
    for example in masked:
        silent_frames = np.flatnonzero(example.max(axis=1) == 0)
        silent_bins = np.flatnonzero(example.max(axis=0) == 0)
        assert len(silent_frames) <= 10 and len(silent_bins) <= 5
        for run in (silent_frames, silent_bins):
            assert len(run) == 0 or run[-1] - run[0] == len(run) - 1  # one contiguous run
    assert SpecAugment.from_config(layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("config, key", [
    (SpeechConfig(kind="transformer"), "error.speech_kind"),
    (SpeechConfig(units=4), "error.units"),
    (SpeechConfig(layers=4), "error.rnn_layers"),
    (SpeechConfig(dropout=0.9), "error.dropout"),
    (SpeechConfig(mel_bins=8), "error.mel_bins"),
    (SpeechConfig(kind="crnn", conv_filters=()), "error.conv_blocks"),
    (SpeechConfig(kind="crnn", conv_filters=(16, 1000)), "error.filters"),
])
def test_out_of_range_settings_are_refused_with_their_key(config, key):
    with pytest.raises(UserError) as caught:
        build_model(config)
    assert caught.value.key == key


def test_configs_round_trip_through_the_run_store():
    config = SpeechConfig(kind="crnn", units=32, layers=2, conv_filters=(8, 16, 24), spec_augment=True, seed=5)
    stored = json.loads(json.dumps(config.to_dict()))
    assert stored["conv_filters"] == [8, 16, 24] and SpeechConfig.from_dict(stored) == config
    assert SpeechConfig.from_dict({"kind": "lstm"}) == SpeechConfig(kind="lstm")
    assert SpeechConfig(kind="gru", conv_filters=()).validate() is None  # only the CRNN reads conv_filters
