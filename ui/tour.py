"""The guided tour's bar (step counter, what to say and do, Back / Next) and the speaker-notes window.

The step lives in Session State and in the URL (``?tour=3``), so a link opens the tour at any step
and on the right page. Leaving the tour's page through the menu keeps the tour open: the bar then
offers the way back to the step.

Speaker notes never appear in the window the audience sees, which a projector often mirrors. The bar
offers them in a second browser tab (``?notes=<code>``) for the presenter's own screen; the presenting
tab publishes its step under that code (core/tour_notes.py) and the notes tab follows it every second.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from core.markdown import escape_markdown
from core.tour import STEPS, TourStep, neighbours, parse_step, step_at, total_minutes
from core.tour_notes import EXPIRY_S, NotesRegistry, new_code, parse_code
from ui.presenter import is_presenting
from ui.state import current_language, t

STEP_KEY = "tour_step"
NOTES_CODE_KEY = "tour_notes_code"  # this session's code in the notes registry, made on its first tour step
NOTES_PARAM = "notes"  # the link parameter that opens the notes window
NOTES_REFRESH_S = 1.0  # how soon the notes window follows Next or Back; each refresh is one dictionary lookup

# Large type for a laptop screen read from a step or two away while talking.
NOTES_CSS = """
<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { max-width: 62rem; padding-top: 2rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.35rem; line-height: 1.5; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 1.1rem; }
</style>
"""


@st.cache_resource(show_spinner=False)
def get_notes_registry() -> NotesRegistry:
    """The process-wide registry of presenting sessions' tour steps (one per server process)."""
    return NotesRegistry()


def _notes_code() -> str:
    """This session's code in the notes registry, made the first time it is asked for."""
    if NOTES_CODE_KEY not in st.session_state:
        st.session_state[NOTES_CODE_KEY] = new_code()
    return st.session_state[NOTES_CODE_KEY]


def _link_params(number: int) -> dict[str, str]:
    """The URL of step ``number``: the step, and the visitor's language and presenter mode."""
    params = {"tour": str(number), "lang": current_language()}
    if is_presenting():
        params["present"] = "1"
    return params


def go_to_step(number: int) -> None:
    """Open step ``number`` on its page."""
    st.session_state[STEP_KEY] = number
    st.switch_page(step_at(number).page, query_params=_link_params(number))


def start_tour() -> None:
    """Begin at the first step."""
    go_to_step(1)


def end_tour() -> None:
    """Close the bar; the visitor stays where they are."""
    st.session_state.pop(STEP_KEY, None)
    if NOTES_CODE_KEY in st.session_state:  # an open notes window says the tour has closed
        get_notes_registry().publish(st.session_state[NOTES_CODE_KEY], None)
    if "tour" in st.query_params:
        del st.query_params["tour"]


def _shows(step: TourStep, page: str) -> bool:
    """Whether ``page`` (a URL path such as "mnist") is the step's page; every page file is named for its URL path."""
    return Path(step.page).stem == page


def _current_step(page: str) -> int | None:
    """The step to show: from the link when it names one, else from this session; follows a link to its page."""
    raw = st.query_params.get("tour")
    if raw is not None:
        number = parse_step(raw)
        if number is None:
            end_tour()
            st.warning(t("tour.bad_step", raw=escape_markdown(raw[:20]), count=len(STEPS)), icon=":material/signpost:")
            return None
        st.session_state[STEP_KEY] = number
        if not _shows(step_at(number), page):
            go_to_step(number)
    return st.session_state.get(STEP_KEY)


def _render_buttons(number: int, step: TourStep, page: str) -> None:
    """Back, Next (Finish on the last step) and Leave in one row that wraps only when it must, even on a phone."""
    previous, following = neighbours(number)
    row = st.container(horizontal=True, gap="small")
    if row.button(t("tour.back"), icon=":material/arrow_back:", disabled=previous is None, key="tour_back"):
        go_to_step(previous)
    if following is not None:
        if row.button(t("tour.next"), icon=":material/arrow_forward:", type="primary", key="tour_next"):
            go_to_step(following)
    elif row.button(t("tour.finish"), icon=":material/flag:", type="primary", key="tour_finish"):
        end_tour()
        st.rerun()
    if not _shows(step, page) and row.button(t("tour.return"), icon=":material/undo:", key="tour_return"):
        go_to_step(number)
    if row.button(t("tour.exit"), icon=":material/close:", key="tour_exit"):
        end_tour()
        st.rerun()
    # A relative link: "./" is the app's root from any page, under whatever path prefix it is served.
    notes_link = "./?" + urlencode({NOTES_PARAM: _notes_code(), "lang": current_language()})
    row.link_button(t("tour.notes_open"), notes_link, icon=":material/open_in_new:", key="tour_notes_link",
                    help=t("tour.notes_open_help"))


def render_tour_bar(page: str) -> None:
    """Above the page while a tour runs: where we are, what to do here, and the way on."""
    number = _current_step(page)
    if number is None:
        return
    step = step_at(number)
    with st.container(border=True, key="tour_bar"):
        st.caption(t("tour.counter", number=number, count=len(STEPS), minutes=step.minutes,
                     total=total_minutes()))
        st.progress(number / len(STEPS))
        st.markdown(f"**{t(f'tour.step.{step.name}.title')}**")
        st.markdown(t(f"tour.step.{step.name}.script"))
        _render_buttons(number, step, page)
    get_notes_registry().publish(_notes_code(), number)


def wants_notes_window() -> bool:
    """Whether this tab was opened as a speaker-notes window (``?notes=`` in its link)."""
    return NOTES_PARAM in st.query_params


def _notes_view(code: str) -> None:
    """The step the presenting tab shows, with its notes; redrawn every NOTES_REFRESH_S seconds."""
    published = get_notes_registry().read(code)
    if published is None:  # expired while open: say so, and let the page set up again without a timer
        st.rerun(scope="app")
    if published.step is None:
        st.info(t("tour.notes_closed"), icon=":material/pause_circle:")
        return
    number, step = published.step, step_at(published.step)
    st.caption(t("tour.counter", number=number, count=len(STEPS), minutes=step.minutes, total=total_minutes()))
    st.header(t(f"tour.step.{step.name}.title"), anchor=False)
    with st.container(border=True, key="notes_text"):
        st.markdown(t(f"tour.step.{step.name}.notes"))
    st.subheader(t("tour.notes_script"), anchor=False)
    st.markdown(t(f"tour.step.{step.name}.script"))
    following = neighbours(number)[1]
    if following is None:
        st.caption(t("tour.notes_last"))
    else:
        st.caption(t("tour.notes_next", title=t(f"tour.step.{step_at(following).name}.title")))


def render_notes_window() -> None:
    """The presenter's own tab: only the speaker notes of the step the presenting tab shows, in large type.

    An unknown or expired code gets a message and no timer: no presenting session will ever publish
    under a code it did not make.
    """
    st.html(NOTES_CSS)
    st.title(t("tour.notes_title"), anchor=False)
    code = parse_code(st.query_params.get(NOTES_PARAM))
    if code is None or get_notes_registry().read(code) is None:
        st.warning(t("tour.notes_unknown", hours=round(EXPIRY_S / 3600)), icon=":material/link_off:")
        return
    st.fragment(run_every=NOTES_REFRESH_S)(_notes_view)(code)


def notes_window_page() -> st.Page:
    """The notes window as the only page of its tab's navigation (no menu, no sidebar)."""
    return st.Page(render_notes_window, title=t("tour.notes_title"), icon=":material/speaker_notes:",
                   url_path=NOTES_PARAM, default=True)
