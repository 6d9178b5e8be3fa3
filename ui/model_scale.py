"""The model-scale story: published models against the ones trained in this app, on one log axis."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.chart_text import summarize_model_scale
from core.facts import GPT3_ENERGY_SOURCE, GPT3_TRAINING_MWH, GPT3_TRAINING_TCO2E, MODEL_SIZES
from core.inference import read_model_card
from ui.charts import OKABE_ITO, render_summary, style_figure
from ui.datasets import dataset_name
from ui.state import get_store, t


def format_count(count: float) -> str:
    """A parameter count in three significant figures: ``235k``, ``25.6M``, ``175B``."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if count >= size:
            return f"{count / size:.3g}{suffix}"
    return f"{count:.0f}"


def plot_model_scale(names: list[str], params: list[float], ours: list[bool], axis_title: str) -> go.Figure:
    """Horizontal bars of parameter counts on a log axis; this app's models in vermillion."""
    colors = [OKABE_ITO["vermillion"] if mine else OKABE_ITO["blue"] for mine in ours]
    fig = go.Figure(go.Bar(x=params, y=names, orientation="h", marker_color=colors,
                           text=[format_count(p) for p in params], textposition="outside"))
    fig.update_xaxes(type="log", title_text=axis_title, range=[3, math.log10(max(params)) + 1.2])
    fig.update_yaxes(autorange="reversed")
    return style_figure(fig, 60 + 34 * len(names))


MAX_RUNS_SHOWN = 4  # the visitor's latest runs of different tasks; more would crowd the chart


def _our_models() -> list[tuple[str, float]]:
    """The shipped digit MLP first (the ratio below is to it), the other shipped models, and the visitor's
    latest run of each task."""
    from core.inference import PRETRAINED_DIR

    rows = []
    names = sorted(path.stem for path in PRETRAINED_DIR.glob("*.json"))
    for name in sorted(names, key=lambda n: n != "mnist_mlp"):
        card = read_model_card(name)
        if card.get("params"):
            data = dataset_name(card.get("settings", {}).get("dataset", "mnist"))
            label = (t("scale.ours_shipped") if name == "mnist_mlp"
                     else t("scale.ours_model", model=t(f"shipped.{name}"), data=data))
            rows.append((label, float(card["params"])))
    latest: dict[str, object] = {}
    for run in get_store().list():
        if run.params and run.task not in latest:
            latest[run.task] = run  # the store lists the newest first
    for run in list(latest.values())[:MAX_RUNS_SHOWN]:
        rows.append((t("scale.ours_task_run", run=run.id, task=run.task), float(run.params)))
    return rows


def render_model_scale() -> None:
    """The chart, the ratio to GPT-3, the training-energy figure and the sources."""
    ours = _our_models()
    published = [(f"{m.name} ({m.year})", m.params) for m in MODEL_SIZES]
    rows = sorted(ours + published, key=lambda row: row[1])
    mine = {name for name, _ in ours}
    st.plotly_chart(plot_model_scale([r[0] for r in rows], [r[1] for r in rows],
                                     [r[0] in mine for r in rows], t("scale.axis")), key="model_scale")
    render_summary(summarize_model_scale([r[0] for r in rows], [r[1] for r in rows]))
    if ours:
        gpt3 = MODEL_SIZES[-1].params
        st.markdown(t("scale.ratio", ratio=gpt3 / ours[0][1]))
    st.markdown(t("scale.energy", mwh=GPT3_TRAINING_MWH, tco2e=GPT3_TRAINING_TCO2E, source=GPT3_ENERGY_SOURCE))
    with st.expander(t("scale.sources")):
        table = pd.DataFrame([(m.name, m.year, f"{m.params:,.0f}", m.source) for m in MODEL_SIZES],
                             columns=[t("scale.col.model"), t("scale.col.year"), t("scale.col.params"),
                                      t("scale.col.source")])
        st.dataframe(table, hide_index=True, width="stretch")
