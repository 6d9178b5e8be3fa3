"""Hostile text: sentences, labels, data set ids and link parameters (``?lang=``, ``?tour=``,
``?present=``, ``?notes=``) of any Unicode. Each is read into a valid value or refused with one of the app's own
translated errors; text that reaches Markdown shows as typed."""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from core.errors import UserError
from core.i18n import LANGUAGES, normalize_language, translate
from core.markdown import escape_markdown, escape_params
from core.text_inference import MAX_INPUT_CHARS, read_text
from core.tour import STEPS, parse_step
from core.tour_notes import CODE_PATTERN, NotesRegistry, parse_code
from core.user_data import MAX_LABEL_CHARS, UserDataStore, check_labels
from data.tokenizer import CONTROL, OOV_ID, Tokenizer, normalise
from hostile_inputs import assert_known_user_error, call_or_user_error

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)  # lone surrogates cannot be typed
WEIRD = st.sampled_from(["", " ", "\x00", "\u202e", "\ufeff", "\u200b" * 5, "ﷺ" * 50, "İ", "ß", "Ⅻ", "㍿",
                         "<script>alert(1)</script>", "../../etc/passwd", "%00", "{0}", "{name}", "1e9", "٣", "３",
                         "\n\n# heading", "![x](http://example.invalid/x.png)", "😀" * 30])
TEXTS = ANY_TEXT | WEIRD

TOKENIZERS = {level: Tokenizer.fit(["the cat sat on the mat", "the dog sat", "猫坐在垫子上", "狗坐下"] * 2, level, 50)
              for level in ("char", "word")}


@given(text=TEXTS)
def test_normalised_text_has_no_control_characters_and_single_spaces(text):
    cleaned = normalise(text)
    assert not CONTROL.search(cleaned)
    assert cleaned == " ".join(cleaned.split())


@given(texts=st.lists(TEXTS, max_size=8), length=st.integers(1, 64), level=st.sampled_from(("char", "word")))
def test_any_texts_encode_to_ids_in_the_vocabulary(texts, length, level):
    tokenizer = TOKENIZERS[level]
    ids = tokenizer.encode(texts, length)
    assert ids.shape == (len(texts), length) and ids.dtype == np.int32
    assert ids.min(initial=0) >= 0 and ids.max(initial=0) < tokenizer.size


class FakeTextModel:
    """What ``read_text`` asks of a Keras text model: its "vocabulary" layer, its input length, and
    its layers (none named "member_…": not an ensemble)."""

    layers = ()

    def __init__(self, tokenizer: Tokenizer, length: int) -> None:
        self.tokenizer, self.input_shape = tokenizer, (None, length)

    def get_layer(self, name: str):
        assert name == "vocabulary"
        return self


@given(text=TEXTS | st.builds(lambda s, n: s * n, TEXTS, st.integers(1, 300)), level=st.sampled_from(("char", "word")))
def test_any_sentence_is_read_or_refused_with_a_known_error(text, level):
    reading = call_or_user_error(read_text, FakeTextModel(TOKENIZERS[level], 32), text)
    if reading is not None:
        assert reading.ids.shape == (32,) and reading.ids.dtype == np.int32
        assert 0 < len(reading.tokens) <= 32 and reading.total_tokens >= len(reading.tokens)
        assert 0 <= reading.unknown < len(reading.tokens)
        assert (reading.ids[: len(reading.tokens)] != 0).all() and (reading.ids[len(reading.tokens):] == 0).all()
        assert reading.ids.max() < TOKENIZERS[level].size and OOV_ID in range(TOKENIZERS[level].size)


def test_a_very_long_sentence_is_cut_before_it_is_tokenised():
    reading = read_text(FakeTextModel(TOKENIZERS["word"], 32), "the cat " * MAX_INPUT_CHARS)
    assert reading.chars_cut and reading.truncated and len(reading.tokens) == 32


@given(raw=st.none() | TEXTS)
def test_any_lang_parameter_gives_a_supported_language(raw):
    assert normalize_language(raw) in LANGUAGES


@given(raw=st.none() | TEXTS | st.integers(-10, 100).map(str))
def test_any_tour_parameter_gives_a_step_or_none_and_the_warning_is_translated(raw):
    number = parse_step(raw)
    assert number is None or (1 <= number <= len(STEPS) and str(number) == raw.strip())
    if number is None and raw is not None:
        for lang in LANGUAGES:  # what the tour bar shows for it, whatever braces or markup the link holds
            shown = translate(lang, "tour.bad_step", raw=escape_markdown(raw[:20]), count=len(STEPS))
            assert escape_markdown(raw[:20]) in shown


@pytest.mark.parametrize("raw, number", [("3", 3), (" 8 ", 8), ("0", None), ("9", None), ("٣", None), ("３", None),
                                         ("3.0", None), ("+3", None), ("1e0", None), ("", None)])
def test_only_plain_ascii_step_numbers_open_a_step(raw, number):
    assert parse_step(raw) == number


NOTES_REGISTRY = NotesRegistry()  # nothing is ever published to it: every code is unknown


@given(raw=st.none() | TEXTS | st.builds(lambda s, n: s * n, TEXTS, st.integers(1, 300)))
def test_any_notes_parameter_gives_a_code_of_our_shape_or_none_and_reads_as_unknown(raw):
    code = parse_code(raw)
    assert code is None or (CODE_PATTERN.fullmatch(code) and code == raw.strip())
    assert NOTES_REGISTRY.read(code or "") is None and len(NOTES_REGISTRY) == 0


