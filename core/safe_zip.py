"""Read an uploaded zip archive safely: check it whole, list the entries worth reading, read one.

Everything happens in memory. Entries are read into bytes through ``zipfile``; nothing is
extracted, so no name inside a zip ever reaches the disk. Uploads come from anyone, so the zip is
checked before any entry is read:

| problem | outcome |
|---|---|
| empty, over ``MAX_UPLOAD_BYTES``, not a zip, password-protected, holds nothing, too many entries, too large unpacked | whole upload refused (``UserError``) |
| an entry that unpacks to over ``MAX_RATIO`` times its size (a zip bomb) | whole upload refused |
| absolute path, drive letter or ``..`` in a name | entry skipped (``import.skip.unsafe_path``): it could do no harm since nothing is extracted, and the honest files still count |
| symbolic link, unusual compression method, other file type, an entry over ``MAX_ENTRY_BYTES``, one that unpacks past its declared size | entry skipped with its reason |
| the same path twice (a zip updated in place keeps both copies) | the last one read, the earlier ones skipped (``import.skip.replaced``): unzipping keeps the last too, so that is the file the teacher sees |
| ``__MACOSX/``, ``.DS_Store``, ``._*`` and other hidden files, ``Thumbs.db``, ``desktop.ini``, and the ``meta.json`` this app writes into an export | ignored silently: tools add them, people never meant them |

Names written without the zip's UTF-8 flag are read as UTF-8 (what macOS writes), else GB18030
(what Chinese Windows writes), else the zip standard's code page 437, one choice for the whole zip.

It does not decode pictures, recordings or texts, nor label anything: ``core.data_import`` does.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from core.errors import Skipped, UserError

MAX_UPLOAD_BYTES = 60 * 2**20  # hundreds of photos per class fit; more would stall the upload and the server
MAX_TOTAL_BYTES = 400 * 2**20  # all entries unpacked: bounds the time and memory one upload can take
MAX_ENTRIES = 20_000  # 400 samples for each of 50 classes; more is a mistake or an attack on time
MAX_ENTRY_BYTES = 10 * 2**20  # the limit of a single picture or recording uploaded on its own
MAX_RATIO = 100  # pictures and recordings deflate a few times at most: 100× is a zip bomb
BOMB_MIN_BYTES = 2**20  # smaller entries cannot hurt whatever their ratio, and a silent WAV deflates 500×
# What zip tools write by default. Deflate lets a read stop at a size limit; bzip2 and LZMA may unpack
# a whole chunk at once, however large it turns out.
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
CHUNK_BYTES = 2**16  # entries are read this much at a time, so a read can stop at the limit
NAME_ENCODINGS = ("utf-8", "gb18030")  # for names without the UTF-8 flag: macOS, then Chinese Windows
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini"})  # Windows writes these into picture folders
EXPORT_NOTE = "meta.json"  # what core.user_data puts beside the class folders of an export: provenance, no sample


@dataclass(frozen=True)
class Candidate:
    """A zip entry worth reading."""

    info: zipfile.ZipInfo  # where to read it from
    name: str  # its path, cleaned, as the report shows it
    parts: tuple[str, ...]  # the folders and file name of that path


def check_upload(payload: bytes) -> None:
    """Refuse an empty upload or one over MAX_UPLOAD_BYTES, zip or not."""
    if len(payload) == 0:
        raise UserError("error.import.empty_file")
    if len(payload) > MAX_UPLOAD_BYTES:
        raise UserError("error.import.too_large", size_mb=round(len(payload) / 2**20, 1),
                        max_mb=MAX_UPLOAD_BYTES // 2**20)


def open_zip(payload: bytes) -> zipfile.ZipFile:
    """The zip in ``payload``, once its directory shows nothing that would refuse the whole upload."""
    check_upload(payload)
    declared = _count_declared_entries(payload)
    if declared is not None and declared > MAX_ENTRIES:
        raise UserError("error.import.too_many_entries", count=declared, max=MAX_ENTRIES)
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error,
            NotImplementedError) as exc:  # a damaged directory, or one that needs a newer unzipper
        raise UserError("error.import.not_zip") from exc
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UserError("error.import.too_many_entries", count=len(infos), max=MAX_ENTRIES)
    if any(info.flag_bits & 0x1 for info in infos):
        raise UserError("error.import.encrypted")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_TOTAL_BYTES:
        raise UserError("error.import.too_big_unpacked", size_mb=round(unpacked / 2**20, 1),
                        max_mb=MAX_TOTAL_BYTES // 2**20)
    for info, name in zip(infos, decode_names(infos)):
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= BOMB_MIN_BYTES and ratio > MAX_RATIO:
            raise UserError("error.import.zip_bomb", name=name, ratio=round(ratio))
    return archive


def _count_declared_entries(payload: bytes) -> int | None:
    """The entry count in the zip's end record, or None where there is none to read.

    Read before ``zipfile`` builds an object for every entry: 60 MB of empty entries would take
    seconds and hundreds of megabytes before the count could be checked.
    """
    end = payload.rfind(b"PK\x05\x06", max(0, len(payload) - 22 - 0xFFFF))  # 22 bytes and a comment
    if end < 0 or end + 22 > len(payload):
        return None
    count = int.from_bytes(payload[end + 10: end + 12], "little")
    locator = end - 20
    if count == 0xFFFF and payload[locator: locator + 4] == b"PK\x06\x07":  # Zip64 keeps it elsewhere
        record = int.from_bytes(payload[locator + 8: locator + 16], "little")
        if payload[record: record + 4] != b"PK\x06\x06":
            return None
        count = int.from_bytes(payload[record + 32: record + 40], "little")
    return count


def decode_names(infos: list[zipfile.ZipInfo]) -> list[str]:
    """Each entry's name as its author wrote it.

    ``zipfile`` reads names without the UTF-8 flag as code page 437; they are read again in the first
    of NAME_ENCODINGS that fits them all, since one short GBK name can pass for UTF-8 (猫 reads as è).
    """
    raw = [None if info.flag_bits & 0x800 else info.filename.encode("cp437") for info in infos]
    for encoding in NAME_ENCODINGS:
        try:
            return [info.filename if name is None else name.decode(encoding) for info, name in zip(infos, raw)]
        except UnicodeDecodeError:
            continue
    return [info.filename for info in infos]


def split_path(name: str) -> tuple[str, ...] | None:
    """The folders and file name of a zip entry's ``name``, or None when it is absolute, starts with a
    drive letter, holds control characters or climbs out with ``..``; Windows backslashes count as slashes."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    if name.startswith("/") or re.match(r"[A-Za-z]:", name) or any(ord(ch) < 32 for ch in name):
        return None
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    return None if not parts or ".." in parts else parts


