"""Demo-safe training: when a run fails or is too slow for the audience, one click shows something that works.

Two ways out, both without training: the shipped model of the page (the page's model picker switches
to it, so Try it and Look inside use it at once), or a replay of the latest stored run of the same
kind, drawn right here.
"""

from __future__ import annotations

import streamlit as st

from core.jobs import JobStatus
from core.runstore import IN_PROGRESS
from ui.replay import render_replay_view, start_replay
from ui.state import get_runner, get_store, t

STOP_WAIT_S = 10.0  # a job stops within one batch; waiting keeps its end from reselecting it in the picker
REPLAY_SPEED = 2.0  # epochs a second: a twenty-epoch run replays in ten seconds
USE_SHIPPED_KEY = "use_shipped_model"  # read once by ui.model_picker.pick_model on the next run


def _stop(job_id: int) -> None:
    """Stop the job and wait for it, so the next run sees it finished and does not show it as the fresh model."""
    live = get_runner().get(job_id)
    if live is not None and not live.status.finished:
        get_runner().stop(job_id)
        get_runner().wait(job_id, timeout=STOP_WAIT_S)


def _use_shipped(job_id: int) -> None:
    _stop(job_id)
    st.session_state[USE_SHIPPED_KEY] = True
    st.session_state["fallback_notice"] = job_id


def _replay(job_id: int, run_id: int) -> None:
    _stop(job_id)
    start_replay(run_id, REPLAY_SPEED, f"job_{job_id}")


def render_fallback(job_id: int) -> None:
    """Under a job that has not finished well: use the shipped model, or replay a stored run instead."""
    live = get_runner().get(job_id)
    if live is None or live.status is JobStatus.DONE:
        return
    # Runs still training (another visitor's) keep their curves so far in the store too: not those.
    stored = [r for r in get_store().list(task=live.task)
              if r.epochs_done and r.id != live.run_id and r.status not in IN_PROGRESS]
    with st.container(border=True, key=f"fallback_{job_id}"):
        st.markdown(t("fallback.title"))
        row = st.container(horizontal=True)
        row.button(t("fallback.shipped"), icon=":material/inventory_2:", key=f"fallback_shipped_{job_id}",
                   on_click=_use_shipped, args=(job_id,))
        row.button(t("fallback.replay"), icon=":material/replay:", key=f"fallback_replay_{job_id}",
                   disabled=not stored, on_click=_replay, args=(job_id, stored[0].id if stored else 0))
        if st.session_state.get("fallback_notice") == job_id:
            st.success(t("fallback.shipped_done"), icon=":material/check_circle:")
        elif not stored:
            st.caption(t("fallback.no_runs"))
        render_replay_view(f"job_{job_id}")
