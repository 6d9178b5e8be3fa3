"""The run history: every training job, kept in SQLite with its trained model beside it.

Files live under ``NEURALSTAGE_HOME`` (default ``~/.neuralstage``): ``runs.sqlite`` holds settings,
seed, device, timings, per-epoch metrics and final test scores; ``models/run-N.keras`` holds the
model, written to a temporary file first and renamed, so a crash never leaves half a model behind.

Crashes lose nothing already written. A job's row is written when it is queued ("queued"), moved to
"running" when it starts, given each epoch as it ends and filled in when the job ends (``start``,
``set_status``, ``add_epoch``, ``finish``), each step one SQLite transaction; the database runs in
WAL mode, so a process killed mid-write leaves the last committed state.

Every in-progress row names the process that owns it (``owner``: host, boot id, process id and the
process's start time). Opening the store (``recover``) marks the in-progress rows of processes that
are gone as "interrupted" and deletes the temporary model files (``.run-*.keras``) of runs no live
process is writing. Several server processes may share one ``NEURALSTAGE_HOME``: a process that
still runs keeps its rows, because on the same machine its process id is alive with the same start
time (a reused process id has another). Rows owned by another machine are left alone: this store
cannot see its processes (on a shared database, the owner would send a heartbeat instead; see
docs/SCALING.md).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field, replace
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
    model_path TEXT,
    owner TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS epochs (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
);
"""


IN_PROGRESS = ("queued", "running")  # statuses of a run whose job has not ended yet
INTERRUPTED = "interrupted"  # the status of an in-progress run whose process died
TEMP_MODEL_GLOB = ".run-*.keras"  # models being written; the final name appears only when complete

log = logging.getLogger(__name__)


def default_home() -> Path:
    """Where the app keeps its runs: ``NEURALSTAGE_HOME`` or ``~/.neuralstage``."""
    return Path(os.environ.get("NEURALSTAGE_HOME") or Path.home() / ".neuralstage")


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def _process_start(pid: int) -> tuple[str, str]:
    """State and start time (clock ticks since boot) of process ``pid`` from Linux's /proc; empty
    strings where there is no such process or no /proc."""
    stat = _read_text(f"/proc/{pid}/stat")
    # The command name in brackets may hold spaces; the fields after it are fixed.
    fields = stat.rsplit(")", 1)[-1].split()
    return (fields[0], fields[19]) if len(fields) > 19 else ("", "")


def current_owner() -> dict[str, Any]:
    """Who this process is, as the ``owner`` of the runs it writes."""
    return {"host": socket.gethostname(), "boot": _read_text("/proc/sys/kernel/random/boot_id"),
            "pid": os.getpid(), "start": _process_start(os.getpid())[1]}


