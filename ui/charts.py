"""Plotly figures for training curves, predictions and the look-inside views.

Functions take plain arrays and already-translated labels and return figures; they never read
Session State, so each can be tested with tiny inputs. Colours follow the Okabe–Ito palette, which
stays distinguishable for colour-blind viewers (Okabe & Ito, 2008). ``render_summary`` writes the
sentence that goes beside every chart (built by ``core.chart_text``), for whoever cannot see it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from core.chart_text import Summary
from core.markdown import escape_params
from ui.state import t

OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "sky": "#56B4E9", "purple": "#CC79A7", "grey": "#999999"}
FONT_SIZE = 15  # readable from the back of a classroom
MAX_BATCH_POINTS = 150  # the browser redraws the chart every refresh: fewer points, less CPU taken from training


def style_figure(fig: go.Figure, height: int) -> go.Figure:
    """Apply the app's common size, margins, font and legend placement."""
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), font=dict(size=FONT_SIZE),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


def render_summary(summary: Summary, container=st) -> None:
    """Write a chart's one-sentence summary as a caption in ``container``, in the visitor's language."""
    container.caption(t(summary.key, **escape_params(summary.values)))  # names may be a class's own labels


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


def plot_top_classes(probabilities: np.ndarray, class_names: Sequence[str], title: str, k: int = 3) -> go.Figure:
    """Horizontal bars of the ``k`` most probable classes, the most probable on top and highlighted."""
    probabilities = np.asarray(probabilities, dtype=float)
    top = np.argsort(probabilities)[::-1][:k]
    colors = [OKABE_ITO["vermillion"]] + [OKABE_ITO["blue"]] * (len(top) - 1)
    fig = go.Figure(go.Bar(x=probabilities[top], y=[class_names[i] for i in top], orientation="h",
                           marker_color=colors, text=[f"{probabilities[i]:.0%}" for i in top],
                           textposition="outside", cliponaxis=False))
    fig.update_xaxes(range=[0, 1.18], tickformat=".0%")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_layout(title=title)
    return style_figure(fig, 90 + 55 * len(top))


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
                       columns: int = 8, shape: tuple[int, int] = (28, 28)) -> go.Figure:
    """First-layer weights of chosen units as images of the input's ``shape``: red pulls towards a
    unit, blue away. ``kernel`` is (pixels, units); colour weights arrive averaged over channels."""
    images = np.stack([kernel[:, u].reshape(shape) for u in units])
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


def upscale(image: np.ndarray, scale: int = 8) -> np.ndarray:
    """An image in [0, 1], grey (H, W) or colour (H, W, 3), as uint8 pixels blown up without smoothing."""
    pixels = np.clip(np.asarray(image, dtype=np.float32) * 255.0, 0, 255).astype(np.uint8)
    return pixels.repeat(scale, axis=0).repeat(scale, axis=1)


