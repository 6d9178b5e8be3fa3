"""The run store keeps runs and their models across restarts, and writes models atomically."""

import keras
import numpy as np

from core.inference import load_model_file
from core.runstore import RunRecord, RunStore
from models.mnist_mlp import MLPConfig, build_model


def test_round_trip_with_model(tmp_path):
    store = RunStore(tmp_path)
    keras.utils.set_random_seed(1)
    model = build_model(MLPConfig(hidden_units=(8,), shift_pixels=1))
    epochs = [{"epoch": 1, "loss": 1.5, "val_accuracy": 0.6}, {"epoch": 2, "loss": 0.9, "val_accuracy": 0.8}]
    run_id = store.add(RunRecord(task="mnist-mlp", status="done", config={"train": {"seed": 3}}, seed=3,
                                 data_source="bundled", backend="tensorflow", device="tensorflow · CPU × 2",
                                 train_seconds=1.25, epochs=epochs, test_accuracy=0.91, params=6370),
                       model=model)

    reopened = RunStore(tmp_path)  # a new process sees the same history
    record = reopened.get(run_id)
    assert record.config == {"train": {"seed": 3}} and record.seed == 3
    assert record.epochs == epochs and record.epochs_done == 2
    assert record.test_accuracy == 0.91 and record.device == "tensorflow · CPU × 2"
    assert [p.name for p in (tmp_path / "models").iterdir()] == [f"run-{run_id}.keras"]
    loaded = load_model_file(record.model_path)
    x = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict_batch(x), np.asarray(model(x)), atol=1e-6)


def test_list_is_newest_first_and_filters_by_task(tmp_path):
    store = RunStore(tmp_path)
    ids = [store.add(RunRecord(task=task, status="failed", config={}, error="boom"))
           for task in ("mnist-mlp", "other", "mnist-mlp")]
    assert [r.id for r in store.list()] == ids[::-1]
    assert [r.id for r in store.list(task="mnist-mlp")] == [ids[2], ids[0]]
    assert store.get(ids[0]).error == "boom" and store.get(ids[0]).model_path is None


def test_delete_removes_row_and_model_file(tmp_path):
    store = RunStore(tmp_path)
    run_id = store.add(RunRecord(task="mnist-mlp", status="done", config={}, epochs=[{"epoch": 1}]),
                       model=build_model(MLPConfig(hidden_units=(4,))))
    path = store.get(run_id).model_path
    store.delete(run_id)
    assert store.get(run_id) is None
    assert not list((tmp_path / "models").iterdir()) and path


def test_store_is_in_wal_mode_and_upgrades_a_store_without_owners(tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / "runs.sqlite") as db:  # the schema before crash recovery
        db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, task TEXT NOT NULL, status TEXT NOT NULL,"
                   " stop_reason TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '', config TEXT NOT NULL,"
                   " seed INTEGER, data_source TEXT NOT NULL DEFAULT '', backend TEXT NOT NULL DEFAULT '',"
                   " device TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL, train_seconds REAL,"
                   " total_seconds REAL, epochs_done INTEGER NOT NULL DEFAULT 0, test_accuracy REAL,"
                   " test_loss REAL, params INTEGER, model_path TEXT)")
        db.execute("INSERT INTO runs (task, status, config, created_at) VALUES ('old', 'done', '{}', 1.0)")
    store = RunStore(tmp_path)
    [old] = store.list()
    assert old.task == "old" and old.status == "done"
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_recover_marks_only_runs_of_processes_that_are_gone(tmp_path):
    import json
    import sqlite3
    import subprocess
    import sys

    from core.runstore import current_owner, owner_is_alive

    me = current_owner()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = {**me, "pid": int(gone.stdout), "start": "1"}
    elsewhere = {**me, "host": me["host"] + "-other"}
    assert owner_is_alive(me) and owner_is_alive(elsewhere) and not owner_is_alive(dead) and not owner_is_alive({})

    store = RunStore(tmp_path)
    ids = {name: store.start(RunRecord(task=name, status="running", config={}))
           for name in ("mine", "dead", "elsewhere", "queued_dead")}
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        for name, owner in (("dead", dead), ("elsewhere", elsewhere), ("queued_dead", dead)):
            db.execute("UPDATE runs SET owner = ? WHERE id = ?", (json.dumps(owner), ids[name]))
        db.execute("UPDATE runs SET status = 'queued' WHERE id = ?", (ids["queued_dead"],))

    assert RunStore(tmp_path).recover() == []  # opening the store has already marked them
    statuses = {r.task: r.status for r in store.list()}
    assert statuses == {"mine": "running", "dead": "interrupted", "elsewhere": "running",
                        "queued_dead": "interrupted"}


def test_start_finish_and_a_run_deleted_before_it_finished(tmp_path):
    import pytest

    store = RunStore(tmp_path)
    with pytest.raises(ValueError):
        store.start(RunRecord(task="t", status="done", config={}))
    run_id = store.start(RunRecord(task="t", status="queued", config={"a": 1}))
    store.set_status(run_id, "running")
    assert store.get(run_id).status == "running"
    model = build_model(MLPConfig(hidden_units=(4,)))
    assert store.finish(run_id, RunRecord(task="t", status="stopped", config={"a": 1}, epochs=[{"epoch": 1}],
                                          stop_reason="user"), model=model)
    record = store.get(run_id)
    assert (record.status, record.stop_reason, record.epochs_done) == ("stopped", "user", 1)
    assert record.model_path.endswith(f"run-{run_id}.keras")

    doomed = store.start(RunRecord(task="t", status="running", config={}))
    store.delete(doomed)
    assert not store.finish(doomed, RunRecord(task="t", status="done", config={}), model=model)
    assert store.get(doomed) is None and not (tmp_path / "models" / f"run-{doomed}.keras").exists()


def test_every_epoch_read_back_carries_its_number_even_when_filed_without_it(tmp_path):
    from core.runstore import RunRecord, RunStore

    store = RunStore(tmp_path)
    run_id = store.add(RunRecord(task="mnist-mlp", status="done", config={},
                                 epochs=[{"loss": 0.9}, {"loss": 0.5, "epoch": 2}]))
    assert [(m["epoch"], m["loss"]) for m in store.get(run_id).epochs] == [(1, 0.9), (2, 0.5)]
