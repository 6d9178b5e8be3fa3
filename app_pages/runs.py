"""Run history page: every finished training run of this app, to compare and tidy up."""

import streamlit as st

from ui.run_history import render_run_history
from ui.state import t

st.title(t("runs.title"))
st.markdown(t("runs.intro"))
render_run_history()
