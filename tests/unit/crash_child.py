"""A stand-in for the server process that tests/unit/test_crash_recovery.py kills with SIGKILL.

Run as ``python tests/unit/crash_child.py MODE HOME SYNC`` with the repository on ``PYTHONPATH``:

- ``train``: records two finished runs with real Keras models, then trains a tiny model as a job of
  a ``JobRunner`` wired to the store as the app wires it, with a second job queued behind it; after
  the first epoch it writes SYNC (JSON: the run ids and epochs) and trains on until killed.
- ``write``: adds finished runs (half of them with a model file) as fast as it can, printing each
  id once ``add`` has returned, until killed.
- ``write-hang``: adds one run whose model stops half-way through being written, writes SYNC, and
  waits to be killed.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import zipfile
from functools import partial
from pathlib import Path

from core.runstore import RunRecord, RunStore

MODEL_BYTES = 256 * 1024  # a payload big enough that a kill often lands inside the write
EPOCHS = [{"epoch": i + 1, "loss": 1.0 / (i + 1), "val_accuracy": 0.5 + i / 100} for i in range(20)]


def write_sync(path: Path, payload: dict) -> None:
    """Write the sync file whole, so the test never reads half of it."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload))
    os.replace(tmp, path)


class ZipModel:
    """Stands in for a Keras model: ``save`` writes a valid zip, or stops half-way when told to."""

    def __init__(self, hang_at_half: Path | None = None) -> None:
        self.hang_at_half = hang_at_half

    def save(self, path: str) -> None:
        payload = os.urandom(MODEL_BYTES)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
            with archive.open("model.weights", "w") as member:
                member.write(payload[: MODEL_BYTES // 2])
                if self.hang_at_half is not None:
                    member.flush()
                    write_sync(self.hang_at_half, {"saving": path})
                    time.sleep(3600)
                member.write(payload[MODEL_BYTES // 2:])


def run_train(store: RunStore, sync: Path) -> None:
    """Finished runs, then a training job that is still running when the test kills the process."""
    import keras
    import numpy as np

    from core.jobs import JobRunner
    from core.tasks import record_job, record_job_epoch, record_job_status

    x = np.random.default_rng(0).random((512, 8), dtype=np.float32)
    y = (x.sum(axis=1) > 4).astype(np.int32)

    def build() -> keras.Model:
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    finished = []
    for seed in (1, 2):
        keras.utils.set_random_seed(seed)
        model = build()
        epochs = [{"epoch": e + 1, "loss": float(loss)}
                  for e, loss in enumerate(model.fit(x, y, epochs=2, verbose=0).history["loss"])]
        run_id = store.add(RunRecord(task="toy-mlp", status="done", config={"train": {"seed": seed}},
                                     seed=seed, epochs=epochs, test_accuracy=0.5), model=model)
        finished.append([run_id, epochs])
    submitted = threading.Event()

    class Halfway(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                submitted.wait()  # both jobs have their run ids
                write_sync(sync, {"finished": finished, "running": running.run_id, "queued": queued.run_id})

    def work(context):
        model = build()
        model.fit(x, y, epochs=50, batch_size=8, verbose=0, callbacks=[context.callback, Halfway()])
        return {"model": model, "test_accuracy": 0.5}

    runner = JobRunner(max_running=1, on_status=partial(record_job_status, store),
                       on_epoch=partial(record_job_epoch, store), on_finish=partial(record_job, store))
    running = runner.submit("toy-mlp", {"train": {"seed": 3}}, work, epochs=50)
    queued = runner.submit("toy-mlp", {"train": {"seed": 4}}, work, epochs=50)
    submitted.set()
    runner.wait(running.id)


def run_write(store: RunStore) -> None:
    """Add finished runs until killed, reporting each one that ``add`` has returned."""
    for number in range(10**9):
        run_id = store.add(RunRecord(task="toy-write", status="done", config={"n": number}, epochs=EPOCHS),
                           model=ZipModel() if number % 2 else None)
        print(run_id, flush=True)


def main(mode: str, home: str, sync: str) -> None:
    """Open the store under ``home`` and do what ``mode`` says."""
    store = RunStore(Path(home))
    if mode == "train":
        run_train(store, Path(sync))
    elif mode == "write":
        run_write(store)
    elif mode == "write-hang":
        store.add(RunRecord(task="toy-write", status="done", config={}, epochs=EPOCHS),
                  model=ZipModel(hang_at_half=Path(sync)))
    time.sleep(3600)  # the test kills the process before this ends


if __name__ == "__main__":
    main(*sys.argv[1:4])
