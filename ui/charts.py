"""Plotly figures for training curves, predictions and the look-inside views.

Functions take plain arrays and already-translated labels and return figures; they never read
Session State, so each can be tested with tiny inputs. Colours follow the Okabe–Ito palette, which
stays distinguishable for colour-blind viewers (Okabe & Ito, 2008). ``render_summary`` writes the
sentence that goes beside every chart (built by ``core.chart_text``), for whoever cannot see it.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from core.chart_text import Summary
from core.markdown import escape_params
from ui.presenter import is_presenting
from ui.state import t

OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "sky": "#56B4E9", "purple": "#CC79A7", "grey": "#999999"}  # marks cycle through these, in order
# The palette's other two colours: yellow is too pale for a line or a bar on white, black is ink.
PALETTE = {**OKABE_ITO, "yellow": "#F0E442", "black": "#000000"}
WHITE = "#FFFFFF"
# Colour scales built from the palette only, so heatmaps stay readable for colour-blind viewers too.
SEQUENTIAL_SCALE = [[0.0, WHITE], [1.0, OKABE_ITO["blue"]]]  # counts and weights: none is white, most is blue
DIVERGING_SCALE = [[0.0, OKABE_ITO["blue"]], [0.5, WHITE], [1.0, OKABE_ITO["vermillion"]]]  # signed: 0 is white
# Loudness on a spectrogram: dark for quiet, yellow for loud. Lightness rises at every step (black, blue, sky,
# yellow), so the quiet and loud parts stay apart in any colour vision and in greyscale.
INTENSITY_SCALE = [[0.0, PALETTE["black"]], [1 / 3, OKABE_ITO["blue"]], [2 / 3, OKABE_ITO["sky"]],
                   [1.0, PALETTE["yellow"]]]
GREY_SCALE = [[0.0, PALETTE["black"]], [1.0, WHITE]]  # a picture in grey under a coloured map
MAX_BATCH_POINTS = 150  # the browser redraws the chart every refresh: fewer points, less CPU taken from training


@dataclass(frozen=True)
class ChartLook:
    """Type and ink of every chart: for a screen close by, or for a projector seen from the back of a room."""

    font_size: int  # text sized by the figure itself, in px: numbers on bars and in cells, panel titles
    label_size: int | None  # ticks, legend and axis titles; None keeps the Streamlit theme's 12 to 14 px
    ink: str | None  # colour of text, ticks and axis lines; None keeps the theme's light grey
    grid: str | None  # gridline colour; None keeps the theme's pale grid, which a projector washes out
    height_scale: float  # larger type takes room: the chart grows so the plot keeps its size


LINE_DASHES = ("solid", "dash", "dot", "dashdot")  # one per round of the palette on charts of many runs
MARKERS = ("circle", "square", "diamond", "triangle-up")
WHOLE_EPOCH_TICKS = 12  # up to this many epochs an axis marks each one, not halves of one

SCREEN = ChartLook(font_size=15, label_size=None, ink=None, grid=None, height_scale=1.0)  # the theme's labels
PROJECTOR = ChartLook(font_size=20, label_size=18, ink="#111111", grid="#8C8C8C", height_scale=1.2)


def chart_look() -> ChartLook:
    """The projector look while this visitor is in presenter mode, the screen look otherwise."""
    return PROJECTOR if is_presenting() else SCREEN


def style_figure(fig: go.Figure, height: int, look: ChartLook | None = None) -> go.Figure:
    """Apply the app's common size, margins, font, legend placement, and the look of presenter mode.

    The legend sits just above the plot. A title takes the top of the figure and pushes the legend and the
    plot down (plotly widens the margin for both), so a legend that wraps onto several lines on a phone
    never runs into the title.
    """
    look = look or chart_look()
    titled = bool(fig.layout.title.text)
    fig.update_layout(height=round(height * look.height_scale),
                      margin=dict(l=10, r=10, t=10 if titled else 40, b=10), font=dict(size=look.font_size),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    if titled:
        fig.update_layout(title=dict(automargin=True, yref="container", y=1, yanchor="top", pad=dict(t=8)))
    # Margins that grow with the tick labels also make plotly lay the figure out again once the title
    # and legend have taken their room; without that second pass a legend can stay drawn over the title.
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    if look.ink:
        _set_labels(fig, look)
    return fig


def _set_labels(fig: go.Figure, look: ChartLook) -> None:
    """Larger, dark labels and a visible grid, where Streamlit's theme draws small light-grey ones."""
    label = dict(size=look.label_size, color=look.ink)
    lines = dict(linecolor=look.ink, gridcolor=look.grid, zerolinecolor=look.grid)
    fig.update_xaxes(tickfont=label, title_font=label, **lines)
    fig.update_yaxes(tickfont=label, title_font=label, **lines)
    fig.update_layout(font_color=look.ink, title_font=dict(size=look.font_size + 2, color=look.ink),
                      legend_font=label)
    fig.update_annotations(font=dict(size=look.font_size, color=look.ink))  # subplot and facet titles
    colorbar = dict(tickfont=label, title_font=label)
    fig.update_coloraxes(colorbar=colorbar)
    for trace in fig.data:
        if hasattr(trace, "colorbar"):
            trace.update(colorbar=colorbar)


