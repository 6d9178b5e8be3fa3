"""Hostile class data sets and evaluation files: random bytes, damaged zips and IDX files, entry names
and CSV cells of any Unicode, and files made to take memory. Every import gives samples shaped like
the bundled data with usable labels, or one of the app's own translated errors, in bounded memory."""

from __future__ import annotations

import gzip
import io
import struct
import unicodedata
import zipfile

import numpy as np
import pytest
import soundfile as sf
from hypothesis import example, given, settings, strategies as st
from PIL import Image

from core.data_import import (MAX_CLASSES, MAX_LABEL_CHARS, MAX_TEXT_CHARS, MIN_CLASSES, import_audio_zip,
                              import_image_zip, import_text_csv)
from core.errors import UserError
from core.i18n import load_locale
from data import idx
from data.idx import read_idx
from data.speech_format import CLIP_SAMPLES
from hostile_inputs import REPO, call_or_user_error, damaged
from tools.hostile_memory import measure, wide_csv_rows

ANY_TEXT = st.characters(exclude_categories=("Cs",))  # every code point a file can hold: no lone surrogates


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (12, 10), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def wav(seed: int) -> bytes:
    t = np.arange(2400) / 8000
    buffer = io.BytesIO()
    sf.write(buffer, (0.5 * np.sin(2 * np.pi * (300 + 40 * seed) * t)).astype(np.float32), 8000, format="WAV",
             subtype="PCM_16")
    return buffer.getvalue()


def make_zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in entries:
            archive.writestr(name, payload)
    return buffer.getvalue()


IMAGE_ZIP = make_zip([(f"{label}/{i}.png", png(10 * k + i))
                      for k, label in enumerate(("cat", "dog")) for i in range(5)])
AUDIO_ZIP = make_zip([(f"{label}_{i}.wav", wav(5 * k + i)) for k, label in enumerate(("yes", "no")) for i in range(5)])


def check_imported(result, kind: str) -> None:
    """A usable data set: samples of the bundled shape, labels indexing clean, distinct class names."""
    if result is None:
        return
    shape, dtype = {"image": ((28, 28), np.uint8), "audio": ((CLIP_SAMPLES,), np.float32),
                    "text": ((), np.dtype("U"))}[kind]
    assert result.x.shape[1:] == shape and result.x.dtype.kind == np.dtype(dtype).kind
    assert len(result.x) == len(result.y) == result.report.kept
    assert MIN_CLASSES <= len(result.labels) <= MAX_CLASSES and len(set(result.labels)) == len(result.labels)
    assert np.array_equal(np.unique(result.y), np.arange(len(result.labels)))
    for label in result.labels:
        assert label == unicodedata.normalize("NFC", label).strip() and 0 < len(label) <= MAX_LABEL_CHARS
    if kind == "audio":
        assert np.isfinite(result.x).all() and np.abs(result.x).max() <= 1.0
    for _, reason in result.report.skipped:
        assert reason in load_locale("en") and reason in load_locale("zh")


@example(payload=b'"', importer=import_text_csv)  # found by the deep profile: a quote never closed, at the very end
@given(payload=st.binary(max_size=2048), importer=st.sampled_from((import_image_zip, import_audio_zip,
                                                                     import_text_csv)))
def test_any_bytes_import_or_give_a_known_error(payload, importer):
    call_or_user_error(importer, payload)


@given(payload=damaged(IMAGE_ZIP))
def test_damaged_image_zips_import_or_give_a_known_error(payload):
    check_imported(call_or_user_error(import_image_zip, payload), "image")


@settings(max_examples=25)  # each example prepares up to ten recordings
@given(payload=damaged(AUDIO_ZIP))
def test_damaged_audio_zips_import_or_give_a_known_error(payload):
    check_imported(call_or_user_error(import_audio_zip, payload), "audio")


@pytest.mark.filterwarnings("ignore:Duplicate name")  # zipfile cuts a name at NUL: one name twice is fair input
@settings(max_examples=25)
@given(folders=st.lists(st.text(ANY_TEXT, min_size=1, max_size=50), min_size=2, max_size=4, unique=True),
       files=st.text(ANY_TEXT, min_size=1, max_size=20))
def test_entry_names_of_any_unicode_give_clean_labels(folders, files):
    entries = [(f"{folder}/{files}{i}.png", png(100 * k + i)) for k, folder in enumerate(folders) for i in range(5)]
    check_imported(call_or_user_error(import_image_zip, make_zip(entries)), "image")


CSV_ROWS = st.lists(st.lists(st.text(ANY_TEXT, max_size=30), min_size=0, max_size=4), min_size=0, max_size=30)


