"""NeuralStage (神经网络展台): the router. Page config, navigation by section, the shared sidebar.

    streamlit run app.py
"""

import streamlit as st

from core.devices import prepare_environment

prepare_environment()  # before any page imports Keras: backend choice and GPU memory settings

from ui.streamlit_fixes import keep_keras_state  # noqa: E402

keep_keras_state()  # Streamlit would clear Keras's process-wide state after every visitor's run

from ui.presenter import render_presenter_frame, render_presenter_toggle  # noqa: E402
from ui.sidebar import render_queue_status, render_sidebar  # noqa: E402  (needs the environment above)
from ui.state import t  # noqa: E402
from ui.tour import notes_window_page, render_tour_bar, wants_notes_window  # noqa: E402

st.set_page_config(page_title="NeuralStage · 神经网络展台", page_icon=":material/neurology:", layout="wide")

if wants_notes_window():  # the presenter's speaker-notes tab opened from the tour: no menu, no sidebar
    st.navigation([notes_window_page()], position="hidden").run()
    st.stop()

navigation = st.navigation({
    t("nav.overview"): [
        st.Page("app_pages/home.py", title=t("nav.home"), icon=":material/home:", url_path="home", default=True),
    ],
    t("nav.train"): [
        st.Page("app_pages/mnist.py", title=t("nav.mnist"), icon=":material/draw:", url_path="mnist"),
        st.Page("app_pages/images.py", title=t("nav.images"), icon=":material/image_search:", url_path="images"),
        st.Page("app_pages/speech.py", title=t("nav.speech"), icon=":material/graphic_eq:", url_path="speech"),
        st.Page("app_pages/text.py", title=t("nav.text"), icon=":material/reviews:", url_path="text"),
    ],
    t("nav.stories"): [
        st.Page("app_pages/cases.py", title=t("nav.cases"), icon=":material/business_center:", url_path="cases"),
        st.Page("app_pages/impact.py", title=t("nav.impact"), icon=":material/balance:", url_path="impact"),
        st.Page("app_pages/scale.py", title=t("nav.scale"), icon=":material/stacked_bar_chart:", url_path="scale"),
    ],
    t("nav.lab"): [
        st.Page("app_pages/runs.py", title=t("nav.runs"), icon=":material/history:", url_path="runs"),
        st.Page("app_pages/datasets.py", title=t("nav.datasets"), icon=":material/dataset:", url_path="datasets"),
        st.Page("app_pages/knowledge.py", title=t("nav.knowledge"), icon=":material/hub:", url_path="knowledge"),
    ],
})
render_sidebar()
render_presenter_toggle()
render_presenter_frame(navigation.url_path or "home")
render_tour_bar(navigation.url_path or "home")
navigation.run()
render_queue_status()
