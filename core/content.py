"""Long texts of the story pages, one Markdown file per topic and language under ``content/``.

A text that quotes a figure cites it inline as ``[n]`` and lists ``[n]`` in its closing "Sources:"
paragraph ("来源：" in Chinese); ``missing_sources`` finds the sentences that break that rule, and the
tests run it over every file.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"
SOURCES_START = re.compile(r"^(Sources:|来源：)", re.MULTILINE)
CITATION = re.compile(r"\[(\d+)\]")
FIGURE = re.compile(r"\d[\d,.]*\d|\d+\s*%")  # two or more digits, a decimal, or a percentage
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


@lru_cache(maxsize=64)
def load_content(lang: str, name: str) -> str:
    """The text ``name`` in ``lang``, falling back to English when there is no translation."""
    path = CONTENT_DIR / lang / f"{name}.md"
    if not path.exists():
        path = CONTENT_DIR / "en" / f"{name}.md"
    return path.read_text(encoding="utf-8").strip()


def split_sources(text: str) -> tuple[str, str]:
    """The body of a text and its sources paragraph ("" when it has none)."""
    match = SOURCES_START.search(text)
    return (text[: match.start()], text[match.start():]) if match else (text, "")


def missing_sources(text: str) -> list[str]:
    """Sentences of the body that quote a figure without citing a listed source, and citations of a
    source the text does not list."""
    body, sources = split_sources(text)
    listed = set(CITATION.findall(sources))
    problems = []
    for sentence in SENTENCE_END.split(body):
        cited = set(CITATION.findall(sentence))
        if FIGURE.search(CITATION.sub("", sentence)) and not cited:
            problems.append(sentence.strip())
        problems += [f"[{n}] is not in the sources: {sentence.strip()}" for n in sorted(cited - listed)]
    return problems
