"""Read a class's own labelled data from an upload: a zip of pictures, a zip of recordings, or a CSV of texts.

Each importer turns the uploaded bytes into arrays shaped like the bundled data sets (28×28 grey
pictures, one-second 8 kHz clips, plain strings) and a report of what was kept and what was skipped
and why. It does not split, train or store: the caller does that with the arrays.

Everything happens in memory. Zip entries are read into bytes through ``zipfile`` and decoded
there; nothing is extracted, so no name inside a zip ever reaches the disk. Uploads come from
anyone, so the zip is checked before anything is decoded:

| problem | outcome |
|---|---|
| not a zip, password-protected, holds nothing, too many entries, too large unpacked | whole upload refused (``UserError``) |
| an entry that unpacks to over ``MAX_RATIO`` times its size (a zip bomb) | whole upload refused |
| absolute path, drive letter or ``..`` in a name | entry skipped (``import.skip.unsafe_path``): it could do no harm since nothing is extracted, and the honest files still count |
| symbolic link, unusual compression method, other file type, duplicate content, damaged file | entry skipped with its reason |
| ``__MACOSX/``, ``.DS_Store``, ``._*`` and other hidden files, ``Thumbs.db``, ``desktop.ini`` | ignored silently: tools add them, people never meant them |

Names written without the zip's UTF-8 flag are read as UTF-8 (what macOS writes), else GB18030
(what Chinese Windows writes), else the zip standard's code page 437, one choice for the whole zip.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
from PIL import Image

from core.audio import decode_audio, prepare_clip
from core.errors import UserError
from data.preprocess import FIELD, decode_upload
from data.speech_format import CLIP_SAMPLES

MAX_UPLOAD_BYTES = 60 * 2**20  # hundreds of photos per class fit; more would stall the upload and the server
MAX_TOTAL_BYTES = 400 * 2**20  # all entries unpacked: bounds the time and memory one upload can take
MAX_ENTRIES = 20_000  # 400 samples for each of 50 classes; more is a mistake or an attack on time
MAX_ENTRY_BYTES = 10 * 2**20  # the limit of a single picture or recording uploaded on its own
MAX_RATIO = 100  # pictures and recordings deflate a few times at most: 100× is a zip bomb
BOMB_MIN_BYTES = 2**20  # smaller entries cannot hurt whatever their ratio, and a silent WAV deflates 500×
MIN_CLASSES, MAX_CLASSES = 2, 50  # one class teaches nothing; more than 50 do not fit on the charts
MIN_PER_CLASS = 5  # fewer cannot put each class in both the training and the test split
MAX_LABEL_CHARS = 40  # longer is a sentence in the wrong column, and would not fit on a chart axis
MAX_TEXT_CHARS = 1000  # the text models read fewer tokens; numpy strings are all as wide as the longest
MAX_LINE_CHARS = 200_000  # a label and csv's own largest field (131,072 characters) fit; longer is no row
GRID = FIELD  # side of the image models' input, as in MNIST and Fashion-MNIST
IMAGE_FORMATS = ("PNG", "JPEG")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
AUDIO_SUFFIXES = (".wav",)
WAV_MAGIC = (b"RIFF", b"RIFX", b"RF64")  # first four bytes of a WAV file; "WAVE" follows at byte 8
# What zip tools write by default. Deflate lets a read stop at a size limit; bzip2 and LZMA may unpack
# a whole chunk at once, however large it turns out.
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
CHUNK_BYTES = 2**16  # entries are read this much at a time, so a read can stop at the limit
NAME_ENCODINGS = ("utf-8", "gb18030")  # for names without the UTF-8 flag: macOS, then Chinese Windows
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")  # a BOM first (Excel's "CSV UTF-8"), then plain, then Chinese Windows
LABEL_HEADERS = frozenset({"label", "labels", "class", "标签", "类别"})
TEXT_HEADERS = frozenset({"text", "review", "sentence", "content", "文本", "评论", "内容"})
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini"})  # Windows writes these into picture folders
PROGRESS_STEPS = 100  # at most this many progress calls, so a long upload does not flood the screen
# The reason a single picture or recording is skipped, for each error that decoding it can raise.
SKIP_FOR_ERROR = {
    "error.upload_format": "import.skip.format",
    "error.upload_too_small": "import.skip.too_small",
    "error.upload_too_many_pixels": "import.skip.too_large",
    "error.upload_bomb": "import.skip.too_large",
    "error.upload_too_large": "import.skip.too_large",
    "error.audio_too_large": "import.skip.too_large",
    "error.audio_too_long": "import.skip.too_long",
    "error.audio_too_many_samples": "import.skip.too_large",
    "error.audio_silent": "import.skip.silent",
}

Progress = Callable[[float], None]


@dataclass(frozen=True)
class ImportReport:
    """What an import kept and what it left out, for the teacher to check."""

    kept: int  # samples accepted
    skipped: tuple[tuple[str, str], ...]  # (entry name, or spreadsheet row number for a CSV; the reason's key)


@dataclass(frozen=True)
class ImportedSamples:
    """A labelled data set read from an upload, shaped like the bundled data of its kind."""

    kind: str  # "image", "audio" or "text"
    labels: tuple[str, ...]  # class names, sorted
    x: np.ndarray  # image: uint8 (n, 28, 28); audio: float32 (n, CLIP_SAMPLES); text: unicode (n,), no objects
    y: np.ndarray  # int64 (n,) index into labels
    report: ImportReport


@dataclass(frozen=True)
class _Candidate:
    """A zip entry worth reading."""

    info: zipfile.ZipInfo  # where to read it from
    name: str  # its path, cleaned, as the report shows it
    parts: tuple[str, ...]  # the folders and file name of that path


class _Skipped(Exception):
    """One entry or row is left out; ``key`` is the reason's translation key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def shrink_to_grid(grey: np.ndarray, side: int = GRID) -> np.ndarray:
    """The centre square of a grey picture (H, W), shrunk to side × side uint8 pixels with Lanczos
    filtering: the whole object when it is in the middle, without the distortion of squashing."""
    grey = np.asarray(grey, dtype=np.uint8)
    height, width = grey.shape[:2]
    size = min(height, width)
    top, left = (height - size) // 2, (width - size) // 2
    square = Image.fromarray(np.ascontiguousarray(grey[top: top + size, left: left + size]))
    return np.asarray(square.resize((side, side), Image.Resampling.LANCZOS), dtype=np.uint8)


