"""One-sentence text summaries of the app's charts, for screen readers and for anyone who cannot tell
a chart's colours apart.

Each function takes the numbers a chart is drawn from (names already translated by the caller) and
returns a ``Summary``: a translation key under ``summary.`` and the values its text fills in. Number
formats live in the locale texts, so this module only picks the facts. Degenerate inputs (nothing
trained yet, an all-zero map, a single class) get their own key instead of an exception. Ties always go
to the item listed first.

It is not a chart library and imports neither Streamlit nor plotly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

NEGLIGIBLE = 0.0005  # a change that rounds to 0.0 % is not worth a sentence
SURE = 0.5  # the speech panel's "the model is sure" line, as in ui.speech_charts.first_sure_frame
REGIONS = (("top_left", "top", "top_right"), ("left", "centre", "right"),
           ("bottom_left", "bottom", "bottom_right"))  # an image cut into thirds each way


@dataclass(frozen=True)
class Summary:
    """A translation key under ``summary.`` and the values its text needs."""

    key: str
    values: dict = field(default_factory=dict)


def _finite(metrics: Mapping, name: str) -> float | None:
    value = metrics.get(name)
    return float(value) if value is not None and np.isfinite(value) else None


def _summarize_first_batches(batch_metrics: Sequence[Mapping]) -> Summary:
    loss = _finite(batch_metrics[-1], "loss") if batch_metrics else None
    if loss is None:
        return Summary("summary.training_empty")
    return Summary("summary.training_batches", {"loss": loss,
                                                "batches": int(batch_metrics[-1].get("step", len(batch_metrics)))})


def summarize_training(epoch_metrics: Sequence[Mapping], epochs: int,
                       batch_metrics: Sequence[Mapping] = ()) -> Summary:
    """Where training stands: validation accuracy now and at its best, and the training loss.

    Before the first epoch ends, the loss at the latest batch; without a validation split, the
    training accuracy. Epochs count from 1, as on the chart.
    """
    if not epoch_metrics:
        return _summarize_first_batches(batch_metrics)
    last = epoch_metrics[-1]
    values = {"done": int(last.get("epoch", len(epoch_metrics))), "epochs": epochs, "loss": _finite(last, "loss")}
    validation, training = _finite(last, "val_accuracy"), _finite(last, "accuracy")
    if values["loss"] is None or (validation is None and training is None):
        return Summary("summary.training_empty")
    if validation is None:
        return Summary("summary.training_no_validation", {**values, "accuracy": training})
    scores = [_finite(m, "val_accuracy") for m in epoch_metrics]
    best = int(np.argmax([-np.inf if score is None else score for score in scores]))
    return Summary("summary.training", {**values, "accuracy": validation, "best": scores[best],
                                        "best_epoch": int(epoch_metrics[best].get("epoch", best + 1))})


def summarize_probabilities(probabilities: Sequence[float], class_names: Sequence[str]) -> Summary:
    """The most likely class and the runner-up, with their probabilities."""
    p = np.asarray(probabilities, dtype=float).reshape(-1)
    if p.size == 0:
        return Summary("summary.probabilities_empty")
    order = np.argsort(-p, kind="stable")
    first = {"first": class_names[order[0]], "first_p": float(p[order[0]])}
    if p.size == 1:
        return Summary("summary.probabilities_single", first)
    return Summary("summary.probabilities", {**first, "second": class_names[order[1]],
                                             "second_p": float(p[order[1]])})


def summarize_confusion(confusion: np.ndarray, class_names: Sequence[str]) -> Summary:
    """How many were right, and the most frequent mistake (the first in reading order on a tie:
    lowest true class, then lowest predicted class), said differently when no mistake repeats."""
    matrix = np.asarray(confusion, dtype=np.int64)
    total = int(matrix.sum())
    if total == 0:
        return Summary("summary.confusion_empty")
    correct = int(np.trace(matrix))
    if correct == total:
        return Summary("summary.confusion_perfect", {"total": total})
    mistakes = matrix.copy()
    np.fill_diagonal(mistakes, 0)
    true, predicted = np.unravel_index(int(mistakes.argmax()), mistakes.shape)
    values = {"correct": correct, "total": total, "accuracy": correct / total, "true": class_names[true],
              "predicted": class_names[predicted]}
    count = int(mistakes[true, predicted])
    if count == 1:
        return Summary("summary.confusion_once", values)
    return Summary("summary.confusion", {**values, "count": count})


def summarize_class_accuracy(accuracy: Sequence[float], class_names: Sequence[str]) -> Summary:
    """The best and the worst class; classes without a score (NaN: absent from the split) are left out."""
    scores = np.asarray(accuracy, dtype=float).reshape(-1)
    scored = np.flatnonzero(np.isfinite(scores))
    if scored.size == 0:
        return Summary("summary.class_accuracy_empty")
    if scored.size == 1:
        return Summary("summary.class_accuracy_single", {"name": class_names[scored[0]],
                                                         "accuracy": float(scores[scored[0]])})
    best, worst = scored[np.argmax(scores[scored])], scored[np.argmin(scores[scored])]
    if scores[best] == scores[worst]:
        return Summary("summary.class_accuracy_even", {"count": int(scored.size), "accuracy": float(scores[best])})
    return Summary("summary.class_accuracy", {"best": class_names[best], "best_accuracy": float(scores[best]),
                                              "worst": class_names[worst], "worst_accuracy": float(scores[worst])})


def summarize_attention(weights: np.ndarray, tokens: Sequence[str]) -> Summary:
    """The token that receives the most attention over the whole sentence, as its average share of
    each token's attention (each row of ``weights`` sums to 1)."""
    n = len(tokens)
    received = np.asarray(weights, dtype=float)[:n, :n].sum(axis=0)
    if n == 0 or received.size == 0 or not received.any():
        return Summary("summary.attention_empty")
    top = int(received.argmax())
    return Summary("summary.attention", {"token": tokens[top], "share": float(received[top] / n)})


