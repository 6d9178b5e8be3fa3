"""Class data sets: labelled images, recordings or texts a class collected or uploaded, kept on disk.

Each data set is one folder under ``$NEURALSTAGE_HOME/datasets/<id>/`` holding ``meta.json`` (name,
kind, labels, where it came from) and ``samples.npz`` (the arrays, saved without pickle). The id is
made here, never from user text, so no name a visitor types can reach outside that folder. Images are
28×28 grey uint8, recordings one-second 8 kHz float32 clips, texts plain strings: the shapes the
app's models already read.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import unicodedata
import uuid
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.runstore import default_home
from data.speech_format import CLIP_SAMPLES, SAMPLE_RATE

KINDS = ("image", "audio", "text")
MIN_CLASSES, MAX_CLASSES = 2, 50  # fewer is no classification; more will not fit a class's patience or a chart
MAX_LABEL_CHARS = 40  # long enough for "Golden retriever", short enough for a chart axis
MAX_NAME_CHARS = 60
MAX_SAMPLES = 20_000  # keeps a data set small enough to train on a laptop in the lesson
ID_PATTERN = re.compile(r"[0-9a-f]{12}")


@dataclass(frozen=True)
class DatasetInfo:
    """What a class data set is, without its samples."""

    id: str  # folder name: 12 hex digits made here
    name: str  # what the teacher called it
    kind: str  # "image", "audio" or "text"
    labels: tuple[str, ...]  # class names, in the order the labels index them
    counts: tuple[int, ...]  # samples per label
    created_at: float  # seconds since the epoch
    provenance: str  # how it was made: "collected" or "upload:<file name>"

    @property
    def size(self) -> int:
        """Number of samples."""
        return sum(self.counts)


def check_labels(labels: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Trimmed, distinct, non-empty labels, 2 to 50 of them, or a ``UserError`` saying what is wrong."""
    cleaned = tuple(label.strip() for label in labels)
    if any(not label for label in cleaned):
        raise UserError("error.data.label_empty")
    too_long = [label for label in cleaned if len(label) > MAX_LABEL_CHARS]
    if too_long:
        raise UserError("error.data.label_long", label=too_long[0][:MAX_LABEL_CHARS], max=MAX_LABEL_CHARS)
    if len(set(cleaned)) != len(cleaned):
        raise UserError("error.data.label_twice")
    if not MIN_CLASSES <= len(cleaned) <= MAX_CLASSES:
        raise UserError("error.data.label_count", count=len(cleaned), low=MIN_CLASSES, high=MAX_CLASSES)
    return cleaned


def _check_samples(kind: str, x: np.ndarray, y: np.ndarray, labels: tuple[str, ...]) -> None:
    """The arrays have the shape and type the app's models read; labels index ``labels``."""
    shapes = {"image": (28, 28), "audio": (CLIP_SAMPLES,), "text": ()}
    if kind not in KINDS:
        raise UserError("error.data.kind", kind=kind)
    if x.shape[1:] != shapes[kind] or len(x) != len(y):
        raise UserError("error.data.shape")
    if x.dtype.kind != {"image": "u", "audio": "f", "text": "U"}[kind] or (kind == "image" and x.dtype != np.uint8):
        raise UserError("error.data.shape")
    if len(y) and (y.min() < 0 or y.max() >= len(labels)):
        raise UserError("error.data.shape")
    if len(x) > MAX_SAMPLES:
        raise UserError("error.data.too_many", count=len(x), max=MAX_SAMPLES)


