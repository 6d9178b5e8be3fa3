"""A class's own data set, read from an upload: the shapes and labels it gives, and every hostile or
careless upload named as a problem, all in memory."""

import io
import re
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from core import data_import
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


def test_chinese_folder_names_without_the_utf8_flag_are_read_as_gb18030():
    # Chinese Windows writes names in GBK without the flag; placeholders of the same byte length are swapped in.
    payload = make_zip(class_pictures({"XX": 5, "YY": 5}), zipfile.ZIP_STORED)
    payload = payload.replace(b"XX/", "猫/".encode("gbk")).replace(b"YY/", "狗/".encode("gbk"))
    assert import_image_zip(payload).labels == tuple(sorted(("猫", "狗")))


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


# Hostile zips

def test_unsafe_paths_are_skipped_not_read():
    evil = [("../evil.png", picture(90)), ("/abs.png", picture(91)), ("C:\\x.png", picture(92)),
            ("cat/../../up.png", picture(93)), ("cat\\..\\..\\win.png", picture(94))]
    result = import_image_zip(make_zip(class_pictures({"cat": 5, "dog": 5}) + evil))
    assert result.report.kept == 10
    unsafe = {name for name, reason in result.report.skipped if reason == "import.skip.unsafe_path"}
    assert len(unsafe) == 5


def test_symbolic_links_are_skipped():
    link = zipfile.ZipInfo("cat/link.png")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    result = import_image_zip(make_zip(class_pictures({"cat": 5, "dog": 5}) + [(link, b"/etc/passwd")]))
    assert result.report.kept == 10 and reason_of(result, "cat/link.png") == "import.skip.link"


def test_duplicate_content_keeps_the_first_file():
    entries = class_pictures({"cat": 5, "dog": 5})
    entries.append(("dog/again.png", entries[0][1]))  # the same bytes as cat/0.png
    result = import_image_zip(make_zip(entries))
    assert result.report.kept == 10 and np.bincount(result.y).tolist() == [5, 5]
    assert result.report.skipped == (("dog/again.png", "import.skip.duplicate"),)


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


def test_macos_and_windows_junk_is_ignored_silently():
    junk = [("__MACOSX/cat/._0.png", b"\x00\x05\x16\x07"), ("cat/.DS_Store", b"Bud1"), ("dog/._1.png", b"x"),
            ("dog/Thumbs.db", b"x")]
    result = import_image_zip(make_zip(class_pictures({"cat": 5, "dog": 5}) + junk))
    assert result.report.kept == 10 and result.report.skipped == ()


def test_unusual_compression_methods_are_not_read():
    payload = make_zip(class_pictures({"cat": 5, "dog": 5}), zipfile.ZIP_BZIP2)
    assert error_of(import_image_zip, payload).key == "error.import.no_samples"


def set_flag(payload: bytes, flag: int) -> bytes:
    """``payload`` with ``flag`` set on every entry of the zip's central directory."""
    data = bytearray(payload)
    for match in re.finditer(b"PK\x01\x02", payload):
        offset = match.start() + 8  # general purpose bit flags
        data[offset: offset + 2] = (int.from_bytes(data[offset: offset + 2], "little") | flag).to_bytes(2, "little")
    return bytes(data)


@pytest.mark.parametrize("payload, key", [
    (b"", "error.import.empty_file"),
    (b"PNG? no, just text", "error.import.not_zip"),
    (make_zip([]), "error.import.empty"),
    (make_zip([("__MACOSX/._x", b"x"), ("folder/", b"")]), "error.import.empty"),
    (set_flag(make_zip(class_pictures({"cat": 5, "dog": 5})), 0x1), "error.import.encrypted"),
])
def test_whole_upload_problems_are_named(payload, key):
    assert error_of(import_image_zip, payload).key == key


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    payload = make_zip(class_pictures({"cat": 5, "dog": 5}) + [("cat/bomb.png", bytes(20 * 2**20))])
    assert len(payload) < 200_000
    error = error_of(import_image_zip, payload)
    assert error.key == "error.import.zip_bomb" and error.params["name"] == "cat/bomb.png"
    assert error.params["ratio"] > 100


def test_a_header_that_understates_the_size_is_read_only_that_far():
    payload = bytearray(make_zip(class_pictures({"cat": 5, "dog": 5}) + [("cat/liar.png", bytes(20 * 2**20))]))
    record = payload.rfind(b"PK\x01\x02")  # the last entry in the directory is the liar
    payload[record + 24: record + 28] = (100_000).to_bytes(4, "little")  # uncompressed size: 100 kB, ratio under 100
    result = import_image_zip(bytes(payload))
    assert result.report.kept == 10 and reason_of(result, "cat/liar.png") == "import.skip.unreadable"


def test_limits_on_size_entries_and_unpacked_bytes(monkeypatch):
    payload = make_zip(class_pictures({"cat": 5, "dog": 5}))
    monkeypatch.setattr(data_import, "MAX_UPLOAD_BYTES", len(payload) - 1)
    assert error_of(import_image_zip, payload).key == "error.import.too_large"
    monkeypatch.undo()
    monkeypatch.setattr(data_import, "MAX_ENTRIES", 9)
    error = error_of(import_image_zip, payload)
    assert error.key == "error.import.too_many_entries" and error.params["count"] == 10
    monkeypatch.undo()
    monkeypatch.setattr(data_import, "MAX_TOTAL_BYTES", 1000)
    assert error_of(import_image_zip, payload).key == "error.import.too_big_unpacked"
    monkeypatch.undo()
    monkeypatch.setattr(data_import, "MAX_ENTRY_BYTES", 100)
    assert error_of(import_image_zip, payload).key == "error.import.no_samples"


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
    assert error_of(import_upload, "pictures.zip", csv_payload, "text").key == "error.import.file_type"
    with pytest.raises(ValueError):
        import_upload("x.zip", b"", "video")


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


def test_every_key_the_module_can_raise_or_report_has_a_text_in_both_languages():
    source = Path(data_import.__file__).read_text(encoding="utf-8")
    keys = set(re.findall(r'"((?:error\.import|import\.skip)\.[a-z_]+)"', source))
    keys |= set(data_import.SKIP_FOR_ERROR.values())
    assert len(keys) > 25
    en, zh = load_locale("en"), load_locale("zh")
    assert sorted(key for key in keys if key not in en or key not in zh) == []
