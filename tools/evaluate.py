"""Evaluate a shipped model on labelled data from outside the app.

    python -m tools.evaluate mnist-mlp --data DIR --json     (or mnist-cnn, fashion-cnn)
    python -m tools.evaluate speech --data DIR --json
    python -m tools.evaluate text --data FILE.csv --json
    python -m tools.evaluate mnist-cnn --data CLASS.zip --json   (any model: a class data set's zip or CSV)

For the image models DIR holds MNIST-format IDX files, ``t10k-images-idx3-ubyte`` and
``t10k-labels-idx1-ubyte`` (optionally ``.gz``), such as the official MNIST test set. For the speech
model DIR holds WAV files named ``<digit>_<anything>.wav`` (the Free Spoken Digit Dataset's naming),
searched recursively; each goes through the same preparation as a recording on the page, and is
heard at the page's three speeds (``accuracy``; ``accuracy_one_speed`` without). For the
text model FILE.csv is UTF-8 with the header ``label,review`` (1 positive, 0 negative); rows with
another label or an empty review are skipped and listed. Prints the number of samples, accuracy,
per-class accuracy and the confusion matrix.

Every model also reads the formats of the Class data sets page: a zip of image folders or of WAV
files, or a CSV with a label and a text column, whose labels are matched to the model's classes by
name (``0`` to ``9`` for the digit and speech models, the clothing names in English or Chinese, and
``0``/``1`` or the page's names for reviews); samples with a label the model lacks are left out and
counted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import UserError
from core.i18n import translate

MODELS = {"mnist-mlp": "mnist_mlp", "mnist-cnn": "mnist_cnn", "fashion-cnn": "fashion_cnn", "speech": "speech",
          "text": "text"}


def evaluate_images(model_name: str, folder: Path) -> dict:
    """Score the shipped 28×28 image model on the IDX test files in ``folder``."""
    from core.inference import load_pretrained
    from core.metrics import report_classifier
    from data.idx import find_idx, read_idx
    from data.mnist import to_model_input

    images = read_idx(find_idx(folder, "t10k-images-idx3-ubyte"))
    labels = read_idx(find_idx(folder, "t10k-labels-idx1-ubyte"))
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(labels):
        raise UserError("error.idx_shape", images=str(images.shape), labels=str(labels.shape))
    model = load_pretrained(MODELS[model_name])
    probabilities = model.predict_batch(to_model_input(images))
    report = report_classifier(labels, probabilities)
    return {"model": model_name, "n": int(len(labels)), "accuracy": round(report.accuracy, 4),
            "per_class_accuracy": [round(float(a), 4) for a in report.per_class_accuracy],
            "confusion_matrix": report.confusion.tolist()}


def evaluate_speech(folder: Path, model_name: str = "speech") -> dict:
    """Score the shipped speech model on the ``<digit>_*.wav`` recordings under ``folder``, answering
    as the page does (each clip heard at ``core.audio.LISTEN_SPEEDS``); ``accuracy_one_speed`` is the
    model's score on the clips as recorded."""
    from core.audio import LISTEN_SPEEDS, predict_listening, read_labelled_clips
    from core.inference import load_pretrained
    from core.metrics import report_classifier

    if not Path(folder).is_dir():
        raise UserError("error.folder_missing", folder=str(folder))
    clips, labels, _, skipped = read_labelled_clips(folder)
    if len(labels) == 0:
        raise UserError("error.no_labelled_audio", folder=str(folder))
    model = load_pretrained(MODELS[model_name])
    probabilities, per_speed = predict_listening(model.predict_batch, clips)
    report = report_classifier(labels, probabilities)
    one_speed = per_speed[:, LISTEN_SPEEDS.index(1.0)].argmax(axis=1)
    return {"model": model_name, "n": int(len(labels)), "accuracy": round(report.accuracy, 4),
            "accuracy_one_speed": round(float((one_speed == labels).mean()), 4), "speeds": list(LISTEN_SPEEDS),
            "per_class_accuracy": [None if a != a else round(float(a), 4) for a in report.per_class_accuracy],
            "confusion_matrix": report.confusion.tolist(),
            "skipped": [{"file": name, "reason": translate("en", key)} for name, key in skipped]}


