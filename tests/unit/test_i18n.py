"""Both languages have the same keys, no empty texts, the same placeholders, and every key in use."""

import re
import string
from pathlib import Path

import pytest

from core.i18n import LANGUAGES, load_locale, normalize_language, translate

REPO = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"""\b(?:t|UserError)\(\s*["']([a-z_]+(?:\.[A-Za-z_0-9]+)+)["']""")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_locales_have_identical_keys_and_no_empty_values():
    en, zh = load_locale("en"), load_locale("zh")
    assert set(en) == set(zh)
    assert all(v.strip() for v in en.values()) and all(v.strip() for v in zh.values())


def test_placeholders_match_between_languages():
    en, zh = load_locale("en"), load_locale("zh")
    mismatched = [k for k in en if placeholders(en[k]) != placeholders(zh[k])]
    assert mismatched == []


def test_every_literal_key_in_the_code_exists():
    used = set()
    for folder in ("app.py", "app_pages", "ui", "core", "data", "models", "tools"):
        for path in [REPO / folder] if folder.endswith(".py") else (REPO / folder).rglob("*.py"):
            used |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern found no keys: it is broken"
    missing = sorted(used - set(load_locale("en")))
    assert missing == []


def test_chinese_texts_are_chinese():
    zh = load_locale("zh")
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", v)) for v in zh.values()) > 0.9 * len(zh)


@pytest.mark.parametrize("raw, code", [("zh", "zh"), ("zh-CN", "zh"), ("EN", "en"), (None, "en"), ("fr", "en")])
def test_language_codes_are_normalised(raw, code):
    assert normalize_language(raw) == code
    assert code in LANGUAGES


def test_translate_fills_placeholders_and_falls_back_to_the_key():
    assert translate("en", "job.epoch") == "Epoch"
    assert "3" in translate("zh", "job.queued", position=3)
    assert translate("zh", "no.such.key") == "no.such.key"


def test_fashion_class_names_exist_in_both_languages_in_label_order():
    en, zh = load_locale("en"), load_locale("zh")
    assert [en[f"class.fashion.{i}"] for i in (0, 9)] == ["T-shirt/top", "Ankle boot"]
    assert all(f"class.fashion.{i}" in zh for i in range(10))


def test_every_reason_a_data_set_can_be_unavailable_has_a_text():
    from data.images import IMAGE_SETS, SOURCES, sources_for, unavailable_reason

    # The keys are built from the data set's name, so the literal-key scan above cannot see them.
    reasons = {unavailable_reason(name, source) for name in IMAGE_SETS for source in SOURCES}
    assert {f"error.no_bundled_{n}" for n in IMAGE_SETS if "bundled" not in sources_for(n)} <= reasons
    en, zh = load_locale("en"), load_locale("zh")
    missing = sorted(key for key in reasons - {None} if key not in en or key not in zh)
    assert missing == []


def test_bold_markers_in_chinese_texts_render_as_bold():
    """CommonMark ignores a closing ** after punctuation when a letter follows ("**测量：**内置"), and the
    page would show the asterisks; a Chinese sentence runs on without a space, so check every text."""
    import json
    import re
    import unicodedata
    from pathlib import Path

    def punctuation(ch: str) -> bool:
        return unicodedata.category(ch)[0] in "PS"

    texts = json.loads((Path(__file__).resolve().parents[2] / "core" / "locales" / "zh.json").read_text("utf-8"))
    broken = []
    for key, text in texts.items():
        for match in re.finditer(r"\*\*(.+?)\*\*", text):
            after = text[match.end()] if match.end() < len(text) else " "
            before = text[match.start() - 1] if match.start() > 0 else " "
            inner = match.group(1)
            if (punctuation(inner[-1]) and not (after.isspace() or punctuation(after))) or \
                    (punctuation(inner[0]) and not (before.isspace() or punctuation(before))):
                broken.append(key)
    assert broken == []
