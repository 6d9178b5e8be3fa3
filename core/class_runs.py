"""Stored runs seen from a class data set: which of them can read its samples, and what each one's
classes are called.

A class data set holds 28×28 grey pictures, one-second 8 kHz clips or texts (core.user_data). A run
reads one of those kinds when it was trained on a class data set of that kind, or on the digits,
clothes, spoken digits or reviews of the Train & try pages. CIFAR-10 runs read 32×32 colour photos,
which no class data set holds, so they are never offered. Only runs that ended with a model
(finished, or stopped by the visitor after an epoch) whose file is still on disk count.
"""

from __future__ import annotations

from pathlib import Path

from core.class_eval import model_class_names
from core.runstore import RunRecord, RunStore

USABLE_STATUSES = ("done", "stopped")  # both keep the model they had at the end
PAGE_DATA_KINDS = {"mnist": "image", "fashion": "image", "speech": "audio", "text": "text"}
RUNS_LOOKED_AT = 1000  # newest runs searched: a year of lessons, read in one query


def run_family(record: RunRecord) -> str:
    """The model family of a run, from its task name: "mlp", "cnn", "gru", "transformer"..."""
    return record.task.rsplit("-", 1)[-1]


def run_dataset(record: RunRecord) -> str:
    """The data set a run learned: "class" for a class data set, else "mnist", "speech", "text"..."""
    return str(record.config.get("dataset") or record.task.split("-", 1)[0])


def run_kind(record: RunRecord) -> str | None:
    """"image", "audio" or "text": what the run's model reads, or None when no class data set fits it.

    A class-set run tells by its model's settings: only image models have an input shape and only
    text models a sequence length (a GRU may read either recordings or texts).
    """
    dataset = run_dataset(record)
    if dataset != "class":
        return PAGE_DATA_KINDS.get(dataset)
    model = record.config.get("model", {})
    if "input_shape" in model:
        return "image"
    return "text" if "seq_len" in model else "audio"


def run_labels(record: RunRecord) -> tuple[str, ...]:
    """The class names of a run on a class data set, in the order of its outputs; () for other runs."""
    return tuple(str(label) for label in record.config.get("labels", ())) if run_dataset(record) == "class" else ()


def run_aliases(record: RunRecord) -> tuple[tuple[str, ...], ...]:
    """The names each of the run's classes goes by, for matching a data set's labels to them."""
    labels = run_labels(record)
    return model_class_names("class", labels) if labels else model_class_names(run_dataset(record))


def list_usable_runs(store: RunStore, kind: str, dataset_id: str | None = None,
                     class_only: bool = False) -> list[RunRecord]:
    """The runs, newest first, whose model reads samples of ``kind`` and is still on disk.

    ``class_only`` keeps the runs trained on a class data set; ``dataset_id`` only those trained on
    that one.
    """
    found = []
    for record in store.list(limit=RUNS_LOOKED_AT):
        if record.status not in USABLE_STATUSES or not record.model_path or run_kind(record) != kind:
            continue
        on_class_data = run_dataset(record) == "class"
        if (class_only or dataset_id) and not on_class_data:
            continue
        if dataset_id and record.config.get("dataset_id") != dataset_id:
            continue
        if Path(record.model_path).is_file():
            found.append(record)
    return found
