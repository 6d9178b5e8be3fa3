"""Evaluate a shipped or stored model on labelled data from outside the app.

    python -m tools.evaluate MODEL --data PATH --json

MODEL is a shipped model (mnist-mlp, mnist-cnn, fashion-mlp, fashion-cnn, speech, text), the id of a
run in the run history under ``NEURALSTAGE_HOME`` (``12`` or ``run-12``), or a ``.keras`` file,
loaded in safe mode. What the model reads (pictures, recordings or texts) comes from its input
shape; what its classes are called, from its run's settings or its model card: a run trained on a
class data set is scored by that set's own labels (``core.class_eval``).

PATH is one of:

- a folder with MNIST-format IDX files, ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``
  (optionally ``.gz``), such as the official MNIST or Fashion-MNIST test set. Label i is class i of
  a model trained on either, and the class named "i" of any other;
- a folder of recordings named ``<digit>_<anything>.wav`` (the Free Spoken Digit Dataset's naming),
  searched recursively;
- a zip of picture folders, one per class (PNG or JPEG), or of WAV files named ``<label>_<anything>.wav``
  or kept in class folders;
- a CSV file with a label and a text column, in UTF-8 (with or without a BOM) or GB18030, such as a
  ``label,review`` file (1 positive, 0 negative), or a zip holding one (the Data sets page's older
  text exports).

Zips and CSV files go through the Class data sets page's importer (``core.data_import``) with its
checks, except those for training: one class, or a few samples of a class, are enough to score a
model on. Labels are matched to the model's classes by name; samples whose label the model lacks are
left out and counted. Recordings are heard as the speech page hears them, at each of
``core.audio.LISTEN_SPEEDS`` (``accuracy``), and as recorded (``accuracy_one_speed``).

Prints the number of samples, accuracy, accuracy per class, the confusion matrix, the worst examples
(a name to find each by, its true class, the model's answer and confidence) and what was skipped.
Bad input, or data of another kind than the model reads, gives a message and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core import data_import
from core.class_eval import (ModelToScore, check_reads, evaluate_on_data, load_model_to_score, make_scorer,
                             with_class_numbers)
from core.errors import UserError
from core.i18n import translate

IDX_IMAGES, IDX_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
EXCERPT_CHARS = 30  # of a text in the worst examples: enough to find its row again


@dataclass(frozen=True)
class LabelledData:
    """Labelled samples read from a folder or file, held as a class data set holds them."""

    form: str  # "idx", "wav folder", "image zip", "audio zip", "csv", or "text zip" (a zipped CSV file)
    kind: str  # "image", "audio" or "text"
    x: np.ndarray  # uint8 (n, 28, 28) pictures, float32 (n, CLIP_SAMPLES) clips, or strings
    y: np.ndarray  # int64 (n,) index into labels
    labels: tuple[str, ...]  # the data's label names
    names: tuple[str, ...]  # each sample's name: file, zip entry, "#index" in an IDX file, or "row N: text"
    skipped: tuple[tuple[str, str], ...]  # (name, reason's translation key)


def evaluate(model_name: str, data_path: Path | str, home: Path | str | None = None) -> dict:
    """Score the model ``model_name`` names on the labelled data at ``data_path``, as plain values."""
    model = load_model_to_score(model_name, home)
    data = read_data(Path(data_path), model)
    aliases = model.aliases
    if data.form == "idx" and model.trained_on in ("mnist", "fashion"):
        aliases = with_class_numbers(aliases)
    evaluation = evaluate_on_data(make_scorer(data.kind, model.loaded), data.x, data.y, data.labels, aliases)
    report = evaluation.report
    result = {"model": model.name, "reads": model.kind, "trained_on": model.trained_on or None,
              "data": str(data_path), "format": data.form, "n": int(len(evaluation.kept)),
              "accuracy": _round(report.accuracy)}
    if data.kind == "audio":
        from core.audio import LISTEN_SPEEDS

        result.update(accuracy_one_speed=_round(evaluation.accuracy_first_view), speeds=list(LISTEN_SPEEDS))
    return result | {
        "classes": list(evaluation.class_names),
        "per_class_accuracy": [_round(accuracy) for accuracy in report.per_class_accuracy],
        "confusion_matrix": report.confusion.tolist(),
        "unknown_labels": list(evaluation.unknown_labels),
        "worst": list_worst(evaluation, data.names),
        "skipped": [{"name": name, "reason": translate("en", key)} for name, key in data.skipped]}


def list_worst(evaluation, names: tuple[str, ...]) -> list[dict]:
    """The worst examples, lowest probability for the true class first: name, true class, answer,
    the probability of the answer (``confidence``) and of the true class."""
    report, classes = evaluation.report, evaluation.class_names
    worst = []
    for index in evaluation.worst:
        i = int(np.searchsorted(evaluation.kept, index))  # kept is in data order
        truth, answer = int(evaluation.targets[i]), int(report.predicted[i])
        worst.append({"name": names[index], "true": classes[truth], "predicted": classes[answer],
                      "confidence": _round(report.confidence[i]),
                      "p_true": _round(evaluation.probabilities[i, truth])})
    return worst


def read_data(path: Path, model: ModelToScore) -> LabelledData:
    """The labelled samples at ``path``, once they are of the kind ``model`` reads."""
    if not path.exists() and path.suffix:
        raise UserError("error.file_missing", file=str(path))
    if not path.exists():
        raise UserError("error.folder_missing", folder=str(path))
    if path.is_dir():
        kind = _find_folder_kind(path, model.kind)
        check_reads(model, kind, str(path))
        return read_idx_folder(path) if kind == "image" else read_wav_folder(path)
    suffix = path.suffix.lower()
    if suffix not in (".zip", ".csv") or not path.is_file():
        raise UserError("error.eval.data_format", data=str(path))
    size = path.stat().st_size
    if size > data_import.MAX_UPLOAD_BYTES:  # refused before it is read into memory
        raise UserError("error.import.too_large", size_mb=round(size / 2**20, 1),
                        max_mb=data_import.MAX_UPLOAD_BYTES // 2**20)
    payload = path.read_bytes()
    kind = "text" if suffix == ".csv" else _find_zip_kind(payload, model.kind)
    check_reads(model, kind, str(path))
    return read_class_file(path.name, payload, kind)


def read_idx_folder(folder: Path) -> LabelledData:
    """28×28 pictures and their class numbers from the IDX test files in ``folder``."""
    from data.idx import find_idx, read_idx

    images_path = find_idx(folder, IDX_IMAGES)
    images, numbers = read_idx(images_path), read_idx(find_idx(folder, IDX_LABELS))
    if images.ndim != 3 or images.shape[1:] != (28, 28) or numbers.ndim != 1 or len(images) != len(numbers):
        raise UserError("error.idx_shape", images=str(images.shape), labels=str(numbers.shape))
    labels, y = _name_numbers(numbers)
    return LabelledData("idx", "image", images, y, labels, tuple(f"{images_path.name} #{i}" for i in range(len(y))),
                        ())


def read_wav_folder(folder: Path) -> LabelledData:
    """Clips prepared like a recording on the speech page from every ``<digit>_*.wav`` under ``folder``."""
    from core.audio import read_labelled_clips

    clips, digits, files, skipped = read_labelled_clips(folder)
    if len(digits) == 0:
        raise UserError("error.no_labelled_audio", folder=str(folder))
    labels, y = _name_numbers(digits)
    skipped = tuple((str(Path(name).relative_to(folder)), key) for name, key in skipped)
    return LabelledData("wav folder", "audio", clips, y, labels, tuple(files), skipped)


def read_class_file(filename: str, payload: bytes, kind: str) -> LabelledData:
    """A class data set's zip of pictures or recordings, or its CSV of texts (perhaps zipped), read by
    the page's importer without its rules for training; texts are named by their row and first words."""
    data = data_import.import_upload(filename, payload, kind, for_training=False)
    names = data.names
    if kind == "text":
        names = tuple(f"row {row}: {_excerpt(str(text))}" for row, text in zip(names, data.x))
    form = "csv" if filename.lower().endswith(".csv") else f"{kind} zip"
    return LabelledData(form, kind, data.x, data.y, data.labels, names, data.report.skipped)


