"""A caption saying which data a page uses, how many samples, and where they come from."""

from __future__ import annotations

import streamlit as st

from ui.state import t


def render_data_note(source: str) -> None:
    """Name the digit data set ``source`` ("bundled" or "full") with its split sizes and licence."""
    if source == "bundled":
        from data.mnist import load_bundled_mnist

        sizes = load_bundled_mnist().sizes
        st.caption(t("data.note.bundled", **sizes), help=t("data.note.bundled_help"))
    else:
        st.caption(t("data.note.full"))
