"""Chart summaries: the facts each sentence states, ties, edge cases, and a text for every key in both languages."""

import re
import string
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from core import chart_text
from core.chart_text import (REGIONS, Summary, summarize_attention, summarize_auc, summarize_class_accuracy,
                             summarize_confusion, summarize_energy, summarize_feature_maps, summarize_filters,
                             summarize_group_accuracy, summarize_importance, summarize_model_scale,
                             summarize_occlusion, summarize_over_time, summarize_params_vs_accuracy,
                             summarize_probabilities, summarize_robustness, summarize_run_comparison,
                             summarize_training, summarize_waveform, summarize_weights)
from core.i18n import load_locale, translate

ABC = ["a", "b", "c"]
EPOCHS = [{"epoch": 1, "loss": 0.30, "accuracy": 0.90, "val_loss": 0.20, "val_accuracy": 0.95},
          {"epoch": 2, "loss": 0.12, "accuracy": 0.96, "val_loss": 0.10, "val_accuracy": 0.974},
          {"epoch": 3, "loss": 0.081, "accuracy": 0.98, "val_loss": 0.11, "val_accuracy": 0.971}]


def occlusion_peak(row: int, column: int, size: int = 9) -> np.ndarray:
    drops = np.zeros((size, size))
    drops[row, column] = 0.25
    return drops


def run(run_id: int, val_accuracy: list) -> SimpleNamespace:
    return SimpleNamespace(id=run_id, epochs=[{"epoch": i + 1, "val_accuracy": v} for i, v in enumerate(val_accuracy)])


def test_training_states_the_latest_and_the_best_validation_accuracy():
    summary = summarize_training(EPOCHS, 5)
    assert summary == Summary("summary.training", {"done": 3, "epochs": 5, "accuracy": 0.971, "loss": 0.081,
                                                   "best": 0.974, "best_epoch": 2})
    assert translate("en", summary.key, **summary.values) == (
        "After 3 of 5 epochs: validation accuracy 97.1% (best 97.4% at epoch 2), training loss 0.081.")


def test_training_falls_back_to_training_accuracy_then_batches_then_nothing():
    no_validation = [{k: v for k, v in m.items() if not k.startswith("val_")} for m in EPOCHS]
    assert summarize_training(no_validation, 3) == Summary("summary.training_no_validation", {
        "done": 3, "epochs": 3, "accuracy": 0.98, "loss": 0.081})
    batches = [{"step": 1, "loss": 2.3}, {"step": 2, "loss": 1.7}]
    assert summarize_training([], 3, batches) == Summary("summary.training_batches", {"loss": 1.7, "batches": 2})
    assert summarize_training([], 3).key == "summary.training_empty"
    assert summarize_training([{"epoch": 1, "loss": float("nan")}], 3).key == "summary.training_empty"


def test_training_best_epoch_is_the_first_of_equal_scores():
    tied = [{"epoch": e, "loss": 0.1, "val_accuracy": 0.9} for e in (1, 2, 3)]
    assert summarize_training(tied, 3).values["best_epoch"] == 1


def test_probabilities_name_the_two_most_likely_classes():
    p = np.zeros(10)
    p[7], p[1], p[2] = 0.982, 0.011, 0.007
    summary = summarize_probabilities(p, [str(d) for d in range(10)])
    assert summary == Summary("summary.probabilities", {"first": "7", "first_p": 0.982, "second": "1",
                                                        "second_p": 0.011})
    assert translate("en", summary.key, **summary.values) == "Most likely 7 (98.2%), then 1 (1.1%)."


def test_probabilities_ties_go_to_the_class_listed_first_and_edge_cases_have_keys():
    assert summarize_probabilities([0.2, 0.4, 0.4], ABC).values == {"first": "b", "first_p": 0.4, "second": "c",
                                                                    "second_p": 0.4}
    assert summarize_probabilities([1.0], ["a"]) == Summary("summary.probabilities_single",
                                                            {"first": "a", "first_p": 1.0})
    assert summarize_probabilities([], []).key == "summary.probabilities_empty"


def test_confusion_counts_the_right_answers_and_the_most_common_mistake():
    confusion = np.array([[5, 1, 0], [0, 4, 2], [2, 0, 6]])  # two mistakes of 2: (b→c) comes before (c→a)
    summary = summarize_confusion(confusion, ABC)
    assert summary == Summary("summary.confusion", {"correct": 15, "total": 20, "accuracy": 0.75, "true": "b",
                                                    "predicted": "c", "count": 2})
    assert translate("en", summary.key, **summary.values) == (
        "15 of 20 right (75.0%); most common mistake: b read as c, 2 times.")


