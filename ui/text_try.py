"""The Try panel of the text page: type a review or pick one; see the model's answer, the tokens it
read (and where it stopped reading), and how much each token pushed the answer.

A fragment: typing reruns only the panel. The sentence is kept in Session State, so the Look-inside
tab shows the same one.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.chart_text import summarize_importance
from core.errors import UserError
from core.text_inference import MAX_INPUT_CHARS, TextReading, read_text
from ui.charts import render_summary
from ui.model_picker import PickedModel
from ui.prediction import render_prediction
from ui.state import t
from ui.text_charts import importance_html

KEY = "text_try"
TEXT_KEY = "text_sentence"  # the visitor's sentence, shared with the Look-inside tab


def sentiment_names() -> list[str]:
    """"Negative", "Positive" in the visitor's language: the two classes, in label order."""
    return [t("text.class.0"), t("text.class.1")]


def model_language(picked: PickedModel) -> str:
    """"zh" for a model that reads characters, "en" for one that reads words."""
    from models.text_transformer import tokenizer_of

    return "zh" if tokenizer_of(picked.model.model).level == "char" else "en"


def _use_example() -> None:
    choice = st.session_state.get(f"{KEY}_example")
    if choice:
        st.session_state[TEXT_KEY] = choice


def render_sentence_input(picked: PickedModel) -> str:
    """An example picker and the text box; returns the text in the box."""
    from data.text import EXAMPLES

    examples = EXAMPLES[model_language(picked)]
    if st.session_state.get(TEXT_KEY) is None:
        st.session_state[TEXT_KEY] = examples[0]
    st.selectbox(t("text.try.example"), examples, index=None, key=f"{KEY}_example", on_change=_use_example,
                 placeholder=t("text.try.example_placeholder"))
    return st.text_area(t("text.try.input"), key=TEXT_KEY, height=110, help=t("text.try.input_help"))


def render_reading_notes(reading: TextReading, level: str) -> None:
    """How many tokens were read, whether the text was cut, how many tokens the model does not know."""
    unit = t(f"text.unit.{level}")
    notes = [t("text.try.read", n=len(reading.tokens), unit=unit)]
    if reading.unknown:
        notes.append(t("text.try.unknown", n=reading.unknown))
    st.caption(" ".join(notes))
    if reading.truncated:
        key = "text.try.cut_chars" if reading.chars_cut else "text.try.cut_tokens"
        st.warning(t(key, total=reading.total_tokens, read=len(reading.tokens), unit=unit, max=MAX_INPUT_CHARS),
                   icon=":material/content_cut:")


def render_importance(picked: PickedModel, reading: TextReading, winner: int, level: str) -> None:
    """The tokens read, coloured by how much each moved the answer (occlusion)."""
    from core.explain import token_occlusion

    importance = token_occlusion(picked.model.predict_batch, reading.ids, winner)
    names = sentiment_names()

    def tooltip(value: float) -> str:
        return t("text.importance.towards" if value >= 0 else "text.importance.against", name=names[winner],
                 p=abs(value))

    st.markdown(f"**{t('text.importance.title')}**")
    st.html(importance_html(reading.tokens, importance[: len(reading.tokens)], tooltip, spaced=level == "word"))
    render_summary(summarize_importance(reading.tokens, importance, names[winner]))
    st.caption(t("text.importance.legend", name=names[winner]))


def render_scope_note(picked: PickedModel) -> None:
    """What the model learned from, how much it reads, and how it did on reviews of other domains where measured."""
    from models.text_transformer import seq_len_of, tokenizer_of

    level = tokenizer_of(picked.model.model).level
    lines = [t(f"text.scope.{picked.source}", n=seq_len_of(picked.model.model), unit=t(f"text.unit.{level}"))]
    for result in picked.model.card.get("other_domains", []):
        negative, positive = result["per_class_accuracy"]
        lines.append(t("text.other_measured", n=result["n"], accuracy=result["accuracy"], negative=negative,
                       positive=positive, data=t(f"text.other_data.{result['data']}")))
    st.caption(" ".join(lines))


@st.fragment
def render_text_try(picked: PickedModel) -> None:
    """Let the visitor type or pick a review, and show the answer, the tokens and their importance."""
    from models.text_transformer import tokenizer_of

    render_scope_note(picked)
    text = render_sentence_input(picked)
    if not text.strip():
        st.info(t("text.try.waiting"), icon=":material/edit_note:")
        return
    level = tokenizer_of(picked.model.model).level
    try:
        reading = read_text(picked.model.model, text)
    except UserError as exc:
        st.error(t(exc.key, **exc.params), icon=":material/text_fields:")
        return
    probabilities = np.asarray(picked.model.predict_batch(reading.ids[None]))[0]
    winner, _ = render_prediction(probabilities, sentiment_names(), t("text.try.prediction"), t("text.try.chart"),
                                  key=f"{KEY}_bars")
    render_reading_notes(reading, level)
    render_importance(picked, reading, winner, level)
