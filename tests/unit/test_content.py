"""The story pages' texts: both languages present, every figure with a listed source."""

import pytest

from core.content import CONTENT_DIR, load_content, missing_sources

NAMES = sorted(path.stem for path in (CONTENT_DIR / "en").glob("*.md"))


def test_every_text_exists_in_both_languages():
    assert NAMES
    assert NAMES == sorted(path.stem for path in (CONTENT_DIR / "zh").glob("*.md"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", NAMES)
def test_every_figure_in_the_texts_cites_a_listed_source(lang, name):
    assert missing_sources(load_content(lang, name)) == []


def test_the_rule_catches_uncited_figures_and_unlisted_sources():
    assert missing_sources("It used 1,287 MWh. It is big.") == ["It used 1,287 MWh."]
    assert missing_sources("It used 1,287 MWh [1].\n\nSources: [1] Patterson et al., 2021.") == []
    assert missing_sources("About 60 % of it [2].\n\nSources: [1] A.") == ["[2] is not in the sources: About 60 % of it [2]."]
    assert missing_sources("约 552 吨。\n\n来源：[1] 某文献。") == ["约 552 吨。"]