def read_labelled_reviews(path: Path) -> tuple[list[str], list[int], list[tuple[str, str]]]:
    """Reviews and labels of a ``label,review`` CSV file, and (row, reason key) for each row skipped."""
    import csv

    if not Path(path).is_file():
        raise UserError("error.file_missing", file=str(path))
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:  # a BOM from a spreadsheet is fine
            reader = csv.reader(f)
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise UserError("error.csv_encoding", file=str(path)) from exc
    except csv.Error as exc:  # a quote never closed, or a field longer than csv's own limit
        raise UserError("error.import.csv_damaged", row=reader.line_num) from exc
    if not rows or [cell.strip().lower() for cell in rows[0][:2]] != ["label", "review"]:
        raise UserError("error.csv_header", file=str(path))
    reviews, labels, skipped = [], [], []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or row[0].strip() not in ("0", "1"):
            skipped.append((f"row {number}", "error.csv_label"))
        elif not row[1].strip():
            skipped.append((f"row {number}", "error.text_empty"))
        else:
            reviews.append(row[1])
            labels.append(int(row[0]))
    return reviews, labels, skipped


def evaluate_text(path: Path, model_name: str = "text") -> dict:
    """Score the shipped text model on the reviews of a ``label,review`` CSV file."""
    import numpy as np

    from core.inference import load_pretrained
    from core.metrics import report_classifier
    from core.text_inference import encode_texts

    reviews, labels, skipped = read_labelled_reviews(path)
    if not reviews:
        raise UserError("error.no_labelled_text", file=str(path))
    model = load_pretrained(MODELS[model_name])
    report = report_classifier(np.asarray(labels), model.predict_batch(encode_texts(model.model, reviews)))
    return {"model": model_name, "n": len(labels), "accuracy": round(report.accuracy, 4),
            "per_class_accuracy": [None if a != a else round(float(a), 4) for a in report.per_class_accuracy],
            "confusion_matrix": report.confusion.tolist(),
            "skipped": [{"row": row, "reason": translate("en", key)} for row, key in skipped]}


MODEL_DATA = {"mnist-mlp": ("image", "mnist"), "mnist-cnn": ("image", "mnist"), "fashion-cnn": ("image", "fashion"),
              "speech": ("audio", "speech"), "text": ("text", "text")}


def evaluate_class_file(model_name: str, path: Path) -> dict:
    """Score a shipped model on a class data set's file: a zip of images or recordings, or a CSV of texts."""
    from core.class_eval import evaluate_on_data, make_scorer, model_class_names
    from core.data_import import import_upload
    from core.inference import load_pretrained

    if not Path(path).is_file():
        raise UserError("error.file_missing", file=str(path))
    kind, dataset = MODEL_DATA[model_name]
    data = import_upload(Path(path).name, Path(path).read_bytes(), kind)
    model = load_pretrained(MODELS[model_name])
    evaluation = evaluate_on_data(make_scorer(kind, model), data.x, data.y, data.labels, model_class_names(dataset))
    report = evaluation.report
    return {"model": model_name, "n": int(len(evaluation.kept)), "accuracy": round(report.accuracy, 4),
            "per_class_accuracy": [None if a != a else round(float(a), 4) for a in report.per_class_accuracy],
            "confusion_matrix": report.confusion.tolist(), "unknown_labels": list(evaluation.unknown_labels),
            "worst": [int(i) for i in evaluation.worst],
            "skipped": [{"entry": name, "reason": translate("en", key)} for name, key in data.report.skipped]}


def _is_class_file(model: str, path: Path) -> bool:
    """A zip is always a class data set's file; a CSV is one unless it has the text model's own header."""
    if path.suffix.lower() == ".zip":
        return True
    if model != "text" or path.suffix.lower() != ".csv" or not path.is_file():
        return False
    with open(path, "rb") as f:
        first = f.readline().decode("utf-8-sig", errors="replace").strip().lower().replace(" ", "")
    return first != "label,review"


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, evaluate, print; exit status 2 with a message on bad input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--data", type=Path, required=True,
                        help="folder with IDX test files or <digit>_*.wav; for text, a label,review CSV file; "
                             "or a class data set's zip or CSV")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        if _is_class_file(args.model, args.data):
            result = evaluate_class_file(args.model, args.data)
        elif args.model == "speech":
            result = evaluate_speech(args.data)
        elif args.model == "text":
            result = evaluate_text(args.data)
        else:
            result = evaluate_images(args.model, args.data)
    except UserError as exc:
        print(translate("en", exc.key, **exc.params), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['model']}: {result['accuracy']:.2%} of {result['n']} samples")
        for label, accuracy in enumerate(result["per_class_accuracy"]):
            print(f"  class {label}: " + ("–" if accuracy is None else f"{accuracy:.2%}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