@given(rows=CSV_ROWS, header=st.booleans(), encoding=st.sampled_from(("utf-8", "utf-8-sig", "gb18030", "utf-16")))
def test_csv_of_any_unicode_cells_imports_or_gives_a_known_error(rows, header, encoding):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(([["label", "text"]] if header else []) + rows)
    try:
        payload = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:  # gb18030 holds every code point, but be safe
        return
    result = call_or_user_error(import_text_csv, payload)
    check_imported(result, "text")
    if result is not None:
        assert all(0 < len(text) <= MAX_TEXT_CHARS for text in result.x)


@example(lines=['label,text', 'a,"one', 'two"'])
@given(lines=st.lists(st.text(ANY_TEXT, max_size=80), max_size=40))
def test_csv_lines_of_any_unicode_and_quotes_import_or_give_a_known_error(lines):
    payload = "\n".join(lines).encode("utf-8")
    check_imported(call_or_user_error(import_text_csv, payload), "text")


def test_blank_lines_before_the_header_are_reported_as_empty_rows():
    rows = ["", " , ", "label,text"] + [f"{label},{label} line {i}" for label in "ab" for i in range(5)]
    result = import_text_csv("\n".join(rows).encode())
    assert result.labels == ("a", "b") and result.report.kept == 10
    assert result.report.skipped == (("1", "import.skip.empty"), ("2", "import.skip.empty"))


# name: (how to make the file, the most MB it may take, what it must give)
LARGE_CSV = {
    # 59 MB of commas on one line: 60 million empty cells, 900 MB, before rows were read one at a time.
    "line-of-commas": (lambda: b"label,text\n" + b"," * (59 * 2**20), 60, "error.import.csv_row_long"),
    # 20,000 rows of 2,900 characters, one emoji in the last: decoded whole, every character took 4 bytes.
    # What remains is the texts kept, each cut to MAX_TEXT_CHARS, as one array: 20,000 × 1,000 × 4 bytes.
    "wide-rows-with-an-emoji": (wide_csv_rows, 200, "ok"),
}


@pytest.fixture(scope="module")
def csv_memory(tmp_path_factory) -> dict:
    """Each large CSV file's (MB, seconds, outcome), measured one by one in one fresh Python."""
    folder = tmp_path_factory.mktemp("csv")
    for name, (make, *_) in LARGE_CSV.items():
        (folder / name).write_bytes(make())
    jobs = [("import_text_csv(payload)", folder / name) for name in LARGE_CSV]
    return dict(zip(LARGE_CSV, measure(REPO, "core.data_import", jobs)))


@pytest.mark.parametrize("name", LARGE_CSV)
def test_large_csv_files_take_bounded_memory(name, csv_memory):
    _, most_mb, outcome = LARGE_CSV[name]
    growth, _, got = csv_memory[name]
    assert got == outcome
    assert growth < most_mb, f"{growth:.0f} MB"


# The files `python -m tools.evaluate` reads from outside the app.

VALID_IDX = bytes([0, 0, 8, 3]) + struct.pack(">III", 2, 4, 4) + bytes(range(32))


@example(payload=bytes([0, 0, 8, 200]), gz=False)  # 200 dimensions declared, none written
@example(payload=bytes([0, 0, 8, 2]) + struct.pack(">II", 2**32 - 1, 2**32 - 1), gz=False)
@given(payload=st.binary(max_size=256) | damaged(VALID_IDX), gz=st.booleans())
def test_idx_files_of_any_bytes_read_or_give_a_known_error(payload, gz, tmp_path_factory):
    path = tmp_path_factory.mktemp("idx") / ("t10k-images-idx3-ubyte" + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(payload) if gz and payload[:1] != b"\x1f" else payload)
    array = call_or_user_error(read_idx, path)
    if array is not None:
        assert array.dtype == np.uint8


def test_a_gzip_that_unpacks_to_more_than_any_idx_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(idx, "MAX_BYTES", 2**20)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(bytes([0, 0, 8, 1]) + struct.pack(">I", 2**21) + bytes(2**21)))
    with pytest.raises(UserError) as caught:
        read_idx(path)
    assert caught.value.key == "error.idx_too_large"


def test_a_damaged_review_csv_for_the_command_line_is_named_not_a_traceback(tmp_path, capsys):
    from tools import evaluate

    # An unclosed quote over csv's own field limit (131,072) yet under the importer's line limit
    # (200,000), so csv raises; a longer line is refused earlier (tests/unit/test_evaluate_cli.py).
    path = tmp_path / "reviews.csv"
    path.write_text('label,review\n1,"' + "x" * 150_000 + "\n", encoding="utf-8")
    assert evaluate.main(["text", "--data", str(path)]) == 2
    assert "damaged" in capsys.readouterr().err
