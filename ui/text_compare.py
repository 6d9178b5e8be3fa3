"""Transformer against its two baselines on the same Chinese reviews: the best shipped model or run of
each family side by side (accuracy, weights, training time), every scored run on the chart."""

from __future__ import annotations

from typing import Sequence

import pandas as pd
import streamlit as st

from core.chart_text import summarize_params_vs_accuracy
from ui.charts import plot_params_vs_accuracy, render_summary
from ui.model_compare import comparison_points
from ui.state import t

FAMILIES = ("transformer", "gru", "mean")


def best_per_family(points: list[dict]) -> dict[str, dict | None]:
    """The most accurate point of each family, or None for a family with no scored model yet."""
    return {family: max((p for p in points if p["family"] == family), key=lambda p: p["accuracy"], default=None)
            for family in FAMILIES}


def render_text_compare(shipped: Sequence[str]) -> None:
    """A sentence per family, the side-by-side table of the best of each, and the chart of every run."""
    points = comparison_points("text", shipped, FAMILIES, source="bundled")
    best = best_per_family(points)
    missing = [family for family, point in best.items() if point is None]
    if missing:
        st.info(t("text.compare.missing", families=", ".join(t(f"family.{f}") for f in missing)),
                icon=":material/model_training:")
    rows = [{t("compare.family"): t(f"family.{family}"), t("compare.model"): point["name"],
             t("compare.accuracy"): point["accuracy"], t("compare.params"): point["params"],
             t("compare.seconds"): point["seconds"]} for family, point in best.items() if point is not None]
    if not rows:
        return
    st.markdown(t("text.compare.intro"))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={t("compare.accuracy"): st.column_config.NumberColumn(format="percent"),
                                t("compare.params"): st.column_config.NumberColumn(format="localized"),
                                t("compare.seconds"): st.column_config.NumberColumn(format="%.1f")})
    labels = {"params": t("compare.params"), "accuracy": t("compare.accuracy"), "shipped": t("compare.shipped"),
              "run": t("compare.run"), **{family: t(f"family.{family}") for family in FAMILIES}}
    st.plotly_chart(plot_params_vs_accuracy(points, labels, FAMILIES), key="compare_text")
    render_summary(summarize_params_vs_accuracy(points, labels))
