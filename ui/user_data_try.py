"""Trying a model trained on a class data set: draw or upload a picture, record or upload a word, or
type a sentence, and read the answer with the data set's own class names.

The Class data sets page uses it for the models trained on the chosen set; the Train & try pages
use it when a class-set run is picked at their top, since their own Try panels speak of digits,
clothes and reviews.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.errors import SINGLE_FILE_MB, UserError
from core.inference import LoadedModel
from core.markdown import escape_markdown, escape_params
from ui.charts import upscale
from ui.model_picker import PickedModel, class_set_name
from ui.prediction import render_prediction
from ui.state import bound_translator, t

CANVAS_SIDE = 280  # as on the digits page: ten screen pixels per model pixel


def render_sample_try(model: LoadedModel, labels: tuple[str, ...], kind: str, key: str,
                      uploaded_set: bool = False) -> None:
    """An input of ``kind`` ("image", "audio" or "text") and the model's answer with ``labels``.

    ``key`` prefixes every widget key, so two pages keep their own drawing; ``uploaded_set`` says the
    pictures were uploaded (often dark on light, unlike a drawing).
    """
    try:
        if kind == "image":
            sample = _picture(key, uploaded_set)
        elif kind == "audio":
            sample = _recording(key)
        else:
            sample = _sentence(model, key)
    except UserError as exc:
        st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        return
    if sample is None:
        return
    # Raw labels: the metric and the chart show them as plain text, and the summary escapes its own.
    _, left = render_prediction(model.predict_one(sample), list(labels), t("try.prediction"),
                                t("data.try.probabilities"), key=f"{key}_answer")
    if kind == "image":
        left.image(upscale(sample, 4), caption=t("try.model_sees"), clamp=True)


def _picture(key: str, uploaded_set: bool) -> np.ndarray | None:
    """A drawing (white ink on black, like the digits page) or an uploaded picture, as 28×28 in [0, 1]."""
    tr = bound_translator()
    how = st.radio(t("data.try.how"), ("draw", "upload"), horizontal=True, key=f"{key}_how",
                   format_func=lambda h: tr(f"data.try.how.{h}"))
    if how == "upload":
        from core.data_import import shrink_to_grid
        from data.preprocess import decode_upload

        photo = st.file_uploader(t("data.try.upload_picture"), key=f"{key}_picture", max_upload_size=SINGLE_FILE_MB)
        if photo is None:
            return None
        # Shrunk as the set's own photos were when they were added, so the model sees its kind of picture.
        return shrink_to_grid(decode_upload(photo.getvalue(), formats=("PNG", "JPEG"))) / 255.0
    if uploaded_set:
        st.caption(t("data.try.polarity"))  # drawings are light on dark; uploaded photos usually the reverse
    return _drawing(key)


def _drawing(key: str) -> np.ndarray | None:
    from streamlit_drawable_canvas import st_canvas

    from data.preprocess import preprocess_drawing

    result = st_canvas(stroke_width=20, stroke_color="#FFFFFF", background_color="#000000", height=CANVAS_SIDE,
                       width=CANVAS_SIDE, drawing_mode="freedraw", key=f"{key}_canvas", return_image_data=True)
    if result is not None and result.image_data is not None:
        st.session_state[f"{key}_drawing"] = np.asarray(result.image_data)
    drawing = preprocess_drawing(st.session_state.get(f"{key}_drawing"))
    if drawing is None:
        st.caption(t("data.try.draw"))
    return drawing


def _recording(key: str) -> np.ndarray | None:
    from core.audio import decode_audio, prepare_clip

    tr = bound_translator()
    how = st.radio(t("data.try.how"), ("record", "upload"), horizontal=True, key=f"{key}_how_audio",
                   format_func=lambda h: tr(f"data.try.how.{h}"))
    if how == "record":
        recording = st.audio_input(t("data.try.record"), key=f"{key}_audio")
    else:
        recording = st.file_uploader(t("data.try.upload_recording"), key=f"{key}_audio_file",
                                     max_upload_size=SINGLE_FILE_MB)
    if recording is None:
        return None
    return prepare_clip(*decode_audio(recording.getvalue())).model_input


def _sentence(model: LoadedModel, key: str) -> np.ndarray | None:
    from core.text_inference import encode_texts

    text = st.text_input(t("data.try.type"), key=f"{key}_text", max_chars=1_000)
    if not text.strip():
        return None
    return encode_texts(model.model, [text])[0]


def render_class_model_try(picked: PickedModel, kind: str, key: str) -> None:
    """The Try tab of a Train & try page when the model picked there learned a class data set."""
    name = class_set_name(picked.source.removeprefix("class:"), picked.labels)
    st.caption(t("data.try.class_model", name=escape_markdown(name),
                 labels=escape_markdown(", ".join(picked.labels))))
    render_sample_try(picked.model, picked.labels, kind, key)


def render_class_model_note(picked: PickedModel) -> None:
    """The Look-inside tab for a class-set model: its scores live with its data on the Class data sets page,
    one click away with that set chosen."""
    st.info(t("data.inspect.class_model", labels=escape_markdown(", ".join(picked.labels))), icon=":material/info:")
    dataset_id = picked.source.removeprefix("class:")
    if st.button(t("data.inspect.open", name=escape_markdown(class_set_name(dataset_id, picked.labels))),
                 icon=":material/dataset:", key="class_model_open_set"):
        st.session_state["dataset_chosen"] = dataset_id  # the page picks another set if this one is gone
        st.switch_page("app_pages/datasets.py")
