"""Plotly figures for the speech page: the waveform, and what a recurrent network does over time.

Like ui/charts.py, functions take plain arrays and translated labels and return figures.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.charts import DIVERGING_SCALE, INTENSITY_SCALE, OKABE_ITO, bottom_legend, style_figure, wrap_label

MAX_WAVE_POINTS = 2000  # a one-second clip at 8 kHz has 8,000 samples; the browser needs far fewer


def plot_waveform(clip: np.ndarray, sample_rate: int, labels: dict[str, str]) -> go.Figure:
    """The clip's samples against time, thinned to at most ``MAX_WAVE_POINTS`` (min and max kept)."""
    clip = np.asarray(clip, dtype=np.float32)
    step = max(1, len(clip) // (MAX_WAVE_POINTS // 2))
    usable = len(clip) // step * step
    blocks = clip[:usable].reshape(-1, step)
    times = np.repeat(np.arange(len(blocks)) * step / sample_rate, 2)
    values = np.column_stack([blocks.min(axis=1), blocks.max(axis=1)]).reshape(-1)
    fig = go.Figure(go.Scatter(x=times, y=values, mode="lines", line=dict(color=OKABE_ITO["blue"], width=1),
                               hoverinfo="skip"))
    fig.update_xaxes(title_text=labels["time"])
    fig.update_yaxes(range=[-1.05, 1.05], title_text=labels["amplitude"])
    return style_figure(fig, 200)


def first_sure_frame(probabilities: np.ndarray, winner: int, threshold: float = 0.5) -> int | None:
    """The first frame from which the winning class stays above ``threshold`` to the end, or None."""
    above = np.asarray(probabilities)[:, winner] > threshold
    if not above[-1]:
        return None
    below = np.flatnonzero(~above)
    return int(below[-1] + 1) if len(below) else 0


def plot_over_time(log_mel: np.ndarray, hidden: np.ndarray, probabilities: np.ndarray, frame_seconds: float,
                   class_names: Sequence[str], labels: dict[str, str]) -> go.Figure:
    """Three panels on one time axis: the log-mel spectrogram the model computes, the hidden state of
    its last recurrent layer at every frame, and the class probabilities it would give at each frame.

    ``labels`` holds translated texts for mel, hidden, probability, time, band and unit.
    """
    frames = len(log_mel)
    times = np.arange(frames) * frame_seconds
    # Room between the panels for a title on two lines, as the longest ones take on a phone.
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.085, row_heights=[0.32, 0.36, 0.32],
                        subplot_titles=[wrap_label(labels[key]) for key in ("mel", "hidden", "probability")])
    fig.add_trace(go.Heatmap(z=np.asarray(log_mel).T, x=times, colorscale=INTENSITY_SCALE, showscale=False,
                             hovertemplate="%{x:.2f} s · " + labels["band"] + " %{y}<extra></extra>"), row=1, col=1)
    limit = float(np.abs(hidden).max()) or 1.0
    fig.add_trace(go.Heatmap(z=np.asarray(hidden).T, x=times, colorscale=DIVERGING_SCALE, zmin=-limit, zmax=limit,
                             showscale=False,
                             hovertemplate="%{x:.2f} s · " + labels["unit"] + " %{y}: %{z:.2f}<extra></extra>"),
                  row=2, col=1)
    winner = int(np.asarray(probabilities)[-1].argmax())
    palette = [OKABE_ITO["grey"]] * len(class_names)
    palette[winner] = OKABE_ITO["vermillion"]
    for digit, name in enumerate(class_names):
        fig.add_trace(go.Scatter(x=times, y=np.asarray(probabilities)[:, digit], mode="lines", name=name,
                                 line=dict(color=palette[digit], width=3 if digit == winner else 1),
                                 showlegend=digit == winner), row=3, col=1)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=3, col=1)
    fig.update_xaxes(title_text=labels["time"], row=3, col=1)
    style_figure(fig, 620)
    fig.update_layout(legend=bottom_legend())  # above the plot it would meet the panel titles
    return fig