def bottom_legend() -> dict:
    """A horizontal legend at the very bottom of the figure, below the axis titles whatever the width
    and the type size (plotly widens the bottom margin for it)."""
    return dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0)


def wrap_label(text: str, width: int = 42) -> str:
    """Break a long chart label onto lines of at most ``width`` characters at spaces (plotly never wraps
    text, and a phone's chart is about 360 px wide: some 45 Latin characters of 15 px)."""
    return "<br>".join(textwrap.wrap(text, width)) or text


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
    fig.update_layout(legend=bottom_legend())  # above the plot it would meet the panel titles
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
    """Heatmap of true (rows) against predicted (columns) counts, counts written in the cells.

    The cells stretch to the chart's width rather than stay square: a square sized for a wide column
    leaves empty bands above and below it on a phone. The height follows the number of classes, and the
    counts in the cells make a colour bar unnecessary (it would take a phone's width from the cells).
    """
    names = list(class_names)
    fig = px.imshow(confusion, x=names, y=names, text_auto=True, color_continuous_scale=SEQUENTIAL_SCALE,
                    labels=dict(x=labels["predicted"], y=labels["true"], color=labels["count"]), aspect="auto")
    fig.update_coloraxes(showscale=False)
    fig.update_xaxes(side="top", type="category")
    fig.update_yaxes(type="category")
    return style_figure(fig, confusion_height(len(names)))


def confusion_height(classes: int) -> int:
    """About 32 px a row plus the axis labels: 2 classes 280 px, 10 classes 440 px, at most 900 px."""
    return int(np.clip(120 + 32 * classes, 280, 900))


def plot_per_class_accuracy(accuracy: np.ndarray, class_names: Sequence[str], title: str) -> go.Figure:
    """Bar chart of each class's accuracy, the weakest class highlighted.

    Only a class strictly below some other is highlighted (every class sharing the lowest score, when
    several do): when all classes score the same, none is the weakest. Classes without a score (NaN) are
    left out of the comparison.
    """
    accuracy = np.asarray(accuracy, dtype=float)
    finite = np.isfinite(accuracy)
    low = float(accuracy[finite].min()) if finite.any() else 0.0
    uneven = bool(finite.any()) and low < accuracy[finite].max()
    weakest = finite & (accuracy == low) & uneven
    colors = [OKABE_ITO["vermillion"] if weak else OKABE_ITO["green"] for weak in weakest]
    look = chart_look()
    fig = go.Figure(go.Bar(x=list(class_names), y=accuracy, marker_color=colors,
                           text=[f"{a:.0%}" for a in accuracy], textposition="outside",
                           textfont=dict(size=look.font_size - 2)))
    fig.update_yaxes(range=[max(0.0, low - 0.1), 1.02], tickformat=".0%")
    fig.update_xaxes(type="category")
    fig.update_layout(title=title)
    return style_figure(fig, 320, look)


