"""Read a class's own labelled data from an upload: a zip of pictures, a zip of recordings, or a CSV of texts.

Each importer turns the uploaded bytes into arrays shaped like the bundled data sets (28×28 grey
pictures, one-second 8 kHz clips, plain strings) and a report of what was kept and what was skipped
and why. It does not split, train or store: the caller does that with the arrays.

Zips are opened, listed and read by ``core.safe_zip``, which refuses or skips whatever an archive
from anyone could hold (bombs, unsafe paths, links, junk); CSV text is read by ``core.labelled_csv``.
What is left to decide here is about the samples themselves:

| problem | outcome |
|---|---|
| a picture or recording that does not decode, or is too small, too long or silent | entry skipped with its reason (``SKIP_FOR_ERROR``) |
| the same content twice in one class | the first kept, the other skipped (``import.skip.duplicate``) |
| the same file name in two folders of one class, with different content | both kept and listed in the report's notes (``import.note.same_name``): often one picture saved twice, once edited, which a teacher may want to drop. In different classes the same name is the rule (cameras restart at IMG_0001 in every folder): no note |
| the same content in two classes | the first kept, the other skipped (``import.skip.duplicate_other_class``): one sample cannot be both |
| no label, or one over ``MAX_LABEL_CHARS`` | entry or row skipped |

Texts come as a CSV file, or as a zip holding one CSV file (how this app exported texts before it
wrote a plain CSV).

A data set to train on needs MIN_CLASSES to MAX_CLASSES classes of MIN_PER_CLASS samples or more;
one only scored (``for_training=False``, ``tools.evaluate``) may hold a single class or a few
samples, since a model is scored on whatever labelled samples there are. Every other check holds.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np
from PIL import Image

from core.audio import decode_audio, prepare_clip
from core.errors import Skipped, UserError
from core.labelled_csv import find_columns, find_encoding, read_csv_rows, read_lines, read_row
from core.safe_zip import (MAX_UPLOAD_BYTES, Candidate, check_upload, count_wrappers, decode_names, is_junk,
                           list_candidates, open_zip, read_entry, split_path)
from data.preprocess import FIELD, decode_upload
from data.speech_format import CLIP_SAMPLES

# MAX_UPLOAD_BYTES is core.safe_zip's, offered here too: it bounds a CSV as well, and the page and
# tools.evaluate name it as the largest class data set upload.
__all__ = ["MAX_UPLOAD_BYTES", "ImportReport", "ImportedSamples", "count_zip_kinds", "import_audio_zip",
           "import_image_zip", "import_text_csv", "import_text_zip", "import_upload", "shrink_to_grid"]

MIN_CLASSES, MAX_CLASSES = 2, 50  # one class teaches nothing; more than 50 do not fit on the charts
MIN_PER_CLASS = 5  # fewer cannot put each class in both the training and the test split
MAX_LABEL_CHARS = 40  # longer is a sentence in the wrong column, and would not fit on a chart axis
MAX_TEXT_CHARS = 1000  # the text models read fewer tokens; numpy strings are all as wide as the longest
GRID = FIELD  # side of the image models' input, as in MNIST and Fashion-MNIST
IMAGE_FORMATS = ("PNG", "JPEG")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
AUDIO_SUFFIXES = (".wav",)
WAV_MAGIC = (b"RIFF", b"RIFX", b"RF64")  # first four bytes of a WAV file; "WAVE" follows at byte 8
CSV_SUFFIXES = (".csv",)
ZIP_SUFFIXES = {"image": IMAGE_SUFFIXES, "audio": AUDIO_SUFFIXES, "text": CSV_SUFFIXES}  # what each kind's zip holds
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
    notes: tuple[tuple[str, str], ...] = ()  # (entries, comma-separated; the note's key): kept, worth a look


@dataclass(frozen=True)
class ImportedSamples:
    """A labelled data set read from an upload, shaped like the bundled data of its kind."""

    kind: str  # "image", "audio" or "text"
    labels: tuple[str, ...]  # class names, sorted
    x: np.ndarray  # image: uint8 (n, 28, 28); audio: float32 (n, CLIP_SAMPLES); text: unicode (n,), no objects
    y: np.ndarray  # int64 (n,) index into labels
    names: tuple[str, ...]  # each sample's origin: its zip entry's path, or its row number in the CSV file
    report: ImportReport


def shrink_to_grid(grey: np.ndarray, side: int = GRID) -> np.ndarray:
    """The centre square of a grey picture (H, W), shrunk to side × side uint8 pixels with Lanczos
    filtering: the whole object when it is in the middle, without the distortion of squashing."""
    grey = np.asarray(grey, dtype=np.uint8)
    height, width = grey.shape[:2]
    size = min(height, width)
    top, left = (height - size) // 2, (width - size) // 2
    square = Image.fromarray(np.ascontiguousarray(grey[top: top + size, left: left + size]))
    return np.asarray(square.resize((side, side), Image.Resampling.LANCZOS), dtype=np.uint8)


def import_image_zip(payload: bytes, progress: Progress | None = None, *, for_training: bool = True) -> ImportedSamples:
    """28×28 grey pictures from a zip of PNG and JPEG files, one folder per class, the folder's name
    the label; folders wrapping them all (``mydata/cat/1.png``) are looked through."""
    archive = open_zip(payload)
    candidates, skipped = list_candidates(archive, IMAGE_SUFFIXES)
    depth = count_wrappers([c.parts for c in candidates])

    def label_of(parts: tuple[str, ...]) -> str | None:
        return parts[depth] if len(parts) - depth >= 2 else None

    def decode(entry: bytes) -> np.ndarray:
        return shrink_to_grid(decode_upload(entry, formats=IMAGE_FORMATS))

    x, labels, names, read_skips, notes = _read_candidates(archive, candidates, label_of, decode, progress)
    return _assemble("image", np.stack(x) if x else np.zeros((0, GRID, GRID), np.uint8), labels, names,
                     sorted(skipped + read_skips), notes, for_training=for_training)


def import_audio_zip(payload: bytes, progress: Progress | None = None, *, for_training: bool = True) -> ImportedSamples:
    """One-second 8 kHz clips from a zip of WAV files, labelled by their folder when the recordings
    sit in class folders, otherwise by the name's start (``yes_anna_1.wav`` is "yes")."""
    archive = open_zip(payload)
    candidates, skipped = list_candidates(archive, AUDIO_SUFFIXES)
    depth = count_wrappers([c.parts for c in candidates])
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
            raise Skipped("import.skip.format")  # decode_audio would also take FLAC or OGG renamed .wav
        return prepare_clip(*decode_audio(entry)).model_input

    x, labels, names, read_skips, notes = _read_candidates(archive, candidates, label_of, decode, progress)
    return _assemble("audio", np.stack(x) if x else np.zeros((0, CLIP_SAMPLES), np.float32), labels, names,
                     sorted(skipped + read_skips), notes, for_training=for_training)


