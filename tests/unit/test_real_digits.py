"""The real recordings in data/files/real_digits/: one short spoken digit per file, licences beside them."""

import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from core.audio import read_labelled_clips

REAL_DIGITS = Path(__file__).resolve().parents[2] / "data" / "files" / "real_digits"
CLIPS = sorted((REAL_DIGITS / "en").glob("*.wav"))


def test_sixteen_clips_cover_every_digit():
    assert len(CLIPS) == 16
    assert sorted({int(path.name[0]) for path in CLIPS}) == list(range(10))
    assert sorted(path.name for path in (REAL_DIGITS / "en").iterdir()) == [path.name for path in CLIPS]


def test_only_the_documented_sources():
    sources = {path.name.split("_")[1] for path in CLIPS}
    assert sources == {"asterisk-allison", "pocketsphinx-cards"}  # the uncertain tidigits clip stays out


@pytest.mark.parametrize("path", CLIPS, ids=lambda path: path.name)
def test_clip_is_one_short_mono_word(path):
    assert re.fullmatch(r"[0-9]_[a-z-]+_[0-9]+\.wav", path.name)
    samples, rate = sf.read(path, always_2d=True)
    assert samples.shape[1] == 1
    assert sf.info(path).subtype == "PCM_16"
    assert rate in (8000, 16000)
    assert 0.2 <= len(samples) / rate <= 1.5
    assert np.abs(samples).max() > 0.05  # someone speaks, not silence


def test_the_app_reads_every_clip_with_its_digit():
    clips, labels, names, skipped = read_labelled_clips(REAL_DIGITS / "en")
    assert skipped == []
    assert clips.shape == (16, 8000)
    assert [int(Path(name).name[0]) for name in names] == labels.tolist()


@pytest.mark.parametrize("name, must_say", [
    ("asterisk-core-sounds-en-wav.copyright", "Allison Smith"),
    ("asterisk-core-sounds-en-wav.copyright", "License: CC-BY-SA-3.0"),
    ("pocketsphinx-5.1.1.LICENSE", "Carnegie Mellon University"),
    ("README.txt", "CC BY-SA 3.0"),
])
def test_licence_files_travel_with_the_clips(name, must_say):
    assert must_say in (REAL_DIGITS / "LICENSES" / name).read_text(encoding="utf-8")
