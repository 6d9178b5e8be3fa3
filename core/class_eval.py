"""Scoring a model on labelled data of the class's own: which of the model's classes each label of
the data names, then accuracy, accuracy per class, the confusion matrix and the worst examples.

A data set's labels are matched to a model's classes by name, ignoring case and spaces, in English
or Chinese: a class set labelled "0" to "9" is read by the digit models, one labelled "Trouser" or
"裤子" by the clothing models. Labels the model does not know are listed and left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import UserError
from core.i18n import LANGUAGES, translate
from core.metrics import ClassifierReport, report_classifier

WORST_SHOWN = 8  # the mistakes a teacher can discuss one by one


@dataclass(frozen=True)
class Evaluation:
    """How a model did on a labelled data set."""

    report: ClassifierReport  # over the samples whose label the model knows; classes are the model's
    class_names: tuple[str, ...]  # the model's classes
    kept: np.ndarray  # indices into the data set of the samples scored
    unknown_labels: tuple[str, ...]  # labels of the data set the model has no class for
    worst: np.ndarray  # indices into the data set: the lowest probability given to the true class first


def model_class_names(dataset: str, labels: tuple[str, ...] = ()) -> tuple[tuple[str, ...], ...]:
    """The names a model's classes go by, one tuple of aliases per class.

    ``dataset`` is what the model was trained on ("mnist", "fashion", "speech", or "class" with the
    class set's ``labels``).
    """
    if dataset == "class":
        return tuple((label,) for label in labels)
    if dataset in ("mnist", "speech"):
        return tuple((str(digit),) for digit in range(10))
    if dataset == "fashion":
        return tuple(tuple(translate(lang, f"class.fashion.{i}") for lang in LANGUAGES) for i in range(10))
    if dataset == "text":  # "0" / "1" as in the label,review files, or the names the page shows
        return tuple((str(i), *(translate(lang, f"text.class.{i}") for lang in LANGUAGES)) for i in range(2))
    raise UserError("error.eval.model_kind", dataset=dataset)


def _normalise(name: str) -> str:
    return "".join(name.split()).casefold()


def match_labels(data_labels: tuple[str, ...], aliases: tuple[tuple[str, ...], ...]) -> np.ndarray:
    """For each data label, the model class it names, or -1 when the model has none by that name."""
    index = {_normalise(alias): i for i, names in enumerate(aliases) for alias in names}
    return np.array([index.get(_normalise(label), -1) for label in data_labels], dtype=np.int64)


def evaluate_on_data(probabilities_of, x: np.ndarray, y: np.ndarray, data_labels: tuple[str, ...],
                     aliases: tuple[tuple[str, ...], ...]) -> Evaluation:
    """Score ``probabilities_of(x) -> (n, classes)`` on the samples whose label the model knows."""
    mapping = match_labels(data_labels, aliases)
    if (mapping < 0).all():
        raise UserError("error.eval.no_common_class", labels=", ".join(data_labels[:5]))
    targets = mapping[np.asarray(y, dtype=np.int64)]
    kept = np.flatnonzero(targets >= 0)
    probabilities = np.asarray(probabilities_of(x[kept]))
    report = report_classifier(targets[kept], probabilities)
    given_to_truth = probabilities[np.arange(len(kept)), targets[kept]]
    worst = kept[np.argsort(given_to_truth, kind="stable")[:WORST_SHOWN]]
    unknown = tuple(label for label, m in zip(data_labels, mapping) if m < 0)
    return Evaluation(report, tuple(names[0] for names in aliases), kept, unknown, worst)


def make_scorer(kind: str, model):
    """``probabilities_of(x)`` for a loaded model (core.inference.LoadedModel) on samples of ``kind``
    as a class data set stores them: pixel levels, prepared one-second clips, or texts."""
    if kind == "image":
        from data.images import to_model_input

        return lambda x: model.predict_batch(to_model_input(x))
    if kind == "audio":
        return lambda x: model.predict_batch(np.asarray(x, dtype=np.float32))
    from core.text_inference import encode_texts

    return lambda x: model.predict_batch(encode_texts(model.model, [str(text) for text in x]))