def test_confusion_when_no_mistake_repeats_names_the_first():
    summary = summarize_confusion(np.array([[5, 1, 0], [0, 4, 1], [0, 0, 6]]), ABC)
    assert summary == Summary("summary.confusion_once", {"correct": 15, "total": 17, "accuracy": 15 / 17,
                                                         "true": "a", "predicted": "b"})


def test_confusion_without_mistakes_or_scores():
    assert summarize_confusion(np.diag([3, 4]), ABC[:2]) == Summary("summary.confusion_perfect", {"total": 7})
    assert summarize_confusion(np.array([[9]]), ["a"]) == Summary("summary.confusion_perfect", {"total": 9})
    assert summarize_confusion(np.zeros((3, 3)), ABC).key == "summary.confusion_empty"


def test_class_accuracy_names_the_best_and_worst_and_skips_missing_classes():
    summary = summarize_class_accuracy([0.99, 0.712, np.nan, 0.9], ["Trouser", "Shirt", "Bag", "Coat"])
    assert summary == Summary("summary.class_accuracy", {"best": "Trouser", "best_accuracy": 0.99, "worst": "Shirt",
                                                         "worst_accuracy": 0.712})
    assert translate("en", summary.key, **summary.values) == "Best: Trouser 99.0%; worst: Shirt 71.2%."


def test_class_accuracy_ties_and_edge_cases():
    assert summarize_class_accuracy([0.8, 0.9, 0.9, 0.5], list("abcd")).values["best"] == "b"
    assert summarize_class_accuracy([0.5, 0.8, 0.5], ABC).values["worst"] == "a"
    assert summarize_class_accuracy([0.7, 0.7], ABC[:2]) == Summary("summary.class_accuracy_even",
                                                                    {"count": 2, "accuracy": 0.7})
    assert summarize_class_accuracy([np.nan, 0.6], ABC[:2]) == Summary("summary.class_accuracy_single",
                                                                       {"name": "b", "accuracy": 0.6})
    assert summarize_class_accuracy([np.nan, np.nan], ABC[:2]).key == "summary.class_accuracy_empty"
    assert summarize_class_accuracy([], []).key == "summary.class_accuracy_empty"


def test_attention_names_the_token_that_receives_the_most():
    weights = np.zeros((4, 4))  # the fourth row and column are padding, beyond the tokens
    weights[:3, :3] = [[0.5, 0.5, 0.0], [0.2, 0.6, 0.2], [0.1, 0.7, 0.2]]
    weights[:, 3] = 0.9
    summary = summarize_attention(weights, ["好", "很", "吃"])
    assert summary.key == "summary.attention"
    assert summary.values["token"] == "很" and summary.values["share"] == pytest.approx(0.6)
    assert summarize_attention(np.full((2, 2), 0.5), ["x", "y"]).values["token"] == "x"  # tie: the first token
    assert summarize_attention(np.zeros((0, 0)), []).key == "summary.attention_empty"
    assert summarize_attention(np.zeros((2, 2)), ["x", "y"]).key == "summary.attention_empty"


@pytest.mark.parametrize("row, column, region", [(0, 0, "top_left"), (1, 4, "top"), (2, 8, "top_right"),
                                                 (4, 0, "left"), (4, 4, "centre"), (5, 6, "right"),
                                                 (8, 2, "bottom_left"), (6, 5, "bottom"), (8, 8, "bottom_right")])
def test_occlusion_says_which_ninth_of_the_image_matters_most(row, column, region):
    assert summarize_occlusion(occlusion_peak(row, column), "Sandal") == Summary(
        f"summary.occlusion.{region}", {"name": "Sandal", "drop": 0.25})


def test_occlusion_ties_and_maps_that_lower_nothing():
    drops = occlusion_peak(8, 8) + occlusion_peak(0, 0)
    assert summarize_occlusion(drops, "Bag").key == "summary.occlusion.top_left"  # first in reading order
    assert summarize_occlusion(np.zeros((6, 6)), "Bag") == Summary("summary.occlusion_none", {"name": "Bag"})
    assert summarize_occlusion(-occlusion_peak(4, 4), "Bag").key == "summary.occlusion_none"
    assert summarize_occlusion(np.full((6, 6), 0.0001), "Bag").key == "summary.occlusion_none"


