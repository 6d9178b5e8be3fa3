"""Data sets: a class's own labelled images, recordings and texts, collected here or uploaded."""

import streamlit as st

from ui.state import get_user_data, t
from ui.user_data_collect import render_collector, render_new_dataset_form
from ui.user_data_upload import render_upload
from ui.user_data_view import pick_dataset, render_dataset_table, render_edit, render_preview

st.title(t("data.title"))
st.markdown(t("data.intro"))

yours, collect, upload = st.tabs([t("data.tab.yours"), t("data.tab.collect"), t("data.tab.upload")])
with collect:
    render_new_dataset_form()
with upload:
    render_upload()

sets = get_user_data().list()
chosen = None
with yours:
    if sets:
        render_dataset_table(sets)
        chosen = pick_dataset(sets)
        render_preview(chosen)
        render_edit(chosen)
    else:
        st.info(t("data.none_yet"), icon=":material/dataset:")
if chosen is not None:
    with collect:  # new samples go into the set picked on the first tab
        st.divider()
        st.subheader(t("data.collect.into", name=chosen.name))
        st.caption(t("data.collect.into_hint"))
        render_collector(chosen)
