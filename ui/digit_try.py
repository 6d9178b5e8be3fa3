"""The Try panel for digit models: draw with the mouse or a finger, or upload a photo of a digit.

The panel is a fragment, so each stroke reruns only the panel, not the page. The drawing is kept in
Session State under ``DRAWING_KEY`` (an RGBA array); tests set that key directly to exercise the
same path a real canvas takes.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.chart_text import summarize_probabilities
from core.errors import SINGLE_FILE_MB, UserError
from core.inference import LoadedModel
from data.preprocess import preprocess_drawing, preprocess_upload
from ui.charts import plot_probabilities, render_summary, upscale
from ui.state import t

DRAWING_KEY = "mnist_drawing"
CANVAS_SIDE = 280  # ten screen pixels per model pixel: large enough for a finger on a phone
DIGITS = [str(d) for d in range(10)]


def _render_canvas() -> None:
    from streamlit_drawable_canvas import st_canvas

    generation = st.session_state.get("canvas_generation", 0)
    result = st_canvas(stroke_width=20, stroke_color="#FFFFFF", background_color="#000000",
                       height=CANVAS_SIDE, width=CANVAS_SIDE, drawing_mode="freedraw",
                       key=f"mnist_canvas_{generation}", return_image_data=True)
    image = result.image_data if result is not None else None
    if image is not None:
        st.session_state[DRAWING_KEY] = np.asarray(image)
    if st.button(t("try.clear"), icon=":material/ink_eraser:", key="mnist_clear"):
        st.session_state[DRAWING_KEY] = None
        st.session_state["canvas_generation"] = generation + 1  # a new key gives a blank canvas
        st.rerun(scope="fragment")


def forget_drawing() -> None:
    """Drop the stored drawing when the canvas is not on screen: it comes back blank."""
    if st.session_state.get(DRAWING_KEY) is not None:
        st.session_state[DRAWING_KEY] = None
        st.session_state["canvas_generation"] = st.session_state.get("canvas_generation", 0) + 1


def _render_prediction(digit: np.ndarray, model: LoadedModel) -> None:
    probabilities = model.predict_one(digit)
    winner = int(probabilities.argmax())
    left, right = st.columns([1, 2])
    with left:
        st.metric(t("try.prediction"), DIGITS[winner], t("try.confidence", p=float(probabilities[winner])),
                  delta_color="off", delta_arrow="off")
        st.image(upscale(digit, 5), caption=t("try.model_sees"), clamp=True)
    right.plotly_chart(plot_probabilities(probabilities, DIGITS, t("try.probabilities")),
                       key="mnist_probabilities")
    render_summary(summarize_probabilities(probabilities, DIGITS), right)


@st.fragment
def render_digit_try(model: LoadedModel) -> None:
    """Draw the canvas and the upload box, and the model's answer for whichever was used."""
    draw_tab, upload_tab = st.tabs([t("try.draw_tab"), t("try.upload_tab")])
    with draw_tab:
        canvas_col, answer_col = st.columns([1, 2])
        with canvas_col:
            st.caption(t("try.draw_hint"))
            _render_canvas()
        with answer_col:
            digit = preprocess_drawing(st.session_state.get(DRAWING_KEY))
            if digit is None:
                st.info(t("try.draw_first"), icon=":material/draw:")
            else:
                _render_prediction(digit, model)
    with upload_tab:
        # No type filter: a wrong file gets our own message, in the visitor's language.
        upload = st.file_uploader(t("try.upload"), key="mnist_upload", help=t("try.upload_help"),
                                  max_upload_size=SINGLE_FILE_MB)
        if upload is not None:
            try:
                _render_prediction(preprocess_upload(upload.getvalue()), model)
            except UserError as exc:
                st.error(t(exc.key, **exc.params), icon=":material/image_not_supported:")
