"""The text page's training form: the language, a Transformer or baseline preset or custom settings."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.class_tasks import class_data_spec
from core.text_tasks import TextJobSpec
from ui.presenter import advanced_area
from ui.state import bound_translator, t
from ui.train_controls import (class_sets_of, render_class_set_pick, render_custom_training,
                               render_epochs_and_seed, render_settings_table, render_start_button, training_rows)

KEY = "text"
EMBED_CHOICES = (32, 64, 96, 128, 192, 256)
FF_CHOICES = (64, 128, 256, 512)
SEQ_CHOICES = (32, 64, 96, 128, 192, 256)


@st.cache_data(ttl=120, show_spinner=False)
def text_unavailable(language: str) -> str | None:
    """Why reviews in ``language`` cannot be had now (a translation key), or None; cached two minutes
    per process, since for English it may probe the network for up to 3 s."""
    from data.text import text_unavailable_reason

    return text_unavailable_reason(language)


def render_text_language() -> str:
    """Chinese (bundled), English (IMDB, online once) or a class's own texts ("class:<id>"); when English
    cannot be had now, say why and fall back."""
    tr = bound_translator()
    options = ["zh", "en", *(["class"] if class_sets_of("text") else [])]
    with advanced_area("train.fold.data"):
        language = st.radio(t("train.data"), options, horizontal=True, key=f"{KEY}_language",
                            format_func=lambda lang: tr("data.source.class_choice") if lang == "class"
                            else tr(f"text.source.{lang}"))
        if language == "class":
            return render_class_set_pick("text", f"{KEY}_language")
        reason = text_unavailable(language) if language == "en" else None
        if reason is not None:
            st.warning(t("text.source.en_unavailable", reason=t(reason)), icon=":material/cloud_off:")
            return "zh"
    return language


def _render_custom(base):
    from models.text_transformer import HEADS, KINDS, MAX_BLOCKS

    tr = bound_translator()
    with advanced_area("train.fold.network"):
        left, right = st.columns(2)
        kind = left.selectbox(t("text.train.kind"), KINDS, key=f"{KEY}_kind",
                              format_func=lambda k: tr(f"family.{k}"))
        blocks = right.slider(t("text.train.blocks"), 1, MAX_BLOCKS, base.blocks, key=f"{KEY}_blocks",
                              disabled=kind != "transformer")
        heads = left.select_slider(t("text.train.heads"), HEADS, base.heads, key=f"{KEY}_heads",
                                   disabled=kind != "transformer", help=t("text.train.heads_help"))
        embed = right.select_slider(t("text.train.embed"), EMBED_CHOICES, base.embed_dim, key=f"{KEY}_embed")
        ff = left.select_slider(t("text.train.ff"), FF_CHOICES, base.ff_dim, key=f"{KEY}_ff",
                                disabled=kind != "transformer")
        seq = right.select_slider(t("text.train.seq_len"), SEQ_CHOICES, base.seq_len, key=f"{KEY}_seq",
                                  help=t("text.train.seq_len_help"))
        dropout = left.slider(t("train.dropout"), 0.0, 0.5, base.dropout, 0.05, key=f"{KEY}_dropout")
        bigrams = right.toggle(t("text.train.bigrams"), base.bigrams, key=f"{KEY}_bigrams",
                               help=t("text.train.bigrams_help"))
    return replace(base, kind=kind, blocks=blocks, heads=heads, embed_dim=embed, ff_dim=ff, seq_len=seq,
                   dropout=dropout, bigrams=bigrams)


def text_rows(model) -> list[tuple[str, object]]:
    """A text model's settings as (translated name, value) rows for a settings table."""
    rows = [(t("text.train.kind"), t(f"family.{model.kind}"))]
    if model.kind == "transformer":
        rows += [(t("text.train.blocks"), model.blocks), (t("text.train.heads"), model.heads),
                 (t("text.train.ff"), model.ff_dim)]
    return rows + [(t("text.train.embed"), model.embed_dim), (t("text.train.seq_len"), model.seq_len),
                   (t("text.train.bigrams"), t(f"common.{model.bigrams}")), (t("train.dropout"), model.dropout)]


def render_text_form() -> tuple[TextJobSpec, bool]:
    """Draw the form; return the spec it describes and whether Start was pressed."""
    from models.text_transformer import PRESETS

    tr = bound_translator()
    name = st.selectbox(t("train.preset"), [*PRESETS, "custom"], key=f"{KEY}_preset",
                        format_func=lambda k: tr(f"preset.text_{k}"))
    base = PRESETS.get(name, PRESETS["small"])
    language = render_text_language()
    if name == "custom":
        model, train = _render_custom(base.model), render_custom_training(base.train, f"{KEY}_custom")
    else:
        st.caption(t(f"preset.text_{name}.about"))
        model, train = base.model, base.train
    train = render_epochs_and_seed(train, name, KEY)
    if language.startswith("class:"):  # the vocabulary then comes from the class's own texts
        spec = class_data_spec(model, train, language)
    else:
        model = replace(model, language=language)
        spec = TextJobSpec(model=model, train=train)
    if name != "custom":
        render_settings_table(text_rows(model) + training_rows(train))
    return spec, render_start_button(spec, KEY)
