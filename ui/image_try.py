"""The Try panel of the image page: a test image, an upload or a camera photo in; every
preprocessing step, the top three classes, and what the network sees (feature maps and the
occlusion map) out.

The panel is a fragment: choosing another image reruns only the panel. The camera is switched on
by the visitor, so the browser asks for permission only when they want it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.chart_text import summarize_feature_maps, summarize_occlusion
from core.errors import SINGLE_FILE_MB, UserError
from ui.charts import plot_occlusion, render_summary, tile_images, upscale
from ui.datasets import class_names
from ui.model_picker import PickedModel
from ui.prediction import render_prediction
from ui.state import bound_translator, t

KEY = "images_try"
UPLOAD_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
STEP_PX = 140  # width of each preprocessing picture


def _test_image(picked: PickedModel) -> np.ndarray:
    from data.images import load_images

    test = load_images(picked.dataset, picked.source)
    count = len(test.y_test)

    def pick_random() -> None:
        st.session_state[f"{KEY}_index"] = int(np.random.default_rng().integers(1, count + 1))

    left, right = st.columns([2, 1], vertical_alignment="bottom")
    index = left.number_input(t("images.try.index", n=count), 1, count, 1, key=f"{KEY}_index")
    right.button(t("images.try.random"), icon=":material/casino:", key=f"{KEY}_random", on_click=pick_random)
    label = class_names(picked.dataset)[int(test.y_test[index - 1])]
    st.caption(t("images.try.true_class", name=label))
    return test.x_test[index - 1].astype(np.float32) / 255.0


def _from_photo(payload: bytes, dataset: str) -> np.ndarray:
    """Decode a photo and show each step it takes to become the model's input."""
    from data.images import IMAGE_SETS
    from data.preprocess import colour_photo_steps, decode_upload, photo_steps

    colour = len(IMAGE_SETS[dataset].image_shape) == 3
    picture = decode_upload(payload, formats=UPLOAD_FORMATS, colour=colour)
    steps = colour_photo_steps(picture) if colour else photo_steps(picture)
    side = steps.small.shape[0]
    shown = [(steps.grey, t("images.step.colour" if colour else "images.step.grey")),
             (steps.square, t("images.step.square")),
             (upscale(steps.small / 255.0, 5), t("images.step.small", side=side))]
    if not colour:
        last = "images.step.inverted" if steps.inverted else "images.step.kept"
        shown.append((upscale(steps.model_input, 5), t(last)))
    for column, (image, caption) in zip(st.columns(len(shown)), shown):
        column.image(image, caption=caption, width=STEP_PX)
    return steps.model_input


def _render_feature_maps(picked: PickedModel, x: np.ndarray) -> None:
    from core.explain import feature_maps

    st.subheader(t("images.maps.title"))
    st.caption(t("images.maps.caption"))
    for name, maps in feature_maps(picked.model.model, x):
        height, width, channels = maps.shape
        low, high = float(maps.min()), float(maps.max())
        scaled = (np.moveaxis(maps, -1, 0) - low) / ((high - low) or 1.0)
        st.markdown(t("images.maps.layer", name=name, height=height, width=width, channels=channels))
        st.image(tile_images(scaled, columns=16 if channels > 32 else 8, tile_px=40, gap_px=2),
                 width="stretch")
        render_summary(summarize_feature_maps(maps))


def _render_occlusion(picked: PickedModel, x: np.ndarray, winner: int, name: str) -> None:
    from core.explain import occlusion_map

    st.subheader(t("images.occlusion.title"))
    drops = occlusion_map(picked.model.predict_batch, x, winner)
    left, right = st.columns([1, 1])
    left.plotly_chart(plot_occlusion(x, drops, t("images.occlusion.colorbar")), key=f"{KEY}_occlusion")
    render_summary(summarize_occlusion(drops, name), left)
    right.markdown(t("images.occlusion.explain", name=name, drop=float(max(drops.max(), 0.0))))


def _render_answer(picked: PickedModel, x: np.ndarray) -> None:
    names = class_names(picked.dataset)
    winner, left = render_prediction(picked.model.predict_one(x), names, t("images.try.prediction"),
                                     t("images.try.top3"), key=f"{KEY}_top3")
    left.image(upscale(x, 5), caption=t("images.try.model_sees", side=x.shape[0]))
    if picked.family == "cnn":
        _render_feature_maps(picked, x)
        _render_occlusion(picked, x, winner, names[winner])
    else:
        st.info(t("images.maps.mlp"), icon=":material/info:")


@st.fragment
def render_image_try(picked: PickedModel) -> None:
    """Let the visitor choose an input, and show the model's answer and what it looked at."""
    tr = bound_translator()
    mode = st.radio(t("images.try.source"), ("test", "upload", "camera"), horizontal=True, key=f"{KEY}_mode",
                    format_func=lambda m: tr(f"images.try.mode.{m}"))
    try:
        if mode == "test":
            _render_answer(picked, _test_image(picked))
            return
        if mode == "upload":
            # No type filter: a wrong file gets our own message, in the visitor's language.
            photo = st.file_uploader(t("images.try.upload"), key=f"{KEY}_upload", help=t("images.try.upload_help"),
                                     max_upload_size=SINGLE_FILE_MB)
        else:
            photo = None
            if st.toggle(t("images.try.camera_on"), key=f"{KEY}_camera_on", help=t("images.try.camera_help")):
                photo = st.camera_input(t("images.try.camera"), key=f"{KEY}_camera")
        if photo is None:
            st.info(t(f"images.try.waiting.{mode}"), icon=":material/photo_camera:")
            return
        _render_answer(picked, _from_photo(photo.getvalue(), picked.dataset))
    except UserError as exc:
        st.error(t(exc.key, **exc.params), icon=":material/image_not_supported:")