def is_junk(parts: tuple[str, ...]) -> bool:
    """macOS resource forks and folder settings, hidden files, Windows thumbnails."""
    return "__MACOSX" in parts or any(part.startswith(".") for part in parts) or parts[-1].lower() in JUNK_NAMES


def list_candidates(archive: zipfile.ZipFile, suffixes: tuple[str, ...]) -> tuple[list[Candidate], list]:
    """The entries worth reading, in name order, and those skipped from their directory record alone.

    A path the zip holds twice is read from its last copy, the one unzipping leaves on disk.
    """
    candidates, skipped = [], []
    infos = archive.infolist()
    for info, name in zip(infos, decode_names(infos)):
        if info.is_dir():
            continue
        parts = split_path(name)
        if parts is None:
            skipped.append((name, "import.skip.unsafe_path"))
        elif is_junk(parts) or parts == (EXPORT_NOTE,):
            continue
        elif stat.S_ISLNK(info.external_attr >> 16):
            skipped.append((name, "import.skip.link"))
        elif not parts[-1].lower().endswith(suffixes):
            skipped.append((name, "import.skip.format"))
        elif info.compress_type not in READABLE_METHODS:
            skipped.append((name, "import.skip.compression"))
        elif info.file_size > MAX_ENTRY_BYTES:
            skipped.append((name, "import.skip.too_large"))
        else:
            candidates.append(Candidate(info, "/".join(parts), parts))
    if not candidates and not skipped:
        raise UserError("error.import.empty")
    last = {c.name: c for c in candidates}  # in the zip's order, so a later copy wins
    skipped += [(c.name, "import.skip.replaced") for c in candidates if last[c.name] is not c]
    return sorted(last.values(), key=lambda c: c.name), skipped


def count_wrappers(paths: list[tuple[str, ...]]) -> int:
    """How many leading folders every path shares while a class folder and a file still follow."""
    depth = 0
    while paths and all(len(p) - depth >= 3 for p in paths) and len({p[depth] for p in paths}) == 1:
        depth += 1
    return depth


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The entry's bytes, read in chunks and abandoned past its declared size, which the directory
    checks already bounded: a header that lies about the size cannot make the read grow."""
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > min(info.file_size, MAX_ENTRY_BYTES):
                    raise Skipped("import.skip.unreadable")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError, struct.error) as exc:
        raise Skipped("import.skip.unreadable") from exc  # a bad checksum or header offset included
    return b"".join(chunks)
