"""The Train tab of the digits page: the settings form beside the live panel of the visitor's job."""

from __future__ import annotations

import streamlit as st

from core.errors import UserError
from core.tasks import make_training_work
from ui.data_note import render_data_note
from ui.job_panel import render_job_panel
from ui.mnist_form import render_mnist_form
from ui.state import get_runner, session_id, t

JOB_KEY = "mnist_job"  # Session State: id of the visitor's latest digits job


def render_mnist_training() -> None:
    """Form on the left; on Start, queue a job; on the right, the latest job's live panel."""
    form_col, live_col = st.columns([2, 3], gap="large")
    with form_col:
        spec, start = render_mnist_form()
        render_data_note(spec.data_source)
    with live_col:
        if start:
            try:
                job = get_runner().submit(spec.task, spec.to_dict(), make_training_work(spec),
                                          epochs=spec.train.epochs, owner=session_id(),
                                          batch_size=spec.train.batch_size)
                st.session_state[JOB_KEY] = job.id
            except UserError as exc:
                st.error(t(exc.key, **exc.params))
        if JOB_KEY in st.session_state:
            render_job_panel(st.session_state[JOB_KEY])
        else:
            st.info(t("mnist.no_job"), icon=":material/model_training:")
