"""Everything about one run in a single zip: the model, its settings and seed, its per-epoch metrics,
its charts and its model card, so a result can be shown or checked on another machine."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import asdict
from pathlib import Path

from core.runstore import RunRecord


def run_settings_json(record: RunRecord) -> str:
    """The run's record without its per-epoch rows: task, settings, seed, data, device and scores."""
    values = {key: value for key, value in asdict(record).items() if key != "epochs"}
    return json.dumps(values, indent=1, ensure_ascii=False, default=str)


def epochs_csv(record: RunRecord) -> str:
    """One row per epoch with every metric the run recorded (columns in first-seen order)."""
    columns: list[str] = []
    for row in record.epochs:
        columns += [key for key in row if key not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or ["epoch"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(record.epochs)
    return out.getvalue()


def build_run_bundle(record: RunRecord, model_card: str, charts_html: dict[str, str]) -> bytes:
    """A zip of ``run_<id>/``: model.keras (when the run kept one), settings.json, epochs.csv,
    charts/<name>.html and model_card.md."""
    folder = f"run_{record.id}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        if record.model_path and Path(record.model_path).exists():
            bundle.write(record.model_path, f"{folder}/model.keras")
        bundle.writestr(f"{folder}/settings.json", run_settings_json(record))
        bundle.writestr(f"{folder}/epochs.csv", epochs_csv(record))
        for name, page in charts_html.items():
            bundle.writestr(f"{folder}/charts/{name}.html", page)
        bundle.writestr(f"{folder}/model_card.md", model_card)
    return buffer.getvalue()
