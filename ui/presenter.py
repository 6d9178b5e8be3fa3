"""Presenter mode: larger type and stronger contrast for a projector, and one key takeaway per page.

Turned on with the sidebar toggle or ``?present=1`` in the URL; the toggle keeps the URL in step, so a
shared link opens in the same mode. Everything else works as usual.
"""

from __future__ import annotations

import streamlit as st

from ui.state import t

# Sizes chosen to be read from the back of a classroom; colours darken Streamlit's light greys for a projector.
PRESENTER_CSS = """
<style>
html { font-size: 19px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.2rem; color: #000; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 1.05rem; color: #222; }
[data-testid="stMetricValue"] { font-size: 2.8rem; }
h1 { font-size: 3.1rem !important; }
[data-testid="stToolbar"] { display: none; }
@media (min-width: 1024px) { [data-testid="stSidebar"] { min-width: 340px; } }
</style>
"""


def is_presenting() -> bool:
    """Whether presenter mode is on for this visitor (first read from ``?present=1``)."""
    if "presenting" not in st.session_state:
        st.session_state["presenting"] = st.query_params.get("present") == "1"
    return st.session_state["presenting"]


def advanced_area():
    """Where controls a presenter rarely touches go (seed, data source): folded away in presenter
    mode, in place otherwise. Use as ``with advanced_area(): ...``."""
    if is_presenting():
        return st.expander(t("presenter.more_settings"), icon=":material/tune:")
    return st.container()


def render_presenter_toggle() -> None:
    """The sidebar switch; it writes ``?present=1`` into the URL while on."""
    on = st.sidebar.toggle(t("presenter.toggle"), value=is_presenting(), key="presenter_toggle",
                           help=t("presenter.toggle_help"))
    st.session_state["presenting"] = on
    if on:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def render_presenter_frame(page: str) -> None:
    """In presenter mode: the larger, higher-contrast style and the page's key takeaway on top."""
    if not is_presenting():
        return
    st.html(PRESENTER_CSS)
    st.info(t(f"takeaway.{page}"), icon=":material/campaign:")
