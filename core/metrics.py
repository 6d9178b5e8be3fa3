"""Classifier scores computed from labels and predictions: plain NumPy, no framework."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassifierReport:
    """How a classifier did on one labelled split."""

    accuracy: float
    confusion: np.ndarray  # confusion[true, predicted] = count
    per_class_accuracy: np.ndarray  # recall of each class; NaN for a class absent from the split
    misclassified: np.ndarray  # indices into the split, most confident mistakes first
    predicted: np.ndarray
    confidence: np.ndarray  # probability the model gave its own answer


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Count how often each true class (rows) was predicted as each class (columns)."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true, int), np.asarray(y_pred, int)), 1)
    return matrix


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """Fraction of each true class predicted correctly (NaN where a class has no examples)."""
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / totals, np.nan)


def report_classifier(y_true: np.ndarray, probabilities: np.ndarray) -> ClassifierReport:
    """Score class ``probabilities`` (N, classes) against integer labels ``y_true`` (N,)."""
    y_true = np.asarray(y_true, int)
    probabilities = np.asarray(probabilities)
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities[np.arange(len(predicted)), predicted]
    confusion = confusion_matrix(y_true, predicted, probabilities.shape[1])
    wrong = np.flatnonzero(predicted != y_true)
    wrong = wrong[np.argsort(-confidence[wrong], kind="stable")]
    accuracy = float((predicted == y_true).mean()) if len(y_true) else float("nan")
    return ClassifierReport(accuracy, confusion, per_class_accuracy(confusion), wrong, predicted, confidence)


def percentile_ms(seconds: list[float], q: float) -> float:
    """The ``q``-th percentile of durations given in seconds, in milliseconds."""
    return float(np.percentile(np.asarray(seconds) * 1000.0, q))
