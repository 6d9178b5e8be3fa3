"""Look inside a text model: where each attention head of each block looks in the visitor's sentence,
and how the model does on the test reviews."""

from __future__ import annotations

import streamlit as st

from core.chart_text import summarize_attention, summarize_confusion
from core.errors import UserError
from core.text_inference import read_text
from ui.charts import plot_confusion, render_summary
from ui.model_picker import PickedModel
from ui.state import bound_translator, t
from ui.text_charts import plot_attention
from ui.text_try import TEXT_KEY, sentiment_names

KEY = "text_inspect"
MEAN_OF_HEADS = -1  # the head choice that averages every head of the block


def render_attention(picked: PickedModel) -> None:
    """Block and head pickers over the attention heatmap of the sentence from the Try tab."""
    from models.text_transformer import attention_maps, block_names, ensemble_members

    if not block_names(picked.model.model):
        st.info(t("text.inside.no_attention", family=t(f"family.{picked.family}")), icon=":material/info:")
        return
    text = st.session_state.get(TEXT_KEY) or ""
    if not text.strip():
        st.info(t("text.try.waiting"), icon=":material/edit_note:")
        return
    try:
        reading = read_text(picked.model.model, text)
    except UserError as exc:
        st.error(t(exc.key, **exc.params), icon=":material/text_fields:")
        return
    tr = bound_translator()
    members = len(ensemble_members(picked.model.model))
    member = 0
    if members > 1:
        member = st.segmented_control(t("text.inside.member"), range(members), default=0, key=f"{KEY}_member",
                                      format_func=lambda m: tr("text.inside.member_n", n=m + 1),
                                      help=t("text.inside.member_help", n=members))
        member = 0 if member is None else min(member, members - 1)
    maps = attention_maps(picked.model.model, reading.ids, member)
    st.caption(t("text.inside.sentence", text=text if len(text) <= 80 else text[:80] + "…"))
    left, right = st.columns(2)
    block = left.segmented_control(t("text.inside.block"), range(len(maps)), default=len(maps) - 1,
                                   key=f"{KEY}_block", format_func=lambda b: tr("text.inside.block_n", n=b + 1))
    block = len(maps) - 1 if block is None else min(block, len(maps) - 1)
    heads = maps[block].shape[0]
    head = right.segmented_control(t("text.inside.head"), [MEAN_OF_HEADS, *range(heads)], default=MEAN_OF_HEADS,
                                   key=f"{KEY}_head", format_func=lambda h: tr("text.inside.mean_heads")
                                   if h == MEAN_OF_HEADS else tr("text.inside.head_n", n=h + 1))
    head = MEAN_OF_HEADS if head is None or head >= heads else head
    weights = maps[block].mean(axis=0) if head == MEAN_OF_HEADS else maps[block][head]
    labels = {"query": t("text.inside.query"), "key": t("text.inside.key"), "weight": t("text.inside.weight")}
    st.plotly_chart(plot_attention(weights, reading.tokens, labels), key=f"{KEY}_map")
    render_summary(summarize_attention(weights, reading.tokens))
    st.caption(t("text.inside.how_to_read"))


def render_test_report(picked: PickedModel) -> None:
    """Accuracy on the test reviews and the confusion matrix."""
    report = picked.report
    st.markdown(t("text.inside.scored_on", n=int(report.confusion.sum()), accuracy=report.accuracy,
                  negative=float(report.per_class_accuracy[0]), positive=float(report.per_class_accuracy[1])))
    labels = {"predicted": t("inspect.predicted"), "true": t("inspect.true"), "count": t("inspect.count")}
    st.plotly_chart(plot_confusion(report.confusion, sentiment_names(), labels), key=f"{KEY}_confusion")
    render_summary(summarize_confusion(report.confusion, sentiment_names()))


def render_text_inspect(picked: PickedModel) -> None:
    """Attention for the visitor's sentence, then the test-set scores."""
    st.subheader(t("text.inside.attention_title"))
    render_attention(picked)
    st.subheader(t("text.inside.test_title"))
    render_test_report(picked)