def test_waveform_gives_the_length_and_the_loudest_moment():
    clip = np.zeros(8000)
    clip[2000], clip[4000] = -0.8, 0.5
    assert summarize_waveform(clip, 8000) == Summary("summary.waveform", {"seconds": 1.0, "peak_at": 0.25,
                                                                          "peak": 0.8})
    assert summarize_waveform(np.zeros(4000), 8000) == Summary("summary.waveform_silent", {"seconds": 0.5})
    assert summarize_waveform(np.zeros(0), 8000).key == "summary.waveform_empty"


def test_over_time_finds_the_first_frame_above_half():
    votes = np.array([[0.8, 0.0, 0.2], [0.4, 0.0, 0.6], [0.6, 0.0, 0.4], [0.3, 0.0, 0.7]])
    summary = summarize_over_time(votes, 2, 0.25, "7")
    assert summary == Summary("summary.over_time", {"name": "7", "frames": 4, "seconds": 1.0, "last": 0.7,
                                                    "frame": 2, "at": 0.25})
    unsure = summarize_over_time(votes, 1, 0.25, "1")
    assert unsure == Summary("summary.over_time_unsure", {"name": "1", "frames": 4, "seconds": 1.0, "last": 0.0})
    assert summarize_over_time(np.full((3, 2), 0.5), 0, 0.1, "0").key == "summary.over_time_unsure"  # not above
    assert summarize_over_time(np.zeros((0, 3)), 0, 0.1, "0").key == "summary.over_time_empty"


def test_weights_give_the_units_shown_and_their_range():
    kernel = np.array([[9.0, -0.5, 0.25], [-9.0, 0.75, -0.125]])
    assert summarize_weights(kernel, [1, 2]) == Summary("summary.weights", {"first": 2, "last": 3, "total": 3,
                                                                            "low": -0.5, "high": 0.75})
    assert summarize_weights(kernel, []).key == "summary.weights_empty"


def test_filters_grey_and_colour():
    grey = np.arange(18, dtype=float).reshape(2, 3, 3) - 9
    assert summarize_filters(grey) == Summary("summary.filters", {"count": 2, "side": 3, "low": -9.0, "high": 8.0})
    colour = np.zeros((4, 5, 5, 3))
    colour[0, 0, 0, 0] = 1.5
    assert summarize_filters(colour) == Summary("summary.filters_colour", {"count": 4, "side": 5, "low": 0.0,
                                                                           "high": 1.5})
    assert summarize_filters(np.zeros((0, 3, 3))).key == "summary.filters_empty"


def test_feature_maps_find_the_strongest_map_and_count_the_dark_ones():
    maps = np.zeros((2, 2, 4))
    maps[..., 1] = [[1.0, 0.0], [0.0, 0.0]]
    maps[..., 2] = 0.5  # the highest mean: 0.5 against 0.25
    summary = summarize_feature_maps(maps)
    assert summary == Summary("summary.feature_maps", {"channels": 4, "height": 2, "width": 2, "strongest": 3,
                                                       "dark": 2})
    assert summarize_feature_maps(np.ones((3, 3, 2))).key == "summary.feature_maps_flat"
    assert summarize_feature_maps(np.zeros((3, 3, 0))).key == "summary.feature_maps_empty"


POINTS = [{"name": "MLP shipped", "family": "mlp", "params": 235146, "accuracy": 0.9755},
          {"name": "Run #3", "family": "cnn", "params": 34826, "accuracy": 0.9891},
          {"name": "Run #4", "family": "cnn", "params": 9000, "accuracy": 0.95},
          {"name": "Run #5", "family": "cnn", "params": 9000, "accuracy": 0.96}]
FAMILIES = {"mlp": "MLP", "cnn": "CNN"}


def test_params_vs_accuracy_names_the_most_accurate_and_the_smallest_model():
    summary = summarize_params_vs_accuracy(POINTS, FAMILIES)
    assert summary == Summary("summary.params_accuracy", {
        "best": "Run #3", "best_family": "CNN", "best_accuracy": 0.9891, "best_params": 34826,
        "smallest": "Run #5", "smallest_family": "CNN", "smallest_accuracy": 0.96, "smallest_params": 9000})


def test_params_vs_accuracy_when_one_model_is_both_or_there_is_none():
    tied = [{**POINTS[0], "accuracy": 0.99}, {**POINTS[1], "accuracy": 0.99}]  # same accuracy: fewer weights wins
    assert summarize_params_vs_accuracy(tied, FAMILIES) == Summary("summary.params_accuracy_same", {
        "name": "Run #3", "name_family": "CNN", "name_accuracy": 0.99, "name_params": 34826})
    assert summarize_params_vs_accuracy([], FAMILIES).key == "summary.params_accuracy_empty"


