"""The answer of a classifier to one input, the same on every Try panel: the winning class with how
sure the model is, and its three most likely classes as bars."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import streamlit as st

from core.chart_text import summarize_probabilities
from ui.charts import plot_top_classes, render_summary
from ui.state import t


def render_prediction(probabilities: np.ndarray, names: Sequence[str], label: str, chart_title: str,
                      key: str):
    """Draw the metric in a narrow left column and the top-3 bars beside it.

    Returns the winning class and the left column, for the input shown under the metric.
    """
    winner = int(np.argmax(probabilities))
    left, right = st.columns([1, 2])
    left.metric(label, names[winner], t("try.confidence", p=float(probabilities[winner])),
                delta_color="off", delta_arrow="off")
    right.plotly_chart(plot_top_classes(probabilities, names, chart_title), key=key)
    render_summary(summarize_probabilities(probabilities, names), right)
    return winner, left
