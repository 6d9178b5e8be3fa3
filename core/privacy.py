"""Membership inference: can an attacker tell, from a model's answers alone, whether a sample was in
its training set?

Shokri, Stronati, Song and Shmatikov (IEEE S&P 2017) showed that a model which has learned its
training samples by heart gives them more confident answers than samples it never saw, and that this
difference alone lets an attacker guess membership. The simplest attack, used here, thresholds the
probability the model gives the true class: above the threshold, "it was in the training set". Its
strength is summed up by the area under the ROC curve of that score (AUC): 0.5 is a coin toss (the
model leaks nothing this way), 1.0 tells every member from every non-member. Regularisation and early
stopping narrow the confidence gap and so the AUC. NumPy and SciPy only, so it is tested without Keras.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata


def true_class_confidence(probabilities: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The probability each sample's true class got: the attacker's score, (N, classes) → (N,)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    return probabilities[np.arange(len(probabilities)), np.asarray(labels, dtype=int)]


def attack_auc(member_scores: np.ndarray, nonmember_scores: np.ndarray) -> float:
    """Area under the ROC curve of "higher score → member": the chance that a random member scores above
    a random non-member, ties counting one half (the Mann–Whitney statistic)."""
    members = np.asarray(member_scores, dtype=np.float64)
    others = np.asarray(nonmember_scores, dtype=np.float64)
    if members.size == 0 or others.size == 0:
        raise ValueError("both members and non-members are needed")
    ranks = rankdata(np.concatenate([members, others]))  # tied scores share their average rank
    member_rank_sum = ranks[: members.size].sum()
    return float((member_rank_sum - members.size * (members.size + 1) / 2) / (members.size * others.size))


@dataclass(frozen=True)
class ThresholdAttack:
    """The best single threshold on the score, and how well it separates members from non-members."""

    threshold: float  # guess "member" when the true-class probability is at least this
    accuracy: float  # on a balanced set of members and non-members; 0.5 is guessing
    auc: float  # threshold-free strength of the same score


def threshold_attack(member_scores: np.ndarray, nonmember_scores: np.ndarray) -> ThresholdAttack:
    """The threshold that best tells members from non-members, each side weighted equally."""
    members = np.asarray(member_scores, dtype=np.float64)
    others = np.asarray(nonmember_scores, dtype=np.float64)
    best_threshold, best_accuracy = float("inf"), 0.5  # "nobody is a member" is right half the time
    for threshold in np.unique(np.concatenate([members, others])):
        accuracy = 0.5 * ((members >= threshold).mean() + (others < threshold).mean())
        if accuracy > best_accuracy:
            best_threshold, best_accuracy = float(threshold), float(accuracy)
    return ThresholdAttack(best_threshold, best_accuracy, attack_auc(members, others))
