"""The Free Spoken Digit Dataset from a tiny fake Keras cache: split by speaker, offline refusals, no network."""

from dataclasses import dataclass

import numpy as np
import pytest
import soundfile as sf

from core.errors import UserError
from core.speech_tasks import SpeechJobSpec
from data import fsdd
from data.speech_format import CLIP_SAMPLES

RATE = 8000  # FSDD's own sample rate
SPEAKERS = ("george", "nicolas", "theo")  # one training, the validation and the test speaker
TAKES = 2  # recordings of each digit by each speaker


@dataclass(frozen=True)
class StubModel:
    """Stands in for models.speech_rnn.SpeechConfig, so these tests never import Keras."""

    kind: str = "gru"

    def validate(self) -> None:
        pass

    def to_dict(self) -> dict:
        return {"kind": self.kind}


def write_tone_burst(path, pitch: float) -> None:
    """Half a second of a tone with silence either side, like a short spoken word."""
    t = np.arange(int(0.5 * RATE)) / RATE
    burst = 0.5 * np.sin(2 * np.pi * pitch * t) * np.hanning(len(t))
    silence = np.zeros(int(0.2 * RATE))
    sf.write(path, np.concatenate([silence, burst, silence]).astype(np.float32), RATE, subtype="PCM_16")


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch, tmp_path):
    """An empty Keras cache of its own and no network for every test; load_fsdd forgets earlier loads."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("NEURALSTAGE_OFFLINE", "1")
    fsdd.load_fsdd.cache_clear()
    yield
    fsdd.load_fsdd.cache_clear()


@pytest.fixture
def fake_fsdd():
    folder = fsdd.recordings_dir()
    folder.mkdir(parents=True)
    for voice, speaker in enumerate(SPEAKERS):
        for digit in range(10):
            for take in range(TAKES):  # every file its own pitch, so a clip can be traced to its split
                write_tone_burst(folder / f"{digit}_{speaker}_{take}.wav", 300 + 50 * digit + 10 * take + 3 * voice)
    return folder


def test_the_cache_lives_under_keras_home_read_at_call_time(tmp_path):
    assert fsdd.fsdd_dir() == tmp_path / "keras" / "datasets" / "fsdd"
    assert not fsdd.fsdd_cached()


def test_load_fsdd_splits_by_speaker_with_model_ready_clips(fake_fsdd):
    data = fsdd.load_fsdd()
    assert data.source == "fsdd"
    assert data.sizes == {"train": 10 * TAKES, "validation": 10 * TAKES, "test": 10 * TAKES}
    for x, y in ((data.x_train, data.y_train), (data.x_val, data.y_val), (data.x_test, data.y_test)):
        assert x.dtype == np.float32 and x.shape == (len(y), CLIP_SAMPLES)
        assert y.dtype == np.uint8 and sorted(np.bincount(y, minlength=10)) == [TAKES] * 10
        assert np.max(np.abs(x)) == pytest.approx(0.9, abs=1e-3)  # prepare_clip's peak level
        assert not x.flags.writeable
    assert fsdd.load_fsdd() is data  # cached


def test_no_speaker_is_in_two_splits(fake_fsdd):
    names = {path.name for path in fake_fsdd.glob("*.wav")}
    speakers = {name.split("_")[1] for name in names}
    held_out = set(fsdd.TEST_SPEAKERS) | set(fsdd.VALIDATION_SPEAKERS)
    assert set(fsdd.TEST_SPEAKERS).isdisjoint(fsdd.VALIDATION_SPEAKERS)
    assert speakers - held_out == {"george"}  # the only training speaker of the fake cache
    data = fsdd.load_fsdd()
    train, val, test = ({x.tobytes() for x in split} for split in (data.x_train, data.x_val, data.x_test))
    assert len(train) == len(val) == len(test) == 10 * TAKES
    assert train.isdisjoint(val) and train.isdisjoint(test) and val.isdisjoint(test)
    for x, speaker in ((data.x_train, "george"), (data.x_val, "nicolas"), (data.x_test, "theo")):
        pitch = np.argmax(np.abs(np.fft.rfft(x, axis=1)), axis=1)  # 1 Hz bins: one second at 8 kHz
        assert set(pitch % 10) == {3 * SPEAKERS.index(speaker)}  # each speaker's tones end in its own digit


def test_cached_data_needs_no_network_even_offline(fake_fsdd):
    assert fsdd.fsdd_cached()
    assert fsdd.fsdd_unavailable_reason() is None


def test_offline_without_cache_is_refused_and_nothing_downloads(monkeypatch):
    monkeypatch.setattr(fsdd, "_download", lambda: pytest.fail("tried to download"))
    assert fsdd.fsdd_unavailable_reason() == "error.fsdd_offline"
    with pytest.raises(UserError) as exc:
        fsdd.load_fsdd()
    assert exc.value.key == "error.fsdd_offline"


def test_an_empty_recordings_folder_is_not_a_cache():
    fsdd.recordings_dir().mkdir(parents=True)
    assert not fsdd.fsdd_cached()
    assert fsdd.fsdd_unavailable_reason() == "error.fsdd_offline"


def test_speech_job_on_fsdd_validates_with_the_cache_and_keeps_augmenting(fake_fsdd):
    spec = SpeechJobSpec(model=StubModel(), languages=("en",), augment_copies=1, data_source="fsdd")
    spec.validate()
    assert spec.to_dict()["data_source"] == "fsdd"
    data = spec.arrays()
    assert data.source == "fsdd"
    assert data.sizes == {"train": 2 * 10 * TAKES, "validation": 10 * TAKES, "test": 10 * TAKES}
    clean = fsdd.load_fsdd()
    np.testing.assert_array_equal(data.x_train[: len(clean.y_train)], clean.x_train)
    np.testing.assert_array_equal(data.y_train, np.tile(clean.y_train, 2))


def test_speech_job_on_fsdd_is_refused_without_the_cache():
    spec = SpeechJobSpec(model=StubModel(), languages=("en",), data_source="fsdd")
    with pytest.raises(UserError) as exc:
        spec.validate()
    assert exc.value.key == "error.fsdd_offline"


def test_speech_job_on_fsdd_needs_english(fake_fsdd):
    spec = SpeechJobSpec(model=StubModel(), languages=("zh",), data_source="fsdd")
    with pytest.raises(UserError) as exc:
        spec.validate()
    assert exc.value.key == "error.fsdd_english_only"
    SpeechJobSpec(model=StubModel(), languages=("en", "zh"), data_source="fsdd").validate()


def test_an_unknown_speech_source_is_refused():
    with pytest.raises(UserError) as exc:
        SpeechJobSpec(model=StubModel(), data_source="full").validate()
    assert exc.value.key == "error.data_source"
