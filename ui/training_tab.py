"""A Train tab: a settings form beside the live panel of the visitor's latest job on that page."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from core.errors import UserError
from core.markdown import escape_params
from core.tasks import ImageJobSpec, make_training_work
from ui.datasets import render_data_note
from ui.fallback import render_fallback
from ui.job_panel import render_job_panel
from ui.state import get_runner, session_id, t


def render_training_tab(render_form: Callable[[], tuple[ImageJobSpec, bool]], job_key: str) -> None:
    """Form on the left; on Start, queue a job; on the right, the live panel of the job in ``job_key``.

    ``render_form`` draws the form and returns the spec it describes and whether Start was pressed;
    ``job_key``, "<page>_job", is the Session State key holding the id of this page's latest job. The
    page's tabs are keyed "<page>_tab" with a Try tab named by "<page>.tab_try": the fallback under a
    failed or slow run opens it on the shipped model.
    """
    page = job_key.removesuffix("_job")
    form_col, live_col = st.columns([2, 3], gap="large")
    with form_col:
        spec, start = render_form()
        render_data_note(spec.dataset, spec.data_source)
    with live_col:
        if start:
            try:
                job = get_runner().submit(spec.task, spec.to_dict(), make_training_work(spec),
                                          epochs=spec.train.epochs, owner=session_id(),
                                          batch_size=spec.train.batch_size)
                st.session_state[job_key] = job.id
            except UserError as exc:
                st.error(t(exc.key, **escape_params(exc.params)))
        if job_key in st.session_state:
            render_job_panel(st.session_state[job_key])
            render_fallback(st.session_state[job_key], try_tab=(f"{page}_tab", t(f"{page}.tab_try")))
        else:
            st.info(t("train.no_job"), icon=":material/model_training:")
