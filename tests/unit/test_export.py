"""A run's export bundle: the five parts, with the run's own figures."""

import csv
import io
import json
import zipfile

from core.export import build_run_bundle, epochs_csv
from core.runstore import RunRecord, RunStore


def test_the_bundle_holds_model_settings_epochs_charts_and_card(tmp_path):
    keras = __import__("keras")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    store = RunStore(tmp_path)
    run_id = store.add(RunRecord(task="mnist-mlp", status="done", seed=5, config={"train": {"epochs": 2}},
                                 test_accuracy=0.9, epochs=[{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.25,
                                                                                      "val_accuracy": 0.8}]),
                       model=model)
    record = store.get(run_id)
    payload = build_run_bundle(record, "# card\n", {"curves": "<html>chart</html>"})
    with zipfile.ZipFile(io.BytesIO(payload)) as bundle:
        names = set(bundle.namelist())
        folder = f"run_{run_id}"
        assert names == {f"{folder}/model.keras", f"{folder}/settings.json", f"{folder}/epochs.csv",
                         f"{folder}/charts/curves.html", f"{folder}/model_card.md"}
        settings = json.loads(bundle.read(f"{folder}/settings.json"))
        assert settings["seed"] == 5 and settings["test_accuracy"] == 0.9 and "epochs" not in settings
        rows = list(csv.DictReader(io.StringIO(bundle.read(f"{folder}/epochs.csv").decode())))
        assert [row["loss"] for row in rows] == ["0.5", "0.25"] and rows[1]["val_accuracy"] == "0.8"
        assert bundle.read(f"{folder}/model_card.md") == b"# card\n"


def test_epochs_csv_of_a_run_without_epochs_has_a_header_only():
    assert epochs_csv(RunRecord(task="x", status="failed", config={})) == "epoch\n"
