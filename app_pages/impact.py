"""Social impact & responsibility: fairness, privacy, robustness, transparency, energy and the wider
picture, each beside a measurement made on this app's own models."""

import streamlit as st

from ui.impact_panels import THEMES
from ui.state import t

st.title(t("impact.title"))
st.markdown(t("impact.intro"))
tabs = st.tabs([t(f"impact.tab.{name}") for name in THEMES], key="impact_tab", on_change="rerun")
for tab, render in zip(tabs, THEMES.values()):
    with tab:
        if tab.open:
            render()
