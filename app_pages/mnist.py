"""MNIST page: try MLP digit classifiers by drawing, train them live, look inside them."""

import streamlit as st

from ui.digit_inspect import render_digit_inspect
from ui.digit_try import forget_drawing, render_digit_try
from ui.mnist_training import render_mnist_training
from ui.model_picker import pick_digit_model
from ui.state import t

st.title(t("mnist.title"))
st.markdown(t("mnist.intro"))
picked = pick_digit_model("mnist-mlp", "mnist_mlp")

# Try and Look inside run only while open: a live training panel then does not share the browser
# with the drawing canvas and the look-inside charts. Train always runs, so its settings persist.
try_tab, train_tab, inspect_tab = st.tabs([t("mnist.tab_try"), t("mnist.tab_train"), t("mnist.tab_inspect")],
                                          key="mnist_tab", on_change="rerun")

with try_tab:
    if try_tab.open and picked is not None:
        render_digit_try(picked[0])
    else:
        forget_drawing()

with train_tab:
    render_mnist_training()

with inspect_tab:
    if inspect_tab.open and picked is not None:
        render_digit_inspect(*picked)
