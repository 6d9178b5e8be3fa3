"""Look inside a digit classifier: where it errs (confusion, per-class accuracy, its worst mistakes)
and what its first layer looks for (each hidden unit's 784 weights drawn as a 28×28 picture)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.inference import LoadedModel
from core.metrics import ClassifierReport
from ui.charts import plot_confusion, plot_per_class_accuracy, plot_weight_images, upscale_digit
from ui.state import t

DIGITS = [str(d) for d in range(10)]
GALLERY_SIZE = 12
UNITS_SHOWN = 16


def _render_errors(report: ClassifierReport) -> None:
    left, right = st.columns([3, 2])
    labels = {"predicted": t("inspect.predicted"), "true": t("inspect.true"), "count": t("inspect.count")}
    left.plotly_chart(plot_confusion(report.confusion, DIGITS, labels), key="mnist_confusion")
    right.plotly_chart(plot_per_class_accuracy(report.per_class_accuracy, DIGITS, t("inspect.per_class")),
                       key="mnist_per_class")
    weakest = int(np.nanargmin(report.per_class_accuracy))
    right.caption(t("inspect.weakest", digit=weakest, accuracy=float(report.per_class_accuracy[weakest])))


def _render_gallery(report: ClassifierReport, images: np.ndarray, labels: np.ndarray) -> None:
    st.subheader(t("inspect.mistakes"))
    mistakes = report.misclassified[:GALLERY_SIZE]
    if len(mistakes) == 0:
        st.success(t("inspect.no_mistakes"))
        return
    st.caption(t("inspect.mistakes_caption", shown=len(mistakes), total=len(report.misclassified)))
    columns = st.columns(6)
    for slot, index in enumerate(mistakes):
        caption = t("inspect.mistake", true=int(labels[index]), predicted=int(report.predicted[index]),
                    p=float(report.confidence[index]))
        columns[slot % 6].image(upscale_digit(images[index] / 255.0, 3), caption=caption)


def _render_weights(model: LoadedModel) -> None:
    from models.mnist_mlp import first_layer_kernel

    st.subheader(t("inspect.weights"))
    kernel = first_layer_kernel(model.model)
    total = kernel.shape[1]
    start = st.slider(t("inspect.first_unit"), 1, max(1, total - UNITS_SHOWN + 1), 1, key="mnist_unit_start")
    units = list(range(start - 1, min(total, start - 1 + UNITS_SHOWN)))
    st.plotly_chart(plot_weight_images(kernel, units, t("inspect.unit")), key="mnist_weights")
    st.caption(t("inspect.weights_caption", units=total))


def render_digit_inspect(model: LoadedModel, report: ClassifierReport, source: str) -> None:
    """Draw the look-inside views for ``model`` and its ``report`` on the test split of ``source``."""
    from data.mnist import load_mnist

    test = load_mnist(source)
    images, labels = test.x_test, test.y_test
    st.caption(t("inspect.scored_on", n=len(labels), accuracy=report.accuracy))
    _render_errors(report)
    _render_gallery(report, images, labels)
    _render_weights(model)
