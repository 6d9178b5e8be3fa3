"""The image page's training form: a CNN or MLP preset, or a custom CNN, on the chosen data set."""

from __future__ import annotations

import streamlit as st

from core.class_tasks import with_class_data
from core.tasks import ImageJobSpec
from ui.mnist_form import mlp_rows, render_custom_mlp
from ui.presenter import advanced_area
from ui.state import bound_translator, t
from ui.train_controls import (render_custom_training, render_epochs_and_seed, render_settings_table,
                               render_source_choice, render_start_button, training_rows)

FILTER_CHOICES = (8, 16, 32, 64, 128)
DENSE_CHOICES = (0, 32, 64, 128, 256)
CNN_PRESETS = ("cnn3", "cnn2")
MLP_PRESETS = ("keras_mlp", "compact_mlp")
CHOICES = (*CNN_PRESETS, "custom_cnn", *MLP_PRESETS, "custom")
KEY = "images"


def _render_custom_cnn():
    from models.image_cnn import KERNEL_SIZES, MAX_BLOCKS, MAX_ROTATION, CNNConfig

    with advanced_area("train.fold.network"):
        blocks = st.slider(t("train.conv_blocks"), 1, MAX_BLOCKS, 2, key=f"{KEY}_blocks")
        cols = st.columns(blocks)
        defaults = (32, 64, 64, 128)
        filters, pools = [], []
        for i in range(blocks):
            with cols[i]:
                filters.append(st.select_slider(t("train.filters", block=i + 1), FILTER_CHOICES, defaults[i],
                                                key=f"{KEY}_filters_{i}"))
                pools.append(st.toggle(t("train.pool"), i < 2, key=f"{KEY}_pool_{i}"))
        left, right = st.columns(2)
        kernel = left.radio(t("train.kernel_size"), KERNEL_SIZES, horizontal=True, key=f"{KEY}_kernel",
                            format_func=lambda k: f"{k}×{k}")
        dense = right.select_slider(t("train.dense_units"), DENSE_CHOICES, 64, key=f"{KEY}_dense",
                                    help=t("train.dense_units_help"))
        norm = left.toggle(t("train.batch_norm"), False, key=f"{KEY}_norm", help=t("train.batch_norm_help"))
        dropout = right.slider(t("train.dropout"), 0.0, 0.5, 0.0, 0.05, key=f"{KEY}_dropout")
        shift = left.slider(t("train.shift"), 0, 2, 0, key=f"{KEY}_shift", help=t("train.shift_help_images"))
        rotation = right.slider(t("train.rotation"), 0, min(30, round(MAX_ROTATION * 360)), 0, 5,
                                key=f"{KEY}_rotation", help=t("train.rotation_help"))
    return CNNConfig(filters=tuple(filters), kernel_size=kernel, pool_after=tuple(pools), dense_units=dense,
                     batch_norm=norm, dropout=dropout, shift_pixels=shift, rotation=rotation / 360)


def cnn_rows(model) -> list[tuple[str, object]]:
    """A CNN's architecture as (translated name, value) rows for a settings table."""
    return [(t("train.conv_blocks"), " - ".join(map(str, model.filters))),
            (t("train.kernel_size"), f"{model.kernel_size}×{model.kernel_size}"),
            (t("train.pool"), " - ".join(t(f"common.{p}") for p in model.pool_after)),
            (t("train.dense_units"), model.dense_units), (t("train.shift"), model.shift_pixels),
            (t("train.rotation"), f"{model.rotation * 360:.0f}°")]


def _preset(name: str, dataset: str):
    from models import image_cnn, mnist_mlp

    if name in CNN_PRESETS:
        return image_cnn.preset_for(name, dataset)
    if name == "custom_cnn":
        return image_cnn.preset_for("cnn3", dataset)
    return mnist_mlp.preset_for(name if name in mnist_mlp.PRESETS else "keras_mlp", dataset)


def render_image_form(dataset: str) -> tuple[ImageJobSpec, bool]:
    """Draw the form for ``dataset``; return the spec it describes and whether Start was pressed."""
    from data.images import sources_for

    tr = bound_translator()
    name = st.selectbox(t("train.preset"), CHOICES, format_func=lambda k: tr(f"preset.{k}"), key=f"{KEY}_preset")
    base = _preset(name, dataset)
    source = render_source_choice(dataset, sources_for(dataset), key=f"{KEY}_data_source")
    if name == "custom_cnn":
        model, train = _render_custom_cnn(), render_custom_training(base.train, f"{KEY}_custom")
    elif name == "custom":
        model, train = render_custom_mlp(f"{KEY}_mlp"), render_custom_training(base.train, f"{KEY}_custom")
    else:
        st.caption(t(f"preset.{name}.about"))
        model, train = base.model, base.train
    train = render_epochs_and_seed(train, name, KEY)
    spec = with_class_data(ImageJobSpec(model=model, train=train, data_source=source, dataset=dataset))
    if name in CNN_PRESETS or name in MLP_PRESETS:
        rows = cnn_rows(model) if name in CNN_PRESETS else mlp_rows(model)
        render_settings_table(rows + training_rows(train))
    return spec, render_start_button(spec, KEY)
