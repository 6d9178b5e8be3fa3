"""Look inside an image classifier: where it errs (confusion, per-class accuracy, its most confident
mistakes, with class names) and what its first layer looks for (an MLP unit's weights as a picture,
or a CNN's first filters)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.chart_text import (summarize_class_accuracy, summarize_confusion, summarize_filters,
                             summarize_weights)
from core.inference import LoadedModel
from core.metrics import ClassifierReport
from ui.charts import (diverging_colours, plot_confusion, plot_per_class_accuracy, plot_weight_images,
                       render_summary, tile_images, upscale)
from ui.datasets import class_names
from ui.model_picker import PickedModel
from ui.state import t

GALLERY_SIZE = 12
UNITS_SHOWN = 16


def _render_errors(report: ClassifierReport, names: list[str], key: str) -> None:
    left, right = st.columns([3, 2])
    labels = {"predicted": t("inspect.predicted"), "true": t("inspect.true"), "count": t("inspect.count")}
    left.plotly_chart(plot_confusion(report.confusion, names, labels), key=f"{key}_confusion")
    render_summary(summarize_confusion(report.confusion, names), left)
    right.plotly_chart(plot_per_class_accuracy(report.per_class_accuracy, names, t("inspect.per_class")),
                       key=f"{key}_per_class")
    render_summary(summarize_class_accuracy(report.per_class_accuracy, names), right)


def _render_gallery(report: ClassifierReport, images: np.ndarray, labels: np.ndarray, names: list[str]) -> None:
    st.subheader(t("inspect.mistakes"))
    mistakes = report.misclassified[:GALLERY_SIZE]
    if len(mistakes) == 0:
        st.success(t("inspect.no_mistakes"))
        return
    st.caption(t("inspect.mistakes_caption", shown=len(mistakes), total=len(report.misclassified)))
    columns = st.columns(6)
    for slot, index in enumerate(mistakes):
        caption = t("inspect.mistake", true=names[int(labels[index])], predicted=names[int(report.predicted[index])],
                    p=float(report.confidence[index]))
        columns[slot % 6].image(upscale(images[index] / 255.0, 3), caption=caption)


def _render_mlp_weights(model: LoadedModel, key: str) -> None:
    from models.mnist_mlp import first_layer_kernel

    st.subheader(t("inspect.weights"))
    kernel = first_layer_kernel(model.model)
    shape = tuple(model.model.input_shape[1:])
    if len(shape) == 3:  # colour input: one picture per unit, its weights averaged over R, G and B
        kernel = kernel.reshape(*shape, -1).mean(axis=2).reshape(shape[0] * shape[1], -1)
    total = kernel.shape[1]
    start = st.slider(t("inspect.first_unit"), 1, max(1, total - UNITS_SHOWN + 1), 1, key=f"{key}_unit_start")
    units = list(range(start - 1, min(total, start - 1 + UNITS_SHOWN)))
    st.plotly_chart(plot_weight_images(kernel, units, t("inspect.unit"), shape=shape[:2]), key=f"{key}_weights")
    render_summary(summarize_weights(kernel, units))
    st.caption(t("inspect.weights_caption", units=total, size=f"{shape[0]}×{shape[1]}"))


def first_filters(model) -> np.ndarray | None:
    """The first conv layer's filters as images: (count, k, k) for grey input, (count, k, k, 3) for colour."""
    layer = next((layer for layer in model.layers if layer.name == "conv_1"), None)
    if layer is None:
        return None
    kernel = np.asarray(layer.get_weights()[0])  # (k, k, channels in, filters)
    filters = np.moveaxis(kernel, -1, 0)  # (filters, k, k, channels in)
    return filters[..., 0] if filters.shape[-1] == 1 else filters


def _render_cnn_filters(model: LoadedModel) -> None:
    st.subheader(t("inspect.filters"))
    filters = first_filters(model.model)
    if filters is None:
        return
    if filters.ndim == 3:  # grey input: signed weights, red pulls up and blue pulls down
        pictures = diverging_colours(filters)
    else:  # colour input: each filter's own colours, stretched to the visible range
        low, high = filters.min(), filters.max()
        pictures = (filters - low) / ((high - low) or 1.0)
    st.image(tile_images(pictures, columns=8, tile_px=56, gap_px=4), width="content")
    render_summary(summarize_filters(filters))
    count, side = filters.shape[0], filters.shape[1]
    st.caption(t("inspect.filters_caption", count=count, side=side))


def render_image_inspect(picked: PickedModel, key: str) -> None:
    """Draw the look-inside views of the chosen model, scored on its data set's test split."""
    from data.images import load_images

    test = load_images(picked.dataset, picked.source)
    names = class_names(picked.dataset)
    st.caption(t("inspect.scored_on", n=len(test.y_test), accuracy=picked.report.accuracy))
    _render_errors(picked.report, names, key)
    _render_gallery(picked.report, test.x_test, test.y_test, names)
    if picked.family == "cnn":
        _render_cnn_filters(picked.model)
    else:
        _render_mlp_weights(picked.model, key)
