"""The light sessions of ``tools.loadtest``, and the tally every session writes its figures to.

A light session is a visitor without a browser: ``tools.streamlit_client`` sends the rerun requests a
browser would send (a drawing as the canvas component's value, a review as the text box's value, a
page link, Start) and reads the answers without drawing them.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from core.i18n import translate
from tools.streamlit_client import Run, StreamlitSession

ACTION_TIMEOUT_S = 60.0  # an answer later than this is an error, not a latency
RAMP_S = 5.0  # sessions arrive over the first seconds, as a class does, not in one instant
JOB_DRAIN_S = 240.0  # after the last minute, how long a started job may still take to finish
DIGITS_PER_VISIT, REVIEWS_PER_VISIT = 3, 2
TRAINERS_EVERY = 10  # one light session in ten starts a training job...
TRAIN_EVERY_S = 60.0  # ...and another one a minute later, as a student who has tried the first
LANG = "en"


def _text_of(key: str) -> str:
    """The English text of a locale key, up to its first placeholder: what the page shows first."""
    return translate(LANG, key).split("{")[0]


@dataclass
class Tally:
    """What every session measured, by client ("light" or "browser")."""

    latencies: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    actions: Counter = field(default_factory=Counter)
    jobs_queued: int = 0
    jobs_finished: int = 0
    runs: list[int] = field(default_factory=list)  # the run ids finished jobs said they were saved as

    async def act(self, who: str, kind: str, action) -> bool:
        """Await ``action`` (it returns its latency in seconds) and note the latency, or the error.

        ``who`` names the visitor, its group first ("light 3", "browser 0"). Returns False after a
        wrong answer; raises ``SessionBroken`` after a failure that leaves the session unusable (no
        answer in time, a closed socket), so that its visitor comes back afresh.
        """
        group = who.split()[0]
        self.actions[group] += 1
        try:
            self.latencies[group, kind].append(await action)
            return True
        except WrongAnswer as exc:
            self.note(who, f"{kind}: {exc}")
            return False
        except Exception as exc:  # any failure of an action is what this tool counts
            self.note(who, f"{kind}: {type(exc).__name__}: {exc}")
            raise SessionBroken from exc

    def note(self, who: str, message: str) -> None:
        """Count an error of visitor ``who``."""
        self.errors[who.split()[0]].append(f"{who}, {message}"[:300])


class WrongAnswer(Exception):
    """The page answered, but not with what the action should have shown."""


class SessionBroken(Exception):
    """An action failed in a way that leaves its session unusable; the failure is already counted."""


def load_drawings(count: int = 10) -> list[tuple[str, int]]:
    """The first ``count`` bundled test digits as the canvas component's value, with their labels.

    The value is what the component sends when a stroke ends: the Fabric.js drawing and a PNG of the
    280×280 canvas, white on black; the shipped model reads each of these ten correctly.
    """
    from PIL import Image

    from data.mnist import load_bundled_mnist

    data = load_bundled_mnist()
    drawings = []
    for image, label in zip(data.x_test[:count], data.y_test[:count]):
        grey = np.kron(image, np.ones((10, 10), np.uint8))
        buffer = io.BytesIO()
        Image.fromarray(np.dstack([grey, grey, grey, np.full_like(grey, 255)])).save(buffer, "PNG")
        png = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        drawings.append((json.dumps({"drawing": {"raw": {"objects": []}, "data": png}}), int(label)))
    return drawings


def load_reviews() -> list[tuple[str, str]]:
    """The bundled Chinese example reviews with the sentiment the shipped model gives each,
    alternating, so that every new answer differs from the one before."""
    from data.text import EXAMPLES

    names = [translate(LANG, "text.class.1"), translate(LANG, "text.class.0")]
    return [(review, names[i % 2]) for i, review in enumerate(EXAMPLES["zh"])]


def _answer(run: Run, label: str, expected: str | None) -> float:
    """Seconds to the metric ``label`` showing ``expected`` (any digit for None); raises on a problem
    or another answer."""
    if run.problems:
        raise WrongAnswer("; ".join(run.problems))
    wanted = set("0123456789") if expected is None else {expected}
    seconds = run.seconds_to("metric", lambda p: p.label == label and p.body in wanted)
    if seconds is None:
        shown = [p.proto.body for p in run.shown if p.kind == "metric" and p.proto.label == label]
        raise WrongAnswer(f"expected {label!r} {expected or 'a digit'!r}, the page showed {shown or 'nothing'}")
    return seconds


class LightVisitor:
    """One light session's visit: the pages it opens and what it draws and types there."""

    def __init__(self, url: str, number: int, drawings, reviews) -> None:
        self.name = f"light {number}"
        self.session = StreamlitSession(url, f"lang={LANG}", timeout=ACTION_TIMEOUT_S)
        self.drawings, self.reviews = drawings, reviews
        self.rng = random.Random(number)
        self.page: Run | None = None
        self.last_digit: int | None = None
        self.own_model = False  # the digits page switches to the visitor's model when their job finishes
        self.trained_at = -TRAIN_EVERY_S  # when this visitor last pressed Start

    async def open(self, page_name: str) -> float:
        """Go to a page; seconds until all of it is drawn."""
        self.page = await self.session.open_page(page_name)
        if self.page.problems or not self.page.shown:
            raise WrongAnswer("; ".join(self.page.problems) or f"{page_name} drew nothing")
        return self.page.shown[-1].at - self.page.sent_at  # the page's last element: all of it drawn

    async def draw(self) -> float:
        """Draw one of the test digits on the canvas; seconds until the model's answer is shown."""
        canvas = self.page.first("bidi_component")
        value, label = self.rng.choice(self.drawings)
        run = await self.session.set_widget(canvas.proto.id, canvas.fragment_id, json_value=value)
        previous, self.last_digit = self.last_digit, label
        try:  # a model the visitor has just trained reads with its own mistakes: any digit will do
            return _answer(run, translate(LANG, "try.prediction"), None if self.own_model else str(label))
        except WrongAnswer as exc:  # the digit before tells a stale answer from another visitor's
            raise WrongAnswer(f"{exc}; the drawing before was a {previous}") from None

    async def type_review(self) -> float:
        """Type one of the example reviews; seconds until the model's answer is shown."""
        box = self.page.widget("text_area", "text_sentence")
        review, sentiment = self.reviews[self.rng.randrange(len(self.reviews))]
        run = await self.session.set_widget(box.proto.id, box.fragment_id, string_value=review)
        return _answer(run, translate(LANG, "text.try.prediction"), sentiment)

    async def start_training(self) -> tuple[float, Run]:
        """Pick the Compact MLP preset, 1 epoch, and press Start; seconds to the job's live panel."""
        preset = self.page.widget("selectbox", "mnist_preset")
        run = await self.session.set_widget(preset.proto.id, string_value=translate(LANG, "preset.compact_mlp"))
        epochs = run.widget("slider", "mnist_epochs_compact_mlp")
        run = await self.session.set_widget(epochs.proto.id, double_array_value=[1.0])
        run = await self.session.click(run.widget("button", "mnist_start").proto.id)
        if run.problems:
            raise WrongAnswer("; ".join(run.problems))
        panel = _job_panel(run)
        if panel is None:
            raise WrongAnswer("Start did not show the job's live panel")
        return panel.at - run.sent_at, run

    async def watch_job(self, run: Run, until: float) -> int:
        """Redraw the live panel as the browser does until the job has finished; its run id."""
        while True:
            done = run.first("alert", lambda p: p.body.startswith(_text_of("job.done")))
            if done is not None:
                run_id = re.search(r"#(\d+)", done.proto.body)
                if run_id is None:
                    raise WrongAnswer(f"the job finished but was not saved: {done.proto.body}")
                return int(run_id.group(1))
            stopped = run.first("alert", lambda p: p.body.startswith(_text_of("job.stopped")))
            if run.problems or stopped is not None:
                raise WrongAnswer("; ".join(run.problems) or f"the job stopped: {stopped.proto.body}")
            if time.perf_counter() > until:
                raise WrongAnswer("the job had not finished when the tool stopped waiting")
            interval, fragment = self.session.auto_rerun or (2.0, "")
            await asyncio.sleep(interval)
            run = await self.session.rerun(fragment, auto=bool(fragment))


