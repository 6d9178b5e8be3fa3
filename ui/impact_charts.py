"""Figures of the social-impact page. Plain inputs and translated labels in, plotly figures out."""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from ui.charts import OKABE_ITO, style_figure

ARM_COLOURS = {"male": OKABE_ITO["blue"], "female": OKABE_ITO["vermillion"]}
LINE_COLOURS = [OKABE_ITO["vermillion"], OKABE_ITO["blue"], OKABE_ITO["green"], OKABE_ITO["purple"]]


def plot_group_accuracy(arms: dict[str, dict[str, float]], labels: dict[str, str]) -> go.Figure:
    """Accuracy on male-like and female-like test voices, bars grouped by training arm.

    ``labels`` translates the arms (male_only, balanced), the groups (male, female) and "accuracy".
    """
    fig = go.Figure()
    names = [labels[arm] for arm in arms]
    for group in ("male", "female"):
        values = [arms[arm][group] for arm in arms]
        fig.add_trace(go.Bar(x=names, y=values, name=labels[group], marker_color=ARM_COLOURS[group],
                             text=[f"{v:.1%}" for v in values], textposition="outside"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(range=[0, 1.1], tickformat=".0%", title_text=labels["accuracy"])
    return style_figure(fig, 360)


def plot_lines(x: Sequence[float], series: dict[str, Sequence[float]], labels: dict[str, str],
               percent: bool = True, chance: float | None = None, x_reversed: bool = False) -> go.Figure:
    """One line per series against a shared x; an optional dashed line at the chance level.

    ``labels`` holds the x and y axis titles ("x", "y") and each series' name.
    """
    fig = go.Figure()
    for colour, (name, values) in zip(LINE_COLOURS, series.items()):
        fig.add_trace(go.Scatter(x=list(x), y=list(values), mode="lines+markers", name=labels.get(name, name),
                                 line=dict(color=colour, width=3)))
    if chance is not None:
        fig.add_hline(y=chance, line_dash="dash", line_color=OKABE_ITO["grey"])
    fig.update_xaxes(title_text=labels["x"], autorange="reversed" if x_reversed else True)
    fig.update_yaxes(title_text=labels["y"], tickformat=".0%" if percent else ".2f")
    return style_figure(fig, 340)


def plot_energy(names: Sequence[str], watt_hours: Sequence[float], reference: tuple[str, float],
                labels: dict[str, str]) -> go.Figure:
    """Horizontal bars of energy on a log axis: the runs, and a published reference at the top."""
    all_names = [reference[0], *names]
    values = [reference[1], *watt_hours]
    colours = [OKABE_ITO["grey"]] + [OKABE_ITO["green"]] * len(names)
    fig = go.Figure(go.Bar(x=values, y=all_names, orientation="h", marker_color=colours,
                           text=[f"{v:,.3g} Wh" for v in values], textposition="outside", cliponaxis=False))
    fig.update_xaxes(type="log", title_text=labels["x"])
    fig.update_yaxes(autorange="reversed", type="category")
    return style_figure(fig, max(260, 60 + 34 * len(all_names)))
