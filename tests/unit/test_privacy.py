"""Membership inference: the AUC of the confidence attack on exact, hand-made scores."""

import numpy as np
import pytest

from core.privacy import attack_auc, threshold_attack, true_class_confidence


def test_true_class_confidence_picks_each_samples_own_class():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(true_class_confidence(probabilities, np.array([0, 1])), [0.7, 0.1])


def test_auc_is_one_when_every_member_scores_higher_and_zero_when_lower():
    assert attack_auc([0.9, 0.8], [0.1, 0.2, 0.3]) == 1.0
    assert attack_auc([0.1], [0.5, 0.6]) == 0.0


def test_auc_counts_ties_as_one_half():
    assert attack_auc([0.5, 0.5], [0.5, 0.5]) == 0.5
    assert attack_auc([0.9, 0.5], [0.5, 0.1]) == pytest.approx((1 + 1 + 0.5 + 1) / 4)


def test_auc_is_a_half_on_identical_distributions_and_high_on_a_memorising_model():
    rng = np.random.default_rng(0)
    same = rng.beta(5, 2, size=(2, 20_000))
    assert attack_auc(same[0], same[1]) == pytest.approx(0.5, abs=0.01)
    memorised = rng.beta(50, 1, size=2_000)  # near-certain on what it saw
    unseen = rng.beta(5, 2, size=2_000)
    assert attack_auc(memorised, unseen) > 0.9


def test_threshold_attack_finds_the_separating_threshold():
    attack = threshold_attack([0.9, 0.95, 0.99], [0.2, 0.6, 0.85])
    assert attack.accuracy == 1.0 and 0.85 < attack.threshold <= 0.9 and attack.auc == 1.0
    blind = threshold_attack([0.5, 0.5], [0.5, 0.5])
    assert blind.accuracy == 0.5 and blind.auc == 0.5
    with pytest.raises(ValueError):
        attack_auc([], [0.1])
