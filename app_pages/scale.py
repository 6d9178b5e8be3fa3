"""Stories · Model scale: how big published networks are, next to the ones trained here."""

import streamlit as st

from ui.model_scale import render_model_scale
from ui.state import t

st.title(t("scale.title"))
st.markdown(t("scale.intro"))
render_model_scale()