def plot_weight_images(kernel: np.ndarray, units: Sequence[int], title_format: str,
                       columns: int = 8, shape: tuple[int, int] = (28, 28)) -> go.Figure:
    """First-layer weights of chosen units as images of the input's ``shape``: vermillion pulls towards a
    unit, blue away. ``kernel`` is (pixels, units); colour weights arrive averaged over channels."""
    images = np.stack([kernel[:, u].reshape(shape) for u in units])
    limit = float(np.abs(images).max()) or 1.0
    rows = int(np.ceil(len(units) / columns))
    fig = px.imshow(images, facet_col=0, facet_col_wrap=columns, color_continuous_scale=DIVERGING_SCALE,
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


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` as three integers in 0..255."""
    return tuple(int(colour[i: i + 2], 16) for i in (1, 3, 5))


def diverging_colours(values: np.ndarray, limit: float | None = None) -> np.ndarray:
    """Signed values as RGB in [0, 1]: vermillion for positive, blue for negative, white for zero
    (``DIVERGING_SCALE`` for HTML, where a plotly colour scale cannot go)."""
    values = np.asarray(values, dtype=np.float32)
    limit = limit or float(np.abs(values).max()) or 1.0
    strength = np.clip(np.abs(values) / limit, 0.0, 1.0)[..., None]
    positive = np.array(hex_to_rgb(OKABE_ITO["vermillion"]), np.float32) / 255.0
    negative = np.array(hex_to_rgb(OKABE_ITO["blue"]), np.float32) / 255.0
    ink = np.where(values[..., None] >= 0, positive, negative)
    return 1.0 - strength * (1.0 - ink)


def plot_occlusion(image: np.ndarray, drops: np.ndarray, colorbar_title: str) -> go.Figure:
    """The input in grey with the occlusion map laid over it: vermillion where hiding a patch lowered
    the answer's probability, blue where it raised it, see-through where it changed nothing."""
    image = np.asarray(image, dtype=np.float32)
    grey = image.mean(axis=-1) if image.ndim == 3 else image
    limit = float(np.abs(drops).max()) or 1.0
    see_through = [[stop, f"rgba{(*hex_to_rgb(colour), 0.0 if colour == WHITE else 0.85)}"]
                   for stop, colour in DIVERGING_SCALE]
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=grey, colorscale=GREY_SCALE, showscale=False, hoverinfo="skip"))
    fig.add_trace(go.Heatmap(
        z=drops, zmin=-limit, zmax=limit, hovertemplate="%{z:.0%}<extra></extra>", colorscale=see_through,
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


def plot_run_comparison(runs: Sequence, metric: str, title: str, epoch_label: str,
                        look: ChartLook | None = None) -> go.Figure:
    """One line per stored run (``RunRecord``) of ``metric`` against epoch.

    Past the palette's length each round of colours gets its own dash and marker, so every run stays
    told apart. ``look`` is for callers outside a script run (the export's builder), which cannot ask
    Session State whether presenter mode is on."""
    palette = list(OKABE_ITO.values())
    fig = go.Figure()
    for i, run in enumerate(runs):
        lap = i // len(palette)
        fig.add_trace(go.Scatter(x=[m["epoch"] for m in run.epochs], y=[m.get(metric) for m in run.epochs],
                                 mode="lines+markers", name=f"#{run.id}",
                                 line=dict(color=palette[i % len(palette)], width=3,
                                           dash=LINE_DASHES[lap % len(LINE_DASHES)]),
                                 marker=dict(symbol=MARKERS[lap % len(MARKERS)])))
    fig.update_layout(title=title)
    fig.update_xaxes(title_text=epoch_label)
    if max((len(run.epochs) for run in runs), default=0) <= WHOLE_EPOCH_TICKS:
        fig.update_xaxes(dtick=1)
    return style_figure(fig, 360, look)
