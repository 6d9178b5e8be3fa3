"""Scoring a model on a class's own labelled data: labels matched by name, exact scores, worst first."""

import numpy as np
import pytest

from core.class_eval import evaluate_on_data, match_labels, model_class_names
from core.errors import UserError


def test_labels_are_matched_by_name_in_either_language_ignoring_case_and_spaces():
    fashion = model_class_names("fashion")
    assert match_labels(("trouser", "裤子", " Ankle  boot", "cat"), fashion).tolist() == [1, 1, 9, -1]
    assert match_labels(("7", "seven"), model_class_names("mnist")).tolist() == [7, -1]
    assert match_labels(("差评", "1"), model_class_names("text")).tolist() == [0, 1]


def test_scores_are_exact_and_the_worst_example_comes_first():
    # Data labels: "b" is model class 1, "a" model class 0, "z" unknown to the model.
    data_labels = ("b", "a", "z")
    y = np.array([0, 0, 1, 1, 2])
    probabilities = {0: [0.2, 0.8], 1: [0.6, 0.4], 2: [0.9, 0.1], 3: [0.3, 0.7]}
    evaluation = evaluate_on_data(lambda x: np.array([probabilities[int(i)] for i in x]), np.arange(5), y,
                                  data_labels, (("a",), ("b",)))
    assert evaluation.kept.tolist() == [0, 1, 2, 3] and evaluation.unknown_labels == ("z",)
    assert evaluation.report.accuracy == pytest.approx(0.5)
    assert evaluation.report.confusion.tolist() == [[1, 1], [1, 1]]
    assert evaluation.worst.tolist()[:2] == [3, 1]  # truth got 0.3, then 0.4


def test_data_with_no_class_the_model_knows_is_refused_with_a_reason():
    with pytest.raises(UserError) as error:
        evaluate_on_data(lambda x: x, np.zeros(2), np.array([0, 1]), ("cat", "dog"), model_class_names("mnist"))
    assert error.value.key == "error.eval.no_common_class"
