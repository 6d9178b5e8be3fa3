"""Form controls every training form shares: data source, optimiser settings, epochs and seed, and the
folded areas that keep a presenter's form to the preset, the epochs and Start."""

from __future__ import annotations

from typing import Any, Sequence

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.markdown import escape_params
from core.training import MAX_EPOCHS, OPTIMIZERS, TrainConfig
from ui.datasets import dataset_name, unavailable
from ui.presenter import advanced_area, is_presenting
from ui.state import bound_translator, t

LEARNING_RATES = (0.0003, 0.001, 0.002, 0.003, 0.004, 0.01, 0.03, 0.1)
BATCH_SIZES = (16, 32, 64, 128, 256, 512)


def class_sets_of(kind: str) -> dict[str, str]:
    """The class's own data sets of ``kind`` ("image", "audio", "text") as {id: name}, newest first."""
    from ui.state import get_user_data

    return {info.id: info.name for info in get_user_data().list() if info.kind == kind}


def render_class_set_pick(kind: str, key: str) -> str:
    """A picker of the class data sets of ``kind``; returns the data source "class:<id>"."""
    sets = class_sets_of(kind)
    chosen = st.selectbox(t("data.pick"), list(sets), format_func=sets.get, key=f"{key}_class_set")
    return f"class:{chosen}"


def render_source_choice(dataset: str, sources: Sequence[str], key: str) -> str:
    """Bundled or full data, or one of the class's own image data sets ("class:<id>"); when the full
    set cannot be had now, say why and fall back to bundled."""
    tr = bound_translator()
    options = [*sources, *(["class"] if class_sets_of("image") else [])]
    with advanced_area("train.fold.data"):
        source = st.radio(t("train.data"), options, horizontal=True, key=key,
                          format_func=lambda s: tr("data.source.class_choice") if s == "class"
                          else tr(f"data.source.{s}_named", name=tr(f"dataset.{dataset}")))
        if source == "class":
            return render_class_set_pick("image", key)
        reason = unavailable(dataset, source)
        if reason is not None and source != "bundled":
            st.warning(t("data.full_unavailable", name=dataset_name(dataset), reason=t(reason)),
                       icon=":material/cloud_off:")
            return "bundled"
    return source


def render_custom_training(base: TrainConfig, key: str) -> TrainConfig:
    """Optimiser, learning rate, batch size and decay; label smoothing and epochs start as the preset's."""
    with advanced_area("train.fold.optimizer"):
        left, right = st.columns(2)
        optimizer = left.selectbox(t("train.optimizer"), OPTIMIZERS, index=OPTIMIZERS.index(base.optimizer),
                                   key=f"{key}_optimizer")
        rate = right.select_slider(t("train.learning_rate"), LEARNING_RATES,
                                   base.learning_rate if base.learning_rate in LEARNING_RATES else 0.002,
                                   key=f"{key}_lr")
        batch = left.select_slider(t("train.batch_size"), BATCH_SIZES,
                                   base.batch_size if base.batch_size in BATCH_SIZES else 128, key=f"{key}_batch")
        decay = right.toggle(t("train.cosine_decay"), base.cosine_decay, key=f"{key}_decay")
    return TrainConfig(optimizer=optimizer, learning_rate=rate, batch_size=batch, cosine_decay=decay,
                       label_smoothing=base.label_smoothing, epochs=base.epochs, keep_best=base.keep_best)


def render_epochs_and_seed(train: TrainConfig, preset_name: str, key: str) -> TrainConfig:
    """Epochs (remembered per preset) and the seed that makes a run repeatable, side by side; in presenter
    mode the seed folds away below the epochs, at full width, where its area's name fits on one line."""
    left, right = (st.container(), st.container()) if is_presenting() else st.columns(2)
    epochs = left.slider(t("train.epochs"), 1, MAX_EPOCHS, train.epochs, key=f"{key}_epochs_{preset_name}")
    with right, advanced_area("train.fold.seed"):
        seed = st.number_input(t("train.seed"), 0, 999_999, 0, key=f"{key}_seed", help=t("train.seed_help"))
    return TrainConfig(**{**train.to_dict(), "epochs": int(epochs), "seed": int(seed)})


def training_rows(train: TrainConfig) -> list[tuple[str, object]]:
    """The optimiser settings as (translated name, value) rows for a settings table."""
    return [(t("train.optimizer"), train.optimizer), (t("train.learning_rate"), train.learning_rate),
            (t("train.batch_size"), train.batch_size), (t("train.cosine_decay"), t(f"common.{train.cosine_decay}")),
            (t("train.label_smoothing"), train.label_smoothing)]


def render_settings_table(rows: list[tuple[str, object]]) -> None:
    """A preset's settings, folded away under an expander."""
    with st.expander(t("train.show_settings")):
        table = pd.DataFrame([(k, str(v)) for k, v in rows], columns=[t("train.setting"), t("train.value")])
        st.dataframe(table, hide_index=True, width="stretch")


def render_start_button(spec: Any, key: str) -> bool:
    """Start, when ``spec`` validates; otherwise the reason in the visitor's language and no button.

    Returns whether Start was pressed.
    """
    try:
        spec.validate()
    except UserError as exc:  # e.g. no language chosen, or blocks that leave nothing of a 28×28 image
        st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        return False
    return st.button(t("train.start"), type="primary", icon=":material/play_arrow:", key=f"{key}_start")
