"""MNIST page: try MLP digit classifiers by drawing, train them live, look inside them."""

import streamlit as st

from core.errors import UserError
from core.tasks import MNIST_TASK, make_mnist_work
from ui.data_note import render_data_note
from ui.digit_inspect import render_digit_inspect
from ui.digit_try import render_digit_try
from ui.job_panel import render_job_panel
from ui.mnist_form import render_mnist_form
from ui.model_picker import pick_digit_model
from ui.state import get_runner, session_id, t

st.title(t("mnist.title"))
st.markdown(t("mnist.intro"))
picked = pick_digit_model(MNIST_TASK, "mnist_mlp")

try_tab, train_tab, inspect_tab = st.tabs([t("mnist.tab_try"), t("mnist.tab_train"), t("mnist.tab_inspect")])

with try_tab:
    if picked is not None:
        render_digit_try(picked[0])

with train_tab:
    form_col, live_col = st.columns([2, 3], gap="large")
    with form_col:
        spec, start = render_mnist_form()
        render_data_note(spec.data_source)
    with live_col:
        if start:
            try:
                job = get_runner().submit(MNIST_TASK, spec.to_dict(), make_mnist_work(spec),
                                          epochs=spec.train.epochs, owner=session_id(),
                                          batch_size=spec.train.batch_size)
                st.session_state["mnist_job"] = job.id
            except UserError as exc:
                st.error(t(exc.key, **exc.params))
        if "mnist_job" in st.session_state:
            render_job_panel(st.session_state["mnist_job"])
        else:
            st.info(t("mnist.no_job"), icon=":material/model_training:")

with inspect_tab:
    if picked is not None:
        render_digit_inspect(*picked)