def _name_numbers(numbers: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """Class numbers as label names, only those present, and each sample's index into them."""
    present = np.unique(numbers)
    return tuple(str(int(n)) for n in present), np.searchsorted(present, numbers).astype(np.int64)


def _find_folder_kind(folder: Path, model_kind: str) -> str:
    """"image" for a folder of IDX files, "audio" for one of recordings; with both or neither, what
    the model reads (a folder is never texts), so the reader says what it misses."""
    has_idx = any((folder / f"{IDX_IMAGES}{gz}").is_file() for gz in ("", ".gz"))
    has_wav = next(folder.rglob("*.wav"), None) is not None
    if has_idx != has_wav:
        return "image" if has_idx else "audio"
    return model_kind if model_kind in ("image", "audio") else "image"


def _find_zip_kind(payload: bytes, model_kind: str) -> str:
    """"image", "audio" or "text" (a CSV file zipped): what the zip's files are. A zip holding any
    file of the model's kind is read as that kind (the importer skips the others); one with none of
    any kind is too, so the importer says why it is empty."""
    counts = data_import.count_zip_kinds(payload)
    if counts[model_kind] or not any(counts.values()):
        return model_kind
    return max(counts, key=counts.get)


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def _round(value) -> float | None:
    """Four decimals, or None for NaN (a class absent from the data), which JSON cannot hold."""
    return None if value != value else round(float(value), 4)


def print_report(result: dict) -> None:
    """The result for a person: accuracy, per class, the worst examples, what was left out."""
    print(f"{result['model']} on {result['data']} ({result['format']}): {result['accuracy']:.2%} "
          f"of {result['n']} samples")
    if "accuracy_one_speed" in result:
        print(f"  at its own speed only: {result['accuracy_one_speed']:.2%}")
    for name, accuracy in zip(result["classes"], result["per_class_accuracy"]):
        if accuracy is not None:
            print(f"  {name}: {accuracy:.2%}")
    print("worst examples:")
    for example in result["worst"]:
        print(f"  {example['name']}: {example['true']} read as {example['predicted']} ({example['confidence']:.0%})")
    if result["unknown_labels"]:
        print("left out, the model has no such class: " + ", ".join(result["unknown_labels"]))
    if result["skipped"]:
        print(f"skipped {len(result['skipped'])}: " + "; ".join(f"{s['name']} ({s['reason']})"
                                                               for s in result["skipped"][:5]))


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, evaluate, print; exit status 2 with a message on bad input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a shipped model (mnist-mlp, mnist-cnn, fashion-mlp, fashion-cnn, speech, "
                                      "text), a run id of the run history (12 or run-12), or a .keras file")
    parser.add_argument("--data", type=Path, required=True,
                        help="a folder of IDX test files or <digit>_*.wav recordings, a zip of class folders or "
                             "WAV files, or a CSV file with a label and a text column")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        result = evaluate(args.model, args.data)
    except UserError as exc:
        print(translate("en", exc.key, **exc.params), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
