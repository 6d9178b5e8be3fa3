"""The guided tour's bar: step counter, what to say and do, Back / Next, and speaker notes.

The step lives in Session State and in the URL (``?tour=3``), so a link opens the tour at any step
and on the right page. Leaving the tour's page through the menu keeps the tour open: the bar then
offers the way back to the step.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.markdown import escape_markdown
from core.tour import STEPS, TourStep, neighbours, parse_step, step_at, total_minutes
from ui.presenter import is_presenting
from ui.state import current_language, t

STEP_KEY = "tour_step"


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


def _render_notes(name: str) -> None:
    """Speaker notes in a folded sidebar panel: on the presenter's screen, not in the slide area."""
    with st.sidebar.expander(t("tour.notes_title"), icon=":material/speaker_notes:"):
        st.markdown(t(f"tour.step.{name}.notes"))
        st.caption(t("tour.notes_hint"))


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
    _render_notes(step.name)