class UserDataStore:
    """Create, read, edit, export and delete class data sets under one home folder."""

    def __init__(self, home: Path | None = None) -> None:
        self.root = (Path(home) if home else default_home()) / "datasets"
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one writer at a time: two tabs may edit the same set

    def _folder(self, dataset_id: str) -> Path:
        # fullmatch: with match, "$" would let an id end in a line break, a folder this store never made.
        if not (isinstance(dataset_id, str) and ID_PATTERN.fullmatch(dataset_id)):
            raise UserError("error.data.unknown", id=str(dataset_id)[:20])
        return self.root / dataset_id

    def save(self, name: str, kind: str, labels, x: np.ndarray, y: np.ndarray, provenance: str) -> DatasetInfo:
        """Store a new data set and return its description."""
        labels = check_labels(labels)
        x, y = np.asarray(x), np.asarray(y, dtype=np.int64).reshape(-1)
        _check_samples(kind, x, y, labels)
        info = DatasetInfo(uuid.uuid4().hex[:12], (name.strip() or labels[0])[:MAX_NAME_CHARS], kind, labels,
                           tuple(int(c) for c in np.bincount(y, minlength=len(labels))), time.time(), provenance)
        with self._lock:
            folder = self._folder(info.id)
            folder.mkdir()
            self._write(folder, info, x, y)
        return info

    @staticmethod
    def _write(folder: Path, info: DatasetInfo, x: np.ndarray, y: np.ndarray) -> None:
        with open(folder / "samples.npz.tmp", "wb") as fh:  # written whole, then renamed: never half a file
            np.savez_compressed(fh, x=x, y=y)
        (folder / "samples.npz.tmp").replace(folder / "samples.npz")
        (folder / "meta.json").write_text(json.dumps(asdict(info), ensure_ascii=False, indent=1), encoding="utf-8")

    def list(self) -> list[DatasetInfo]:
        """Every readable data set, newest first."""
        found = []
        for meta in self.root.glob("*/meta.json"):
            try:
                found.append(self.info(meta.parent.name))
            except (UserError, OSError, ValueError, KeyError, TypeError):
                continue  # a folder damaged by hand is left alone rather than breaking the page
        return sorted(found, key=lambda info: info.created_at, reverse=True)

    def info(self, dataset_id: str) -> DatasetInfo:
        """The description of one data set."""
        path = self._folder(dataset_id) / "meta.json"
        if not path.is_file():
            raise UserError("error.data.unknown", id=dataset_id)
        raw = json.loads(path.read_text(encoding="utf-8"))
        return DatasetInfo(**{**raw, "labels": tuple(raw["labels"]), "counts": tuple(raw["counts"])})

    def load(self, dataset_id: str) -> tuple[DatasetInfo, np.ndarray, np.ndarray]:
        """The description and the samples (x, y) of one data set."""
        info = self.info(dataset_id)
        with np.load(self._folder(dataset_id) / "samples.npz", allow_pickle=False) as arrays:
            return info, arrays["x"], arrays["y"]

    def add_samples(self, dataset_id: str, x: np.ndarray, y: np.ndarray) -> DatasetInfo:
        """Append samples to a data set (a drawing, a recording or a line collected in class)."""
        with self._lock:
            info, old_x, old_y = self.load(dataset_id)
            new_x = np.concatenate([old_x, np.asarray(x)])  # no cast: a wrong dtype is refused, not mangled
            new_y = np.concatenate([old_y, np.asarray(y, dtype=np.int64).reshape(-1)])
            return self._rewrite(info, new_x, new_y)

    def delete_sample(self, dataset_id: str, index: int) -> DatasetInfo:
        """Remove the sample at ``index`` (a bad drawing, a noisy recording)."""
        with self._lock:
            info, x, y = self.load(dataset_id)
            if not 0 <= index < len(y):
                raise UserError("error.data.no_sample", index=index, count=len(y))
            return self._rewrite(info, np.delete(x, index, axis=0), np.delete(y, index))

    def _rewrite(self, info: DatasetInfo, x: np.ndarray, y: np.ndarray) -> DatasetInfo:
        _check_samples(info.kind, x, y, info.labels)
        counts = tuple(int(c) for c in np.bincount(y, minlength=len(info.labels)))
        info = DatasetInfo(**{**asdict(info), "counts": counts, "labels": info.labels})
        self._write(self._folder(info.id), info, x, y)
        return info

    def delete(self, dataset_id: str) -> None:
        """Remove a data set and its folder."""
        folder = self._folder(dataset_id)
        with self._lock:
            if not folder.is_dir():  # deleted a moment ago, in another tab
                raise UserError("error.data.unknown", id=dataset_id)
            for path in folder.glob("*"):
                path.unlink()
            folder.rmdir()

    def export_file(self, dataset_id: str) -> tuple[str, bytes]:
        """The data set as the one file a teacher takes away, with its suffix: a ``.zip`` of class
        folders for pictures and recordings, a ``.csv`` for texts (what a spreadsheet opens). The
        upload and ``tools.evaluate`` read both back."""
        if self.info(dataset_id).kind == "text":
            return ".csv", self.export_csv(dataset_id)
        return ".zip", self.export_zip(dataset_id)

    def export_csv(self, dataset_id: str) -> bytes:
        """A text data set as a ``label,text`` CSV in UTF-8 with a byte-order mark, the mark Excel
        needs to show Chinese; the upload reads it back with the same labels and texts."""
        info, x, y = self.load(dataset_id)
        if info.kind != "text":  # the caller's mistake: pictures and recordings go into a zip
            raise ValueError(f"only texts export as CSV, not {info.kind}")
        return _texts_as_csv(info.labels, x, y).encode("utf-8-sig")

    def export_zip(self, dataset_id: str) -> bytes:
        """The data set as a zip the upload reads back: PNG or WAV files in a folder per label, or
        a ``label,text`` CSV; with ``meta.json`` for its provenance, which the upload passes over."""
        info, x, y = self.load(dataset_id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr("meta.json", json.dumps(asdict(info), ensure_ascii=False, indent=1))
            if info.kind == "text":
                bundle.writestr("data.csv", _texts_as_csv(info.labels, x, y))
            else:
                encode = _png if info.kind == "image" else _wav
                folders = _safe_folders(info.labels)
                for i, (sample, label) in enumerate(zip(x, y)):
                    bundle.writestr(*encode(f"{folders[label]}/{i:05d}", sample))
        return buffer.getvalue()


def _safe_folder(label: str, index: int) -> str:
    """A folder name for ``label`` that cannot climb out of the zip: path characters replaced."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", label).strip(". ") or f"class_{index}"


def _safe_folders(labels: tuple[str, ...]) -> list[str]:
    """A safe folder name per label, no two that the upload (or a computer that ignores case) would
    read as one class, and none it skips: the exported zip reads back with every class."""
    def same(name: str) -> str:
        return unicodedata.normalize("NFC", name).strip().casefold()

    folders, taken = [], {"__macosx"}  # macOS's own folder, which uploads ignore
    for index, label in enumerate(labels):
        folder = base = _safe_folder(label, index)
        number = 0
        while same(folder) in taken:  # "a?" and "a_" both become "a_"; "Cat" and "cat" are one on Windows
            number += 1
            folder = base[: MAX_LABEL_CHARS - len(f"_{number}")] + f"_{number}"
        taken.add(same(folder))
        folders.append(folder)
    return folders


def _png(stem: str, image: np.ndarray) -> tuple[str, bytes]:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8), mode="L").save(out, format="PNG")
    return f"{stem}.png", out.getvalue()


def _wav(stem: str, clip: np.ndarray) -> tuple[str, bytes]:
    import soundfile

    out = io.BytesIO()
    soundfile.write(out, np.asarray(clip, dtype=np.float32), SAMPLE_RATE, format="WAV", subtype="PCM_16")
    return f"{stem}.wav", out.getvalue()


def _texts_as_csv(labels: tuple[str, ...], x: np.ndarray, y: np.ndarray) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["label", "text"])
    writer.writerows((labels[label], str(text)) for text, label in zip(x, y))
    return out.getvalue()
