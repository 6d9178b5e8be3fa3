"""Replaying a stored run: its curves grow epoch by epoch at a chosen speed, with no training at all.

For a slow laptop, a busy GPU or a demo that must not wait: the audience sees how the run learned,
drawn from the per-epoch metrics the run store kept.
"""

from __future__ import annotations

import time

import streamlit as st

from core.chart_text import summarize_training
from ui.charts import plot_training_curves, render_summary
from ui.job_panel import curve_labels
from ui.state import get_store, t

FRAME_S = 0.25  # redraw interval while a replay runs
SPEEDS = (0.5, 1.0, 2.0, 5.0)  # epochs per second


def _replay_view() -> None:
    replay = st.session_state.get("replay")
    if not replay:
        return
    record = get_store().get(replay["run"])
    if record is None or not record.epochs:
        st.info(t("replay.no_epochs"), icon=":material/history:")
        return
    shown = min(len(record.epochs), 1 + int((time.time() - replay["started"]) * replay["speed"]))
    st.caption(t("replay.progress", run=record.id, shown=shown, total=len(record.epochs)))
    st.plotly_chart(plot_training_curves([], record.epochs[:shown], 0, curve_labels()), key="replay_chart")
    render_summary(summarize_training(record.epochs[:shown], len(record.epochs)))
    if shown == len(record.epochs) and not replay.get("done"):
        replay["done"] = True
        st.rerun(scope="app")  # stop redrawing: the fragment is set up again without a timer


def start_replay(run_id: int, speed: float, place: str) -> None:
    """Begin replaying stored run ``run_id`` at ``speed`` epochs a second, to be shown at ``place``."""
    st.session_state["replay"] = {"run": run_id, "speed": float(speed), "started": time.time(), "place": place}


def render_replay_view(place: str) -> None:
    """The replay started for ``place``, redrawn every frame until its last epoch is on screen."""
    replay = st.session_state.get("replay")
    if replay and replay["place"] == place:
        st.fragment(run_every=None if replay.get("done") else FRAME_S)(_replay_view)()


def render_replay(ids: list[int]) -> None:
    """Pick a run and a speed, press Replay, watch the curves grow."""
    with st.expander(t("replay.title"), expanded=st.session_state.get("replay", {}).get("place") == "runs"):
        left, right = st.columns(2)
        chosen = left.selectbox(t("replay.pick"), ids, format_func=lambda i: f"#{i}", key="replay_run")
        speed = right.select_slider(t("replay.speed"), SPEEDS, 2.0, key="replay_speed",
                                    format_func=lambda s: t("replay.speed_value", speed=s))
        if st.button(t("replay.start"), icon=":material/replay:", key="replay_start"):
            start_replay(chosen, speed, "runs")
        render_replay_view("runs")