def test_model_scale_spans_smallest_to_largest():
    summary = summarize_model_scale(["LeNet-5", "GPT-3", "ours", "unknown"], [6.0e4, 1.75e11, 1.0e5, 0])
    assert summary == Summary("summary.scale", {"smallest": "LeNet-5", "smallest_params": 6.0e4, "largest": "GPT-3",
                                                "largest_params": 1.75e11, "ratio": pytest.approx(1.75e11 / 6.0e4)})
    assert summarize_model_scale(["ours"], [1.0e5]) == Summary("summary.scale_single", {"name": "ours",
                                                                                        "params": 1.0e5})
    assert summarize_model_scale([], []).key == "summary.scale_empty"


def test_group_accuracy_gives_both_arms_and_their_gaps_in_points():
    arms = {"male_only": {"male": 0.9, "female": 0.75, "clips": 400}, "balanced": {"male": 0.875, "female": 0.8125}}
    summary = summarize_group_accuracy(arms)
    assert summary.key == "summary.groups"
    assert summary.values == pytest.approx({"skewed_male": 0.9, "skewed_female": 0.75, "skewed_gap": 15.0,
                                            "balanced_male": 0.875, "balanced_female": 0.8125,
                                            "balanced_gap": 6.25})
    assert summarize_group_accuracy({"male_only": arms["male_only"]}).key == "summary.groups_empty"


def test_auc_is_read_at_the_last_epoch():
    assert summarize_auc([1, 5, 40], [0.51, 0.6, 0.83], [0.5, 0.52, 0.55]) == Summary(
        "summary.auc", {"epoch": 40, "memorising": 0.83, "regularised": 0.55})
    assert summarize_auc([], [], []).key == "summary.auc_empty"


def test_robustness_names_the_model_that_loses_most_and_least():
    series = {"fashion_mlp": [0.88, 0.5, 0.25], "fashion_cnn": [0.9, 0.75, 0.5], "other": [0.9, 0.9, 0.5]}
    names = {"fashion_mlp": "clothing MLP", "fashion_cnn": "clothing CNN"}
    summary = summarize_robustness([0.0, 0.25, 0.5], series, names, "noise")
    assert summary == Summary("summary.robustness", {
        "setting": "noise", "strength": 0.5, "worst": "clothing MLP", "worst_start": 0.88, "worst_end": 0.25,
        "best": "clothing CNN", "best_start": 0.9, "best_end": 0.5})  # the CNN and "other" both lose 0.4: first wins
    single = summarize_robustness([40.0, 0.0], {"speech": [0.9, 0.2]}, {"speech": "speech GRU"}, "dB")
    assert single == Summary("summary.robustness_single", {"setting": "dB", "strength": 0.0, "name": "speech GRU",
                                                           "start": 0.9, "end": 0.2})
    assert summarize_robustness([], {}, {}, "dB").key == "summary.robustness_empty"


def test_energy_names_the_largest_run_against_the_reference():
    summary = summarize_energy(["#1 · mnist-mlp", "#2 · fashion-cnn"], [0.5, 2.0], ("GPT-3", 1.0e9))
    assert summary == Summary("summary.energy", {"name": "#2 · fashion-cnn", "wh": 2.0, "reference": "GPT-3",
                                                 "times": 5.0e8})
    assert summarize_energy(["#1"], [0.0], ("GPT-3", 1.0e9)).key == "summary.energy_empty"


def test_run_comparison_finds_the_best_run_and_epoch():
    runs = [run(4, [0.9, 0.95]), run(7, [0.93, 0.97, 0.97]), run(9, [0.97])]
    assert summarize_run_comparison(runs) == Summary("summary.runs", {"value": 0.97, "run": 7, "epoch": 2})
    assert summarize_run_comparison([run(1, [None])]).key == "summary.runs_empty"
    assert summarize_run_comparison([]).key == "summary.runs_empty"


def test_importance_names_the_tokens_that_pushed_each_way():
    tokens = ["服", "务", "差"]
    assert summarize_importance(tokens, [0.02, -0.125, 0.5, 0.9], "Negative") == Summary(
        "summary.importance", {"name": "Negative", "towards": "差", "towards_p": 0.5, "against": "务",
                               "against_p": 0.125})  # the fourth value is padding beyond the tokens
    assert summarize_importance(tokens, [0.1, 0.0, 0.0], "P").key == "summary.importance_towards"
    assert summarize_importance(tokens, [-0.1, 0.0, 0.0], "P").key == "summary.importance_against"
    assert summarize_importance(tokens, [0.0001, 0.0, 0.0], "P") == Summary("summary.importance_none", {"name": "P"})


