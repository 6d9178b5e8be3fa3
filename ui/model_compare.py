"""MLP against CNN on the same images: parameters against test accuracy, from the shipped models
and every run in the run store, with a sentence that says what the chart shows."""

from __future__ import annotations

from typing import Sequence

import pandas as pd
import streamlit as st

from core.chart_text import summarize_params_vs_accuracy
from core.inference import read_model_card
from ui.charts import plot_params_vs_accuracy, render_summary
from ui.state import get_store, t

FAMILIES = ("mlp", "cnn")


def comparison_points(dataset: str, shipped: Sequence[str], families: Sequence[str] = FAMILIES,
                      source: str | None = None) -> list[dict]:
    """Shipped models and finished runs on ``dataset`` with a test score, as chart points; with ``source``,
    only runs on data from that source (the Chinese reviews, not IMDB)."""
    points = []
    for name in shipped:
        card = read_model_card(name)
        if card.get("test_accuracy") and card.get("params"):
            points.append({"family": card["task"].rsplit("-", 1)[-1], "params": int(card["params"]),
                           "accuracy": float(card["test_accuracy"]), "shipped": True,
                           "name": t(f"shipped.{name}"), "seconds": card.get("train_seconds")})
    for family in families:
        for run in get_store().list(task=f"{dataset}-{family}"):
            if source is not None and (run.data_source or "bundled") != source:
                continue
            if run.test_accuracy is not None and run.params and run.status in ("done", "stopped"):
                points.append({"family": family, "params": int(run.params), "accuracy": float(run.test_accuracy),
                               "shipped": False, "name": t("compare.run_name", run=run.id),
                               "seconds": run.train_seconds})
    return points


def summary(points: list[dict]) -> str:
    """One sentence comparing the best model of each family (or asking for the missing one)."""
    best = {f: max((p for p in points if p["family"] == f), key=lambda p: p["accuracy"], default=None)
            for f in FAMILIES}
    if best["mlp"] is None or best["cnn"] is None:
        missing = "mlp" if best["mlp"] is None else "cnn"
        return t(f"compare.missing_{missing}")
    mlp, cnn = best["mlp"], best["cnn"]
    return t("compare.summary", cnn=cnn["accuracy"], cnn_params=cnn["params"], mlp=mlp["accuracy"],
             mlp_params=mlp["params"], ratio=mlp["params"] / cnn["params"])


def render_model_compare(dataset: str, shipped: Sequence[str]) -> None:
    """The chart, its one-sentence summary and the table behind it."""
    points = comparison_points(dataset, shipped)
    st.markdown(summary(points))
    if not points:
        return
    labels = {"params": t("compare.params"), "accuracy": t("compare.accuracy"), "mlp": t("family.mlp"),
              "cnn": t("family.cnn"), "shipped": t("compare.shipped"), "run": t("compare.run")}
    st.plotly_chart(plot_params_vs_accuracy(points, labels), key=f"compare_{dataset}")
    render_summary(summarize_params_vs_accuracy(points, labels))
    table = pd.DataFrame([{t("compare.model"): p["name"], t("compare.family"): t(f"family.{p['family']}"),
                           t("compare.params"): p["params"], t("compare.accuracy"): p["accuracy"],
                           t("compare.seconds"): p["seconds"]} for p in points])
    st.dataframe(table.sort_values(t("compare.accuracy"), ascending=False), hide_index=True, width="stretch",
                 column_config={t("compare.accuracy"): st.column_config.NumberColumn(format="percent"),
                                t("compare.params"): st.column_config.NumberColumn(format="localized"),
                                t("compare.seconds"): st.column_config.NumberColumn(format="%.1f")})
