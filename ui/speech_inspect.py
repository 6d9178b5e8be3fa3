"""Look inside a speech model: how it does on voices it never heard, per language, per digit and
per voice group, with the confusion matrix of each language."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.chart_text import summarize_class_accuracy, summarize_confusion
from core.metrics import report_classifier
from ui.charts import plot_confusion, plot_per_class_accuracy, render_summary
from ui.model_picker import PickedModel
from ui.speech_try import speech_class_names
from ui.state import t


def _test_predictions(picked: PickedModel) -> np.ndarray:
    """The model's probabilities on the test clips, kept per model in the visitor's session."""
    from data.speech import load_speech

    cache: dict[int, np.ndarray] = st.session_state.setdefault("speech_test_predictions", {})
    key = id(picked.model.model)
    if key not in cache:
        cache.clear()  # one model's predictions at a time: 540 × 10 floats, but models come and go
        cache[key] = picked.model.predict_batch(load_speech().x_test)
    return cache[key]


def _group_table(probabilities: np.ndarray) -> pd.DataFrame:
    from data.speech import load_speech

    data = load_speech()
    correct = probabilities.argmax(axis=1) == data.y_test
    info = data.info_test
    rows = []
    for language in ("en", "zh"):
        for group in sorted(set(info.group.tolist())):
            chosen = (info.language == language) & (info.group == group)
            if chosen.any():
                voices = ", ".join(sorted(set(info.variant[chosen].tolist())))
                rows.append({t("speech.inspect.language"): t(f"language.{language}"),
                             t("speech.inspect.group"): t(f"speech.group.{group}"),
                             t("speech.inspect.voices"): voices, t("speech.inspect.clips"): int(chosen.sum()),
                             t("speech.inspect.accuracy"): float(correct[chosen].mean())})
    return pd.DataFrame(rows)


def render_speech_inspect(picked: PickedModel) -> None:
    """Scores on the held-out voices: overall, by language and voice group, confusion per language."""
    from data.speech import load_speech

    data = load_speech()
    probabilities = _test_predictions(picked)
    names = [str(d) for d in range(10)]
    st.caption(t("speech.inspect.scored_on", n=len(data.y_test), accuracy=picked.report.accuracy,
                 voices=", ".join(sorted(set(data.info_test.variant.tolist())))))
    st.dataframe(_group_table(probabilities), hide_index=True, width="stretch",
                 column_config={t("speech.inspect.accuracy"): st.column_config.NumberColumn(format="percent")})
    labels = {"predicted": t("inspect.predicted"), "true": t("inspect.true"), "count": t("inspect.count")}
    for column, language in zip(st.columns(2), ("en", "zh")):
        chosen = data.info_test.language == language
        if not chosen.any():
            continue
        report = report_classifier(data.y_test[chosen], probabilities[chosen])
        with column:
            st.subheader(t("speech.inspect.confusion", language=t(f"language.{language}"), accuracy=report.accuracy))
            st.plotly_chart(plot_confusion(report.confusion, names, labels), key=f"speech_confusion_{language}")
            render_summary(summarize_confusion(report.confusion, names))
    st.plotly_chart(plot_per_class_accuracy(picked.report.per_class_accuracy, speech_class_names(),
                                            t("inspect.per_class")), key="speech_per_class")
    render_summary(summarize_class_accuracy(picked.report.per_class_accuracy, speech_class_names()))