def summarize_occlusion(drops: np.ndarray, class_name: str) -> Summary:
    """Which ninth of the image lowers the answer's probability most when hidden, and by how much."""
    drops = np.asarray(drops, dtype=float)
    if drops.size == 0 or drops.max() < NEGLIGIBLE:
        return Summary("summary.occlusion_none", {"name": class_name})
    row, column = np.unravel_index(int(drops.argmax()), drops.shape)
    region = REGIONS[3 * row // drops.shape[0]][3 * column // drops.shape[1]]
    return Summary(f"summary.occlusion.{region}", {"name": class_name, "drop": float(drops[row, column])})


def summarize_waveform(clip: np.ndarray, sample_rate: int) -> Summary:
    """The clip's length and its loudest moment, as a share of full scale (1.0)."""
    clip = np.abs(np.asarray(clip, dtype=float).reshape(-1))
    if clip.size == 0:
        return Summary("summary.waveform_empty")
    seconds = clip.size / sample_rate
    if not clip.any():
        return Summary("summary.waveform_silent", {"seconds": seconds})
    peak = int(clip.argmax())
    return Summary("summary.waveform", {"seconds": seconds, "peak_at": peak / sample_rate,
                                        "peak": float(clip[peak])})


def summarize_over_time(probabilities: np.ndarray, winner: int, frame_seconds: float, class_name: str) -> Summary:
    """When the frame-by-frame vote for the answer first goes above 50 %, and where it ends.

    Frames count from 1; a frame's time is when it starts.
    """
    votes = np.asarray(probabilities, dtype=float)
    if votes.ndim != 2 or len(votes) == 0:
        return Summary("summary.over_time_empty")
    votes = votes[:, winner]
    values = {"name": class_name, "frames": len(votes), "seconds": len(votes) * frame_seconds,
              "last": float(votes[-1])}
    above = np.flatnonzero(votes > SURE)
    if above.size == 0:
        return Summary("summary.over_time_unsure", values)
    return Summary("summary.over_time", {**values, "frame": int(above[0]) + 1, "at": above[0] * frame_seconds})


def summarize_weights(kernel: np.ndarray, units: Sequence[int]) -> Summary:
    """Which first-layer units are shown, of how many, and the range of their weights.

    ``kernel`` is (inputs, units); ``units`` index its columns and count from 0.
    """
    kernel = np.asarray(kernel, dtype=float)
    if not len(units) or kernel.size == 0:
        return Summary("summary.weights_empty")
    shown = kernel[:, list(units)]
    return Summary("summary.weights", {"first": min(units) + 1, "last": max(units) + 1, "total": kernel.shape[1],
                                       "low": float(shown.min()), "high": float(shown.max())})


def summarize_filters(filters: np.ndarray) -> Summary:
    """How many first-layer filters, their size and the range of their weights: (count, k, k) for grey
    input, drawn in signed colours, or (count, k, k, 3) for colour input, drawn in their own colours."""
    filters = np.asarray(filters, dtype=float)
    if filters.ndim not in (3, 4) or filters.size == 0:
        return Summary("summary.filters_empty")
    key = "summary.filters" if filters.ndim == 3 else "summary.filters_colour"
    return Summary(key, {"count": filters.shape[0], "side": filters.shape[1], "low": float(filters.min()),
                         "high": float(filters.max())})


def summarize_feature_maps(maps: np.ndarray) -> Summary:
    """One layer's (h, w, channels) outputs: the map with the highest mean (counting from 1, row by row
    as in the mosaic) and how many maps stay dark, at the layer's lowest value everywhere."""
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3 or maps.size == 0:
        return Summary("summary.feature_maps_empty")
    height, width, channels = maps.shape
    low, high = maps.min(), maps.max()
    values = {"channels": channels, "height": height, "width": width}
    if high == low:
        return Summary("summary.feature_maps_flat", values)
    by_map = maps.reshape(-1, channels)
    return Summary("summary.feature_maps", {**values, "strongest": int(by_map.mean(axis=0).argmax()) + 1,
                                            "dark": int((by_map.max(axis=0) == low).sum())})


def _point_values(point: Mapping, prefix: str, family_names: Mapping[str, str]) -> dict:
    return {prefix: point["name"], f"{prefix}_family": family_names.get(point["family"], point["family"]),
            f"{prefix}_accuracy": float(point["accuracy"]), f"{prefix}_params": int(point["params"])}


def summarize_params_vs_accuracy(points: Sequence[Mapping], family_names: Mapping[str, str]) -> Summary:
    """The most accurate model (fewer parameters on a tie) and the smallest one (more accurate on a
    tie). Points have name, family, params and accuracy, as for ``plot_params_vs_accuracy``."""
    if not points:
        return Summary("summary.params_accuracy_empty")
    best = min(points, key=lambda p: (-p["accuracy"], p["params"]))
    smallest = min(points, key=lambda p: (p["params"], -p["accuracy"]))
    if best is smallest:
        return Summary("summary.params_accuracy_same", _point_values(best, "name", family_names))
    return Summary("summary.params_accuracy", {**_point_values(best, "best", family_names),
                                               **_point_values(smallest, "smallest", family_names)})


def summarize_model_scale(names: Sequence[str], params: Sequence[float]) -> Summary:
    """The span from the smallest model to the largest, and how many times larger the largest is."""
    sized = [(float(count), name) for name, count in zip(names, params) if count and count > 0]
    if not sized:
        return Summary("summary.scale_empty")
    smallest, largest = min(sized, key=lambda s: s[0]), max(sized, key=lambda s: s[0])
    if len(sized) == 1:
        return Summary("summary.scale_single", {"name": smallest[1], "params": smallest[0]})
    return Summary("summary.scale", {"smallest": smallest[1], "smallest_params": smallest[0],
                                     "largest": largest[1], "largest_params": largest[0],
                                     "ratio": largest[0] / smallest[0]})


def summarize_group_accuracy(arms: Mapping[str, Mapping[str, float]]) -> Summary:
    """Accuracy on male-like and female-like voices after each way of training (arms ``male_only`` and
    ``balanced``), and the gap between the groups in percentage points."""
    if not {"male_only", "balanced"} <= set(arms):
        return Summary("summary.groups_empty")
    values = {}
    for arm, prefix in (("male_only", "skewed"), ("balanced", "balanced")):
        male, female = float(arms[arm]["male"]), float(arms[arm]["female"])
        values.update({f"{prefix}_male": male, f"{prefix}_female": female,
                       f"{prefix}_gap": abs(male - female) * 100})
    return Summary("summary.groups", values)


def summarize_auc(epochs: Sequence[int], memorising: Sequence[float], regularised: Sequence[float]) -> Summary:
    """The membership attack's AUC on both models after the last epoch; 0.5 is guessing."""
    if not len(epochs) or not len(memorising) or not len(regularised):
        return Summary("summary.auc_empty")
    return Summary("summary.auc", {"epoch": int(epochs[-1]), "memorising": float(memorising[-1]),
                                   "regularised": float(regularised[-1])})


def summarize_robustness(strengths: Sequence[float], series: Mapping[str, Sequence[float]],
                         model_names: Mapping[str, str], setting: str) -> Summary:
    """Accuracy of each model with no change (the first strength) and at the strongest (the last):
    the model that loses most, and the one that loses least. ``setting`` names the x axis."""
    curves = {name: values for name, values in series.items() if len(values)}
    if not len(strengths) or not curves:
        return Summary("summary.robustness_empty")
    ends = {name: (float(values[0]), float(values[-1])) for name, values in curves.items()}
    values = {"setting": setting, "strength": float(strengths[-1])}
    if len(ends) == 1:
        name, (start, end) = next(iter(ends.items()))
        return Summary("summary.robustness_single", {**values, "name": model_names.get(name, name),
                                                     "start": start, "end": end})
    worst = max(ends, key=lambda n: ends[n][0] - ends[n][1])
    best = min(ends, key=lambda n: ends[n][0] - ends[n][1])
    return Summary("summary.robustness", {
        **values, "worst": model_names.get(worst, worst), "worst_start": ends[worst][0],
        "worst_end": ends[worst][1], "best": model_names.get(best, best), "best_start": ends[best][0],
        "best_end": ends[best][1]})


def summarize_energy(names: Sequence[str], watt_hours: Sequence[float], reference: tuple[str, float]) -> Summary:
    """The run that used the most energy, and how many times more the published ``reference`` used."""
    runs = [(float(wh), name) for name, wh in zip(names, watt_hours) if wh and wh > 0]
    if not runs:
        return Summary("summary.energy_empty")
    wh, name = max(runs, key=lambda run: run[0])
    return Summary("summary.energy", {"name": name, "wh": wh, "reference": reference[0],
                                      "times": float(reference[1]) / wh})


def summarize_run_comparison(runs: Sequence) -> Summary:
    """The run (``RunRecord``) with the highest validation accuracy in any epoch, and that epoch."""
    best = None
    for run in runs:
        for index, metrics in enumerate(run.epochs):
            value = _finite(metrics, "val_accuracy")
            if value is not None and (best is None or value > best[0]):
                best = (value, run.id, int(metrics.get("epoch", index + 1)))
    if best is None:
        return Summary("summary.runs_empty")
    return Summary("summary.runs", {"value": best[0], "run": best[1], "epoch": best[2]})


def summarize_importance(tokens: Sequence[str], importance: Sequence[float], class_name: str) -> Summary:
    """The token that pushed the answer most towards ``class_name`` and the one that pushed most
    against it (``importance`` is the probability lost without each token); changes too small to show
    are left out."""
    values = np.asarray(importance, dtype=float).reshape(-1)[: len(tokens)]
    found = {"name": class_name}
    if values.size and values.max() >= NEGLIGIBLE:
        found.update(towards=tokens[int(values.argmax())], towards_p=float(values.max()))
    if values.size and values.min() <= -NEGLIGIBLE:
        found.update(against=tokens[int(values.argmin())], against_p=float(-values.min()))
    key = {(True, True): "summary.importance", (True, False): "summary.importance_towards",
           (False, True): "summary.importance_against", (False, False): "summary.importance_none"}
    return Summary(key["towards" in found, "against" in found], found)
