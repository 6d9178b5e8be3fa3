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
