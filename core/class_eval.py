"""Scoring a model on labelled data of the class's own: which of the model's classes each label of
the data names, then accuracy, accuracy per class, the confusion matrix and the worst examples.

A data set's labels are matched to a model's classes by name, ignoring case and spaces, in English
or Chinese: a class set labelled "0" to "9" is read by the digit models, one labelled "Trouser" or
"裤子" by the clothing models. Labels the model does not know are listed and left out.

The model may be a shipped one, a run of the run history under ``NEURALSTAGE_HOME`` or a ``.keras``
file (``load_model_to_score``). What it reads (pictures, recordings or texts) comes from its input
shape; what its classes are called comes from the record of the data it learned: the run's settings
(a class data set's own labels), or the model card beside a shipped model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import UserError
from core.i18n import LANGUAGES, translate
from core.metrics import ClassifierReport, report_classifier
from data.speech_format import CLIP_SAMPLES

WORST_SHOWN = 8  # the mistakes a teacher can discuss one by one
IMAGE_INPUTS = ((28, 28), (28, 28, 1))  # the pictures a class data set or an IDX file holds: 28×28 grey
NAMED_DATASETS = ("mnist", "fashion", "speech", "text")  # data sets whose classes have names here
RUN_NAME = re.compile(r"(?:run[-:#]?)?(\d+)", re.IGNORECASE)  # "12", "run-12" or "run:12", as the page keys runs
RUN_FILE = re.compile(r"run-(\d+)\.keras")  # the run store's name for run N's model
LISTEN_CHUNK = 256  # recordings heard at once: at three speeds that is 24 MB of clips, not gigabytes


@dataclass(frozen=True)
class Evaluation:
    """How a model did on a labelled data set."""

    report: ClassifierReport  # over the samples whose label the model knows; classes are the model's
    class_names: tuple[str, ...]  # the model's classes
    kept: np.ndarray  # indices into the data set of the samples scored
    unknown_labels: tuple[str, ...]  # labels of the data set the model has no class for
    worst: np.ndarray  # indices into the data set: the lowest probability given to the true class first
    targets: np.ndarray  # the model's class of each kept sample
    probabilities: np.ndarray  # (kept, classes) the answer: the mean over a sample's views
    accuracy_first_view: float  # from each sample's first view alone: a recording at its own speed


@dataclass(frozen=True)
class ModelToScore:
    """A trained model with what it reads and what its classes are called."""

    name: str  # as it was asked for: "mnist-cnn", "run 12" or the file's path
    kind: str  # "image", "audio" or "text": what its input is
    trained_on: str  # "mnist", "fashion", "speech", "text", "class", or "" when nothing says
    aliases: tuple[tuple[str, ...], ...]  # the names each class goes by, as model_class_names gives them
    loaded: Any  # core.inference.LoadedModel


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


def with_class_numbers(aliases: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """``aliases`` with each class's number added last: IDX files label Fashion-MNIST's trousers "1"."""
    return tuple((*names, str(i)) for i, names in enumerate(aliases))


def _normalise(name: str) -> str:
    return "".join(name.split()).casefold()


def match_labels(data_labels: tuple[str, ...], aliases: tuple[tuple[str, ...], ...]) -> np.ndarray:
    """For each data label, the model class it names, or -1 when the model has none by that name."""
    index = {_normalise(alias): i for i, names in enumerate(aliases) for alias in names}
    return np.array([index.get(_normalise(label), -1) for label in data_labels], dtype=np.int64)


def evaluate_on_data(probabilities_of, x: np.ndarray, y: np.ndarray, data_labels: tuple[str, ...],
                     aliases: tuple[tuple[str, ...], ...]) -> Evaluation:
    """Score ``probabilities_of(x)`` on the samples whose label the model knows.

    ``probabilities_of`` gives (n, classes), or (n, views, classes) for a model that sees each sample
    several ways (a recording heard at several speeds): the answer is the mean over the views.
    """
    mapping = match_labels(data_labels, aliases)
    targets = mapping[np.asarray(y, dtype=np.int64)]
    kept = np.flatnonzero(targets >= 0)
    if len(kept) == 0:
        raise UserError("error.eval.no_common_class", labels=", ".join(data_labels[:5]))
    views = np.asarray(probabilities_of(x[kept]))
    views = views[:, None] if views.ndim == 2 else views
    probabilities = views.mean(axis=1)
    report = report_classifier(targets[kept], probabilities)
    given_to_truth = probabilities[np.arange(len(kept)), targets[kept]]
    worst = kept[np.argsort(given_to_truth, kind="stable")[:WORST_SHOWN]]
    unknown = tuple(label for label, m in zip(data_labels, mapping) if m < 0)
    first_view = float((views[:, 0].argmax(axis=1) == targets[kept]).mean())
    return Evaluation(report, tuple(names[0] for names in aliases), kept, unknown, worst, targets[kept],
                      probabilities, first_view)


def make_scorer(kind: str, model):
    """``probabilities_of(x)`` for a loaded model (core.inference.LoadedModel) on samples of ``kind``
    as a class data set stores them: pixel levels, prepared one-second clips, or texts.

    A recording is heard as the speech page hears it: at each of ``core.audio.LISTEN_SPEEDS``, the
    clip as recorded first, so the answer is the mean of (n, speeds, classes).
    """
    if kind == "image":
        from data.images import to_model_input

        shape = tuple(model.model.inputs[0].shape[1:])
        return lambda x: model.predict_batch(to_model_input(x).reshape(len(x), *shape))
    if kind == "audio":
        from core.audio import LISTEN_SPEEDS, predict_listening

        speeds = (1.0, *(speed for speed in LISTEN_SPEEDS if speed != 1.0))
        return lambda x: np.concatenate([predict_listening(model.predict_batch, x[i: i + LISTEN_CHUNK], speeds)[1]
                                         for i in range(0, len(x), LISTEN_CHUNK)])
    from core.text_inference import encode_texts

    return lambda x: model.predict_batch(encode_texts(model.model, [str(text) for text in x]))


def shipped_model_names() -> tuple[str, ...]:
    """The shipped models as the command line names them ("mnist-cnn"), from models/pretrained."""
    from core.inference import PRETRAINED_DIR

    return tuple(sorted(path.stem.replace("_", "-") for path in PRETRAINED_DIR.glob("*.keras")))


def load_model_to_score(name: str, home: Path | str | None = None) -> ModelToScore:
    """The model ``name`` names: a shipped model ("mnist-cnn" or "mnist_cnn"), a run of the run
    history under ``home`` (its id: "12" or "run-12"), or a ``.keras`` file, loaded in safe mode.

    Raises ``UserError`` for a name that is none of these, a run that kept no model, a file Keras
    cannot read, or a model whose input no data format here gives.
    """
    from core.inference import load_pretrained

    shipped = name.strip().lower().replace("_", "-")
    if shipped in shipped_model_names():
        loaded = load_pretrained(shipped.replace("-", "_"))
        return _describe(shipped, loaded, loaded.card.get("settings", {}).get("dataset", ""), ())
    run = RUN_NAME.fullmatch(name.strip())
    if run:
        record = _find_run(int(run.group(1)), home)
        if not record.model_path or not Path(record.model_path).is_file():
            raise UserError("error.eval.run_without_model", run=record.id, status=record.status)
        return _describe(f"run {record.id}", _load_file(Path(record.model_path)), record.config.get("dataset", ""),
                         tuple(record.config.get("labels", ())))
    path = Path(name)
    if path.suffix.lower() == ".keras":
        if not path.is_file():
            raise UserError("error.file_missing", file=str(path))
        dataset, labels = _recorded_data(path, home)
        return _describe(str(path), _load_file(path), dataset, labels)
    raise UserError("error.eval.unknown_model", model=name, shipped=", ".join(shipped_model_names()))


def check_reads(model: ModelToScore, kind: str, data: str) -> None:
    """Refuse ``data`` of another ``kind`` than ``model`` reads, saying what it needs."""
    if kind != model.kind:
        raise UserError(f"error.eval.needs_{model.kind}", model=model.name, data=data)


def read_input_kind(model: Any) -> str:
    """"image", "audio" or "text": which data a Keras model reads, from its input's shape and type."""
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1:
        raise UserError("error.eval.model_input", shape=str(len(inputs)))
    shape, dtype = tuple(inputs[0].shape[1:]), str(inputs[0].dtype)
    if "int" in dtype and len(shape) == 1:
        return "text"
    if shape == (CLIP_SAMPLES,):
        return "audio"
    if shape in IMAGE_INPUTS:
        return "image"
    raise UserError("error.eval.model_input", shape=" × ".join(str(size) for size in shape))


