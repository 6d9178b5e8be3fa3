"""MNIST page: try MLP digit classifiers by drawing, train them live, look inside them."""

import streamlit as st

from ui.digit_try import forget_drawing, render_digit_try
from ui.image_inspect import render_image_inspect
from ui.mnist_form import render_mnist_form
from ui.model_picker import pick_model
from ui.state import t
from ui.training_tab import render_training_tab
from ui.user_data_try import render_class_model_note, render_class_model_try

st.title(t("mnist.title"))
st.markdown(t("mnist.intro"))
picked = pick_model("mnist", ("mnist_mlp",), ("mlp",), key="digit_model_choice")

# Try and Look inside run only while open: a live training panel then does not share the browser
# with the drawing canvas and the look-inside charts. Train always runs, so its settings persist.
try_tab, train_tab, inspect_tab = st.tabs([t("mnist.tab_try"), t("mnist.tab_train"), t("mnist.tab_inspect")],
                                          key="mnist_tab", on_change="rerun")

with try_tab:
    if try_tab.open and picked is not None and picked.labels:  # a model of a class data set: its own labels
        render_class_model_try(picked, "image", key="mnist_class_try")
    elif try_tab.open and picked is not None:
        render_digit_try(picked.model)
    else:
        forget_drawing()

with train_tab:
    render_training_tab(render_mnist_form, job_key="mnist_job")

with inspect_tab:
    if inspect_tab.open and picked is not None and picked.labels:
        render_class_model_note(picked)
    elif inspect_tab.open and picked is not None:
        render_image_inspect(picked, key="mnist")
