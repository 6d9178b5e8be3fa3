"""Model cards built from stored runs: the run's own figures, in both languages."""

from core.footprint import emissions_g, energy_wh
from core.model_card import TrainingEnergy, build_model_card
from core.runstore import RunRecord, RunStore


def stored_run(tmp_path) -> RunRecord:
    store = RunStore(tmp_path)
    record = RunRecord(task="mnist-mlp", status="done", seed=7, data_source="bundled", backend="tensorflow",
                       device="CPU × 2", train_seconds=12.5, test_accuracy=0.9755, params=235_146,
                       config={"model": {"hidden_units": [256, 128]},
                               "train": {"optimizer": "adam", "learning_rate": 0.004, "batch_size": 256, "epochs": 2}},
                       epochs=[{"epoch": 1, "loss": 0.4}, {"epoch": 2, "loss": 0.2}])
    return store.get(store.add(record))


def test_a_card_holds_the_runs_metrics_settings_and_energy(tmp_path):
    run = stored_run(tmp_path)
    watt_hours = energy_wh(run.train_seconds, 30)
    energy = TrainingEnergy(30, watt_hours, 500, emissions_g(watt_hours, 500))
    card = build_model_card(run, "en", [str(d) for d in range(3)], [0.99, 0.5, 0.875], energy)
    assert card.startswith(f"# Model card: run #{run.id} (mnist-mlp)")
    for expected in ("97.55%", "| 1 | 50.0% |", "| 2 | 87.5% |", "235,146", "adam", "2 / 2", "CPU × 2 (tensorflow)",
                     "12.5", "0.104 Wh", "0.052 g CO2e", "Mitchell et al.", "Limitations"):
        assert expected in card, expected


def test_the_chinese_card_and_a_run_without_a_score(tmp_path):
    run = stored_run(tmp_path)
    card = build_model_card(run, "zh")
    assert "模型卡" in card and "97.55%" in card and "训练能耗" not in card
    failed = RunRecord(task="speech-gru", status="failed", config={}, id=3)
    assert "failed" in build_model_card(failed, "en") and "Accuracy on the test split" not in build_model_card(failed, "en")
