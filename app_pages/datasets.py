"""Data sets: a class's own labelled images, recordings and texts, collected here or uploaded."""

import streamlit as st

from core.markdown import escape_markdown
from ui.state import get_user_data, t
from ui.user_data_collect import render_collector, render_new_dataset_form
from ui.user_data_eval import render_class_evaluation
from ui.user_data_train import render_class_training, render_class_try
from ui.user_data_upload import render_upload
from ui.user_data_view import pick_dataset, render_dataset_table, render_edit, render_preview

st.title(t("data.title"))
st.markdown(t("data.intro"))

yours, collect, upload, train = st.tabs([t("data.tab.yours"), t("data.tab.collect"), t("data.tab.upload"),
                                        t("data.tab.train")])
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
        st.subheader(t("data.collect.into", name=escape_markdown(chosen.name)))
        st.caption(t("data.collect.into_hint"))
        render_collector(chosen)
with train:
    if chosen is None:
        st.info(t("data.none_yet"), icon=":material/dataset:")
    else:
        st.subheader(t("data.train.title", name=escape_markdown(chosen.name)))
        render_class_training(chosen)
        st.subheader(t("data.try.title"))
        render_class_try(chosen)
        st.subheader(t("data.eval.title"))
        render_class_evaluation(chosen)
