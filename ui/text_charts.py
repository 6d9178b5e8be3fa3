"""Figures and markup for the text page: attention as a token-by-token heatmap, and token importance
as coloured text.

Tokens sit on numeric axes with their text as tick labels, since a sentence repeats characters and a
categorical axis would merge them. Every token is HTML-escaped before it reaches the page, so a review
that contains ``<script>`` shows those characters and runs nothing.
"""

from __future__ import annotations

import html
from typing import Callable, Sequence

import numpy as np
import plotly.graph_objects as go

from ui.charts import SEQUENTIAL_SCALE, diverging_colours, style_figure

MAX_TICK_LABELS = 64  # beyond this many tokens, label every second, third, ... one so labels stay legible


def _ticks(tokens: Sequence[str]) -> dict:
    step = max(1, int(np.ceil(len(tokens) / MAX_TICK_LABELS)))
    positions = list(range(0, len(tokens), step))
    return dict(tickmode="array", tickvals=positions, ticktext=[tokens[i] for i in positions], tickangle=0)


def plot_attention(weights: np.ndarray, tokens: Sequence[str], labels: dict[str, str]) -> go.Figure:
    """One head's attention, (queries, keys) over the real tokens: row i shows where token i looks.

    ``labels`` holds translated texts for query, key and weight.
    """
    n = len(tokens)
    weights = np.asarray(weights, dtype=float)[:n, :n]
    hover = [[f"{tokens[q]} → {tokens[k]}" for k in range(n)] for q in range(n)]
    fig = go.Figure(go.Heatmap(
        z=weights, x=list(range(n)), y=list(range(n)), zmin=0, zmax=float(weights.max()) or 1.0,
        colorscale=SEQUENTIAL_SCALE, customdata=hover, hovertemplate="%{customdata}: %{z:.0%}<extra></extra>",
        colorbar=dict(title=dict(text=labels["weight"], side="right"), tickformat=".0%", thickness=14)))
    fig.update_xaxes(title_text=labels["key"], side="top", **_ticks(tokens))
    # Cells stretch to the chart's width rather than stay square, which on a phone would leave the
    # map a small square between empty bands; the height grows with the sentence.
    fig.update_yaxes(title_text=labels["query"], autorange="reversed", **_ticks(tokens))
    return style_figure(fig, min(720, 260 + 12 * n))


def importance_html(tokens: Sequence[str], importance: np.ndarray, tooltip: Callable[[float], str],
                    spaced: bool) -> str:
    """The tokens as coloured text: vermillion behind a token that pushed towards the answer, blue
    behind one that pushed against it, the stronger the push the deeper the colour.

    ``tooltip`` gives the translated hover text for a token's value; ``spaced`` puts a space between tokens (words), else they run on (characters).
    """
    values = np.asarray(importance, dtype=np.float32)[: len(tokens)]
    colours = diverging_colours(values)
    spans = []
    for token, value, rgb in zip(tokens, values, colours):
        red, green, blue = (int(round(c * 255)) for c in rgb)
        tip = tooltip(float(value))
        spans.append(f'<span title="{html.escape(tip)}" style="background: rgb({red},{green},{blue}); '
                     f'padding: 0.1em 0.12em; border-radius: 0.2em">{html.escape(token)}</span>')
    separator = " " if spaced else ""
    return ('<div style="font-size: 1.35rem; line-height: 2.1; word-break: break-word">'
            + separator.join(spans) + "</div>")
