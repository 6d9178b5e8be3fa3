"""Speaker notes through AppTest: the audience's window never shows them; the notes window opened from
the tour's link shows the step the presenting session published, follows Next and Back, and explains
an unknown or expired link in the visitor's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import translate
from core.tour import STEPS, step_at
from core.tour_notes import new_code

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_tour(lang: str, number: int) -> AppTest:
    """The presenting window at tour step ``number``."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": lang, "tour": str(number)})
    at.run()
    assert not at.exception, at.exception
    return at


def open_notes(code: str, lang: str = "en") -> AppTest:
    """A second tab opened with ``?notes=<code>``."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": lang, "notes": code})
    at.run()
    assert not at.exception, at.exception
    return at


def every_text(at: AppTest) -> str:
    """All the text a run put on screen (main area and sidebar), labels included."""
    texts = []
    for kind in ("markdown", "caption", "header", "subheader", "title", "info", "warning", "success", "error"):
        texts += [element.value for element in at.get(kind)]
    texts += [element.label for element in at.expander]
    return "\n".join(texts)


def notes_of(lang: str, number: int) -> str:
    return translate(lang, f"tour.step.{step_at(number).name}.notes")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("number", [1, 3, len(STEPS)])
def test_the_presenting_window_shows_no_speaker_notes_only_the_link_to_them(lang, number):
    at = open_tour(lang, number)
    shown = every_text(at)
    assert translate(lang, f"tour.step.{step_at(number).name}.script") in shown  # the tour bar is there
    assert notes_of(lang, number) not in shown
    assert translate(lang, "tour.notes_title") not in shown  # no notes panel, folded or not
    link = next(b for b in at.get("link_button") if b.proto.label == translate(lang, "tour.notes_open"))
    code = at.session_state["tour_notes_code"]
    assert link.proto.url == f"./?notes={code}&lang={lang}"


def test_the_notes_window_shows_the_step_the_presenting_session_published_and_follows_it():
    from ui.tour import get_notes_registry

    code = new_code()
    get_notes_registry().publish(code, 3)
    notes = open_notes(code)
    assert [h.value for h in notes.header] == [translate("en", "tour.step.train_cnn.title")]
    assert notes.markdown[0].value == notes_of("en", 3)
    assert translate("en", "tour.step.train_cnn.script") in every_text(notes)
    assert any(c.value == "Next: Speak a digit" for c in notes.caption)
    assert any(c.value.startswith(f"Guided tour · step 3 of {len(STEPS)}") for c in notes.caption)
    assert not notes.get("segmented_control") and not notes.toggle  # no language switch, no presenter toggle

    get_notes_registry().publish(code, len(STEPS))
    notes.run()
    assert notes.markdown[0].value == notes_of("en", len(STEPS))
    assert any(c.value == "This is the last step." for c in notes.caption)

    get_notes_registry().publish(code, None)
    notes.run()
    assert [i.value for i in notes.info] == [translate("en", "tour.notes_closed")]


def test_the_notes_window_follows_next_and_back_pressed_in_the_presenting_window():
    presenter = open_tour("zh", 2)
    notes = open_notes(presenter.session_state["tour_notes_code"], "zh")
    assert notes.markdown[0].value == notes_of("zh", 2)
    presenter.button(key="tour_next").click().run()
    notes.run()
    assert notes.markdown[0].value == notes_of("zh", 3)
    presenter.button(key="tour_back").click().run()
    presenter.button(key="tour_back").click().run()
    notes.run()
    assert notes.markdown[0].value == notes_of("zh", 1)
    presenter.button(key="tour_exit").click().run()
    notes.run()
    assert [i.value for i in notes.info] == [translate("zh", "tour.notes_closed")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("raw", ["", "nope", new_code()])  # the last has the right shape but was never published
def test_an_unknown_notes_link_gets_a_clear_message_in_the_visitors_language(raw, lang):
    notes = open_notes(raw, lang)
    assert [w.value for w in notes.warning] == [translate(lang, "tour.notes_unknown", hours=4)]
    assert not notes.header and not notes.get("link_button")


def test_a_notes_window_whose_code_expires_while_open_says_so():
    from ui.tour import get_notes_registry

    registry, code = get_notes_registry(), new_code()
    registry.publish(code, 2)
    notes = open_notes(code)
    assert notes.markdown[0].value == notes_of("en", 2)
    with registry._lock:  # as if the presenter had been silent for longer than the expiry time
        del registry._steps[code]
    notes.run()
    assert [w.value for w in notes.warning] == [translate("en", "tour.notes_unknown", hours=4)]


def test_a_tour_link_still_opens_its_step_on_its_page_and_publishes_it():
    from ui.tour import get_notes_registry

    at = open_tour("en", 4)
    assert at.title[0].value == translate("en", "speech.title")
    assert any(c.value.startswith(f"Guided tour · step 4 of {len(STEPS)}") for c in at.caption)
    assert get_notes_registry().read(at.session_state["tour_notes_code"]).step == 4
