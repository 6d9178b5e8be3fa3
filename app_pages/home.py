"""Home page: the five generations, where to start, the tour, and what works offline. Imports no TensorFlow."""

import streamlit as st

from core.tour import STEPS, total_minutes
from ui.home_cards import render_device_line, render_offline_status, render_page_cards
from ui.presenter import is_presenting
from ui.state import t
from ui.timeline import render_audience_link, render_timeline
from ui.tour import start_tour

# In presenter mode the audience link sits beside the introduction; on a phone the columns stack.
intro, audience = st.columns([3, 2], gap="large") if is_presenting() else (st.container(), None)
with intro:
    st.title(t("home.title"))
    st.markdown(t("home.tagline"))
    st.markdown(t("home.intro"))
    render_device_line()
    if st.button(t("tour.start"), icon=":material/tour:", type="primary", key="tour_start",
                 help=t("tour.start_help", count=len(STEPS), minutes=total_minutes())):
        start_tour()
if audience is not None:
    with audience:
        render_audience_link("home")

st.subheader(t("home.generations"))
render_timeline()

st.subheader(t("home.start_here"))
render_page_cards()

st.subheader(t("home.offline_title"))
render_offline_status()
