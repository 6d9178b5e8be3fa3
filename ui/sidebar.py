"""The sidebar every page shares: language switch, device badge and the training queue."""

from __future__ import annotations

import streamlit as st

from core.devices import describe_device
from core.i18n import LANGUAGES
from ui.state import current_language, get_runner, t


def render_language_switch() -> None:
    """A two-way switch that also writes ``?lang=`` into the URL, so a shared link keeps the language."""
    lang = current_language()
    choice = st.sidebar.segmented_control(
        t("sidebar.language"), options=list(LANGUAGES), format_func=LANGUAGES.get,
        default=lang, key="language_switch")
    if choice and choice != lang:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()
    st.query_params["lang"] = lang


def render_device_badge() -> None:
    """Backend and device the models train on, e.g. ``tensorflow · CPU × 2``."""
    device = describe_device()
    icon = ":material/memory:" if device.kind == "GPU" else ":material/developer_board:"
    st.sidebar.badge(device.label, icon=icon, color="green" if device.kind == "GPU" else "blue")


def render_queue_status() -> None:
    """How many training jobs are running and waiting in this app, for everyone using it.

    Drawn after the page, so a job the page has just queued is already counted.
    """
    counts = get_runner().counts()
    st.sidebar.caption(t("sidebar.queue", running=counts["running"], queued=counts["queued"]))


def render_sidebar() -> None:
    """Draw the shared sidebar above the page: language switch and device badge."""
    render_language_switch()
    render_device_badge()
