"""Speech page: recurrent networks that recognise spoken digits in English and Mandarin; say one into
the microphone, train a GRU live, watch its hidden state over time."""

import streamlit as st

from core.inference import shipped_models
from ui.model_picker import pick_model
from ui.speech_form import render_speech_form
from ui.speech_inspect import render_speech_inspect
from ui.speech_try import render_honesty_note, render_speech_try
from ui.state import t
from ui.training_tab import render_training_tab
from ui.user_data_try import render_class_model_note, render_class_model_try

KINDS = ("gru", "lstm", "bigru", "crnn")

st.title(t("speech.title"))
st.markdown(t("speech.intro"))
shipped = shipped_models("speech")
render_honesty_note(shipped)
picked = pick_model("speech", shipped, KINDS, key="speech_model")
# Try and Look inside run only while open; Train always runs, so its settings persist.
try_tab, train_tab, inspect_tab = st.tabs([t("speech.tab_try"), t("speech.tab_train"), t("speech.tab_inspect")],
                                          key="speech_tab", on_change="rerun")
with try_tab:
    if try_tab.open and picked is not None and picked.labels:  # a model of a class data set: its own words
        render_class_model_try(picked, "audio", key="speech_class_try")
    elif try_tab.open and picked is not None:
        render_speech_try(picked)
with train_tab:
    render_training_tab(render_speech_form, job_key="speech_job")
with inspect_tab:
    if inspect_tab.open and picked is not None and picked.labels:
        render_class_model_note(picked)
    elif inspect_tab.open and picked is not None:
        render_speech_inspect(picked)
