"""The guided tour's steps and link parsing, the speaker-notes registry, the timeline's generations,
and the audience link."""

import threading
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from core.audience import build_audience_url, draw_qr_svg, find_local_address
from core.generations import GENERATIONS, find_generation
from core.i18n import load_locale
from core.tour import STEPS, neighbours, parse_step, step_at, total_minutes
from core.tour_notes import NotesRegistry, new_code, parse_code

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw, number", [("1", 1), (" 3 ", 3), ("8", 8), ("0", None), ("9", None), ("-1", None),
                                         ("2.5", None), ("abc", None), ("", None), (None, None), ("٣", None)])
def test_a_step_number_from_a_link_is_read_or_refused(raw, number):
    assert parse_step(raw) == number


def test_the_tour_is_a_ten_minute_walk_over_existing_pages_with_texts_in_both_languages():
    assert total_minutes() == pytest.approx(10.0)
    assert step_at(1).page == "app_pages/home.py" and len({s.name for s in STEPS}) == len(STEPS)
    for lang in ("en", "zh"):
        texts = load_locale(lang)
        for step in STEPS:
            assert (REPO / step.page).is_file()
            assert all(f"tour.step.{step.name}.{part}" in texts for part in ("title", "script", "notes"))


def test_neighbours_stop_at_both_ends():
    assert neighbours(1) == (None, 2)
    assert neighbours(4) == (3, 5)
    assert neighbours(len(STEPS)) == (len(STEPS) - 1, None)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_notes_registry_returns_the_last_step_a_code_published_and_none_for_an_unknown_code():
    registry, code, other = NotesRegistry(), new_code(), new_code()
    assert code != other and parse_code(code) == code and len(code) == 12
    assert registry.read(code) is None
    registry.publish(code, 3)
    registry.publish(other, 5)
    registry.publish(code, 4)
    assert registry.read(code).step == 4 and registry.read(other).step == 5
    registry.publish(code, None)  # the tour was closed
    assert registry.read(code).step is None and len(registry) == 2
    assert registry.read(new_code()) is None


def test_a_code_nobody_published_to_for_the_expiry_time_is_forgotten():
    clock = FakeClock()
    registry, code = NotesRegistry(expiry_s=60, clock=clock), new_code()
    registry.publish(code, 2)
    clock.now += 59
    assert registry.read(code).step == 2
    registry.publish(code, 3)  # each publication starts the hour again
    clock.now += 59
    assert registry.read(code).step == 3
    clock.now += 2
    assert registry.read(code) is None and len(registry) == 0


def test_past_the_cap_the_longest_silent_codes_are_forgotten_first():
    registry = NotesRegistry(max_codes=3)
    codes = [new_code() for _ in range(4)]
    for number, code in enumerate(codes, 1):
        registry.publish(code, number)
    assert registry.read(codes[0]) is None and [registry.read(c).step for c in codes[1:]] == [2, 3, 4]
    registry.publish(codes[1], 1)  # publishing again makes a code the newest
    registry.publish(new_code(), 1)
    assert registry.read(codes[2]) is None and registry.read(codes[1]).step == 1


def test_many_sessions_publish_and_read_at_once_without_losing_a_step():
    registry, misses = NotesRegistry(), []
    codes = [new_code() for _ in range(8)]

    def present(code: str) -> None:
        for number in range(1, 201):
            registry.publish(code, number % len(STEPS) + 1)
            if registry.read(code) is None:
                misses.append(code)

    threads = [threading.Thread(target=present, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert misses == [] and [registry.read(code).step for code in codes] == [200 % len(STEPS) + 1] * len(codes)


@pytest.mark.parametrize("raw", [None, "", "abc", "x" * 11, "x" * 13, "abc def ghij", "<script>al>",
                                 "ａｂｃｄｅｆｇｈｉｊｋｌ", "abcdefghijk\n"])
def test_a_notes_code_from_a_link_is_refused_unless_it_has_the_shape_of_one_we_made(raw):
    assert parse_code(raw) is None


def test_generations_run_in_time_and_each_links_to_a_page_with_its_words():
    years = [g.year for g in GENERATIONS]
    assert [g.name for g in GENERATIONS] == ["perceptron", "mlp", "cnn", "rnn", "transformer"]
    assert years == sorted(years) and years[0] == 1958 and years[-1] == 2017
    for generation in GENERATIONS:
        assert (REPO / generation.page).is_file() and str(generation.year) in generation.source
        for lang in ("en", "zh"):
            assert all(f"generation.{generation.name}.{part}" in load_locale(lang)
                       for part in ("title", "idea", "limit", "link"))
    assert find_generation("transformer").formula.startswith(r"\operatorname{Attention}")
    assert find_generation("nonsense") is GENERATIONS[0]


@pytest.mark.parametrize("browser_url, page, expected", [
    ("http://localhost:8501/", "home", "http://10.1.2.3:8501/?lang=zh"),
    ("http://localhost:8501/home?present=1", "home", "http://10.1.2.3:8501/?lang=zh"),
    ("http://127.0.0.1:8599/mnist", "mnist", "http://10.1.2.3:8599/?lang=zh"),
    ("https://demo.example.org/stage/home", "home", "https://demo.example.org/stage/?lang=zh"),
    ("", "", "http://10.1.2.3:8501/?lang=zh"),
])
def test_the_audience_link_swaps_loopback_for_the_local_address_and_keeps_a_path_prefix(browser_url, page, expected):
    assert build_audience_url(browser_url, "zh", "10.1.2.3", page) == expected


def test_without_a_local_address_the_loopback_link_is_kept():
    assert build_audience_url("http://localhost:8501/", "en", None) == "http://localhost:8501/?lang=en"


def test_the_local_address_is_never_loopback():
    address = find_local_address()
    assert address is None or not address.startswith("127.")


def test_the_qr_code_is_svg_of_the_size_its_version_needs():
    import segno

    url = "http://192.168.1.20:8501/?lang=zh"
    svg = ElementTree.fromstring(draw_qr_svg(url, scale=6))
    modules = len(segno.make(url, error="m").matrix)
    assert svg.tag.endswith("svg") and int(svg.get("width")) == (modules + 2 * 4) * 6
    assert draw_qr_svg(url) != draw_qr_svg(url + "x")
    with pytest.raises(ValueError):
        draw_qr_svg("http://x/" + "a" * 5000)
