"""Case studies: a voice assistant, cloud speech recognition and cloud image recognition, each beside the
related model of this app measured live on this device."""

import streamlit as st

from ui.case_panels import CASES, render_case
from ui.state import t

st.title(t("cases.title"))
st.markdown(t("cases.intro"))
tabs = st.tabs([t(f"cases.tab.{case}") for case in CASES], key="cases_tab", on_change="rerun")
for tab, case in zip(tabs, CASES):
    with tab:
        if tab.open:
            render_case(case)
