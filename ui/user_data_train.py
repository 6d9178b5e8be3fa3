"""Train & try on a class data set: the digits page's MLP or the images page's CNN for images, the
speech page's GRU or CRNN for recordings, the reviews page's small Transformer or mean of embeddings
for texts, with one output per class of the set, trained live; then a new drawing, recording or
sentence read by any model stored for this set, the one just trained first.

Demo-safe like the Train & try pages (ui/fallback.py), but with this set's own models: the shipped
models know digits, clothes and reviews, not the class's labels, so a failed or slow run gives way
to the best model stored for this data set, or to a replay of how it learned.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.class_runs import list_usable_runs
from core.errors import UserError
from core.jobs import JobStatus
from core.markdown import escape_params
from core.training import MAX_EPOCHS
from core.user_data import DatasetInfo
from ui.job_panel import render_job_panel
from ui.model_picker import load_run_model
from ui.replay import render_replay_view, start_replay
from ui.state import bound_translator, get_runner, get_store, session_id, t
from ui.user_data_try import render_sample_try

KEY = "class_train"
JOB_KEY = "class_job"  # Session State: the id of this visitor's latest job on a class data set
DRAWING_KEY = f"{KEY}_drawing"  # the Try canvas image (RGBA); tests set it directly
TRY_KEY = f"{KEY}_model"  # Session State: the run tried, per data set
FAMILIES = {"image": ("mlp", "cnn"), "audio": ("gru", "crnn"), "text": ("small", "mean")}
DEFAULT_EPOCHS = {"mlp": 20, "cnn": 10, "gru": 20, "crnn": 20, "small": 20, "mean": 20}
STOP_WAIT_S = 10.0  # a job stops within one batch
REPLAY_SPEED = 2.0  # epochs a second, as on the Train & try pages


def _spec(info: DatasetInfo, family: str, epochs: int):
    from core.class_tasks import ClassDataJobSpec
    from models import image_cnn, mnist_mlp, speech_rnn, text_transformer

    presets = {"image": {"mlp": mnist_mlp.PRESETS["keras_mlp"], "cnn": image_cnn.PRESETS["cnn3"]},
               "audio": speech_rnn.PRESETS, "text": text_transformer.PRESETS}[info.kind]
    preset = presets[family]
    return ClassDataJobSpec(preset.model, info.id, info.labels, replace(preset.train, epochs=epochs))


def render_class_training(info: DatasetInfo) -> None:
    """Preset and epochs; Start queues a job whose live panel appears beside the form."""
    from core.tasks import make_training_work

    tr = bound_translator()
    form, live = st.columns([2, 3], gap="large")
    with form:
        family = st.radio(t("train.preset"), FAMILIES[info.kind], horizontal=True, key=f"{KEY}_family_{info.kind}",
                          format_func=lambda f: tr(f"data.train.family.{f}"))
        epochs = st.slider(t("train.epochs"), 1, MAX_EPOCHS, DEFAULT_EPOCHS[family], key=f"{KEY}_epochs_{family}")
        st.caption(t("data.train.split"))
        start = st.button(t("train.start"), type="primary", icon=":material/play_arrow:", key=f"{KEY}_start")
    with live:
        if start:
            try:
                spec = _spec(info, family, epochs)
                job = get_runner().submit(spec.task, spec.to_dict(), make_training_work(spec), epochs=epochs,
                                          owner=session_id(), batch_size=spec.train.batch_size)
                st.session_state[JOB_KEY] = job.id
            except UserError as exc:
                st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        if JOB_KEY in st.session_state:
            render_job_panel(st.session_state[JOB_KEY])
            _render_fallback(st.session_state[JOB_KEY], info)


def _stored_runs(info: DatasetInfo) -> list:
    """This set's runs that ended with a model, newest first."""
    return list_usable_runs(get_store(), info.kind, dataset_id=info.id)


def _use_stored(job_id: int, info: DatasetInfo, run_id: int) -> None:
    _stop(job_id)
    st.session_state[f"{TRY_KEY}_{info.id}"] = run_id
    st.session_state["class_fallback_notice"] = (job_id, run_id)


def _replay(job_id: int, run_id: int) -> None:
    _stop(job_id)
    start_replay(run_id, REPLAY_SPEED, f"class_job_{job_id}")


def _stop(job_id: int) -> None:
    """Stop the job and wait, so it ends before the Try picker below is drawn again."""
    live = get_runner().get(job_id)
    if live is not None and not live.status.finished:
        get_runner().stop(job_id)
        get_runner().wait(job_id, timeout=STOP_WAIT_S)


def _render_fallback(job_id: int, info: DatasetInfo) -> None:
    """Under a job on this set that has not finished well: use this set's best stored model, or replay it."""
    live = get_runner().get(job_id)
    if live is None or live.status is JobStatus.DONE or live.config.get("dataset_id") != info.id:
        return
    stored = [run for run in _stored_runs(info) if run.id != live.run_id]
    best = max(stored, key=lambda r: (r.test_accuracy or 0.0, r.id)).id if stored else 0  # newest among equals
    with st.container(border=True, key=f"class_fallback_{job_id}"):
        st.markdown(t("fallback.title"))
        row = st.container(horizontal=True)
        row.button(t("data.fallback.stored"), icon=":material/inventory_2:", key=f"class_fallback_stored_{job_id}",
                   disabled=not stored, on_click=_use_stored, args=(job_id, info, best))
        row.button(t("data.fallback.replay"), icon=":material/replay:", key=f"class_fallback_replay_{job_id}",
                   disabled=not stored, on_click=_replay, args=(job_id, best))
        notice = st.session_state.get("class_fallback_notice")
        if notice and notice[0] == job_id:
            st.success(t("data.fallback.stored_done", run=notice[1]), icon=":material/check_circle:")
        elif not stored:
            st.caption(t("data.fallback.none"))
        render_replay_view(f"class_job_{job_id}")


def render_class_try(info: DatasetInfo) -> None:
    """Choose a model stored for this data set (the one just trained first), then try a new sample on it."""
    runs = _stored_runs(info)
    if not runs:
        st.info(t("data.try.train_first"), icon=":material/model_training:")
        return
    tr = bound_translator()
    by_id = {run.id: run for run in runs}
    key = f"{TRY_KEY}_{info.id}"
    job = get_runner().get(st.session_state.get(JOB_KEY, -1))
    fresh = job.run_id if job is not None and job.status is JobStatus.DONE else None
    if fresh in by_id and st.session_state.get(f"{KEY}_fresh") != fresh:  # just trained: try it at once
        st.session_state[f"{KEY}_fresh"] = st.session_state[key] = fresh
    if st.session_state.get(key) not in by_id:
        st.session_state[key] = runs[0].id
    chosen = st.selectbox(t("data.try.model"), list(by_id), key=key, format_func=lambda run_id: tr(
        "data.try.run", run=run_id, family=tr(f"family.{by_id[run_id].task.rsplit('-', 1)[-1]}"),
        epochs=by_id[run_id].epochs_done, accuracy=by_id[run_id].test_accuracy or 0.0))
    model = load_run_model(chosen)
    if model is None:
        st.error(t("model.missing", run=chosen), icon=":material/warning:")
        return
    labels = tuple(by_id[chosen].config.get("labels", info.labels))
    render_sample_try(model, labels, info.kind, KEY, uploaded_set=info.provenance.startswith("upload:"))
