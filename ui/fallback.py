"""Demo-safe training: when a run fails or is too slow for the audience, one click shows something that works.

Two ways out, both without training: the shipped model of the page (the page's model picker switches
to it and the page opens its Try tab, so the audience sees it read an input at once), or a replay of
the best stored run of the same kind, drawn right here.
"""

from __future__ import annotations

import streamlit as st

from core.jobs import JobStatus
from core.runstore import IN_PROGRESS, RunRecord
from ui.replay import render_replay_view, start_replay
from ui.state import get_runner, get_store, t

STOP_WAIT_S = 10.0  # a job stops within one batch; waiting keeps its end from reselecting it in the picker
REPLAY_SPEED = 2.0  # epochs a second: a twenty-epoch run replays in ten seconds
USE_SHIPPED_KEY = "use_shipped_model"  # read once by ui.model_picker.pick_model on the next run


def best_stored_run(task: str, exclude: int | None = None) -> RunRecord | None:
    """The stored run of ``task`` worth replaying: the highest test accuracy, the newest among equals.

    Runs still training (another visitor's) keep their curves so far in the store too: not those, nor
    runs without a finished epoch, nor ``exclude`` (the run that is failing now).
    """
    stored = [r for r in get_store().list(task=task)
              if r.epochs_done and r.id != exclude and r.status not in IN_PROGRESS]
    return max(stored, key=lambda r: (r.test_accuracy is not None, r.test_accuracy or 0.0, r.id), default=None)


def _stop(job_id: int) -> None:
    """Stop the job and wait for it, so the next run sees it finished and does not show it as the fresh model."""
    live = get_runner().get(job_id)
    if live is not None and not live.status.finished:
        get_runner().stop(job_id)
        get_runner().wait(job_id, timeout=STOP_WAIT_S)


def _use_shipped(job_id: int, try_tab: tuple[str, str] | None) -> None:
    _stop(job_id)
    st.session_state[USE_SHIPPED_KEY] = True
    st.session_state["fallback_notice"] = job_id
    if try_tab is not None:
        tabs_key, label = try_tab
        st.session_state[tabs_key] = label


def _replay(job_id: int, run_id: int) -> None:
    _stop(job_id)
    start_replay(run_id, REPLAY_SPEED, f"job_{job_id}")


def render_fallback(job_id: int, try_tab: tuple[str, str] | None = None) -> None:
    """Under a job that is still going, or ended without finishing well (stopped or failed): use the
    shipped model, or replay the best stored run of the same task instead.

    ``try_tab`` is the page's tabs key and the label of its Try tab: choosing the shipped model opens it.
    """
    live = get_runner().get(job_id)
    if live is None or live.status is JobStatus.DONE:
        return
    best = best_stored_run(live.task, exclude=live.run_id)
    with st.container(border=True, key=f"fallback_{job_id}"):
        st.markdown(t("fallback.title_failed" if live.status is JobStatus.FAILED else "fallback.title"))
        row = st.container(horizontal=True)
        row.button(t("fallback.shipped"), icon=":material/inventory_2:", key=f"fallback_shipped_{job_id}",
                   on_click=_use_shipped, args=(job_id, try_tab))
        row.button(t("fallback.replay_best"), icon=":material/replay:", key=f"fallback_replay_{job_id}",
                   disabled=best is None, on_click=_replay, args=(job_id, best.id if best else 0))
        if st.session_state.get("fallback_notice") == job_id:
            st.success(t("fallback.shipped_done"), icon=":material/check_circle:")
        elif best is None:
            st.caption(t("fallback.no_runs"))
        elif best.test_accuracy is None:  # a run that failed or was cut off before its test
            st.caption(t("fallback.best_run_unscored", run=best.id, epochs=best.epochs_done))
        else:
            st.caption(t("fallback.best_run", run=best.id, epochs=best.epochs_done, accuracy=best.test_accuracy))
        render_replay_view(f"job_{job_id}")