def import_text_csv(payload: bytes, progress: Progress | None = None, *, for_training: bool = True) -> ImportedSamples:
    """Texts and their labels from a CSV file: columns named like label and text (in English or
    Chinese), or exactly two unnamed columns, label first. Repeated texts keep their first row.

    Read a row at a time, keeping only the two cells used: a 60 MB line of commas would otherwise
    become 60 million cells (about 900 MB) before any check could see it.
    """
    check_upload(payload)
    encoding = find_encoding(payload)
    stream = io.BytesIO(payload)
    tick = _make_ticker(progress, len(payload))
    texts, labels, rows, skipped, seen = [], [], [], [], set()
    columns, blank_before = None, []  # (label column, text column, has a header) from the first row with content
    for number, row in read_csv_rows(read_lines(stream, encoding)):
        tick(stream.tell())
        if columns is None and not any(cell.strip() for cell in row):
            blank_before.append(number)
            continue
        if columns is None:
            columns = find_columns(row)
            skipped.extend((str(blank + 1), "import.skip.empty") for blank in blank_before)
            if columns[2]:
                continue
        try:
            label, text = read_row(row, *columns)
            label, text = _clean_label(label), text[:MAX_TEXT_CHARS]
            if text in seen:
                raise Skipped("import.skip.duplicate")
            seen.add(text)
            texts.append(text)
            labels.append(label)
            rows.append(str(number + 1))  # the row number a spreadsheet shows
        except Skipped as skip:
            skipped.append((str(number + 1), skip.key))
    if columns is None:
        raise UserError("error.import.empty")
    tick(len(payload))
    return _assemble("text", np.array(texts, dtype=str), labels, rows, skipped, for_training=for_training)


def import_text_zip(payload: bytes, progress: Progress | None = None, *, for_training: bool = True) -> ImportedSamples:
    """Texts from a zip holding one CSV file (and perhaps this app's ``meta.json``), read as that CSV."""
    archive = open_zip(payload)
    candidates, skipped = list_candidates(archive, CSV_SUFFIXES)
    unreadable = [name for name, _ in skipped if name.lower().endswith(CSV_SUFFIXES)]
    if len(candidates) + len(unreadable) != 1:
        raise UserError("error.import.zip_csv_count", count=len(candidates) + len(unreadable))
    if unreadable:
        raise UserError("error.import.zip_csv_unreadable", name=unreadable[0])
    try:
        table = read_entry(archive, candidates[0].info)
    except Skipped as skip:
        raise UserError("error.import.zip_csv_unreadable", name=candidates[0].name) from skip
    return import_text_csv(table, progress, for_training=for_training)


