"""Translations: one JSON file of keys per language under ``core/locales/``.

``translate("zh", "mnist.title")`` looks the key up in Chinese and falls back to English, then to the
key itself, so a missing string shows up as a visible key instead of an exception in front of a class.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LOCALES_DIR = Path(__file__).with_name("locales")
LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=None)
def load_locale(lang: str) -> dict[str, str]:
    """Return the key-to-text table of ``lang`` (read once per process)."""
    with open(LOCALES_DIR / f"{lang}.json", encoding="utf-8") as f:
        return json.load(f)


def normalize_language(lang: str | None) -> str:
    """Map anything a URL or a browser may send ("zh-CN", "EN", None) to a supported code."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translate(lang: str, key: str, **params: object) -> str:
    """Return the text for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    text = load_locale(lang).get(key) or load_locale(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text
