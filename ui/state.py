"""What the pages share: the process-wide job runner and run store, and the user's language.

The runner and the store live in ``st.cache_resource`` (one per process, shared by every visitor);
everything that belongs to one visitor (their language, their jobs, models they loaded) lives in
Session State.
"""

from __future__ import annotations

import os
import uuid
from functools import partial

import streamlit as st

from core.i18n import normalize_language, translate
from core.jobs import DEFAULT_MAX_RUNNING, JobBackend, JobRunner
from core.runstore import RunStore


@st.cache_resource(show_spinner=False)
def get_store() -> RunStore:
    """The run history under ``NEURALSTAGE_HOME``."""
    return RunStore()


@st.cache_resource(show_spinner=False)
def get_runner() -> JobBackend:
    """The process-wide job runner (in-process threads); jobs are filed in the run store as they are
    queued, start, finish each epoch and end. A distributed backend would be returned here instead
    (docs/SCALING.md)."""
    from core.tasks import record_job, record_job_epoch, record_job_status

    max_running = int(os.environ.get("NEURALSTAGE_MAX_JOBS", DEFAULT_MAX_RUNNING))
    max_wall_s = float(os.environ.get("NEURALSTAGE_MAX_JOB_SECONDS", 600))
    store = get_store()
    return JobRunner(max_running=max_running, max_wall_s=max_wall_s, on_status=partial(record_job_status, store),
                     on_epoch=partial(record_job_epoch, store), on_finish=partial(record_job, store))


def current_language() -> str:
    """The visitor's language code, from the URL (``?lang=zh``) or the sidebar switch."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = normalize_language(st.query_params.get("lang"))
    return st.session_state["lang"]


def t(key: str, **params: object) -> str:
    """Translate ``key`` into the visitor's language."""
    return translate(current_language(), key, **params)


def bound_translator():
    """``t`` fixed to the current language, for ``format_func`` callbacks that Streamlit (or its
    test harness) may call outside the script run, where Session State is not at hand."""
    lang = current_language()
    return lambda key, **params: translate(lang, key, **params)


def session_id() -> str:
    """A stable id for this browser session, to tell the visitor's own jobs from others'."""
    if "session_id" not in st.session_state:
        st.session_state["session_id"] = uuid.uuid4().hex
    return st.session_state["session_id"]


@st.cache_resource(show_spinner=False)
def get_user_data():
    """The class data sets under ``NEURALSTAGE_HOME`` (one store per process, shared by every visitor)."""
    from core.user_data import UserDataStore

    return UserDataStore()
