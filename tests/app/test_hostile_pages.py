"""Hostile input through the pages (AppTest): link parameters and a class data set whose name and
labels are markup. The app opens with its own message, and the text shows as typed, never as a
link, a picture or HTML."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from core.markdown import escape_markdown

APP = str(Path(__file__).resolve().parents[2] / "app.py")
MARKUP = ["<script>alert(1)</script>", "![x](http://example.invalid/x.png)", "[click](javascript:alert(2))"]


def rendered_texts(at: AppTest) -> list[str]:
    """The Markdown source of every text element and widget label the run produced."""
    texts = []
    for kind in ("markdown", "caption", "subheader", "header", "title", "warning", "error", "info", "success"):
        texts += [element.value for element in at.get(kind)]
    for kind in ("button", "checkbox", "text_input", "text_area", "segmented_control", "radio", "selectbox"):
        texts += [element.proto.label for element in at.get(kind)]
    texts += [option for element in at.get("segmented_control") for option in element.options]
    return texts


def assert_no_live_markup(texts: list[str]) -> None:
    """No text holds a link, a picture or an HTML tag that the Markdown renderer would act on."""
    for text in texts:
        unescaped = re.sub(r"\\.", "", text)  # escaped characters are shown, not read
        assert not re.search(r"!?\[[^\]]*\]\(|<script|<img|javascript:", unescaped), text


def test_hostile_link_parameters_open_the_app_with_its_own_message():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "<script>alert(1)</script>" + "x" * 5000, "tour": MARKUP[2],
                            "present": "<b>1</b>"})
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["lang"] == "en" and at.session_state["presenting"] is False
    warnings = [w.value for w in at.warning]
    assert any(escape_markdown(MARKUP[2][:20]) in w for w in warnings), warnings
    assert_no_live_markup(rendered_texts(at))


def test_a_hostile_notes_parameter_opens_the_notes_window_with_its_own_message():
    from core.i18n import translate

    for raw in [*MARKUP, "x" * 5000, "{hours}", "\u202e" + "A" * 12]:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params.update({"lang": "zh", "notes": raw, "tour": MARKUP[2], "present": "1"})
        at.run()
        assert not at.exception, at.exception
        assert [w.value for w in at.warning] == [translate("zh", "tour.notes_unknown", hours=4)]
        assert_no_live_markup(rendered_texts(at))


def test_a_data_set_named_and_labelled_with_markup_shows_it_as_text():
    from ui.state import get_user_data

    x = np.random.default_rng(0).integers(0, 256, (15, 28, 28), dtype=np.uint8)
    info = get_user_data().save(MARKUP[1], "image", MARKUP, x, np.repeat([0, 1, 2], 5), "upload:" + MARKUP[0])
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.session_state["dataset_chosen"] = info.id
    at.run()
    at.switch_page("app_pages/datasets.py").run()
    assert not at.exception, at.exception
    texts = rendered_texts(at)
    for label in MARKUP:
        assert any(escape_markdown(label) in text for text in texts), label  # shown, escaped
    assert_no_live_markup(texts)
    assert all("<script" not in element.proto.body for element in at.get("html"))