def import_image_zip(payload: bytes, progress: Progress | None = None) -> ImportedSamples:
    """28×28 grey pictures from a zip of PNG and JPEG files, one folder per class, the folder's name
    the label; folders wrapping them all (``mydata/cat/1.png``) are looked through."""
    archive = _open_zip(payload)
    candidates, skipped = _list_candidates(archive, IMAGE_SUFFIXES)
    depth = _count_wrappers([c.parts for c in candidates])

    def label_of(parts: tuple[str, ...]) -> str | None:
        return parts[depth] if len(parts) - depth >= 2 else None

    def decode(entry: bytes) -> np.ndarray:
        return shrink_to_grid(decode_upload(entry, formats=IMAGE_FORMATS))

    x, labels, read_skips = _read_candidates(archive, candidates, label_of, decode, progress)
    return _assemble("image", np.stack(x) if x else np.zeros((0, GRID, GRID), np.uint8), labels,
                     sorted(skipped + read_skips))


def import_audio_zip(payload: bytes, progress: Progress | None = None) -> ImportedSamples:
    """One-second 8 kHz clips from a zip of WAV files, labelled by their folder when the recordings
    sit in class folders, otherwise by the name's start (``yes_anna_1.wav`` is "yes")."""
    archive = _open_zip(payload)
    candidates, skipped = _list_candidates(archive, AUDIO_SUFFIXES)
    depth = _count_wrappers([c.parts for c in candidates])
    folders = {c.parts[depth] for c in candidates if len(c.parts) - depth >= 2}
    # One folder holding "<label>_x.wav" files is a wrapper (the Free Spoken Digit Dataset's
    # "recordings/"); two or more folders, or files without the prefix, are class folders.
    by_folder = len(folders) >= 2 or any("_" not in c.parts[-1] for c in candidates if len(c.parts) - depth >= 2)

    def label_of(parts: tuple[str, ...]) -> str | None:
        if by_folder and len(parts) - depth >= 2:
            return parts[depth]
        head, underscore, _ = parts[-1].partition("_")
        return head if underscore else None

    def decode(entry: bytes) -> np.ndarray:
        if entry[:4] not in WAV_MAGIC or entry[8:12] != b"WAVE":
            raise _Skipped("import.skip.format")  # decode_audio would also take FLAC or OGG renamed .wav
        return prepare_clip(*decode_audio(entry)).model_input

    x, labels, read_skips = _read_candidates(archive, candidates, label_of, decode, progress)
    return _assemble("audio", np.stack(x) if x else np.zeros((0, CLIP_SAMPLES), np.float32), labels,
                     sorted(skipped + read_skips))


