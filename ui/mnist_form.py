"""The MNIST training form: a preset or custom settings in, a validated job spec out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.tasks import ImageJobSpec
from core.training import MAX_EPOCHS, OPTIMIZERS, TrainConfig
from ui.state import bound_translator, t

UNIT_CHOICES = (16, 32, 64, 128, 256, 512, 1024)
LEARNING_RATES = (0.0003, 0.001, 0.002, 0.004, 0.01, 0.03, 0.1)
BATCH_SIZES = (16, 32, 64, 128, 256, 512)


@st.cache_data(ttl=120, show_spinner=False)
def check_full_mnist() -> bool:
    """Whether the full MNIST can be had now (cached two minutes: the probe may take 3 s)."""
    from data.mnist import full_mnist_available

    return full_mnist_available()


def _render_custom_model():
    from models.mnist_mlp import ACTIVATIONS, MAX_HIDDEN_LAYERS, MLPConfig

    layers = st.slider(t("train.hidden_layers"), 1, MAX_HIDDEN_LAYERS, 2, key="custom_layers")
    cols = st.columns(layers)
    defaults = (256, 128, 64, 32)
    units = tuple(cols[i].select_slider(t("train.units", layer=i + 1), UNIT_CHOICES, defaults[i],
                                        key=f"custom_units_{i}") for i in range(layers))
    left, right = st.columns(2)
    activation = left.selectbox(t("train.activation"), ACTIVATIONS, key="custom_activation")
    dropout = right.slider(t("train.dropout"), 0.0, 0.5, 0.0, 0.05, key="custom_dropout")
    shift = left.slider(t("train.shift"), 0, 3, 1, key="custom_shift", help=t("train.shift_help"))
    return MLPConfig(hidden_units=units, activation=activation, dropout=dropout, shift_pixels=shift)


def _render_custom_training(base: TrainConfig) -> TrainConfig:
    left, right = st.columns(2)
    optimizer = left.selectbox(t("train.optimizer"), OPTIMIZERS, key="custom_optimizer")
    rate = right.select_slider(t("train.learning_rate"), LEARNING_RATES, 0.002, key="custom_lr")
    batch = left.select_slider(t("train.batch_size"), BATCH_SIZES, 128, key="custom_batch")
    decay = right.toggle(t("train.cosine_decay"), True, key="custom_decay")
    return TrainConfig(optimizer=optimizer, learning_rate=rate, batch_size=batch, cosine_decay=decay,
                       label_smoothing=base.label_smoothing)


def _settings_table(spec: ImageJobSpec) -> pd.DataFrame:
    model, train = spec.model, spec.train
    rows = [(t("train.hidden_layers"), " - ".join(map(str, model.hidden_units))),
            (t("train.activation"), model.activation), (t("train.shift"), model.shift_pixels),
            (t("train.optimizer"), train.optimizer), (t("train.learning_rate"), train.learning_rate),
            (t("train.batch_size"), train.batch_size), (t("train.cosine_decay"), t(f"common.{train.cosine_decay}")),
            (t("train.label_smoothing"), train.label_smoothing)]
    return pd.DataFrame([(k, str(v)) for k, v in rows], columns=[t("train.setting"), t("train.value")])


def render_mnist_form() -> tuple[ImageJobSpec, bool]:
    """Draw the form; return the spec it describes and whether Start was pressed."""
    from models.mnist_mlp import PRESETS

    names = [*PRESETS, "custom"]
    tr = bound_translator()
    preset_name = st.selectbox(t("train.preset"), names, format_func=lambda k: tr(f"preset.{k}"),
                               key="mnist_preset")
    base = PRESETS.get(preset_name, PRESETS["keras_mlp"])
    source = st.radio(t("train.data"), ("bundled", "full"), horizontal=True, key="mnist_data_source",
                      format_func=lambda s: tr(f"data.source.{s}"))
    if source == "full" and not check_full_mnist():
        st.warning(t("data.full_unavailable"), icon=":material/cloud_off:")
        source = "bundled"

    if preset_name == "custom":
        model, train = _render_custom_model(), _render_custom_training(base.train)
    else:
        st.caption(t(f"preset.{preset_name}.about"))
        model, train = base.model, base.train
    left, right = st.columns(2)
    epochs = left.slider(t("train.epochs"), 1, MAX_EPOCHS, base.train.epochs, key=f"epochs_{preset_name}")
    seed = right.number_input(t("train.seed"), 0, 999_999, 0, key="mnist_seed", help=t("train.seed_help"))
    train = TrainConfig(**{**train.to_dict(), "epochs": int(epochs), "seed": int(seed)})
    spec = ImageJobSpec(model=model, train=train, data_source=source)
    if preset_name != "custom":
        with st.expander(t("train.show_settings")):
            st.dataframe(_settings_table(spec), hide_index=True, width="stretch")
    return spec, st.button(t("train.start"), type="primary", icon=":material/play_arrow:", key="mnist_start")