@given(labels=st.lists(TEXTS, max_size=60))
def test_any_labels_are_cleaned_or_refused_with_a_known_error(labels):
    cleaned = call_or_user_error(check_labels, labels)
    if cleaned is not None:
        assert 2 <= len(cleaned) <= 50 and len(set(cleaned)) == len(cleaned)
        assert all(0 < len(label) <= MAX_LABEL_CHARS and label == label.strip() for label in cleaned)


# Markdown: someone's own text renders as typed, never as a link, picture, heading, colour or formula.

@given(text=TEXTS)
def test_escaped_text_holds_no_markdown_syntax(text):
    shown = escape_markdown(text)
    assert "\n" not in shown and "\r" not in shown
    unescaped = re.sub(r"\\.", "", shown)  # what is left once every escaped character is taken out
    assert not re.search(r"[\\`*_\[\]()<>#!|$:&~]", unescaped)


@pytest.mark.parametrize("text, shown", [
    ("![x](http://e.invalid/a.png)", r"\!\[x\]\(http\://e\.invalid/a\.png\)"),
    ("<script>alert(1)</script>", r"\<script\>alert\(1\)\</script\>"),
    ("**cat** | dog", r"\*\*cat\*\* \| dog"),
    ("line\n\n# heading", r"line \# heading"),
    (":red[alarm] $x^2$", r"\:red\[alarm\] \$x\^2\$"),
    ("猫 cat", "猫 cat"),
])
def test_escaping_examples(text, shown):
    assert escape_markdown(text) == shown


def test_escape_params_leaves_numbers_for_their_format():
    params = escape_params({"name": "a_b", "count": 1234, "share": 0.5})
    assert params == {"name": r"a\_b", "count": 1234, "share": 0.5}
    assert translate("en", "data.upload.done", **params, classes=2).startswith("“a\\_b” imported: 1,234 samples")


# Data set ids: made by the store, never from user text; anything else is refused before a path is built.

HOSTILE_IDS = ["../x", "..", "../../etc/passwd", "/etc/passwd", "0123456789ab\n", "0123456789AB", "0123456789ab/..",
               "", " 0123456789ab", "０１２３４５６７８９ａｂ", "0123456789a", "0123456789abc", None, 123, b"0123456789ab"]


@pytest.mark.parametrize("dataset_id", HOSTILE_IDS, ids=repr)
@pytest.mark.parametrize("operation", ["info", "load", "delete", "export_zip", "add_samples", "delete_sample"])
def test_hostile_data_set_ids_are_refused_before_any_path_is_built(dataset_id, operation, tmp_path):
    store = UserDataStore(tmp_path)
    args = {"add_samples": (np.zeros((1, 28, 28), np.uint8), [0]), "delete_sample": (0,)}.get(operation, ())
    with pytest.raises(UserError) as caught:
        getattr(store, operation)(dataset_id, *args)
    assert caught.value.key == "error.data.unknown"
    assert_known_user_error(caught.value)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["datasets"]  # nothing made or touched outside


def test_deleting_a_data_set_twice_says_it_is_gone(tmp_path):
    store = UserDataStore(tmp_path)
    info = store.save("x", "text", ["a", "b"], np.array(["one", "two"]), np.array([0, 1]), "collected")
    store.delete(info.id)
    with pytest.raises(UserError) as caught:
        store.delete(info.id)  # the second tab
    assert caught.value.key == "error.data.unknown"


def check_export_reads_back(labels: list[str], home) -> None:
    """A data set with ``labels`` exports to a zip of safe names that the upload reads with every class."""
    from core.data_import import import_image_zip

    store = UserDataStore(home)
    x = np.random.default_rng(0).integers(0, 256, (5 * len(labels), 28, 28), dtype=np.uint8)
    info = store.save("set", "image", labels, x, np.repeat(np.arange(len(labels)), 5), "collected")
    payload = store.export_zip(info.id)
    for name in zipfile.ZipFile(io.BytesIO(payload)).namelist():
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name and ".." not in parts and "" not in parts
        assert not any(ord(ch) < 32 for ch in name)
    assert len(import_image_zip(payload).labels) == len(labels)  # no two classes share a folder


@settings(max_examples=25)
@given(labels=st.lists(TEXTS, min_size=2, max_size=6, unique_by=lambda s: s.strip()))
def test_exported_zips_of_any_labels_hold_only_safe_names_and_read_back_every_class(labels, tmp_path_factory):
    try:
        labels = list(check_labels(labels))
    except UserError:
        return
    check_export_reads_back(labels, tmp_path_factory.mktemp("home"))


@pytest.mark.parametrize("labels", [["a?", "a_"], ["x/y", "x_y", "x_y_1"], ["Cat", "cat"], ["\u00e9", "e\u0301"],
                                    ["__MACOSX", "other"], ["a" * 38 + "_1", "a" * 38 + "?1", "a" * 38 + ":1"],
                                    ["..", "class_0"]])
def test_labels_that_would_share_a_folder_each_get_their_own(labels, tmp_path):
    check_export_reads_back(labels, tmp_path)
