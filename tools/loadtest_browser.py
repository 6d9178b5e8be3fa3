"""The Chromium sessions of ``tools.loadtest``: real tabs, each in its own browser context, that
draw with the mouse, type, and click page links, timed from the action to its result on screen.

They confirm that the light sessions see what a browser sees; their figures include the browser's
own drawing, which on two cores competes with the server for the CPU.
"""

from __future__ import annotations

import asyncio
import random
import re
import time

from core.i18n import translate
from tools.loadtest_light import (ACTION_TIMEOUT_S, DIGITS_PER_VISIT, LANG, RAMP_S, REVIEWS_PER_VISIT, SessionBroken,
                                  Tally)

# Canvas coordinates of two strokes the shipped model reads as 7 and as 1 (as in tests/e2e).
DRAWINGS = [([(70, 60), (210, 60), (200, 80), (150, 160), (120, 230)], "7"), ([(140, 40), (140, 240)], "1")]


def _exactly(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


class BrowserVisitor:
    """One Chromium tab's visit to the digits and reviews pages."""

    def __init__(self, page, url: str, number: int) -> None:
        self.page, self.url = page, url
        self.name = f"browser {number}"
        self.rng = random.Random(1000 + number)
        self.drawn = number  # which of DRAWINGS comes next

    def metric_value(self, label_key: str):
        metric = self.page.get_by_test_id("stMetric").filter(has_text=translate(LANG, label_key))
        return metric.get_by_test_id("stMetricValue")

    async def open_first(self) -> float:
        started = time.perf_counter()
        await self.page.goto(f"{self.url}/mnist?lang={LANG}")
        await self.page.locator("canvas.upper-canvas >> visible=true").first.wait_for()
        return time.perf_counter() - started

    async def open(self, nav_key: str, ready) -> float:
        """Click the page's link in the sidebar; seconds until ``ready`` (a locator) is on screen."""
        started = time.perf_counter()
        await self.page.get_by_role("link", name=translate(LANG, nav_key)).first.click()
        await ready.wait_for()
        return time.perf_counter() - started

    async def draw(self) -> float:
        """Clear the canvas, draw the next digit; seconds from the mouse's release to the model's answer."""
        strokes, digit = DRAWINGS[self.drawn % len(DRAWINGS)]
        self.drawn += 1
        if await self.metric_value("try.prediction").count():
            # Only over an answer: the prompt that replaces it shows that the new, blank canvas is in
            # place, where a prompt already on screen would not.
            await self.page.get_by_role("button", name=translate(LANG, "try.clear")).click()
            await self.page.get_by_text(translate(LANG, "try.draw_first")).wait_for()
        box = await self._canvas_box()
        (x, y), rest = strokes[0], strokes[1:]
        await self.page.mouse.move(box["x"] + x, box["y"] + y)
        await self.page.mouse.down()
        for x, y in rest:
            await self.page.mouse.move(box["x"] + x, box["y"] + y, steps=12)
        await self.page.mouse.up()
        started = time.perf_counter()
        await self.metric_value("try.prediction").filter(has_text=_exactly(digit)).wait_for()
        return time.perf_counter() - started

    async def _canvas_box(self) -> dict:
        """Where the canvas is; a rerun may swap it while we look, so a vanished one is looked up again."""
        for _ in range(10):
            canvas = self.page.locator("canvas.upper-canvas >> visible=true").first
            await canvas.wait_for()
            await canvas.scroll_into_view_if_needed()
            box = await canvas.bounding_box()
            if box:
                return box
            await asyncio.sleep(0.3)
        raise RuntimeError("no canvas on screen")

    async def type_review(self) -> float:
        """Type a review of the other sentiment than the one shown; seconds from Ctrl+Enter to the answer."""
        from data.text import EXAMPLES

        answer = self.metric_value("text.try.prediction")
        await answer.wait_for()
        positive, negative = translate(LANG, "text.class.1"), translate(LANG, "text.class.0")
        wanted = negative if (await answer.inner_text()).strip() == positive else positive
        reviews = EXAMPLES["zh"][(0 if wanted == positive else 1)::2]  # the examples alternate, positive first
        box = self.page.get_by_role("textbox", name=translate(LANG, "text.try.input"))
        await box.fill(self.rng.choice(reviews))
        await box.press("Control+Enter")
        started = time.perf_counter()
        await answer.filter(has_text=_exactly(wanted)).wait_for()
        return time.perf_counter() - started


async def browser_session(browser, url: str, number: int, deadline: float, tally: Tally, think_s: float) -> None:
    """One tab visiting the digits and reviews pages until ``deadline``; after a failure it reloads."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_S * 1000)
    visitor = BrowserVisitor(page, url, number)

    async def pause() -> None:
        await asyncio.sleep(think_s * visitor.rng.uniform(0.5, 1.5))

    await asyncio.sleep(visitor.rng.uniform(0, RAMP_S))
    canvas = page.locator("canvas.upper-canvas >> visible=true").first
    fresh = True  # the first round, and the one after a failure, load the page from its address
    while time.perf_counter() < deadline:
        try:
            opening = visitor.open_first() if fresh else visitor.open("nav.mnist", canvas)
            await tally.act(visitor.name, "switch_page", opening)
            fresh = False
            for _ in range(DIGITS_PER_VISIT):
                if time.perf_counter() > deadline:
                    break
                await tally.act(visitor.name, "predict_digit", visitor.draw())
                await pause()
            if time.perf_counter() > deadline:
                break
            await tally.act(visitor.name, "switch_page",
                            visitor.open("nav.text", visitor.metric_value("text.try.prediction")))
            for _ in range(REVIEWS_PER_VISIT):
                await pause()
                await tally.act(visitor.name, "predict_text", visitor.type_review())
        except SessionBroken:
            fresh = True
    await context.close()


async def browser_sessions(url: str, count: int, deadline: float, tally: Tally, think_s: float) -> None:
    """``count`` Chromium tabs in separate contexts of one headless Chromium."""
    from playwright.async_api import async_playwright

    from tools.bench_browser import CHROMIUM, CHROMIUM_FLAGS

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            await asyncio.gather(*(browser_session(browser, url, n, deadline, tally, think_s) for n in range(count)))
        finally:
            await browser.close()