def owner_is_alive(owner: dict[str, Any], me: dict[str, Any] | None = None) -> bool:
    """Whether the process that wrote ``owner`` may still run; False only when it surely does not.

    Another machine's process cannot be checked from here, so it counts as alive; a process of this
    machine before its last reboot (another boot id) is gone.
    """
    me = me or current_owner()
    if not owner or owner == me:
        return bool(owner)
    if owner.get("host") != me["host"]:
        return True
    if owner.get("boot") != me["boot"]:
        return False
    pid = int(owner.get("pid") or 0)
    if pid <= 0:
        return False
    if me["start"]:  # Linux: the process must exist, not be a zombie, and have the same start time
        state, start = _process_start(pid)
        return bool(start) and state != "Z" and start == owner.get("start")
    if os.name != "posix":  # Windows' os.kill would end the process it is asked about
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


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
        self._owner = current_owner()
        with closing(self._connect()) as db, db:
            self._set_journal_mode(db)
            db.executescript(SCHEMA)
            self._add_owner_column(db)
        self.recover()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=10)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        return db

    @staticmethod
    def _set_journal_mode(db: sqlite3.Connection) -> None:
        # WAL lets pages read while a job writes; it is stored in the file, so once is enough.
        # Where it is refused (a network file system), the default journal is crash-safe too.
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            log.warning("run store stays in rollback-journal mode: %s", exc)

    @staticmethod
    def _add_owner_column(db: sqlite3.Connection) -> None:
        # Stores written before crash recovery lack the column; their rows were all finished.
        if "owner" not in {row["name"] for row in db.execute("PRAGMA table_info(runs)")}:
            try:
                db.execute("ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
            except sqlite3.OperationalError:  # another process added it a moment ago
                pass

    def add(self, record: RunRecord, model: Any | None = None) -> int:
        """Store a finished ``record`` (and ``model``, if given) and return the new run id.

        With a model, the row is "running" while the model is written, so a crash in between leaves
        an interrupted run rather than a finished one without its file.
        """
        if model is None:
            return self._insert(record, owner="")
        run_id = self.start(replace(record, status="running", epochs=[]))
        self.finish(run_id, record, model)
        return run_id

    def start(self, record: RunRecord) -> int:
        """Store a run whose job has not ended yet ("queued" or "running"), owned by this process."""
        if record.status not in IN_PROGRESS:
            raise ValueError(f"start takes an in-progress status, not {record.status!r}")
        return self._insert(record, owner=json.dumps(self._owner))

    def set_status(self, run_id: int, status: str) -> None:
        """Move an in-progress run to another in-progress status (a queued job has started)."""
        if status not in IN_PROGRESS:
            raise ValueError(f"set_status takes an in-progress status, not {status!r}")
        with self._lock, closing(self._connect()) as db, db:
            db.execute("UPDATE runs SET status = ? WHERE id = ?", (status, run_id))

    def add_epoch(self, run_id: int, epoch: int, metrics: dict[str, float]) -> None:
        """Keep one finished epoch of an in-progress run, so a crash keeps the curve so far."""
        with self._lock, closing(self._connect()) as db, db:
            if db.execute("UPDATE runs SET epochs_done = ? WHERE id = ? AND status IN (?, ?)",
                          (epoch, run_id, *IN_PROGRESS)).rowcount:
                db.execute("INSERT OR REPLACE INTO epochs (run_id, epoch, metrics) VALUES (?, ?, ?)",
                           (run_id, epoch, json.dumps(metrics)))

    def finish(self, run_id: int, record: RunRecord, model: Any | None = None) -> bool:
        """Fill in run ``run_id`` with the final ``record`` and its model; False if the run was
        deleted meanwhile (its model is then not kept).

        The model is written first, while the row still says the job is in progress; the final
        status, epochs and model path then land in one transaction.
        """
        path = None
        try:
            if model is not None and self.get(run_id) is not None:
                path = self._save_model(model, run_id)
        finally:  # a model that could not be saved still leaves the run's metrics
            with self._lock, closing(self._connect()) as db, db:
                updated = db.execute(
                    "UPDATE runs SET status = ?, stop_reason = ?, error = ?, config = ?, seed = ?,"
                    " data_source = ?, backend = ?, device = ?, train_seconds = ?, total_seconds = ?,"
                    " epochs_done = ?, test_accuracy = ?, test_loss = ?, params = ?, model_path = ?"
                    " WHERE id = ?",
                    (record.status, record.stop_reason, record.error, json.dumps(record.config), record.seed,
                     record.data_source, record.backend, record.device, record.train_seconds,
                     record.total_seconds, len(record.epochs), record.test_accuracy, record.test_loss,
                     record.params, str(path) if path else None, run_id)).rowcount
                if updated:
                    self._write_epochs(db, run_id, record.epochs)
        if not updated and path is not None:
            os.remove(path)
        return bool(updated)

    def recover(self) -> list[int]:
        """Mark in-progress runs of processes that are gone as interrupted, and delete temporary
        model files no live job is writing; returns the ids marked."""
        with self._lock, closing(self._connect()) as db, db:
            rows = db.execute("SELECT id, owner FROM runs WHERE status IN (?, ?)", IN_PROGRESS).fetchall()
            dead = [row["id"] for row in rows if not owner_is_alive(self._parse_owner(row["owner"]), self._owner)]
            db.executemany("UPDATE runs SET status = ? WHERE id = ?", [(INTERRUPTED, i) for i in dead])
        # Listed before the live runs are read: a temporary file another process starts now belongs
        # to a run that is then already in progress.
        temps = list(self.models_dir.glob(TEMP_MODEL_GLOB))
        if temps:
            with closing(self._connect()) as db:
                live = {row["id"] for row in db.execute("SELECT id FROM runs WHERE status IN (?, ?)", IN_PROGRESS)}
            for temp in temps:
                if self._temp_run_id(temp) not in live:
                    temp.unlink(missing_ok=True)
        if dead:
            log.warning("runs %s were interrupted by a crash or restart", dead)
        return dead

    def _insert(self, record: RunRecord, owner: str) -> int:
        with self._lock, closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT INTO runs (task, status, stop_reason, error, config, seed, data_source, backend,"
                " device, created_at, train_seconds, total_seconds, epochs_done, test_accuracy, test_loss,"
                " params, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.task, record.status, record.stop_reason, record.error, json.dumps(record.config),
                 record.seed, record.data_source, record.backend, record.device, record.created_at,
                 record.train_seconds, record.total_seconds, len(record.epochs), record.test_accuracy,
                 record.test_loss, record.params, owner))
            run_id = int(cursor.lastrowid)
            self._write_epochs(db, run_id, record.epochs)
        return run_id

    @staticmethod
    def _write_epochs(db: sqlite3.Connection, run_id: int, epochs: list[dict[str, float]]) -> None:
        db.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
        db.executemany("INSERT INTO epochs (run_id, epoch, metrics) VALUES (?, ?, ?)",
                       [(run_id, i + 1, json.dumps(m)) for i, m in enumerate(epochs)])

    @staticmethod
    def _parse_owner(text: str) -> dict[str, Any]:
        try:
            owner = json.loads(text) if text else {}
        except ValueError:
            return {}
        return owner if isinstance(owner, dict) else {}

    @staticmethod
    def _temp_run_id(path: Path) -> int | None:
        """The run id in a temporary model name ``.run-<id>-<random>.keras``."""
        number = path.name.split("-")[1] if path.name.count("-") >= 2 else ""
        return int(number) if number.isdigit() else None

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
            epochs = db.execute("SELECT epoch, metrics FROM epochs WHERE run_id = ? ORDER BY epoch", (run_id,))
            # the number an epoch was filed under, for metrics that were filed without it
            return self._to_record(row, [{"epoch": r["epoch"], **json.loads(r["metrics"])} for r in epochs])

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
        values.pop("owner", None)  # bookkeeping for crash recovery, not part of the run
        values["config"] = json.loads(values["config"])
        return RunRecord(epochs=epochs, **values)
