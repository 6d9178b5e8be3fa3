"""The speech page's training form: the data, a recurrent preset or custom settings, languages and augmentation."""

from __future__ import annotations

import streamlit as st

from core.class_tasks import with_class_data
from core.speech_tasks import DATA_SOURCES, MAX_AUGMENT_COPIES, SpeechJobSpec
from ui.datasets import fsdd_unavailable
from ui.presenter import advanced_area
from ui.state import bound_translator, t
from ui.train_controls import (class_sets_of, render_class_set_pick, render_custom_training,
                               render_epochs_and_seed, render_settings_table, render_start_button, training_rows)

KEY = "speech"
UNIT_CHOICES = (16, 32, 48, 64, 96, 128)


def _render_custom(base):
    from models.speech_rnn import KINDS, MAX_LAYERS, SpeechConfig

    tr = bound_translator()
    with advanced_area("train.fold.network"):
        left, right = st.columns(2)
        kind = left.selectbox(t("speech.train.kind"), KINDS, key=f"{KEY}_kind",
                              format_func=lambda k: tr(f"preset.{k}"))
        units = right.select_slider(t("speech.train.units"), UNIT_CHOICES, base.units, key=f"{KEY}_units",
                                    help=t("speech.train.units_help"))
        layers = left.slider(t("speech.train.layers"), 1, MAX_LAYERS, 1, key=f"{KEY}_layers")
        dropout = right.slider(t("train.dropout"), 0.0, 0.5, 0.0, 0.05, key=f"{KEY}_dropout")
        masks = left.toggle(t("speech.train.spec_augment"), base.spec_augment, key=f"{KEY}_masks",
                            help=t("speech.train.spec_augment_help"))
    return SpeechConfig(kind=kind, units=units, layers=layers, dropout=dropout, spec_augment=masks,
                        conv_filters=base.conv_filters)


def render_speech_source() -> str:
    """Synthesized voices, real English speakers, or a class's own recordings ("class:<id>"); when FSDD
    cannot be had now, say why and fall back."""
    tr = bound_translator()
    options = [*DATA_SOURCES, *(["class"] if class_sets_of("audio") else [])]
    source = st.radio(t("train.data"), options, horizontal=True, key=f"{KEY}_data_source",
                      format_func=lambda s: tr("data.source.class_choice") if s == "class"
                      else tr(f"speech.source.{s}"))
    if source == "class":
        return render_class_set_pick("audio", f"{KEY}_data_source")
    reason = fsdd_unavailable() if source == "fsdd" else None
    if reason is not None:
        st.warning(t("speech.source.fsdd_unavailable", reason=t(reason)), icon=":material/cloud_off:")
        return "bundled"
    return source


def speech_rows(model, languages, copies) -> list[tuple[str, object]]:
    """A speech model's settings as (translated name, value) rows for a settings table."""
    return [(t("speech.train.kind"), t(f"preset.{model.kind}")), (t("speech.train.units"), model.units),
            (t("speech.train.layers"), model.layers), (t("speech.train.spec_augment"), t(f"common.{model.spec_augment}")),
            (t("speech.train.languages"), ", ".join(t(f"language.{lang}") for lang in languages)),
            (t("speech.train.copies"), copies)]


def render_speech_form() -> tuple[SpeechJobSpec, bool]:
    """Draw the form; return the spec it describes and whether Start was pressed."""
    from models.speech_rnn import PRESETS

    tr = bound_translator()
    name = st.selectbox(t("train.preset"), [*PRESETS, "custom"], key=f"{KEY}_preset",
                        format_func=lambda k: tr(f"preset.{k}"))
    base = PRESETS.get(name, PRESETS["gru"])
    with advanced_area("speech.train.fold_data"):
        source = render_speech_source()
        if source == "fsdd" or source.startswith("class:"):  # English only, or the class's own words
            languages = ["en"]
        else:
            languages = st.pills(t("speech.train.languages"), ("en", "zh"), selection_mode="multi",
                                 default=["en", "zh"], key=f"{KEY}_languages",
                                 format_func=lambda lang: tr(f"language.{lang}"))
        copies = st.slider(t("speech.train.copies"), 0, MAX_AUGMENT_COPIES, 1, key=f"{KEY}_copies",
                           help=t("speech.train.copies_help"))
    if name == "custom":
        model, train = _render_custom(base.model), render_custom_training(base.train, f"{KEY}_custom")
    else:
        st.caption(t(f"preset.{name}.about"))
        model, train = base.model, base.train
    train = render_epochs_and_seed(train, name, KEY)
    spec = with_class_data(SpeechJobSpec(model=model, train=train, languages=tuple(languages or ()),
                                         augment_copies=int(copies), data_source=source))
    if name != "custom":
        render_settings_table(speech_rows(model, languages, copies) + training_rows(train))
    return spec, render_start_button(spec, KEY)