def _job_panel(run: Run):
    """The first element of a job's live panel: queued, running or finished."""
    starts = (_text_of("job.queued"), _text_of("job.done"))
    return run.first("progress") or run.first("alert", lambda p: p.body.startswith(starts))


async def light_session(url: str, number: int, deadline: float, tally: Tally, think_s: float,
                        drawings, reviews) -> None:
    """Visit the digits and reviews pages until ``deadline``; a trainer also trains once a minute."""
    visitor = LightVisitor(url, number, drawings, reviews)
    trains = number % TRAINERS_EVERY == 0

    async def pause() -> None:
        await asyncio.sleep(think_s * visitor.rng.uniform(0.5, 1.5))

    await asyncio.sleep(visitor.rng.uniform(0, RAMP_S))
    while time.perf_counter() < deadline:
        try:
            await visitor.session.connect()
            while time.perf_counter() < deadline:
                await _round(visitor, tally, trains, deadline, pause)
        except SessionBroken:
            pass
        except Exception as exc:  # the socket broke between actions: count it, and come back afresh
            tally.note(visitor.name, f"session: {type(exc).__name__}: {exc}")
        finally:
            await visitor.session.close()


async def _round(visitor: LightVisitor, tally: Tally, trains: bool, deadline: float, pause) -> None:
    if not await tally.act(visitor.name, "switch_page", visitor.open("mnist")):
        return
    if trains and time.perf_counter() - visitor.trained_at >= TRAIN_EVERY_S:
        await _train(visitor, tally, deadline + JOB_DRAIN_S)
    for _ in range(DIGITS_PER_VISIT):
        if time.perf_counter() > deadline or not await tally.act(visitor.name, "predict_digit", visitor.draw()):
            return
        await pause()
    if not await tally.act(visitor.name, "switch_page", visitor.open("text")):
        return
    for _ in range(REVIEWS_PER_VISIT):
        await pause()
        if time.perf_counter() > deadline or not await tally.act(visitor.name, "predict_text", visitor.type_review()):
            return


async def _train(visitor: LightVisitor, tally: Tally, until: float) -> None:
    """Start a job (its latency: from Start to the live panel), then watch the panel until it ends."""
    visitor.trained_at = time.perf_counter()
    panel = None

    async def start() -> float:
        nonlocal panel
        seconds, panel = await visitor.start_training()
        return seconds

    if not await tally.act(visitor.name, "train", start()):
        return
    tally.jobs_queued += 1
    try:
        tally.runs.append(await visitor.watch_job(panel, until))
    except WrongAnswer as exc:
        tally.note(visitor.name, f"train: {exc}")
        return
    tally.jobs_finished += 1
    visitor.own_model = True
