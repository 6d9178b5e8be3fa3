"""Presenter mode: larger type and stronger contrast for a projector, and one key takeaway per page.

Turned on with the sidebar toggle or ``?present=1`` in the URL; the toggle keeps the URL in step, so a
shared link opens in the same mode. Everything else works as usual.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.state import t

# Sizes chosen to be read from the back of a classroom; colours darken Streamlit's light greys for a projector.
# Larger page text applies to the main area only, and page names wrap rather than being cut short. The
# toolbar stays, since it holds the button that opens a collapsed sidebar (the only way to the menu, the
# language switch and this mode's own toggle on a phone); only the app menu and Deploy button go.
PRESENTER_CSS = """
<style>
html { font-size: 19px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] :is(p, li, td, th) { font-size: 1.2rem; color: #000; }
[data-testid="stTable"] :is(td, th) { font-size: 1.1rem; color: #000; }
[data-testid="stCaptionContainer"] { opacity: 1; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 1.05rem; color: #222; }
[data-testid="stCaptionContainer"] a { color: #0B3D91; }
[data-testid="stMetricValue"] { font-size: 2.8rem; }
h1 { font-size: 3.1rem !important; }
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"] { display: none; }
:is([data-testid="stSidebarNav"], [data-testid="stPageLink"]) [data-testid="stMarkdownContainer"],
:is([data-testid="stSidebarNav"], [data-testid="stPageLink"]) [data-testid="stMarkdownContainer"] p {
  white-space: normal; }
@media (min-width: 1024px) { [data-testid="stSidebar"] { min-width: 340px; } }
</style>
"""


def is_presenting() -> bool:
    """Whether presenter mode is on for this visitor (first read from ``?present=1``); off outside a page
    run, as when a chart is built in a unit test."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return False
    if "presenting" not in st.session_state:
        st.session_state["presenting"] = st.query_params.get("present") == "1"
    return st.session_state["presenting"]


def advanced_area(label_key: str):
    """Where controls a presenter rarely touches go (data options, a custom network, optimiser settings,
    the seed): in presenter mode under a folded expander named for what it holds, ``t(label_key)``, so the
    folded areas of one form are told apart; in place otherwise, so nothing moves.
    Use as ``with advanced_area("train.fold.data"): ...``."""
    if is_presenting():
        return st.expander(t(label_key), icon=":material/tune:")
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
