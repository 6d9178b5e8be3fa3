"""Crashes lose nothing: a server killed with SIGKILL mid-training or mid-write leaves a run store that
opens, keeps every finished run, marks the interrupted ones and shows no half-written model.

The killed processes are real: ``crash_child.py`` beside this file, started with ``subprocess``.
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from core.jobs import JobRunner, JobStatus
from core.runstore import INTERRUPTED, RunRecord, RunStore
from core.tasks import record_job, record_job_epoch, record_job_status

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("crash_child.py")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and /proc are POSIX")


def start_child(mode: str, home: Path, sync: Path) -> subprocess.Popen:
    env = {**os.environ, "NEURALSTAGE_HOME": str(home), "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.Popen([sys.executable, str(CHILD), mode, str(home), str(sync)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(sync: Path, child: subprocess.Popen, timeout: float = 90.0) -> dict:
    """The child's sync file, once it is there; fails with the child's errors if it died first."""
    deadline = time.time() + timeout
    while not sync.exists():
        if child.poll() is not None:
            pytest.fail(f"child exited with {child.returncode}: {child.stderr.read()[-2000:]}")
        assert time.time() < deadline, "the child never reached its sync point"
        time.sleep(0.02)
    return json.loads(sync.read_text())


def kill(child: subprocess.Popen) -> str:
    """SIGKILL the child, reap it (a zombie would still look alive) and return what it printed."""
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return out


def assert_models_dir_is_clean(store: RunStore) -> None:
    """Only complete model files are visible: final names, each a whole zip."""
    for path in store.models_dir.iterdir():
        assert path.name.startswith("run-") and path.suffix == ".keras", path.name
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None


def test_sigkill_mid_training_keeps_finished_runs_and_marks_the_job_interrupted(tmp_path):
    import keras

    sync = tmp_path / "sync.json"
    child = start_child("train", tmp_path, sync)
    state = wait_for(sync, child)
    kill(child)

    store = RunStore(tmp_path)
    for run_id, epochs in state["finished"]:
        record = store.get(run_id)
        assert record.status == "done" and record.epochs == epochs and record.epochs_done == 2
        assert keras.saving.load_model(record.model_path).count_params() == 46
    interrupted = store.get(state["running"])
    assert interrupted.status == INTERRUPTED
    assert interrupted.epochs_done >= 1 and [e["epoch"] for e in interrupted.epochs] == list(
        range(1, interrupted.epochs_done + 1))  # the curve up to the crash is kept
    assert store.get(state["queued"]).status == INTERRUPTED and store.get(state["queued"]).epochs_done == 0
    assert {r.status for r in store.list()} == {"done", INTERRUPTED}
    assert_models_dir_is_clean(store)
    assert sorted(p.name for p in store.models_dir.iterdir()) == [f"run-{i}.keras" for i, _ in state["finished"]]


def test_sigkill_mid_model_write_leaves_no_half_model_and_an_interrupted_run(tmp_path):
    sync = tmp_path / "sync.json"
    child = start_child("write-hang", tmp_path, sync)
    saving = Path(wait_for(sync, child)["saving"])
    kill(child)
    assert saving.exists() and saving.name.startswith(".run-")  # the half-written file the crash left

    store = RunStore(tmp_path)
    assert not saving.exists()
    [record] = store.list()
    assert record.status == INTERRUPTED and record.model_path is None
    assert not list(store.models_dir.iterdir())


def test_sigkill_at_random_moments_of_a_write_loop_leaves_a_consistent_store(tmp_path):
    delays = random.Random(9)
    reported = []
    for _ in range(4):
        child = start_child("write", tmp_path, tmp_path / "unused")
        first = child.stdout.readline()  # the first run is stored: the loop is going
        assert first.strip(), child.stderr.read()
        time.sleep(delays.uniform(0.0, 0.3))
        reported += [int(line) for line in (first + kill(child)).split()]

    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = RunStore(tmp_path)
    runs = {r.id: r for r in store.list(limit=100_000)}
    assert set(reported) <= set(runs) and len(runs) >= 4
    assert len(set(runs) - set(reported)) <= 2 * 4  # at most the one or two writes each kill cut short
    for record in runs.values():
        assert record.status in ("done", INTERRUPTED)
        if record.status == "done":
            assert record.epochs_done == 20 and len(store.get(record.id).epochs) == 20
            assert record.model_path is None or Path(record.model_path).exists()
    assert all(runs[i].status == "done" for i in reported)
    assert_models_dir_is_clean(store)


def test_the_app_wiring_files_a_job_as_queued_running_each_epoch_then_done(tmp_path):
    store = RunStore(tmp_path)
    seen = []

    def work(context):  # plays the part of model.fit for two epochs
        callback = context.callback
        callback.set_params({"steps": 1})
        callback.on_train_begin()
        for epoch in range(2):
            callback.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
            stored = store.get(context.job.run_id)
            seen.append((stored.status, [e["loss"] for e in stored.epochs]))
        return {"test_accuracy": 0.75}

    runner = JobRunner(on_status=lambda job, status: record_job_status(store, job, status),
                       on_epoch=lambda job: record_job_epoch(store, job),
                       on_finish=lambda job, status: record_job(store, job, status))
    job = runner.submit("toy", {"train": {"seed": 5}}, work, epochs=1)
    runner.wait(job.id, timeout=30)
    assert seen == [("running", [1.0]), ("running", [1.0, 0.5])]
    record = store.get(job.run_id)
    assert record.status == "done" and record.seed == 5 and record.test_accuracy == 0.75
    assert [e["loss"] for e in record.epochs] == [1.0, 0.5] and record.epochs_done == 2
    assert [r.id for r in store.list()] == [job.run_id]  # one row, filled in, not a second one


def test_a_run_deleted_while_its_job_runs_stays_deleted(tmp_path):
    store = RunStore(tmp_path)

    def work(context):
        store.delete(context.job.run_id)
        return {"model": _FakeModel(), "test_accuracy": 0.5}

    runner = JobRunner(on_status=lambda job, status: record_job_status(store, job, status),
                       on_finish=lambda job, status: record_job(store, job, status))
    job = runner.submit("toy", {}, work, epochs=1)
    runner.wait(job.id, timeout=30)
    assert job.status is JobStatus.DONE and job.run_id is None
    assert store.list() == [] and not list(store.models_dir.iterdir())


def test_experiments_are_not_filed_as_runs(tmp_path):
    store = RunStore(tmp_path)
    runner = JobRunner(on_status=lambda job, status: record_job_status(store, job, status),
                       on_finish=lambda job, status: record_job(store, job, status))
    job = runner.submit("experiment-privacy", {"experiment": "privacy"}, lambda c: {"experiment": "privacy"},
                        epochs=1)
    runner.wait(job.id, timeout=30)
    assert job.status is JobStatus.DONE and store.list() == []


class _FakeModel:
    def save(self, path):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("model.weights", b"0" * 64)


def test_store_opened_mid_write_by_a_live_process_keeps_its_run_and_temp_file(tmp_path):
    store = RunStore(tmp_path)
    run_id = store.start(RunRecord(task="toy", status="running", config={}))
    temp = store.models_dir / f".run-{run_id}-abc.keras"
    temp.write_bytes(b"half")
    stray = store.models_dir / ".run-999-xyz.keras"
    stray.write_bytes(b"half")
    assert RunStore(tmp_path).get(run_id).status == "running"  # this process is alive
    assert temp.exists() and not stray.exists()
