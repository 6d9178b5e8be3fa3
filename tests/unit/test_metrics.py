"""Confusion matrix, per-class accuracy and the order of the mistakes gallery, on tiny exact inputs."""

import numpy as np

from core.metrics import confusion_matrix, percentile_ms, report_classifier


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    matrix = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_report_orders_mistakes_by_confidence_and_marks_absent_classes():
    probs = np.array([[0.9, 0.1, 0.0], [0.2, 0.8, 0.0], [0.4, 0.6, 0.0], [0.7, 0.3, 0.0]])
    report = report_classifier(np.array([0, 0, 0, 1]), probs)
    assert report.accuracy == 0.25
    assert report.misclassified.tolist() == [1, 3, 2]  # confidence 0.8, 0.7, 0.6
    np.testing.assert_allclose(report.per_class_accuracy[:2], [1 / 3, 0.0])
    assert np.isnan(report.per_class_accuracy[2])


def test_percentiles_are_in_milliseconds():
    assert percentile_ms([0.001, 0.002, 0.003], 50) == 2.0
