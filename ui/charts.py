"""Plotly figures for training curves, predictions and the look-inside views.

Functions take plain arrays and already-translated labels and return figures; they never read
Session State, so each can be tested with tiny inputs. Colours follow the Okabe–Ito palette, which
stays distinguishable for colour-blind viewers (Okabe & Ito, 2008).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "sky": "#56B4E9", "purple": "#CC79A7", "grey": "#999999"}
FONT_SIZE = 15  # readable from the back of a classroom
MAX_BATCH_POINTS = 150  # the browser redraws the chart every refresh: fewer points, less CPU taken from training


def style_figure(fig: go.Figure, height: int) -> go.Figure:
    """Apply the app's common size, margins, font and legend placement."""
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), font=dict(size=FONT_SIZE),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


def plot_training_curves(batch_metrics: Sequence[dict], epoch_metrics: Sequence[dict],
                         steps_per_epoch: int, labels: dict[str, str]) -> go.Figure:
    """Loss and accuracy against epochs: every batch (thin), each epoch's train and validation score.

    ``labels`` holds translated texts for the keys loss, accuracy, epoch, batch, train, validation.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=(labels["loss"], labels["accuracy"]))
    stride = max(1, len(batch_metrics) // MAX_BATCH_POINTS)
    batches = list(batch_metrics)[::stride]
    epochs = [m["epoch"] for m in epoch_metrics]
    for col, metric in ((1, "loss"), (2, "accuracy")):
        if batches and steps_per_epoch:
            fig.add_trace(go.Scatter(
                x=[b["step"] / steps_per_epoch for b in batches], y=[b.get(metric) for b in batches],
                mode="lines", line=dict(color=OKABE_ITO["sky"], width=1), name=labels["batch"],
                showlegend=col == 1, legendgroup="batch"), row=1, col=col)
        for key, name, color, group in ((metric, labels["train"], OKABE_ITO["blue"], "train"),
                                        (f"val_{metric}", labels["validation"], OKABE_ITO["orange"], "val")):
            fig.add_trace(go.Scatter(
                x=epochs, y=[m.get(key) for m in epoch_metrics], mode="lines+markers",
                line=dict(color=color, width=3), name=name, showlegend=col == 1, legendgroup=group),
                row=1, col=col)
        fig.update_xaxes(title_text=labels["epoch"], rangemode="tozero", row=1, col=col)
    style_figure(fig, 400)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, x=0), margin=dict(b=60))
    return fig


def plot_probabilities(probabilities: np.ndarray, class_names: Sequence[str], title: str) -> go.Figure:
    """Bar chart of class probabilities with the winning class highlighted."""
    probabilities = np.asarray(probabilities, dtype=float)
    winner = int(probabilities.argmax())
    colors = [OKABE_ITO["vermillion"] if i == winner else OKABE_ITO["blue"] for i in range(len(probabilities))]
    fig = go.Figure(go.Bar(x=list(class_names), y=probabilities, marker_color=colors,
                           text=[f"{p:.0%}" for p in probabilities], textposition="outside"))
    fig.update_yaxes(range=[0, 1.15], tickformat=".0%")
    fig.update_xaxes(type="category")
    fig.update_layout(title=title)
    return style_figure(fig, 300)


def plot_confusion(confusion: np.ndarray, class_names: Sequence[str], labels: dict[str, str]) -> go.Figure:
    """Heatmap of true (rows) against predicted (columns) counts, counts written in the cells."""
    names = list(class_names)
    fig = px.imshow(confusion, x=names, y=names, text_auto=True, color_continuous_scale="Blues",
                    labels=dict(x=labels["predicted"], y=labels["true"], color=labels["count"]),
                    aspect="equal")
    fig.update_xaxes(side="top", type="category")
    fig.update_yaxes(type="category")
    return style_figure(fig, 480)


def plot_per_class_accuracy(accuracy: np.ndarray, class_names: Sequence[str], title: str) -> go.Figure:
    """Bar chart of each class's accuracy, the weakest class highlighted."""
    accuracy = np.asarray(accuracy, dtype=float)
    weakest = int(np.nanargmin(accuracy)) if np.isfinite(accuracy).any() else -1
    colors = [OKABE_ITO["vermillion"] if i == weakest else OKABE_ITO["green"] for i in range(len(accuracy))]
    low = float(np.nanmin(accuracy)) if weakest >= 0 else 0.0
    fig = go.Figure(go.Bar(x=list(class_names), y=accuracy, marker_color=colors,
                           text=[f"{a:.0%}" for a in accuracy], textposition="outside",
                           textfont=dict(size=FONT_SIZE - 2)))
    fig.update_yaxes(range=[max(0.0, low - 0.1), 1.02], tickformat=".0%")
    fig.update_xaxes(type="category")
    fig.update_layout(title=title)
    return style_figure(fig, 320)


def plot_weight_images(kernel: np.ndarray, units: Sequence[int], title_format: str,
                       columns: int = 8) -> go.Figure:
    """First-layer weights of chosen units as 28×28 images: red pulls towards a unit, blue away."""
    images = np.stack([kernel[:, u].reshape(28, 28) for u in units])
    limit = float(np.abs(images).max()) or 1.0
    rows = int(np.ceil(len(units) / columns))
    fig = px.imshow(images, facet_col=0, facet_col_wrap=columns, color_continuous_scale="RdBu_r",
                    zmin=-limit, zmax=limit, facet_col_spacing=0.01, facet_row_spacing=0.25 / rows)
    for annotation in fig.layout.annotations:
        # plotly names each panel "facet_col=i"; i indexes ``units`` whatever the panel's position.
        index = int(annotation.text.split("=")[-1])
        annotation.text = title_format.format(unit=units[index] + 1)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return style_figure(fig, 170 * rows + 60)


def upscale_digit(image: np.ndarray, scale: int = 8) -> np.ndarray:
    """A 28×28 grey image in [0, 1] as uint8 pixels blown up without smoothing, for ``st.image``."""
    pixels = np.clip(np.asarray(image, dtype=np.float32) * 255.0, 0, 255).astype(np.uint8)
    return np.kron(pixels, np.ones((scale, scale), dtype=np.uint8))


def plot_run_comparison(runs: Sequence, metric: str, title: str, epoch_label: str) -> go.Figure:
    """One line per stored run (``RunRecord``) of ``metric`` against epoch."""
    palette = list(OKABE_ITO.values())
    fig = go.Figure()
    for i, run in enumerate(runs):
        fig.add_trace(go.Scatter(x=[m["epoch"] for m in run.epochs], y=[m.get(metric) for m in run.epochs],
                                 mode="lines+markers", name=f"#{run.id}",
                                 line=dict(color=palette[i % len(palette)], width=3)))
    fig.update_layout(title=title)
    fig.update_xaxes(title_text=epoch_label)
    return style_figure(fig, 360)