def _describe(name: str, loaded: Any, dataset: str, labels: tuple[str, ...]) -> ModelToScore:
    """What ``loaded`` reads and its class names, from its input and the record of its data set."""
    kind = read_input_kind(loaded.model)
    outputs = int(loaded.model.outputs[0].shape[-1])
    if dataset == "class" and len(labels) == outputs:
        return ModelToScore(name, kind, dataset, model_class_names("class", labels), loaded)
    if dataset in NAMED_DATASETS:
        return ModelToScore(name, kind, dataset, model_class_names(dataset), loaded)
    if kind == "text" and outputs == 2:  # every two-class text model here tells negative from positive
        return ModelToScore(name, kind, "", model_class_names("text"), loaded)
    # Nothing says what the classes are: they go by their numbers.
    return ModelToScore(name, kind, "", tuple((str(i),) for i in range(outputs)), loaded)


def _load_file(path: Path) -> Any:
    from core.inference import load_model_file

    try:
        return load_model_file(path)
    except Exception as exc:  # Keras raises a dozen kinds for a damaged or foreign file
        raise UserError("error.eval.model_unreadable", file=str(path)) from exc


def _find_run(run_id: int, home: Path | str | None):
    """Run ``run_id`` of the run history under ``home``; a history that is not there is not created."""
    from core.runstore import RunStore, default_home

    home = Path(home) if home else default_home()
    record = RunStore(home).get(run_id) if (home / "runs.sqlite").is_file() else None
    if record is None:
        raise UserError("error.eval.no_run", run=run_id, home=str(home))
    return record


def _recorded_data(path: Path, home: Path | str | None) -> tuple[str, tuple[str, ...]]:
    """The data set a ``.keras`` file learned and its labels: from its run when the file is a run's
    model, from a model card beside it, or ("", ()) when neither says."""
    run = RUN_FILE.fullmatch(path.name)
    if run:
        try:
            record = _find_run(int(run.group(1)), home)
        except UserError:
            record = None
        if record and record.model_path and Path(record.model_path).resolve() == path.resolve():
            return record.config.get("dataset", ""), tuple(record.config.get("labels", ()))
    card = path.with_suffix(".json")
    try:
        settings = json.loads(card.read_text(encoding="utf-8")).get("settings", {}) if card.is_file() else {}
    except (OSError, ValueError, AttributeError):  # not a model card: the model is still scored by class numbers
        settings = {}
    dataset = settings.get("dataset", "") if isinstance(settings, dict) else ""
    return (dataset, ()) if dataset in NAMED_DATASETS else ("", ())