def import_text_csv(payload: bytes, progress: Progress | None = None) -> ImportedSamples:
    """Texts and their labels from a CSV file: columns named like label and text (in English or
    Chinese), or exactly two unnamed columns, label first. Repeated texts keep their first row.

    Read a row at a time, keeping only the two cells used: a 60 MB line of commas would otherwise
    become 60 million cells (about 900 MB) before any check could see it.
    """
    _check_upload(payload)
    encoding = _find_encoding(payload)
    stream = io.BytesIO(payload)
    tick = _make_ticker(progress, len(payload))
    texts, labels, skipped, seen = [], [], [], set()
    columns, blank_before = None, []  # (label column, text column, has a header) from the first row with content
    for number, row in _read_csv_rows(_read_lines(stream, encoding)):
        tick(stream.tell())
        if columns is None and not any(cell.strip() for cell in row):
            blank_before.append(number)
            continue
        if columns is None:
            columns = _find_columns(row)
            skipped.extend((str(blank + 1), "import.skip.empty") for blank in blank_before)
            if columns[2]:
                continue
        try:
            label, text = _read_row(row, *columns)
            if text in seen:
                raise _Skipped("import.skip.duplicate")
            seen.add(text)
            texts.append(text)
            labels.append(label)
        except _Skipped as skip:
            skipped.append((str(number + 1), skip.key))  # the row number a spreadsheet shows
    if columns is None:
        raise UserError("error.import.empty")
    tick(len(payload))
    return _assemble("text", np.array(texts, dtype=str), labels, skipped)


def import_upload(filename: str, payload: bytes, kind: str, progress: Progress | None = None) -> ImportedSamples:
    """Import ``payload`` as ``kind`` ("image" or "audio": a .zip; "text": a .csv).

    Raises ``UserError`` for a file of the wrong type and for anything the importer refuses, and
    ``ValueError`` for an unknown ``kind``, which is the caller's mistake rather than the user's.
    """
    if kind not in _IMPORTERS:
        raise ValueError(f"unknown kind of data: {kind!r}")
    suffix, importer = _IMPORTERS[kind]
    if not filename.lower().endswith(suffix):
        raise UserError("error.import.file_type", name=filename, expected=suffix)
    return importer(payload, progress)


