"""The live panel of one training job: status, progress, curves that grow, Stop, and once the run
has ended, its export zip in one click.

It redraws itself every second through ``st.fragment(run_every=...)`` while the job is queued or
running, without rerunning the rest of the page, and goes quiet once the job has finished.
"""

from __future__ import annotations

import os

import streamlit as st

from core.chart_text import summarize_training
from core.jobs import Job, JobStatus
from ui.charts import plot_training_curves, render_summary
from ui.run_export import render_run_download
from ui.state import get_runner, t

# How often the panel redraws while a job runs. Each redraw costs the browser CPU that, on a
# two-core laptop, training would otherwise use: the default Keras MLP run takes 11 s with no
# redraws, 18 s at one every 2 s and about 60 s at one a second (docs/BENCHMARKS.md).
REFRESH_S = float(os.environ.get("NEURALSTAGE_REFRESH_S", "2.0"))


def curve_labels() -> dict[str, str]:
    """Translated axis and legend texts for ``plot_training_curves``."""
    keys = ("loss", "accuracy", "epoch", "batch", "train", "validation")
    return {k: t(f"chart.{k}") for k in keys}


def _format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def _render_status(job: Job) -> None:
    if job.status is JobStatus.QUEUED:
        st.info(t("job.queued", position=get_runner().queue_position(job.id) or 1), icon=":material/schedule:")
    elif job.status is JobStatus.RUNNING:
        st.progress(job.progress, text=t("job.running", epoch=min(len(job.epoch_metrics) + 1, job.epochs),
                                         epochs=job.epochs))
    elif job.status is JobStatus.DONE:
        st.success(t("job.done", accuracy=job.result.get("test_accuracy", 0.0), run=job.run_id or "–"),
                   icon=":material/check_circle:")
    elif job.status is JobStatus.STOPPED:
        st.warning(t("job.stopped", reason=t(f"job.stop_reason.{job.stop_reason or 'user'}"),
                     epochs=len(job.epoch_metrics), accuracy=job.result.get("test_accuracy", 0.0)),
                   icon=":material/stop_circle:")
    else:
        reason = t(job.error) if job.error.startswith("error.") else job.error
        st.error(t("job.failed", reason=reason), icon=":material/error:")


def _render_numbers(job: Job) -> None:
    cols = st.columns(4)
    cols[0].metric(t("job.epoch"), f"{len(job.epoch_metrics)} / {job.epochs}")
    cols[1].metric(t("job.elapsed"), _format_seconds(job.elapsed_s))
    cols[2].metric(t("job.remaining"), _format_seconds(job.remaining_s))
    speed = {"speech": "job.speed_clips", "text": "job.speed_reviews"}.get(job.task.split("-")[0], "job.speed")
    cols[3].metric(t(speed), f"{job.samples_per_s:,.0f}")


def _job_view(job_id: int) -> None:
    runner = get_runner()
    live = runner.get(job_id)
    if live is None:
        return
    job = live.snapshot()
    _render_status(job)
    if job.status in (JobStatus.DONE, JobStatus.STOPPED) and job.run_id:  # the run as a zip, in one click
        render_run_download(job.run_id, key=f"export_{job_id}")
    if not job.status.finished:
        st.button(t("job.stop"), key=f"stop_{job_id}", icon=":material/stop:",
                  on_click=runner.stop, args=(job_id,))
    _render_numbers(job)
    if job.batch_metrics or job.epoch_metrics:
        st.plotly_chart(plot_training_curves(job.batch_metrics, job.epoch_metrics, job.steps_per_epoch,
                                             curve_labels()), key=f"curves_{job_id}")
        render_summary(summarize_training(job.epoch_metrics, job.epochs, job.batch_metrics))
    acknowledged = st.session_state.setdefault("finished_jobs_seen", set())
    if job.status.finished and job_id not in acknowledged:
        acknowledged.add(job_id)
        st.session_state["just_finished_job_run"] = job.run_id
        st.rerun(scope="app")  # the model picker and history outside this panel now have a new run


def render_job_panel(job_id: int) -> None:
    """Show job ``job_id``, refreshing every second until it has finished."""
    live = get_runner().get(job_id)
    if live is None:
        return
    finished = live.status.finished
    if finished:
        st.session_state.setdefault("finished_jobs_seen", set()).add(job_id)
    st.fragment(run_every=None if finished else REFRESH_S)(_job_view)(job_id)
