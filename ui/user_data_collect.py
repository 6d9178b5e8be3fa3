"""Collecting a class data set in the browser: name the classes, then draw, photograph, record or type
samples for each one. Every sample is saved as soon as it is added, so nothing is lost on a reload.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.errors import UserError
from core.markdown import escape_markdown, escape_params
from core.user_data import DatasetInfo
from ui.state import bound_translator, get_user_data, t

KEY = "collect"
DRAWING_KEY = f"{KEY}_drawing"  # the canvas image (RGBA); tests set it directly, as for the digits page
CANVAS_SIDE = 280


def render_new_dataset_form() -> None:
    """Name, kind and labels of a new, empty data set."""
    tr = bound_translator()
    with st.form(f"{KEY}_new", border=True):
        name = st.text_input(t("data.collect.name"), max_chars=60, key=f"{KEY}_name")
        kind = st.radio(t("data.collect.kind"), ("image", "audio", "text"), horizontal=True, key=f"{KEY}_kind",
                        format_func=lambda k: tr(f"data.kind.{k}"))
        labels = st.text_input(t("data.collect.labels"), key=f"{KEY}_labels", help=t("data.collect.labels_help"),
                               placeholder=t("data.collect.labels_example"))
        if st.form_submit_button(t("data.collect.create"), icon=":material/add:", type="primary"):
            _create(name, kind, labels)


def _create(name: str, kind: str, labels: str) -> None:
    empty = {"image": np.zeros((0, 28, 28), np.uint8), "audio": np.zeros((0, 8000), np.float32),
             "text": np.zeros((0,), "<U1")}[kind]
    try:
        parts = labels.replace("，", ",").split(",") if labels.strip() else []
        info = get_user_data().save(name, kind, parts, empty, np.zeros(0, np.int64), "collected")
    except UserError as exc:
        st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        return
    st.session_state["dataset_chosen"] = info.id
    st.success(t("data.collect.created", name=escape_markdown(info.name), count=len(info.labels)),
               icon=":material/check_circle:")


def _shown(info: DatasetInfo, label: int) -> str:
    """The class name as Markdown that shows it exactly as the teacher typed it."""
    return escape_markdown(info.labels[label])


def _add(info: DatasetInfo, label: int, sample: np.ndarray) -> None:
    try:
        updated = get_user_data().add_samples(info.id, sample[None], [label])
    except UserError as exc:
        st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        return
    st.toast(t("data.collect.added", label=_shown(info, label), count=updated.counts[label]),
             icon=":material/add:")


def _render_drawing(info: DatasetInfo, label: int) -> None:
    from streamlit_drawable_canvas import st_canvas

    from data.preprocess import preprocess_drawing

    generation = st.session_state.get(f"{KEY}_canvas_generation", 0)
    result = st_canvas(stroke_width=20, stroke_color="#FFFFFF", background_color="#000000", height=CANVAS_SIDE,
                       width=CANVAS_SIDE, drawing_mode="freedraw", key=f"{KEY}_canvas_{generation}",
                       return_image_data=True)
    if result is not None and result.image_data is not None:
        st.session_state[DRAWING_KEY] = np.asarray(result.image_data)
    if st.button(t("data.collect.add_drawing", label=_shown(info, label)), icon=":material/add:",
                 key=f"{KEY}_add_drawing", type="primary"):
        drawing = preprocess_drawing(st.session_state.get(DRAWING_KEY))
        if drawing is None:
            st.warning(t("data.collect.draw_first"), icon=":material/draw:")
            return
        _add(info, label, np.rint(drawing * 255).astype(np.uint8))  # stored as pixel levels, like MNIST
        st.session_state[DRAWING_KEY] = None
        st.session_state[f"{KEY}_canvas_generation"] = generation + 1  # a blank canvas for the next one
        st.rerun()


def _render_photo(info: DatasetInfo, label: int) -> None:
    from core.data_import import shrink_to_grid
    from data.preprocess import decode_upload

    photo = st.camera_input(t("data.collect.photo"), key=f"{KEY}_camera_{label}")
    if photo is not None and st.button(t("data.collect.add_photo", label=_shown(info, label)),
                                       icon=":material/add_a_photo:", key=f"{KEY}_add_photo"):
        try:
            _add(info, label, shrink_to_grid(decode_upload(photo.getvalue(), formats=("PNG", "JPEG"))))
        except UserError as exc:
            st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")


def _render_recording(info: DatasetInfo, label: int) -> None:
    from core.audio import decode_audio, prepare_clip

    recording = st.audio_input(t("data.collect.record", label=_shown(info, label)), key=f"{KEY}_audio_{label}")
    if recording is not None and st.button(t("data.collect.add_recording", label=_shown(info, label)),
                                           icon=":material/add:", key=f"{KEY}_add_audio"):
        try:
            samples, rate = decode_audio(recording.getvalue())
            _add(info, label, prepare_clip(samples, rate).model_input)
        except UserError as exc:
            st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")


def _render_typing(info: DatasetInfo, label: int) -> None:
    lines = st.text_area(t("data.collect.lines", label=_shown(info, label)), key=f"{KEY}_lines",
                         max_chars=20_000)
    if st.button(t("data.collect.add_lines"), icon=":material/add:", key=f"{KEY}_add_lines"):
        texts = [line.strip() for line in lines.splitlines() if line.strip()]
        if not texts:
            st.warning(t("data.collect.type_first"), icon=":material/edit:")
            return
        try:
            get_user_data().add_samples(info.id, np.array(texts), [label] * len(texts))
        except UserError as exc:
            st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
            return
        st.toast(t("data.collect.added_lines", count=len(texts), label=_shown(info, label)),
                 icon=":material/add:")


def render_collector(info: DatasetInfo) -> None:
    """Pick a class, then add a sample of it the way this kind of data set takes them."""
    label = st.segmented_control(t("data.collect.for_label"), range(len(info.labels)), default=0, required=True,
                                 format_func=lambda i: f"{escape_markdown(info.labels[i])} ({info.counts[i]})",
                                 key=f"{KEY}_label")
    label = 0 if label is None else label
    if info.kind == "image":
        tr = bound_translator()
        how = st.radio(t("data.collect.how"), ("draw", "photo"), horizontal=True, key=f"{KEY}_how",
                       format_func=lambda h: tr(f"data.collect.how.{h}"))
        (_render_drawing if how == "draw" else _render_photo)(info, label)
    elif info.kind == "audio":
        _render_recording(info, label)
    else:
        _render_typing(info, label)
