"""Text page: a Transformer encoder reads reviews in Chinese (and English when online), is compared live
with a GRU and a mean of embeddings, and shows where it pays attention."""

import streamlit as st

from core.inference import shipped_models
from ui.model_picker import pick_model
from ui.state import t
from ui.text_compare import FAMILIES, render_text_compare
from ui.text_form import render_text_form
from ui.text_inspect import render_text_inspect
from ui.text_try import render_text_try
from ui.training_tab import render_training_tab
from ui.user_data_try import render_class_model_note, render_class_model_try

st.title(t("text.title"))
st.markdown(t("text.intro"))
shipped = shipped_models("text")
picked = pick_model("text", shipped, FAMILIES, key="text_model")
# Try, Look inside and Compare run only while open; Train always runs, so its settings persist.
try_tab, train_tab, inspect_tab, compare_tab = st.tabs(
    [t("text.tab_try"), t("text.tab_train"), t("text.tab_inspect"), t("text.tab_compare")],
    key="text_tab", on_change="rerun")
with try_tab:
    if try_tab.open and picked is not None and picked.labels:  # a model of a class data set: its own labels
        render_class_model_try(picked, "text", key="text_class_try")
    elif try_tab.open and picked is not None:
        render_text_try(picked)
with train_tab:
    render_training_tab(render_text_form, job_key="text_job")
with inspect_tab:
    if inspect_tab.open and picked is not None and picked.labels:
        render_class_model_note(picked)
    elif inspect_tab.open and picked is not None:
        render_text_inspect(picked)
with compare_tab:
    if compare_tab.open:
        render_text_compare(shipped)
