"""A class's own data set, read from an upload: the shapes and labels it gives, and what it skips or notes
and why, all in memory. The checks on the archive itself are in test_safe_zip.py."""

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from core import data_import, labelled_csv, safe_zip
from core.data_import import (import_audio_zip, import_image_zip, import_text_csv, import_upload,
                              shrink_to_grid)
from core.errors import UserError
from core.i18n import load_locale
from data.speech_format import CLIP_SAMPLES


def picture(seed: int, fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    """A grey noise picture, different for each seed so that none is a duplicate."""
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0]), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def recording(seed: int, rate: int = 16_000, seconds: float = 0.4) -> bytes:
    """A short tone with a little noise, as a 16-bit WAV file; each seed sounds different."""
    t = np.arange(int(rate * seconds)) / rate
    rng = np.random.default_rng(seed)
    tone = 0.5 * np.sin(2 * np.pi * (300 + 20 * seed) * t) + 0.01 * rng.standard_normal(len(t))
    buffer = io.BytesIO()
    sf.write(buffer, tone.astype(np.float32), rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def make_zip(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip in memory of (name or ZipInfo, bytes) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, payload in entries:
            archive.writestr(name, payload)
    return buffer.getvalue()


def class_pictures(counts: dict[str, int], prefix: str = "") -> list[tuple[str, bytes]]:
    entries, seed = [], 0
    for label, count in counts.items():
        for i in range(count):
            seed += 1
            entries.append((f"{prefix}{label}/{i}.png", picture(seed)))
    return entries


def reason_of(result, name: str) -> str:
    return dict(result.report.skipped)[name]


def error_of(call, *args) -> UserError:
    with pytest.raises(UserError) as caught:
        call(*args)
    return caught.value


# Images

def test_image_zip_gives_28x28_grey_pictures_labelled_by_folder():
    entries = class_pictures({"dog": 6, "cat": 5})
    entries.append(("cat/photo.jpg", picture(99, "JPEG", (64, 48))))
    result = import_image_zip(make_zip(entries))
    assert result.kind == "image" and result.labels == ("cat", "dog")
    assert result.x.shape == (12, 28, 28) and result.x.dtype == np.uint8
    assert result.y.dtype == np.int64 and np.bincount(result.y).tolist() == [6, 6]
    assert result.report.kept == 12 and result.report.skipped == ()


def test_a_wrapper_folder_around_the_class_folders_is_looked_through():
    result = import_image_zip(make_zip(class_pictures({"cat": 5, "dog": 5}, prefix="mydata/")))
    assert result.labels == ("cat", "dog") and len(result.y) == 10


def test_shrink_to_grid_keeps_the_centre_square():
    grey = np.zeros((20, 40), np.uint8)
    grey[:, 10:30] = 200  # the centre square; the sides, cropped away, are black
    small = shrink_to_grid(grey)
    assert small.shape == (28, 28) and small.dtype == np.uint8
    assert np.abs(small.astype(int) - 200).max() <= 1


def test_pictures_outside_any_class_folder_and_long_class_names_are_skipped():
    entries = class_pictures({"cat": 5, "dog": 5}) + [("loose.png", picture(50)), (f"{'x' * 41}/1.png", picture(51))]
    result = import_image_zip(make_zip(entries))
    assert result.labels == ("cat", "dog") and result.report.kept == 10
    assert reason_of(result, "loose.png") == "import.skip.no_label"
    assert reason_of(result, f"{'x' * 41}/1.png") == "import.skip.label_too_long"


# Audio

def test_audio_zip_labels_by_name_prefix():
    entries = [(f"recordings/{word}_{i}.wav", recording(10 * k + i)) for k, word in enumerate(("yes", "no"))
               for i in range(5)]
    result = import_audio_zip(make_zip(entries))
    assert result.kind == "audio" and result.labels == ("no", "yes")
    assert result.x.shape == (10, CLIP_SAMPLES) and result.x.dtype == np.float32
    assert np.bincount(result.y).tolist() == [5, 5] and np.abs(result.x).max() > 0.5


def test_audio_zip_labels_by_folder():
    entries = [(f"{word}/take{i}.wav", recording(10 * k + i)) for k, word in enumerate(("up", "down", "left"))
               for i in range(5)]
    result = import_audio_zip(make_zip(entries))
    assert result.labels == ("down", "left", "up") and result.x.shape == (15, CLIP_SAMPLES)


def test_other_sound_formats_and_silence_among_wavs_are_skipped():
    entries = [(f"{word}_{i}.wav", recording(10 * k + i)) for k, word in enumerate(("yes", "no")) for i in range(5)]
    flac = io.BytesIO()
    sf.write(flac, np.zeros(100, np.float32) + 0.5, 8000, format="FLAC")
    silence = io.BytesIO()
    sf.write(silence, np.zeros(8000, np.float32), 8000, format="WAV")
    entries += [("yes_song.mp3", b"ID3" + bytes(100)), ("yes_flac.wav", flac.getvalue()),
                ("no_quiet.wav", silence.getvalue()), ("no_broken.wav", b"RIFF\x10\x00\x00\x00WAVEjunk")]
    result = import_audio_zip(make_zip(entries))
    assert result.report.kept == 10
    assert dict(result.report.skipped) == {"yes_song.mp3": "import.skip.format", "yes_flac.wav": "import.skip.format",
                                           "no_quiet.wav": "import.skip.silent",
                                           "no_broken.wav": "import.skip.unreadable"}


# Duplicates, damage and class counts

def test_duplicate_content_keeps_the_first_file_and_says_when_it_was_in_another_class():
    entries = class_pictures({"cat": 5, "dog": 5})
    entries.append(("cat/again.png", entries[1][1]))  # the same bytes as cat/1.png
    entries.append(("dog/again.png", entries[0][1]))  # the same bytes as cat/0.png: which class is it?
    result = import_image_zip(make_zip(entries))
    assert result.report.kept == 10 and np.bincount(result.y).tolist() == [5, 5]
    assert result.report.skipped == (("cat/again.png", "import.skip.duplicate"),
                                     ("dog/again.png", "import.skip.duplicate_other_class"))


def test_a_file_name_twice_in_one_class_is_kept_with_a_note_but_not_across_classes():
    entries = class_pictures({"cat": 5, "dog": 5})  # cat/0.png and dog/0.png: the usual numbering per folder
    entries.append(("cat/edited/0.png", picture(600)))
    result = import_image_zip(make_zip(entries))
    assert result.report.kept == 11 and result.report.skipped == ()
    assert result.report.notes == (("cat/0.png, cat/edited/0.png", "import.note.same_name"),)


def test_recordings_named_alike_in_one_class_get_the_same_note():
    entries = [(f"{w}/{i}.wav", recording(10 * k + i)) for k, w in enumerate(("yes", "no")) for i in range(5)]
    entries.append(("yes/take2/3.wav", recording(99)))
    result = import_audio_zip(make_zip(entries))
    assert result.report.kept == 11 and result.report.notes == (("yes/3.wav, yes/take2/3.wav",
                                                                 "import.note.same_name"),)


def test_other_formats_and_damaged_files_are_skipped_with_their_reason():
    gif = io.BytesIO()
    Image.new("L", (20, 20)).save(gif, format="GIF")
    entries = class_pictures({"cat": 5, "dog": 5}) + [
        ("cat/notes.txt", b"hello"), ("cat/anim.gif", gif.getvalue()), ("dog/renamed.png", gif.getvalue()),
        ("dog/broken.png", picture(77)[:60]), ("dog/tiny.png", picture(78, size=(4, 4)))]
    result = import_image_zip(make_zip(entries))
    assert result.report.kept == 10
    assert dict(result.report.skipped) == {
        "cat/notes.txt": "import.skip.format", "cat/anim.gif": "import.skip.format",
        "dog/renamed.png": "import.skip.format", "dog/broken.png": "import.skip.unreadable",
        "dog/tiny.png": "import.skip.too_small"}


def test_class_count_limits(monkeypatch):
    assert error_of(import_image_zip, make_zip(class_pictures({"cat": 6}, prefix="x/"))).key == "error.import.one_class"
    error = error_of(import_image_zip, make_zip(class_pictures({"cat": 3, "dog": 4, "owl": 5})))
    assert error.key == "error.import.too_few" and error.params["classes"] == "cat (3), dog (4)"
    monkeypatch.setattr(data_import, "MAX_CLASSES", 2)
    error = error_of(import_image_zip, make_zip(class_pictures({"cat": 5, "dog": 5, "owl": 5})))
    assert error.key == "error.import.too_many_classes" and error.params["count"] == 3


# Text

def as_csv(rows: list[str]) -> str:
    return "\r\n".join(rows) + "\r\n"


def test_csv_in_utf8_with_a_bom_and_an_english_header():
    rows = ["Text,Label"] + [f"great film number {i},pos" for i in range(5)] + \
           [f"dull film number {i},neg" for i in range(6)] + [",,", "  ,pos", '"a film, with a comma",pos']
    result = import_text_csv(as_csv(rows).encode("utf-8-sig"))
    assert result.kind == "text" and result.labels == ("neg", "pos")
    assert result.x.shape == (12,) and result.x.dtype.kind == "U" and result.y.dtype == np.int64
    assert result.x[-1] == "a film, with a comma" and np.bincount(result.y).tolist() == [6, 6]
    assert result.report.skipped == (("13", "import.skip.empty"), ("14", "import.skip.empty"))
    buffer = io.BytesIO()
    np.savez(buffer, x=result.x, y=result.y)
    buffer.seek(0)
    assert np.load(buffer, allow_pickle=False)["x"].tolist() == result.x.tolist()


def test_csv_in_gb18030_with_a_chinese_header():
    rows = ["标签,评论"] + [f"好评,房间很干净{i}" for i in range(5)] + [f"差评,服务太差了{i}" for i in range(5)]
    result = import_text_csv(as_csv(rows).encode("gb18030"))
    assert result.labels == ("好评", "差评") and result.x[0] == "房间很干净0"


def test_csv_of_two_unnamed_columns_reads_label_then_text():
    rows = [f"spam,win money now {i}" for i in range(5)] + [f"ham,see you at lunch {i}" for i in range(5)]
    rows += ["ham,see you at lunch 0", "spam,one,two"]
    result = import_text_csv(as_csv(rows).encode("utf-8"))
    assert result.labels == ("ham", "spam") and len(result.y) == 10
    assert result.report.skipped == (("11", "import.skip.duplicate"), ("12", "import.skip.columns"))


def test_csv_problems_are_named():
    one_class = as_csv(["label,text"] + [f"pos,nice {i}" for i in range(8)]).encode()
    assert error_of(import_text_csv, one_class).key == "error.import.one_class"
    error = error_of(import_text_csv, b"label,text\n\xff\xfe\x80\x81,\xff\n")
    assert error.key == "error.import.encoding" and error.params["encodings"] == "utf-8-sig, utf-8, gb18030"
    assert error_of(import_text_csv, b"a,b,c\n1,2,3\n").key == "error.import.csv_columns"
    assert error_of(import_text_csv, b"\n\n").key == "error.import.empty"


# The whole module

def test_upload_dispatch_checks_the_file_type():
    csv_payload = as_csv([f"{label},text {label} {i}" for label in "ab" for i in range(5)]).encode()
    assert import_upload("data.CSV", csv_payload, "text").labels == ("a", "b")
    error = error_of(import_upload, "data.csv", csv_payload, "image")
    assert error.key == "error.import.file_type" and error.params["expected"] == ".zip"
    error = error_of(import_upload, "texts.txt", csv_payload, "text")
    assert error.key == "error.import.file_type" and error.params["expected"] == ".csv"
    assert error_of(import_upload, "texts.zip", csv_payload, "text").key == "error.import.not_zip"
    with pytest.raises(ValueError):
        import_upload("x.zip", b"", "video")


def test_a_zip_holding_one_csv_is_read_as_that_csv_and_its_meta_json_passed_over():
    rows = as_csv(["label,text"] + [f"{label},text {label} {i}" for label in "ab" for i in range(5)]).encode()
    result = import_upload("export.zip", make_zip([("meta.json", b'{"name": "x"}'), ("data.csv", rows)]), "text")
    assert result.labels == ("a", "b") and len(result.x) == 10 and result.report.skipped == ()
    for entries, count in (([("notes.txt", b"hello")], 0), ([("a.csv", rows), ("b.csv", rows)], 2)):
        error = error_of(import_upload, "texts.zip", make_zip(entries), "text")
        assert error.key == "error.import.zip_csv_count" and error.params["count"] == count
    assert error_of(import_upload, "texts.zip", make_zip([("meta.json", b"{}")]), "text").key == "error.import.empty"
    stored = zipfile.ZipInfo("data.csv")
    stored.compress_type = zipfile.ZIP_BZIP2  # a method the importer does not read
    error = error_of(import_upload, "texts.zip", make_zip([(stored, rows)]), "text")
    assert error.key == "error.import.zip_csv_unreadable" and error.params["name"] == "data.csv"


def test_each_sample_is_named_by_its_zip_entry_or_its_spreadsheet_row():
    entries = class_pictures({"cat": 5, "dog": 5}, prefix="mydata/") + [("mydata/cat/bad.png", b"not a picture")]
    pictures = import_image_zip(make_zip(entries))
    assert len(pictures.names) == len(pictures.y) == 10 and "mydata/cat/bad.png" not in pictures.names
    for name, label in zip(pictures.names, pictures.y):
        assert name.split("/")[1] == pictures.labels[label]
    rows = ["label,text", "a,one", "a,one", ",", "b,two"]  # a repeat and an empty row: skipped, numbers go on
    rows += [f"{label},text {label} {i}" for label in "ab" for i in range(4)]
    texts = import_text_csv(as_csv(rows).encode("utf-8-sig"))
    assert texts.names[:2] == ("2", "5") and len(texts.names) == len(texts.x) == 10
    for row, text, label in zip(texts.names, texts.x, texts.y):
        assert rows[int(row) - 1] == f"{texts.labels[label]},{text}"
    export = make_zip([("meta.json", b"{}"), ("data.csv", as_csv(rows).encode())])  # the page's older text export
    zipped = import_upload("export.zip", export, "text")
    assert zipped.names == texts.names


def test_data_only_scored_may_hold_one_class_or_a_few_samples_but_passes_every_other_check(monkeypatch):
    one_class = as_csv(["label,review"] + [f"1,great film {i}" for i in range(3)]).encode()
    assert error_of(import_upload, "reviews.csv", one_class, "text").key == "error.import.one_class"
    scored = import_upload("reviews.csv", one_class, "text", for_training=False)
    assert scored.labels == ("1",) and scored.y.tolist() == [0, 0, 0]
    few = make_zip(class_pictures({"cat": 1, "dog": 3}) + [("../evil.png", picture(90))])
    assert error_of(import_upload, "few.zip", few, "image").key == "error.import.too_few"
    scored = import_upload("few.zip", few, "image", for_training=False)
    assert np.bincount(scored.y).tolist() == [1, 3] and reason_of(scored, "../evil.png") == "import.skip.unsafe_path"
    with pytest.raises(UserError) as caught:
        import_upload("few.zip", make_zip([("cat/0.png", b"not a picture")]), "image", for_training=False)
    assert caught.value.key == "error.import.no_samples"
    monkeypatch.setattr(safe_zip, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(UserError) as caught:
        import_upload("few.zip", few, "image", for_training=False)
    assert caught.value.key == "error.import.too_large"


def test_a_zip_is_counted_by_the_kinds_of_file_it_holds():
    entries = [("export/data.csv", b"label,text\n"), ("meta.json", b"{}"), ("__MACOSX/export/._data.csv", b"x"),
               ("export/cover.PNG", picture(1)), ("notes.txt", b"hi"), ("../up.wav", b"RIFF")]
    assert data_import.count_zip_kinds(make_zip(entries)) == {"image": 1, "audio": 0, "text": 1}
    with pytest.raises(UserError) as caught:
        data_import.count_zip_kinds(b"not a zip")
    assert caught.value.key == "error.import.not_zip"


def test_progress_runs_from_zero_to_one():
    seen = []
    import_image_zip(make_zip(class_pictures({"cat": 5, "dog": 5})), seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    seen.clear()
    import_text_csv(as_csv([f"{label},text {label} {i}" for label in "ab" for i in range(5)]).encode(), seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0


def test_nothing_is_written_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = [("../evil.png", picture(90)), ("/tmp/abs.png", picture(91))]
    import_image_zip(make_zip(class_pictures({"cat": 5, "dog": 5}, prefix="mydata/") + evil))
    import_audio_zip(make_zip([(f"{w}_{i}.wav", recording(10 * k + i)) for k, w in enumerate("ab") for i in range(5)]))
    import_text_csv(as_csv([f"{label},text {label} {i}" for label in "ab" for i in range(5)]).encode())
    assert list(tmp_path.iterdir()) == [] and not (tmp_path.parent / "evil.png").exists()


def test_every_key_the_modules_can_raise_or_report_has_a_text_in_both_languages():
    source = "".join(Path(module.__file__).read_text(encoding="utf-8")
                     for module in (data_import, safe_zip, labelled_csv))
    keys = set(re.findall(r'"((?:error\.import|import\.skip|import\.note)\.[a-z_]+)"', source))
    keys |= set(data_import.SKIP_FOR_ERROR.values())
    assert len(keys) > 25
    en, zh = load_locale("en"), load_locale("zh")
    assert sorted(key for key in keys if key not in en or key not in zh) == []
