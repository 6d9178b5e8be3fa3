"""The run history: every finished training job, kept in SQLite with its trained model beside it.

Files live under ``NEURALSTAGE_HOME`` (default ``~/.neuralstage``): ``runs.sqlite`` holds settings,
seed, device, timings, per-epoch metrics and final test scores; ``models/run-N.keras`` holds the
model, written to a temporary file first and renamed, so a crash never leaves half a model behind.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task TEXT NOT NULL,
    status TEXT NOT NULL,
    stop_reason TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    config TEXT NOT NULL,
    seed INTEGER,
    data_source TEXT NOT NULL DEFAULT '',
    backend TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    train_seconds REAL,
    total_seconds REAL,
    epochs_done INTEGER NOT NULL DEFAULT 0,
    test_accuracy REAL,
    test_loss REAL,
    params INTEGER,
    model_path TEXT
);
CREATE TABLE IF NOT EXISTS epochs (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
);
"""


def default_home() -> Path:
    """Where the app keeps its runs: ``NEURALSTAGE_HOME`` or ``~/.neuralstage``."""
    return Path(os.environ.get("NEURALSTAGE_HOME") or Path.home() / ".neuralstage")


@dataclass
class RunRecord:
    """One row of the run history, with its per-epoch metrics."""

    task: str
    status: str
    config: dict[str, Any]
    seed: int | None = None
    data_source: str = ""
    backend: str = ""
    device: str = ""
    created_at: float = field(default_factory=time.time)
    train_seconds: float | None = None
    total_seconds: float | None = None
    epochs: list[dict[str, float]] = field(default_factory=list)
    test_accuracy: float | None = None
    test_loss: float | None = None
    params: int | None = None
    stop_reason: str = ""
    error: str = ""
    model_path: str | None = None
    epochs_done: int = 0  # filled from ``epochs`` when stored; lists read it without the epochs table
    id: int | None = None


class RunStore:
    """Thread-safe access to the run history; one short-lived SQLite connection per call."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = Path(home) if home else default_home()
        self.models_dir = self.home / "models"
        self.models_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.home / "runs.sqlite"
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=10)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def add(self, record: RunRecord, model: Any | None = None) -> int:
        """Store ``record`` (and ``model``, if given) and return the new run id."""
        with self._lock, closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO runs (task, status, stop_reason, error, config, seed, data_source, backend,"
                " device, created_at, train_seconds, total_seconds, epochs_done, test_accuracy, test_loss,"
                " params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.task, record.status, record.stop_reason, record.error, json.dumps(record.config),
                 record.seed, record.data_source, record.backend, record.device, record.created_at,
                 record.train_seconds, record.total_seconds, len(record.epochs), record.test_accuracy,
                 record.test_loss, record.params))
            run_id = int(cursor.lastrowid)
            db.executemany("INSERT INTO epochs (run_id, epoch, metrics) VALUES (?, ?, ?)",
                           [(run_id, i + 1, json.dumps(m)) for i, m in enumerate(record.epochs)])
        if model is not None:
            path = self._save_model(model, run_id)
            with self._lock, closing(self._connect()) as db, db:
                db.execute("UPDATE runs SET model_path = ? WHERE id = ?", (str(path), run_id))
        return run_id

    def _save_model(self, model: Any, run_id: int) -> Path:
        final = self.models_dir / f"run-{run_id}.keras"
        # Keras wants the .keras suffix; the temporary name keeps it and the rename is atomic.
        handle, tmp = tempfile.mkstemp(prefix=f".run-{run_id}-", suffix=".keras", dir=self.models_dir)
        os.close(handle)
        try:
            model.save(tmp)
            os.replace(tmp, final)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        return final

    def get(self, run_id: int) -> RunRecord | None:
        """The run with this id, or None."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                return None
            epochs = db.execute("SELECT metrics FROM epochs WHERE run_id = ? ORDER BY epoch", (run_id,))
            return self._to_record(row, [json.loads(r["metrics"]) for r in epochs])

    def list(self, task: str | None = None, limit: int = 200) -> list[RunRecord]:
        """The newest runs first (without per-epoch metrics), optionally of one task."""
        query, args = "SELECT * FROM runs", []
        if task:
            query, args = query + " WHERE task = ?", [task]
        with closing(self._connect()) as db:
            rows = db.execute(query + " ORDER BY id DESC LIMIT ?", [*args, limit]).fetchall()
        return [self._to_record(row, []) for row in rows]

    def delete(self, run_id: int) -> None:
        """Remove a run and its model file."""
        record = self.get(run_id)
        with self._lock, closing(self._connect()) as db, db:
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        if record and record.model_path and os.path.exists(record.model_path):
            os.remove(record.model_path)

    @staticmethod
    def _to_record(row: sqlite3.Row, epochs: list[dict[str, float]]) -> RunRecord:
        values = dict(row)
        values["config"] = json.loads(values["config"])
        return RunRecord(epochs=epochs, **values)
