"""Train & try on a class data set: the digits page's MLP or the images page's CNN for images, the
speech page's GRU or CRNN for recordings, with one output per class of the set, trained live; then
a new drawing or recording is read by the model just trained."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from core.errors import UserError
from core.markdown import escape_params
from core.jobs import JobStatus
from core.user_data import DatasetInfo
from ui.job_panel import render_job_panel
from ui.state import bound_translator, get_runner, session_id, t

KEY = "class_train"
JOB_KEY = "class_job"  # Session State: the id of this visitor's latest job on a class data set
DRAWING_KEY = f"{KEY}_drawing"
FAMILIES = {"image": ("mlp", "cnn"), "audio": ("gru", "crnn"), "text": ("small", "mean")}
DEFAULT_EPOCHS = {"mlp": 20, "cnn": 10, "gru": 20, "crnn": 20, "small": 20, "mean": 20}


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
        epochs = st.slider(t("train.epochs"), 1, 60, DEFAULT_EPOCHS[family], key=f"{KEY}_epochs_{family}")
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


def render_class_try(info: DatasetInfo) -> None:
    """Draw or record a new sample and see what the model just trained on this data set makes of it."""
    job = get_runner().get(st.session_state.get(JOB_KEY, -1))
    config = job.config if job is not None else {}
    if job is None or job.status is not JobStatus.DONE or config.get("dataset_id") != info.id:
        st.info(t("data.try.train_first"), icon=":material/model_training:")
        return
    from core.inference import wrap_model
    from ui.prediction import render_prediction

    models = st.session_state.setdefault("class_models", {})
    if job.id not in models:
        models[job.id] = wrap_model(job.result["model"])
    if info.kind == "image" and info.provenance.startswith("upload:"):
        st.caption(t("data.try.polarity"))  # drawings are light on dark; uploaded photos usually the reverse
    sample = {"image": _drawn_sample, "audio": _recorded_sample, "text": _typed_sample}[info.kind]()
    if sample is None:
        return
    probabilities = models[job.id].predict_one(sample)
    render_prediction(probabilities, list(config["labels"]), t("try.prediction"), t("try.probabilities"),
                      key=f"{KEY}_answer")


def _drawn_sample() -> np.ndarray | None:
    from streamlit_drawable_canvas import st_canvas

    from data.preprocess import preprocess_drawing

    result = st_canvas(stroke_width=20, stroke_color="#FFFFFF", background_color="#000000", height=280, width=280,
                       drawing_mode="freedraw", key=f"{KEY}_canvas", return_image_data=True)
    if result is not None and result.image_data is not None:
        st.session_state[DRAWING_KEY] = np.asarray(result.image_data)
    drawing = preprocess_drawing(st.session_state.get(DRAWING_KEY))
    if drawing is None:
        st.caption(t("data.try.draw"))
    return drawing


def _recorded_sample() -> np.ndarray | None:
    from core.audio import decode_audio, prepare_clip

    recording = st.audio_input(t("data.try.record"), key=f"{KEY}_audio")
    if recording is None:
        return None
    try:
        samples, rate = decode_audio(recording.getvalue())
        return prepare_clip(samples, rate).model_input
    except UserError as exc:
        st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        return None


def _typed_sample() -> np.ndarray | None:
    from core.text_inference import encode_texts

    text = st.text_input(t("data.try.type"), key=f"{KEY}_text", max_chars=1_000)
    if not text.strip():
        return None
    job = get_runner().get(st.session_state[JOB_KEY])
    return encode_texts(job.result["model"], [text])[0]