def every_summary() -> list[Summary]:
    """One call per key the module can return, edge cases included."""
    runs = [run(1, [0.9])]
    calls = [summarize_training(EPOCHS, 5), summarize_training([{"epoch": 1, "loss": 0.2, "accuracy": 0.9}], 2),
             summarize_training([], 2, [{"loss": 1.0}]), summarize_training([], 2),
             summarize_probabilities([0.2, 0.8], ABC), summarize_probabilities([1.0], ABC),
             summarize_probabilities([], ABC), summarize_confusion(np.array([[3, 1], [0, 2]]), ABC),
             summarize_confusion(np.array([[3, 2], [0, 2]]), ABC),
             summarize_confusion(np.eye(2), ABC), summarize_confusion(np.zeros((2, 2)), ABC),
             summarize_class_accuracy([0.5, 0.9], ABC), summarize_class_accuracy([0.5, 0.5], ABC),
             summarize_class_accuracy([0.5], ABC), summarize_class_accuracy([], ABC),
             summarize_attention(np.eye(2), ABC[:2]), summarize_attention(np.zeros((0, 0)), []),
             summarize_occlusion(np.zeros((3, 3)), "a"), summarize_waveform(np.ones(4), 4),
             summarize_waveform(np.zeros(4), 4), summarize_waveform(np.zeros(0), 4),
             summarize_over_time(np.array([[0.9, 0.1]]), 0, 0.1, "a"),
             summarize_over_time(np.array([[0.1, 0.9]]), 0, 0.1, "a"),
             summarize_over_time(np.zeros((0, 2)), 0, 0.1, "a"),
             summarize_weights(np.ones((4, 2)), [0, 1]), summarize_weights(np.ones((4, 2)), []),
             summarize_filters(np.ones((2, 3, 3))), summarize_filters(np.ones((2, 3, 3, 3))),
             summarize_filters(np.ones(3)), summarize_feature_maps(np.eye(2)[..., None] * [1, 2]),
             summarize_feature_maps(np.ones((2, 2, 2))), summarize_feature_maps(np.ones(3)),
             summarize_params_vs_accuracy(POINTS, FAMILIES), summarize_params_vs_accuracy(POINTS[:1], FAMILIES),
             summarize_params_vs_accuracy([], FAMILIES), summarize_model_scale(ABC[:2], [1.0, 10.0]),
             summarize_model_scale(ABC[:1], [1.0]), summarize_model_scale([], []),
             summarize_group_accuracy({"male_only": {"male": 0.9, "female": 0.7},
                                       "balanced": {"male": 0.8, "female": 0.8}}),
             summarize_group_accuracy({}), summarize_auc([1], [0.6], [0.5]), summarize_auc([], [], []),
             summarize_robustness([0, 1], {"a": [0.9, 0.5], "b": [0.9, 0.8]}, {}, "x"),
             summarize_robustness([0, 1], {"a": [0.9, 0.5]}, {}, "x"), summarize_robustness([], {}, {}, "x"),
             summarize_energy(["#1"], [1.0], ("GPT-3", 1e9)), summarize_energy([], [], ("GPT-3", 1e9)),
             summarize_run_comparison(runs), summarize_run_comparison([]),
             summarize_importance(ABC, [0.1, -0.1, 0], "a"), summarize_importance(ABC, [0.1, 0, 0], "a"),
             summarize_importance(ABC, [-0.1, 0, 0], "a"), summarize_importance(ABC, [0, 0, 0], "a")]
    return calls + [summarize_occlusion(occlusion_peak(3 * r + 1, 3 * c + 1), "a")
                    for r in range(3) for c in range(3)]


def test_every_key_the_module_can_return_has_a_text_in_both_languages_that_its_values_fill():
    summaries = every_summary()
    returned = {s.key for s in summaries}
    source = Path(chart_text.__file__).read_text(encoding="utf-8")
    literal = set(re.findall(r"""["'](summary\.[a-z_.]+)["']""", source))
    regions = {f"summary.occlusion.{region}" for row in REGIONS for region in row}
    assert literal | regions == returned  # every key in the source is exercised above
    for lang in ("en", "zh"):
        texts = load_locale(lang)
        assert sorted(returned - set(texts)) == []
        for summary in summaries:
            fields = {f for _, f, _, _ in string.Formatter().parse(texts[summary.key]) if f}
            assert fields == set(summary.values), (lang, summary.key)
            translate(lang, summary.key, **summary.values)


def test_summaries_carry_no_bold_markers():
    for lang in ("en", "zh"):
        assert [k for k, v in load_locale(lang).items() if k.startswith("summary.") and "**" in v] == []