def _check_upload(payload: bytes) -> None:
    if len(payload) == 0:
        raise UserError("error.import.empty_file")
    if len(payload) > MAX_UPLOAD_BYTES:
        raise UserError("error.import.too_large", size_mb=round(len(payload) / 2**20, 1),
                        max_mb=MAX_UPLOAD_BYTES // 2**20)


def _open_zip(payload: bytes) -> zipfile.ZipFile:
    """The zip in ``payload``, once its directory shows nothing that would refuse the whole upload."""
    _check_upload(payload)
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
    for info, name in zip(infos, _decode_names(infos)):
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


def _decode_names(infos: list[zipfile.ZipInfo]) -> list[str]:
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


def _split_path(name: str) -> tuple[str, ...] | None:
    """The folders and file name of a zip entry's ``name``, or None when it is absolute, starts with a
    drive letter, holds control characters or climbs out with ``..``; Windows backslashes count as slashes."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    if name.startswith("/") or re.match(r"[A-Za-z]:", name) or any(ord(ch) < 32 for ch in name):
        return None
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    return None if not parts or ".." in parts else parts


def _is_junk(parts: tuple[str, ...]) -> bool:
    """macOS resource forks and folder settings, hidden files, Windows thumbnails."""
    return "__MACOSX" in parts or any(part.startswith(".") for part in parts) or parts[-1].lower() in JUNK_NAMES


def _list_candidates(archive: zipfile.ZipFile, suffixes: tuple[str, ...]) -> tuple[list[_Candidate], list]:
    """The entries worth reading, in name order, and those skipped from their directory record alone."""
    candidates, skipped = [], []
    infos = archive.infolist()
    for info, name in zip(infos, _decode_names(infos)):
        if info.is_dir():
            continue
        parts = _split_path(name)
        if parts is None:
            skipped.append((name, "import.skip.unsafe_path"))
        elif _is_junk(parts):
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
            candidates.append(_Candidate(info, "/".join(parts), parts))
    if not candidates and not skipped:
        raise UserError("error.import.empty")
    return sorted(candidates, key=lambda c: c.name), skipped


def _count_wrappers(paths: list[tuple[str, ...]]) -> int:
    """How many leading folders every path shares while a class folder and a file still follow."""
    depth = 0
    while paths and all(len(p) - depth >= 3 for p in paths) and len({p[depth] for p in paths}) == 1:
        depth += 1
    return depth


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The entry's bytes, read in chunks and abandoned past its declared size, which the directory
    checks already bounded: a header that lies about the size cannot make the read grow."""
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > min(info.file_size, MAX_ENTRY_BYTES):
                    raise _Skipped("import.skip.unreadable")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError, struct.error) as exc:
        raise _Skipped("import.skip.unreadable") from exc  # a bad checksum or header offset included
    return b"".join(chunks)


def _read_candidates(archive: zipfile.ZipFile, candidates: list[_Candidate],
                     label_of: Callable[[tuple[str, ...]], str | None], decode: Callable[[bytes], np.ndarray],
                     progress: Progress | None) -> tuple[list[np.ndarray], list[str], list]:
    """Decode each candidate that has a label and new content: the samples, their labels, the skips."""
    samples, labels, skipped, seen = [], [], [], set()
    tick = _make_ticker(progress, len(candidates))
    for done, candidate in enumerate(candidates, start=1):
        try:
            label = _clean_label(label_of(candidate.parts))
            entry = _read_entry(archive, candidate.info)
            digest = hashlib.sha256(entry).digest()
            if digest in seen:
                raise _Skipped("import.skip.duplicate")
            seen.add(digest)
            try:
                samples.append(decode(entry))
            except UserError as exc:
                raise _Skipped(SKIP_FOR_ERROR.get(exc.key, "import.skip.unreadable")) from exc
            labels.append(label)
        except _Skipped as skip:
            skipped.append((candidate.name, skip.key))
        tick(done)
    return samples, labels, skipped


def _clean_label(label: str | None) -> str:
    label = unicodedata.normalize("NFC", label or "").strip()
    if not label:
        raise _Skipped("import.skip.no_label")
    if len(label) > MAX_LABEL_CHARS:
        raise _Skipped("import.skip.label_too_long")
    return label