def tile_images(images: np.ndarray, columns: int, tile_px: int = 48, gap_px: int = 2,
                gap_value: float = 1.0) -> np.ndarray:
    """Lay N same-sized images (N, H, W) or (N, H, W, 3) in [0, 1] out as one mosaic, row by row.

    Each image is blown up by a whole factor to about ``tile_px`` wide, so small feature maps stay
    crisp; one ``st.image`` of the mosaic costs the browser far less than a chart panel per image.
    """
    images = np.asarray(images, dtype=np.float32)
    count, height, width = images.shape[:3]
    scale = max(1, round(tile_px / width))
    big = np.stack([upscale(image, scale) for image in images])
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    tile_h, tile_w = height * scale, width * scale
    shape = (rows * (tile_h + gap_px) - gap_px, columns * (tile_w + gap_px) - gap_px, *big.shape[3:])
    mosaic = np.full(shape, round(gap_value * 255), dtype=np.uint8)
    for i, tile in enumerate(big):
        top, left = (i // columns) * (tile_h + gap_px), (i % columns) * (tile_w + gap_px)
        mosaic[top: top + tile_h, left: left + tile_w] = tile
    return mosaic


def diverging_colours(values: np.ndarray, limit: float | None = None) -> np.ndarray:
    """Signed values as RGB in [0, 1]: vermillion for positive, blue for negative, white for zero."""
    values = np.asarray(values, dtype=np.float32)
    limit = limit or float(np.abs(values).max()) or 1.0
    strength = np.clip(np.abs(values) / limit, 0.0, 1.0)[..., None]
    positive = np.array([0xD5, 0x5E, 0x00], np.float32) / 255.0
    negative = np.array([0x00, 0x72, 0xB2], np.float32) / 255.0
    ink = np.where(values[..., None] >= 0, positive, negative)
    return 1.0 - strength * (1.0 - ink)


def plot_occlusion(image: np.ndarray, drops: np.ndarray, colorbar_title: str) -> go.Figure:
    """The input in grey with the occlusion map laid over it: vermillion where hiding a patch lowered
    the answer's probability, blue where it raised it, see-through where it changed nothing."""
    image = np.asarray(image, dtype=np.float32)
    grey = image.mean(axis=-1) if image.ndim == 3 else image
    limit = float(np.abs(drops).max()) or 1.0
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=grey, colorscale="gray", showscale=False, hoverinfo="skip"))
    fig.add_trace(go.Heatmap(
        z=drops, zmin=-limit, zmax=limit, hovertemplate="%{z:.0%}<extra></extra>",
        colorscale=[[0.0, "rgba(0,114,178,0.85)"], [0.5, "rgba(255,255,255,0)"], [1.0, "rgba(213,94,0,0.85)"]],
        colorbar=dict(title=dict(text=colorbar_title, side="right"), tickformat=".0%", thickness=14)))
    fig.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x", constrain="domain")
    fig.update_xaxes(showticklabels=False, constrain="domain")
    return style_figure(fig, 340)


FAMILY_COLOURS = {"mlp": OKABE_ITO["blue"], "cnn": OKABE_ITO["vermillion"], "mean": OKABE_ITO["green"],
                  "gru": OKABE_ITO["blue"], "transformer": OKABE_ITO["vermillion"]}


def plot_params_vs_accuracy(points: Sequence[dict], labels: dict[str, str],
                            families: Sequence[str] = ("mlp", "cnn")) -> go.Figure:
    """Test accuracy against parameter count (log axis), one marker per model, a colour per family.

    Each point has keys family (one of ``families``), params, accuracy, name and shipped (bool);
    ``labels`` holds translated texts for params, accuracy, shipped, run and each family.
    """
    fig = go.Figure()
    colours = FAMILY_COLOURS
    for family in families:
        for shipped in (True, False):
            chosen = [p for p in points if p["family"] == family and bool(p["shipped"]) == shipped]
            if not chosen:
                continue
            fig.add_trace(go.Scatter(
                x=[p["params"] for p in chosen], y=[p["accuracy"] for p in chosen], mode="markers",
                name=f'{labels[family]} · {labels["shipped" if shipped else "run"]}',
                text=[p["name"] for p in chosen], hovertemplate="%{text}<br>%{x:,} · %{y:.2%}<extra></extra>",
                marker=dict(color=colours[family], size=16 if shipped else 12,
                            symbol="diamond" if shipped else "circle", line=dict(width=1, color="#333333"))))
    params = [p["params"] for p in points] or [1]
    accuracy = [p["accuracy"] for p in points] or [0.5]
    low, high = np.log10(min(params)), np.log10(max(params))
    fig.update_xaxes(type="log", title_text=labels["params"], range=[low - 0.15, high + 0.15])
    fig.update_yaxes(title_text=labels["accuracy"], tickformat=".1%",
                     range=[min(accuracy) - 0.01, min(1.0, max(accuracy) + 0.01)])
    return style_figure(fig, 380)


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
