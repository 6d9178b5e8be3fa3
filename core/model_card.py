"""A model card (Mitchell et al., FAT* 2019) for any run in the run store, as Markdown in either language.

The card says what the model is for and not for, what it learned from, how it was trained and on
which device, how well it did overall and per class, and what its training cost in energy. It is
built from the stored run alone, plus the per-class scores and energy figures the caller measured, so
it never claims more than the run recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from core.i18n import translate
from core.markdown import escape_markdown
from core.runstore import RunRecord

FAMILY_USE = {"mnist": "digits", "fashion": "clothes", "cifar10": "photos", "speech": "speech", "text": "text",
              "class": "class"}


@dataclass(frozen=True)
class TrainingEnergy:
    """The training energy estimate and the assumptions behind it."""

    watts: float  # assumed average draw of the device while training
    watt_hours: float
    grams_per_kwh: float  # assumed carbon intensity of the grid
    grams_co2e: float


def _table(rows: Sequence[tuple[str, object]]) -> str:
    lines = ["| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def _settings(values: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in values.items()) or "–"


def build_model_card(record: RunRecord, lang: str, class_names: Sequence[str] = (),
                     per_class_accuracy: Sequence[float] = (), energy: TrainingEnergy | None = None) -> str:
    """The Markdown model card of ``record`` in ``lang`` ("en" or "zh")."""
    def tr(key: str, **params: object) -> str:
        return translate(lang, f"card.{key}", **params)

    dataset = record.task.split("-")[0]
    kind = FAMILY_USE.get(dataset, "digits")
    train = record.config.get("train", {})
    when = dt.datetime.fromtimestamp(record.created_at).strftime("%Y-%m-%d %H:%M")
    sections = [f"# {tr('title', run=record.id, task=record.task)}", tr("reference"),
                f"## {tr('intended_use')}", tr(f"use.{kind}"), tr("not_for"),
                f"## {tr('data')}", tr(f"data.{dataset}", source=record.data_source or "bundled"),
                f"## {tr('training')}",
                _table([(tr("model"), _settings(record.config.get("model", {}))), (tr("optimizer"), train.get("optimizer")),
                        (tr("learning_rate"), train.get("learning_rate")), (tr("batch_size"), train.get("batch_size")),
                        (tr("epochs"), f"{record.epochs_done} / {train.get('epochs')}"), (tr("seed"), record.seed),
                        (tr("device"), f"{record.device} ({record.backend})"),
                        (tr("seconds"), f"{record.train_seconds:.1f}" if record.train_seconds else "–"),
                        (tr("params"), f"{record.params:,}" if record.params else "–"), (tr("when"), when)]),
                f"## {tr('metrics')}"]
    if record.test_accuracy is not None:
        sections.append(tr("accuracy", accuracy=record.test_accuracy))
    else:
        sections.append(tr("no_score", status=record.status))
    if per_class_accuracy:
        # A class data set's labels are the teacher's own text: "|" would break the table, "![…](…)" load a picture.
        sections.append(_table([(escape_markdown(name), f"{value:.1%}")
                                for name, value in zip(class_names, per_class_accuracy)]))
    if energy is not None:
        sections += [f"## {tr('energy')}",
                     tr("energy_text", wh=energy.watt_hours, watts=energy.watts, grams=energy.grams_co2e,
                        intensity=energy.grams_per_kwh)]
    sections += [f"## {tr('limitations')}", tr(f"limits.{kind}")]
    return "\n\n".join(sections) + "\n"