def _find_encoding(payload: bytes) -> str:
    """The first of ENCODINGS that reads all of ``payload``, checked a chunk at a time: decoding it
    whole could take four times its size (one emoji makes Python store every character in 4 bytes)."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(payload), CHUNK_BYTES):
                decoder.decode(payload[start: start + CHUNK_BYTES])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UserError("error.import.encoding", encodings=", ".join(ENCODINGS))


def _read_lines(stream: io.BytesIO, encoding: str) -> Iterator[str]:
    """The lines of ``stream``, endings kept as csv wants them; refuses a line over MAX_LINE_CHARS
    before holding more of it, since no row of a label and a text is that long."""
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        for number in itertools.count(1):
            line = text.readline(MAX_LINE_CHARS + 1)
            if not line:
                return
            if len(line) > MAX_LINE_CHARS:
                raise UserError("error.import.csv_row_long", row=number, max=MAX_LINE_CHARS)
            yield line
    finally:
        text.detach()  # a wrapper closes its stream when it goes; the caller still reads the position


def _read_csv_rows(lines: Iterator[str]) -> Iterator[tuple[int, list[str]]]:
    """Each row of the CSV in ``lines`` with its number from 0, at most the header and MAX_ENTRIES rows."""
    reader = csv.reader(lines)
    try:
        for number, row in enumerate(reader):
            if number > MAX_ENTRIES:  # the header may take one row
                raise UserError("error.import.too_many_rows", max=MAX_ENTRIES)
            yield number, row
    except csv.Error as exc:  # an unclosed quote or a field longer than csv's own limit
        raise UserError("error.import.csv_damaged", row=reader.line_num) from exc


def _find_columns(first: list[str]) -> tuple[int, int, bool]:
    """The label column, the text column, and whether ``first`` is a header naming them."""
    names = [cell.strip().lower() for cell in first]
    label = next((i for i, name in enumerate(names) if name in LABEL_HEADERS), None)
    text = next((i for i, name in enumerate(names) if name in TEXT_HEADERS), None)
    if label is not None and text is not None:
        return label, text, True
    if len(first) == 2 and label is not None:
        return label, 1 - label, True
    if len(first) == 2 and text is not None:
        return 1 - text, text, True
    if len(first) == 2:
        return 0, 1, False
    raise UserError("error.import.csv_columns", columns=", ".join(cell.strip() for cell in first[:10]))


def _read_row(row: list[str], label_column: int, text_column: int, has_header: bool) -> tuple[str, str]:
    cells = [cell.strip() for cell in row]
    if any(cells) and not has_header and len(cells) != 2:
        raise _Skipped("import.skip.columns")  # without names, a third cell leaves the text ambiguous
    label, text = (cells[column] if column < len(cells) else "" for column in (label_column, text_column))
    if not label or not text:
        raise _Skipped("import.skip.empty")
    return _clean_label(label), text[:MAX_TEXT_CHARS]


def _make_ticker(progress: Progress | None, total: int) -> Callable[[int], None]:
    """A function of the amount done that reports the fraction done to ``progress``: 0 now, then
    each time another hundredth is passed, 1 once ``total`` is reached, never the same twice."""
    reported = -1  # hundredths

    def tick(done: int) -> None:
        nonlocal reported
        hundredths = PROGRESS_STEPS if done >= total else done * PROGRESS_STEPS // total
        if progress is not None and hundredths > reported:
            reported = hundredths
            progress(hundredths / PROGRESS_STEPS)

    tick(0)
    return tick


def _assemble(kind: str, x: np.ndarray, labels: list[str], skipped: list) -> ImportedSamples:
    """The samples with labels as indices into the sorted class names, once the classes are usable."""
    counts = Counter(labels)
    if not counts:
        raise UserError("error.import.no_samples", skipped=len(skipped))
    if len(counts) < MIN_CLASSES:
        raise UserError("error.import.one_class", label=labels[0])
    if len(counts) > MAX_CLASSES:
        raise UserError("error.import.too_many_classes", count=len(counts), max=MAX_CLASSES)
    short = sorted(label for label, count in counts.items() if count < MIN_PER_CLASS)
    if short:
        raise UserError("error.import.too_few", min=MIN_PER_CLASS,
                        classes=", ".join(f"{label} ({counts[label]})" for label in short))
    names = tuple(sorted(counts))
    index = {name: i for i, name in enumerate(names)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    return ImportedSamples(kind, names, x, y, ImportReport(kept=len(y), skipped=tuple(skipped)))


_IMPORTERS = {"image": (".zip", import_image_zip), "audio": (".zip", import_audio_zip), "text": (".csv", import_text_csv)}
