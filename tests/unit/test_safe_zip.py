"""An uploaded zip read safely: every hostile or careless archive refused whole or its entries skipped
with their reason, all in memory. The entries need not be real pictures: nothing here decodes them."""

import io
import re
import stat
import warnings
import zipfile

import pytest

from core import safe_zip
from core.errors import Skipped, UserError
from core.safe_zip import count_wrappers, decode_names, list_candidates, open_zip, read_entry, split_path

PNG = (".png",)


def make_zip(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip in memory of (name or ZipInfo, bytes) pairs; a name may come twice, as ``zip -u`` leaves it."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of a duplicate name: some tests want one
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, payload in entries:
                archive.writestr(name, payload)
    return buffer.getvalue()


def class_files(counts: dict[str, int], prefix: str = "") -> list[tuple[str, bytes]]:
    """``count`` small entries in each class folder, each with different content."""
    return [(f"{prefix}{label}/{i}.png", f"{label} {i}".encode() * 50) for label, count in counts.items()
            for i in range(count)]


def listed(payload: bytes, suffixes: tuple[str, ...] = PNG) -> tuple[list[str], dict[str, str]]:
    """The names of the entries worth reading, and the skipped ones with their reasons."""
    candidates, skipped = list_candidates(open_zip(payload), suffixes)
    return [c.name for c in candidates], dict(skipped)


def error_of(call, *args) -> UserError:
    with pytest.raises(UserError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize("name, parts", [
    ("cat/0.png", ("cat", "0.png")),
    ("./cat//sub/0.png", ("cat", "sub", "0.png")),
    ("cat\\0.png", ("cat", "0.png")),  # a Windows tool's backslashes
    ("cafe\u0301/0.png", ("caf\u00e9", "0.png")),  # macOS writes decomposed accents
    ("../evil.png", None), ("/abs.png", None), ("C:\\x.png", None), ("cat/../../up.png", None),
    ("cat\\..\\..\\win.png", None), ("cat/\x07.png", None), ("./", None),
])
def test_split_path_refuses_whatever_could_climb_out(name, parts):
    assert split_path(name) == parts


def test_unsafe_paths_are_skipped_not_read():
    evil = [("../evil.png", b"1"), ("/abs.png", b"2"), ("C:\\x.png", b"3"), ("cat/../../up.png", b"4"),
            ("cat\\..\\..\\win.png", b"5")]
    names, skipped = listed(make_zip(class_files({"cat": 2}) + evil))
    assert names == ["cat/0.png", "cat/1.png"]
    assert set(skipped.values()) == {"import.skip.unsafe_path"} and len(skipped) == 5


def test_symbolic_links_are_skipped():
    link = zipfile.ZipInfo("cat/link.png")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    names, skipped = listed(make_zip(class_files({"cat": 2}) + [(link, b"/etc/passwd")]))
    assert names == ["cat/0.png", "cat/1.png"] and skipped == {"cat/link.png": "import.skip.link"}


def test_a_path_held_twice_is_read_from_its_later_copy_and_the_earlier_one_is_reported():
    archive = open_zip(make_zip(class_files({"cat": 2}) + [("cat/0.png", b"edited")]))
    candidates, skipped = list_candidates(archive, PNG)
    assert [c.name for c in candidates] == ["cat/0.png", "cat/1.png"]
    assert skipped == [("cat/0.png", "import.skip.replaced")]
    assert read_entry(archive, candidates[0].info) == b"edited"  # the copy unzipping would leave


def test_macos_and_windows_junk_and_an_exports_note_are_ignored_silently():
    junk = [("__MACOSX/cat/._0.png", b"\x00\x05\x16\x07"), ("cat/.DS_Store", b"Bud1"), ("dog/._1.png", b"x"),
            ("dog/Thumbs.db", b"x"), ("meta.json", b"{}"), ("folder/", b"")]
    names, skipped = listed(make_zip(class_files({"cat": 1, "dog": 1}) + junk))
    assert names == ["cat/0.png", "dog/0.png"] and skipped == {}


def test_other_file_types_unusual_compression_and_large_entries_are_skipped(monkeypatch):
    bzip2 = zipfile.ZipInfo("cat/packed.png")
    bzip2.compress_type = zipfile.ZIP_BZIP2
    entries = class_files({"cat": 1}) + [("cat/notes.txt", b"hello"), (bzip2, b"x"), ("cat/big.png", bytes(1001))]
    monkeypatch.setattr(safe_zip, "MAX_ENTRY_BYTES", 1000)
    names, skipped = listed(make_zip(entries))
    assert names == ["cat/0.png"]
    assert skipped == {"cat/notes.txt": "import.skip.format", "cat/packed.png": "import.skip.compression",
                       "cat/big.png": "import.skip.too_large"}


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
    (set_flag(make_zip(class_files({"cat": 2})), 0x1), "error.import.encrypted"),
])
def test_whole_upload_problems_are_named(payload, key):
    assert error_of(listed, payload).key == key


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    payload = make_zip(class_files({"cat": 2}) + [("cat/bomb.png", bytes(20 * 2**20))])
    assert len(payload) < 200_000
    error = error_of(open_zip, payload)
    assert error.key == "error.import.zip_bomb" and error.params["name"] == "cat/bomb.png"
    assert error.params["ratio"] > 100


