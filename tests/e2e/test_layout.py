"""Presenter mode and the layout in a real browser: a phone (390 px) and a projector (1920 px).

The app's server and Chromium come from tests/e2e/conftest.py. The last test draws charts straight
with plotly.js (the copy bundled with plotly, no server), to measure where a title and a legend land.
"""

from __future__ import annotations

import re
import time

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
PROJECTOR_PAGES = ("home", "mnist", "runs", "text", "knowledge")


def wait_until_drawn(page) -> None:
    """The page's title is there, its script has finished, and its charts have had a moment to draw."""
    page.locator("h1").first.wait_for()
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)
    time.sleep(1.0)


def open_page(page, app_url: str, name: str, presenting: bool) -> None:
    path = "" if name == "home" else name
    page.goto(f"{app_url}/{path}?lang=en" + ("&present=1" if presenting else ""))
    wait_until_drawn(page)


def overflow(page) -> tuple[int, int]:
    return tuple(page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]"))


def title_font_px(page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")


def tick_style(page) -> dict:
    """Size and darkness (0 black .. 1 white) of the first chart's first x tick label."""
    return page.evaluate("""() => {
        const text = document.querySelector('.js-plotly-plot .xtick text');
        const style = getComputedStyle(text);
        const [r, g, b] = style.fill.match(/\\d+/g).map(Number);
        return {size: parseFloat(style.fontSize), lightness: (r + g + b) / 765};
    }""")


def test_a_phone_in_presenter_mode_opens_the_sidebar_finds_the_switches_and_can_leave(page, app_url):
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    open_page(page, app_url, "home", presenting=True)
    sidebar = page.get_by_test_id("stSidebar")
    language, toggle = sidebar.get_by_role("radio", name="简体中文"), sidebar.get_by_text("Presenter mode")
    expect(language).not_to_be_in_viewport()  # the sidebar starts folded away on a phone
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(language).to_be_in_viewport()
    toggle.scroll_into_view_if_needed()  # further down the sidebar, below the page list
    expect(toggle).to_be_in_viewport()
    assert overflow(page)[0] <= PHONE["width"]
    toggle.click()  # and out of presenter mode again
    page.wait_for_url(lambda url: "present=1" not in url)
    page.get_by_text("Every model here trains live").wait_for(state="detached")  # the takeaway callout has gone


def test_a_sidebar_collapsed_on_a_projector_in_presenter_mode_opens_again(page, app_url):
    from playwright.sync_api import expect

    page.set_viewport_size(PROJECTOR)
    open_page(page, app_url, "home", presenting=True)
    toggle = page.get_by_test_id("stSidebar").get_by_text("Presenter mode")
    expect(toggle).to_be_in_viewport()
    page.get_by_test_id("stSidebar").hover()  # the collapse button shows under the pointer
    page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    expect(toggle).not_to_be_in_viewport()
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(toggle).to_be_in_viewport()


def test_every_timeline_formula_fits_a_phone(page, app_url):
    from core.generations import GENERATIONS

    page.set_viewport_size(PHONE)
    open_page(page, app_url, "home", presenting=True)
    for generation in GENERATIONS:
        page.get_by_role("radio", name=re.compile(rf"^{generation.year} · ")).click()
        page.get_by_role("heading", name=re.compile(rf"^{generation.year} · ")).wait_for()
        time.sleep(0.5)
        formula = page.locator(".st-key-ns_formula .katex-display").first
        width, room = formula.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert width <= room, f"{generation.name}: the formula is {width} px wide in {room} px"


def test_the_confusion_matrix_on_a_phone_has_no_empty_bands(page, app_url):
    page.set_viewport_size(PHONE)
    open_page(page, app_url, "mnist", presenting=False)
    page.get_by_role("tab", name="Look inside").click()
    wait_until_drawn(page)
    chart = page.locator(".js-plotly-plot").filter(has=page.locator(".heatmaplayer")).first
    chart.wait_for()
    figure, plot = chart.evaluate("""g => [g.getBoundingClientRect().height,
                                           g.querySelector('.nsewdrag').getBoundingClientRect().height]""")
    assert plot / figure > 0.6, f"the cells take {plot:.0f} px of a {figure:.0f} px chart"


@pytest.mark.parametrize("name", PROJECTOR_PAGES)
def test_presenter_mode_at_projector_width_has_larger_titles_and_no_sideways_scrolling(page, app_url, name):
    page.set_viewport_size(PROJECTOR)
    open_page(page, app_url, name, presenting=False)
    plain_title = title_font_px(page)
    open_page(page, app_url, name, presenting=True)
    width, room = overflow(page)
    assert width <= room, f"{name}: the page is {width} px wide in a {room} px window"
    assert title_font_px(page) > plain_title * 1.15


def test_presenter_mode_draws_charts_in_larger_darker_type(page, app_url):
    page.set_viewport_size(PROJECTOR)
    styles = {}
    for presenting in (False, True):
        open_page(page, app_url, "mnist", presenting=presenting)
        page.get_by_role("tab", name="Look inside").click()
        wait_until_drawn(page)
        page.locator(".js-plotly-plot .xtick text").first.wait_for()
        styles[presenting] = tick_style(page)
    assert styles[True]["size"] > styles[False]["size"]
    assert styles[True]["lightness"] < 0.1 < styles[False]["lightness"]  # near black, not the theme's grey


def runs_figure():
    """The Runs page's comparison chart with nine runs, whose legend wraps onto lines on a phone."""
    from types import SimpleNamespace

    from ui.charts import plot_run_comparison

    runs = [SimpleNamespace(id=i, epochs=[{"epoch": e, "val_accuracy": 0.9 + (e + i) / 100} for e in (1, 2, 3)])
            for i in range(1, 10)]
    return plot_run_comparison(runs, "val_accuracy", "Validation accuracy per epoch", "Epoch")


def curves_figure():
    """The live training chart: two panels with their own titles, the legend at the bottom."""
    from ui.charts import plot_training_curves

    epochs = [{"epoch": e, "loss": 1 / e, "accuracy": 0.9, "val_loss": 1 / e, "val_accuracy": 0.88} for e in (1, 2)]
    labels = {"loss": "Loss", "accuracy": "Accuracy", "epoch": "Epoch", "batch": "every batch",
              "train": "training", "validation": "validation"}
    return plot_training_curves([{"step": s, "loss": 1 / s, "accuracy": 0.5} for s in range(1, 20)], epochs, 10,
                                labels)


def draw(sheet, element_id: str, width: int, fig) -> None:
    """Draw ``fig`` with plotly.js in a new box ``width`` px wide, and let it settle."""
    sheet.evaluate("""([id, width, spec]) => { const div = document.createElement('div');
        div.id = id; div.style.width = width + 'px'; document.body.appendChild(div);
        const figure = JSON.parse(spec); return Plotly.newPlot(div, figure.data, figure.layout); }""",
                   [element_id, width, fig.to_json()])
    sheet.wait_for_timeout(1000)  # plotly widens the margins in a second pass, after newPlot resolves


def boxes(sheet, element_id: str, selector: str) -> list[dict]:
    return [element.bounding_box() for element in sheet.locator(f"#{element_id} {selector}").all()]


def bottom(box: dict) -> float:
    return box["y"] + box["height"]


@pytest.mark.parametrize("width", [350, 1200])
def test_chart_titles_legends_and_axis_titles_never_meet(browser, monkeypatch, width):
    """Drawn by plotly.js in Chromium, at a phone's and a projector's width, in both looks."""
    import plotly

    import ui.charts

    sheet = browser.new_page(viewport={"width": width + 40, "height": 1000})
    try:
        sheet.set_content("<html><body></body></html>")
        sheet.add_script_tag(path=plotly.__path__[0] + "/package_data/plotly.min.js")
        for look_name, look in (("screen", ui.charts.SCREEN), ("projector", ui.charts.PROJECTOR)):
            monkeypatch.setattr(ui.charts, "chart_look", lambda: look)  # as in or out of presenter mode
            runs, curves = f"runs_{look_name}", f"curves_{look_name}"
            draw(sheet, runs, width, runs_figure())
            draw(sheet, curves, width, curves_figure())
            [title], [legend], [plot] = (boxes(sheet, runs, s) for s in (".gtitle", ".legend", ".nsewdrag"))
            assert bottom(title) <= legend["y"], f"{runs}: the legend runs into the title"
            assert bottom(legend) <= plot["y"] + 1, f"{runs}: the legend runs into the plot"
            if width < 400:  # the case that matters: a legend that wraps onto several lines
                assert len({round(b["y"]) for b in boxes(sheet, runs, ".legend .traces")}) > 1
            [legend] = boxes(sheet, curves, ".legend")
            lowest_axis_title = max(bottom(b) for b in boxes(sheet, curves, ".xtitle"))
            assert lowest_axis_title <= legend["y"], f"{curves}: the legend runs into the axis titles"
            assert bottom(legend) <= bottom(boxes(sheet, curves, ".main-svg")[0]) + 1, f"{curves}: legend cut off"
    finally:
        sheet.close()
