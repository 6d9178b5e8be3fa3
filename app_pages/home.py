"""Home page: what NeuralStage is, where to start, and what works offline. Imports no TensorFlow."""

import streamlit as st

from ui.home_cards import render_offline_status, render_page_cards
from ui.state import t

st.title(t("home.title"))
st.markdown(t("home.tagline"))
st.markdown(t("home.intro"))

st.subheader(t("home.start_here"))
render_page_cards()

st.subheader(t("home.offline_title"))
render_offline_status()