def test_a_header_that_understates_the_size_is_read_only_that_far():
    payload = bytearray(make_zip(class_files({"cat": 2}) + [("cat/liar.png", bytes(20 * 2**20))]))
    record = payload.rfind(b"PK\x01\x02")  # the last entry in the directory is the liar
    payload[record + 24: record + 28] = (100_000).to_bytes(4, "little")  # uncompressed size: 100 kB, ratio under 100
    archive = open_zip(bytes(payload))
    liar = archive.getinfo("cat/liar.png")
    with pytest.raises(Skipped) as caught:
        read_entry(archive, liar)
    assert caught.value.key == "import.skip.unreadable"
    assert read_entry(archive, archive.getinfo("cat/1.png")) == b"cat 1" * 50


def test_limits_on_size_entries_and_unpacked_bytes(monkeypatch):
    payload = make_zip(class_files({"cat": 5, "dog": 5}))
    monkeypatch.setattr(safe_zip, "MAX_UPLOAD_BYTES", len(payload) - 1)
    assert error_of(open_zip, payload).key == "error.import.too_large"
    monkeypatch.undo()
    monkeypatch.setattr(safe_zip, "MAX_ENTRIES", 9)
    error = error_of(open_zip, payload)
    assert error.key == "error.import.too_many_entries" and error.params["count"] == 10
    monkeypatch.undo()
    monkeypatch.setattr(safe_zip, "MAX_TOTAL_BYTES", 1000)
    assert error_of(open_zip, payload).key == "error.import.too_big_unpacked"


def test_chinese_names_without_the_utf8_flag_are_read_as_gb18030():
    # Chinese Windows writes names in GBK without the flag; placeholders of the same byte length are swapped in.
    payload = make_zip(class_files({"XX": 1, "YY": 1}), zipfile.ZIP_STORED)
    payload = payload.replace(b"XX/", "猫/".encode("gbk")).replace(b"YY/", "狗/".encode("gbk"))
    assert decode_names(open_zip(payload).infolist()) == ["猫/0.png", "狗/0.png"]


def test_wrapper_folders_are_counted_while_a_class_folder_and_a_file_follow():
    assert count_wrappers([("mydata", "cat", "0.png"), ("mydata", "dog", "0.png")]) == 1
    assert count_wrappers([("a", "b", "cat", "0.png"), ("a", "b", "dog", "0.png")]) == 2
    assert count_wrappers([("mydata", "cat", "0.png"), ("other", "dog", "0.png")]) == 0
    assert count_wrappers([("cat", "0.png"), ("cat", "1.png")]) == 0
    assert count_wrappers([]) == 0