def import_upload(filename: str, payload: bytes, kind: str, progress: Progress | None = None, *,
                  for_training: bool = True) -> ImportedSamples:
    """Import ``payload`` as ``kind`` ("image" or "audio": a .zip; "text": a .csv, or a .zip holding one),
    as a data set to train on, or with ``for_training=False`` one only to score a model on.

    Raises ``UserError`` for a file of the wrong type and for anything the importer refuses, and
    ``ValueError`` for an unknown ``kind``, which is the caller's mistake rather than the user's.
    """
    if kind not in _IMPORTERS:
        raise ValueError(f"unknown kind of data: {kind!r}")
    for suffix, importer in _IMPORTERS[kind]:
        if filename.lower().endswith(suffix):
            return importer(payload, progress, for_training=for_training)
    raise UserError("error.import.file_type", name=filename, expected=_IMPORTERS[kind][0][0])


def count_zip_kinds(payload: bytes) -> dict[str, int]:
    """How many files of each kind ("image", "audio", "text") the zip in ``payload`` holds by their
    names, hidden files and an export's ``meta.json`` left out; the zip is checked as an upload is."""
    archive = open_zip(payload)
    counts = dict.fromkeys(ZIP_SUFFIXES, 0)
    infos = archive.infolist()
    for info, name in zip(infos, decode_names(infos)):
        parts = split_path(name)
        if info.is_dir() or parts is None or is_junk(parts):
            continue
        for kind, suffixes in ZIP_SUFFIXES.items():
            counts[kind] += parts[-1].lower().endswith(suffixes)
    return counts


def _read_candidates(archive: zipfile.ZipFile, candidates: list[Candidate],
                     label_of: Callable[[tuple[str, ...]], str | None], decode: Callable[[bytes], np.ndarray],
                     progress: Progress | None) -> tuple[list[np.ndarray], list[str], list[str], list, list]:
    """Decode each candidate that has a label and new content: the samples, their labels, their entries'
    names, the skips, and a note for each file name one class holds in more than one folder."""
    samples, labels, names, skipped, seen = [], [], [], [], {}  # seen: content digest -> its label
    kept_by_file: dict[tuple[str, str], list[str]] = {}
    tick = _make_ticker(progress, len(candidates))
    for done, candidate in enumerate(candidates, start=1):
        try:
            label = _clean_label(label_of(candidate.parts))
            entry = read_entry(archive, candidate.info)
            digest = hashlib.sha256(entry).digest()
            if digest in seen:  # in another class it is a labelling question, not just a second copy
                raise Skipped("import.skip.duplicate" if seen[digest] == label
                              else "import.skip.duplicate_other_class")
            seen[digest] = label
            try:
                samples.append(decode(entry))
            except UserError as exc:
                raise Skipped(SKIP_FOR_ERROR.get(exc.key, "import.skip.unreadable")) from exc
            labels.append(label)
            names.append(candidate.name)
            kept_by_file.setdefault((label, candidate.parts[-1]), []).append(candidate.name)
        except Skipped as skip:
            skipped.append((candidate.name, skip.key))
        tick(done)
    notes = [(", ".join(same), "import.note.same_name") for same in kept_by_file.values() if len(same) > 1]
    return samples, labels, names, skipped, notes


def _clean_label(label: str | None) -> str:
    label = unicodedata.normalize("NFC", label or "").strip()
    if not label:
        raise Skipped("import.skip.no_label")
    if len(label) > MAX_LABEL_CHARS:
        raise Skipped("import.skip.label_too_long")
    return label


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


def _assemble(kind: str, x: np.ndarray, labels: list[str], names: list[str], skipped: list, notes: list = (), *,
              for_training: bool) -> ImportedSamples:
    """The samples with labels as indices into the sorted class names, once the classes are usable:
    for training, enough of them with enough samples each."""
    counts = Counter(labels)
    if not counts:
        raise UserError("error.import.no_samples", skipped=len(skipped))
    if len(counts) > MAX_CLASSES:
        raise UserError("error.import.too_many_classes", count=len(counts), max=MAX_CLASSES)
    if for_training:
        _check_trainable(counts, labels[0])
    classes = tuple(sorted(counts))
    index = {label: i for i, label in enumerate(classes)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    return ImportedSamples(kind, classes, x, y, tuple(names),
                           ImportReport(kept=len(y), skipped=tuple(skipped), notes=tuple(notes)))


def _check_trainable(counts: Counter, first: str) -> None:
    """Refuse classes a model cannot learn from: one alone, or any too small to be in both splits."""
    if len(counts) < MIN_CLASSES:
        raise UserError("error.import.one_class", label=first)
    short = sorted(label for label, count in counts.items() if count < MIN_PER_CLASS)
    if short:
        raise UserError("error.import.too_few", min=MIN_PER_CLASS,
                        classes=", ".join(f"{label} ({counts[label]})" for label in short))


_IMPORTERS = {"image": ((".zip", import_image_zip),), "audio": ((".zip", import_audio_zip),),
              "text": ((".csv", import_text_csv), (".zip", import_text_zip))}
