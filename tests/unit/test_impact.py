"""The social-impact experiments: arm construction, tiny real runs, and keeping their results."""

import numpy as np

from core.impact import (FairnessConfig, PrivacyConfig, fairness_arms, load_result, run_fairness, run_privacy,
                         save_result)


def test_fairness_arms_are_equally_large_and_differ_only_in_the_mix_of_voices():
    groups = np.array(["male"] * 10 + ["female"] * 6 + ["other"] * 4)
    arms = fairness_arms(groups, clips=8, seed=0)
    assert len(arms["male_only"]) == len(arms["balanced"]) == 8
    assert set(groups[arms["male_only"]]) == {"male"}
    assert (groups[arms["balanced"]] == "female").sum() == 4 and (groups[arms["balanced"]] == "male").sum() == 4
    assert len(fairness_arms(groups, clips=100, seed=0)["balanced"]) == 10  # capped by what the corpus holds


def test_a_tiny_fairness_run_scores_both_groups_for_both_arms():
    result = run_fairness(FairnessConfig(clips=40, epochs=1, augment_copies=0))
    assert set(result["arms"]) == {"male_only", "balanced"}
    for arm in result["arms"].values():
        assert arm["clips"] == 40 and 0.0 <= arm["male"] <= 1.0 and 0.0 <= arm["female"] <= 1.0
    assert result["test_clips"]["male"] > 0 and result["test_clips"]["female"] > 0


def test_a_tiny_privacy_run_attacks_at_each_checkpoint():
    result = run_privacy(PrivacyConfig(members=64, epochs=3, checkpoints=(1, 3), hidden_units=(32,)))
    for curve in result["arms"].values():
        assert curve["epoch"] == [1, 3]
        assert all(0.0 <= auc <= 1.0 for auc in curve["auc"])
        assert all(0.5 <= accuracy <= 1.0 for accuracy in curve["attack_accuracy"])


def test_results_are_kept_with_when_and_where_they_were_measured(monkeypatch, tmp_path):
    monkeypatch.setenv("NEURALSTAGE_HOME", str(tmp_path))
    assert load_result("privacy") is None
    saved = save_result("privacy", {"arms": {"memorising": {"auc": [0.6]}}})
    assert load_result("privacy") == saved
    assert saved["device"] and saved["measured_at"] > 0
    (tmp_path / "experiments" / "privacy.json").write_text("{broken", encoding="utf-8")
    assert load_result("privacy") is None
