"""The MNIST training form: a preset or custom MLP settings in, a validated job spec out."""

from __future__ import annotations

import streamlit as st

from core.class_tasks import with_class_data
from core.tasks import ImageJobSpec
from ui.presenter import advanced_area
from ui.state import bound_translator, t
from ui.train_controls import (render_custom_training, render_epochs_and_seed, render_settings_table,
                               render_source_choice, training_rows)

UNIT_CHOICES = (16, 32, 64, 128, 256, 512, 1024)


def render_custom_mlp(key: str):
    """Hidden layers, units, activation, dropout and shift of a custom MLP (folded in presenter mode)."""
    from models.mnist_mlp import ACTIVATIONS, MAX_HIDDEN_LAYERS, MLPConfig

    with advanced_area("train.fold.network"):
        layers = st.slider(t("train.hidden_layers"), 1, MAX_HIDDEN_LAYERS, 2, key=f"{key}_layers")
        cols = st.columns(layers)
        defaults = (256, 128, 64, 32)
        units = tuple(cols[i].select_slider(t("train.units", layer=i + 1), UNIT_CHOICES, defaults[i],
                                            key=f"{key}_units_{i}") for i in range(layers))
        left, right = st.columns(2)
        activation = left.selectbox(t("train.activation"), ACTIVATIONS, key=f"{key}_activation")
        dropout = right.slider(t("train.dropout"), 0.0, 0.5, 0.0, 0.05, key=f"{key}_dropout")
        shift = left.slider(t("train.shift"), 0, 3, 1, key=f"{key}_shift", help=t("train.shift_help"))
    return MLPConfig(hidden_units=units, activation=activation, dropout=dropout, shift_pixels=shift)


def mlp_rows(model) -> list[tuple[str, object]]:
    """An MLP's architecture as (translated name, value) rows for a settings table."""
    return [(t("train.hidden_layers"), " - ".join(map(str, model.hidden_units))),
            (t("train.activation"), model.activation), (t("train.shift"), model.shift_pixels)]


def render_mnist_form() -> tuple[ImageJobSpec, bool]:
    """Draw the form; return the spec it describes and whether Start was pressed."""
    from models.mnist_mlp import PRESETS

    tr = bound_translator()
    preset_name = st.selectbox(t("train.preset"), [*PRESETS, "custom"], format_func=lambda k: tr(f"preset.{k}"),
                               key="mnist_preset")
    base = PRESETS.get(preset_name, PRESETS["keras_mlp"])
    source = render_source_choice("mnist", ("bundled", "full"), key="mnist_data_source")
    if preset_name == "custom":
        model, train = render_custom_mlp("mnist_custom"), render_custom_training(base.train, "mnist_custom")
    else:
        st.caption(t(f"preset.{preset_name}.about"))
        model, train = base.model, base.train
    train = render_epochs_and_seed(train, preset_name, "mnist")
    spec = with_class_data(ImageJobSpec(model=model, train=train, data_source=source))
    if preset_name != "custom":
        render_settings_table(mlp_rows(model) + training_rows(train))
    return spec, st.button(t("train.start"), type="primary", icon=":material/play_arrow:", key="mnist_start")
