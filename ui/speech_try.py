"""The Try panel of the speech page: say a digit, upload a recording or play a corpus clip; hear
exactly what the model hears, see its three best guesses, and watch it make up its mind over time.

A fragment: a new recording reruns only the panel. The microphone widget asks the browser for the
microphone only when the visitor presses record.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.audio import LISTEN_SPEEDS, predict_listening
from core.chart_text import summarize_over_time, summarize_waveform
from core.errors import SINGLE_FILE_MB, UserError
from data.speech_format import SAMPLE_RATE
from ui.charts import render_summary
from ui.model_picker import PickedModel
from ui.prediction import render_prediction
from ui.speech_charts import first_sure_frame, plot_over_time, plot_waveform
from ui.state import bound_translator, t

KEY = "speech_try"
RECORD_RATE = 16000  # the browser records at this rate; the clip is then brought to 8 kHz like any file


def speech_class_names() -> list[str]:
    """"7 · seven" in English, "7 · 七" in Chinese: the digit with its word."""
    return [t(f"class.speech.{d}") for d in range(10)]


def _example_clip() -> np.ndarray:
    """A clip of the test split, chosen by language, digit and voice: voices the model never heard."""
    from data.speech import load_speech

    tr = bound_translator()
    data = load_speech()
    info = data.info_test
    left, middle, right = st.columns(3)
    language = left.selectbox(t("speech.try.language"), ("en", "zh"), key=f"{KEY}_language",
                              format_func=lambda lang: tr(f"language.{lang}"))
    digit = middle.selectbox(t("speech.try.digit"), range(10), key=f"{KEY}_digit",
                             format_func=lambda d: speech_class_names()[d])
    chosen = np.flatnonzero((info.language == language) & (data.y_test == digit))
    voices = [f"{info.variant[i]} · {info.speed[i]} · {info.pitch[i]}" for i in chosen]
    pick = right.selectbox(t("speech.try.voice"), range(len(chosen)), key=f"{KEY}_voice",
                           format_func=lambda i: voices[i], help=t("speech.try.voice_help"))
    return np.asarray(data.x_test[chosen[min(pick, len(chosen) - 1)]])


def _recording() -> bytes | None:
    tr = bound_translator()
    mode = st.radio(t("speech.try.source"), ("record", "upload", "example"), horizontal=True, key=f"{KEY}_mode",
                    format_func=lambda m: tr(f"speech.try.mode.{m}"))
    if mode == "record":
        audio = st.audio_input(t("speech.try.record"), sample_rate=RECORD_RATE, key=f"{KEY}_record",
                               help=t("speech.try.record_help"))
    elif mode == "upload":
        # No type filter: a wrong file gets our own message, in the visitor's language.
        audio = st.file_uploader(t("speech.try.upload"), key=f"{KEY}_upload", help=t("speech.try.upload_help"),
                                 max_upload_size=SINGLE_FILE_MB)
    else:
        return None
    if audio is None:
        st.info(t(f"speech.try.waiting.{mode}"), icon=":material/mic:")
        return b""
    return audio.getvalue()


def _prepare(payload: bytes) -> np.ndarray:
    from core.audio import decode_audio, prepare_clip

    steps = prepare_clip(*decode_audio(payload))
    notes = [t("speech.try.steps", rate=steps.original_rate, seconds=steps.original_seconds,
               start=steps.speech_start, kept=steps.trimmed_seconds, gain=steps.gain)]
    if steps.cut_to_loudest:
        notes.append(t("speech.try.cut_to_loudest"))
    st.caption(" ".join(notes))
    if steps.clipped:
        st.warning(t("speech.try.clipped"), icon=":material/graphic_eq:")
    return steps.model_input


def _render_answer(picked: PickedModel, clip: np.ndarray) -> None:
    from core.explain import over_time
    from models.speech_rnn import HOP

    names = speech_class_names()
    listen = st.toggle(t("speech.try.listen"), value=True, key=f"{KEY}_listen", help=t("speech.try.listen_help"))
    if listen:
        probabilities, per_speed = predict_listening(picked.model.predict_batch, clip[None])
        probabilities, per_speed = probabilities[0], per_speed[0]
    else:
        probabilities = picked.model.predict_one(clip)
    winner, left = render_prediction(probabilities, names, t("speech.try.prediction"),
                                     t("speech.try.top3"), key=f"{KEY}_top3")
    if listen:
        heard = " · ".join(t("speech.try.heard_at", speed=speed, name=names[int(np.argmax(p))], p=float(np.max(p)))
                           for speed, p in zip(LISTEN_SPEEDS, per_speed))
        st.caption(t("speech.try.listened", heard=heard))
    left.caption(t("speech.try.hears"))
    left.audio(clip, sample_rate=SAMPLE_RATE)
    st.plotly_chart(plot_waveform(clip, SAMPLE_RATE, {"time": t("speech.time"), "amplitude": t("speech.amplitude")}),
                    key=f"{KEY}_wave")
    render_summary(summarize_waveform(clip, SAMPLE_RATE))
    st.subheader(t("speech.inside.title"))
    frames, states, per_frame = over_time(picked.model.model, clip)
    labels = {k: t(f"speech.inside.{k}") for k in ("mel", "hidden", "probability", "band", "unit")}
    labels["time"] = t("speech.time")
    st.plotly_chart(plot_over_time(frames, states, per_frame, HOP / SAMPLE_RATE, names, labels), key=f"{KEY}_inside")
    render_summary(summarize_over_time(per_frame, winner, HOP / SAMPLE_RATE, names[winner]))
    sure = first_sure_frame(per_frame, winner)
    if sure is None:
        st.caption(t("speech.inside.never_sure", name=names[winner]))
    else:
        st.caption(t("speech.inside.sure_from", name=names[winner], seconds=sure * HOP / SAMPLE_RATE))


def render_honesty_note(shipped: list[str]) -> None:
    """Say that the voices are synthesized, and how the shipped model did on real people where measured."""
    from core.inference import read_model_card

    lines = [t("speech.honesty")]
    for name in shipped:
        for result in read_model_card(name).get("real_speech", []):
            lines.append(t("speech.real_measured", n=result["n"], accuracy=result["accuracy"],
                           one_speed=result.get("accuracy_one_speed", result["accuracy"]),
                           data=t(f"speech.real_data.{result['data']}")))
    st.info("\n\n".join(lines), icon=":material/record_voice_over:")


@st.fragment
def render_speech_try(picked: PickedModel) -> None:
    """Let the visitor choose a clip, and show what the model hears, answers and does over time."""
    try:
        payload = _recording()
        if payload == b"":
            return
        clip = _example_clip() if payload is None else _prepare(payload)
        _render_answer(picked, clip)
    except UserError as exc:
        st.error(t(exc.key, **exc.params), icon=":material/mic_off:")
