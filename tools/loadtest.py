"""Many visitors at once: drive N concurrent sessions of the real app and report what they saw.

    python -m tools.loadtest --sessions 30 --minutes 3        # starts its own server
    python -m tools.loadtest --sessions 5 --minutes 1 --browsers 1 --url http://127.0.0.1:8501

Thirty Chromium tabs would take the two cores of a classroom laptop away from the server they are
meant to measure, so most sessions are light clients (``tools.streamlit_client``) that speak
Streamlit's own websocket protocol: they send the same rerun requests a browser sends (a drawing as
the canvas component's value, a review as the text box's value, a click on a page link or on Start)
and read the same answers, without drawing them. ``--browsers`` of the sessions (default 2) are
real Chromium tabs driven by Playwright, in separate browser contexts, that draw with the mouse and
type, to confirm the light clients see what browsers see; both groups are reported.

Each session opens the digits page, draws three digits, switches to the reviews page, types two
reviews, switches back, and so on, pausing about ``--think-s`` seconds between actions. One light
session in ten also starts a 1-epoch training run of the Compact MLP preset once a minute and
watches its live panel until the run has finished (then, like a visitor, it tries its own model).
A latency is the time from the action (request sent, mouse released, key pressed) to its result on
screen: the model's answer with the expected digit or sentiment, the whole new page, the job's live
panel. A wrong answer, an exception, an st.error or no answer within 60 s is an error; so is a
traceback in the log of the tool's own server. Jobs count those the sessions started: queued, seen
finished on their panel (and, with the tool's own server, filed in the run store as done), lost.

Server memory is the resident memory of the server process: before (once a warm-up visitor has
taken every path the sessions take, a training run included, and left), the peak while the
sessions run, and after they have closed and the server has dropped them. Streamlit keeps a closed
session for ``server.disconnectedSessionTTL`` seconds (120 by default) in case its browser
reconnects; the tool's own server keeps them ``--session-ttl`` seconds (default 2), so that "after"
takes seconds, not minutes. With ``--url`` pass the running server's setting instead. Prints one
JSON object; ``by_client`` splits its figures into the light sessions and the Chromium tabs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from tools.loadtest_light import (JOB_DRAIN_S, LANG, LightVisitor, SessionBroken, Tally, light_session, load_drawings,
                                  load_reviews)
from tools.streamlit_client import StreamlitSession

LOOPBACK = {"127.0.0.1", "localhost", "::1"}  # the only servers this tool will load


class MemoryWatch:
    """The server's resident memory, now and at its highest while sampled."""

    def __init__(self, pid: int | None) -> None:
        self.pid, self.peak = pid, None

    def now(self) -> float | None:
        from tools.bench_browser import _rss_mb

        return None if self.pid is None else _rss_mb(self.pid)

    async def sample(self, stop: asyncio.Event, every_s: float = 0.5) -> None:
        while not stop.is_set():
            current = self.now()
            self.peak = current if self.peak is None else max(self.peak, current)
            await asyncio.sleep(every_s)


async def warm_up(url: str, tally: Tally, drawings, reviews) -> None:
    """One visitor takes every path the sessions will take once (TensorFlow, the two shipped models, a
    1-epoch training run), then leaves: what is loaded once per process counts in "before"."""
    visitor = LightVisitor(url, 0, drawings, reviews)

    async def train() -> float:
        seconds, run = await visitor.start_training()
        await visitor.watch_job(run, time.perf_counter() + JOB_DRAIN_S)
        return seconds

    await visitor.session.connect()
    try:
        for action in (lambda: visitor.open("mnist"), visitor.draw, train, lambda: visitor.open("text"),
                       visitor.type_review):
            await tally.act("warm-up", "warm-up", action())
    except SessionBroken:
        pass  # counted; the sessions will meet the same trouble and count it too
    finally:
        await visitor.session.close()


async def drop_closed_sessions(url: str, ttl_s: float) -> None:
    """Wait until the server may forget closed sessions, then connect once: Streamlit only sweeps
    sessions past their time to live when it stores another."""
    await asyncio.sleep(ttl_s + 0.5)
    probe = StreamlitSession(url, f"lang={LANG}")
    await probe.connect()
    await probe.open_page("home")
    await probe.close()
    await asyncio.sleep(1)


async def drive(url: str, sessions: int, browsers: int, minutes: float, think_s: float, pid: int | None,
                ttl_s: float) -> tuple[Tally, dict]:
    """Warm up, then run ``sessions`` sessions for ``minutes``; the tally and the memory figures."""
    drawings, reviews = load_drawings(), load_reviews()
    tally, memory = Tally(), MemoryWatch(pid)
    await warm_up(url, tally, drawings, reviews)
    await drop_closed_sessions(url, ttl_s)
    before = memory.now()
    stop = asyncio.Event()
    sampler = asyncio.create_task(memory.sample(stop))
    deadline = time.perf_counter() + minutes * 60
    visits = [light_session(url, number, deadline, tally, think_s, drawings, reviews)
              for number in range(sessions - browsers)]
    if browsers:
        from tools.loadtest_browser import browser_sessions

        visits.append(browser_sessions(url, browsers, deadline, tally, think_s))
    await asyncio.gather(*visits)
    stop.set()
    await sampler
    await drop_closed_sessions(url, ttl_s)
    return tally, {"before": before, "peak": memory.peak, "after": memory.now()}


def _spread(seconds: list[float]) -> dict:
    if not seconds:
        return {"count": 0, "p50": None, "p95": None, "max": None}
    values = np.asarray(seconds)
    return {"count": len(values), "p50": round(float(np.percentile(values, 50)), 3),
            "p95": round(float(np.percentile(values, 95)), 3), "max": round(float(values.max()), 3)}


def _latency(tally: Tally, clients: tuple[str, ...]) -> dict:
    """p50 / p95 / max over every action of ``clients``, and per kind of action."""
    by_kind = defaultdict(list)
    for (client, kind), seconds in tally.latencies.items():
        if client in clients:
            by_kind[kind] += seconds
    return {**_spread([s for kind in by_kind for s in by_kind[kind]]),
            **{kind: _spread(by_kind[kind]) for kind in ("predict_digit", "predict_text", "switch_page", "train")}}


def _errors(messages: list[str]) -> dict:
    return {"count": len(messages), "messages": messages[:5]}


def summarize(tally: Tally, sessions: int, browsers: int, minutes: float, think_s: float, rss_mb: dict) -> dict:
    """The JSON report: both groups together, then each group on its own."""
    errors = [m for client in tally.errors for m in tally.errors[client]]
    groups = {client: {"actions": tally.actions[client], "errors": _errors(tally.errors[client]),
                       "latency_s": _latency(tally, (client,))} for client in ("light", "browser")}
    return {"sessions": sessions, "browser_sessions": browsers, "minutes": minutes, "think_s": think_s,
            "actions": tally.actions["light"] + tally.actions["browser"], "errors": _errors(errors),
            "latency_s": _latency(tally, ("light", "browser")), "by_client": groups, "rss_mb": rss_mb,
            "jobs": {"queued": tally.jobs_queued, "finished": tally.jobs_finished,
                     "lost": tally.jobs_queued - tally.jobs_finished}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_pid(url: str) -> int | None:
    """The process listening on ``url``'s port, when this user may see it."""
    import psutil

    port = urlparse(url).port
    try:
        return next((c.pid for c in psutil.net_connections("tcp")
                     if c.status == psutil.CONN_LISTEN and c.laddr.port == port and c.pid), None)
    except psutil.AccessDenied:
        return None


def _check_runs(tally: Tally, home: str) -> None:
    """Every run a finished job announced is in the run store, as done; one that is not was lost."""
    from core.runstore import RunStore

    store = RunStore(home)
    for run_id in tally.runs:
        record = store.get(run_id)
        if record is None or record.status != "done":
            tally.note("light", f"train: run #{run_id} is not in the run store as done")
            tally.jobs_finished -= 1


def _server_tracebacks(log_path: Path) -> list[str]:
    """The last line of each traceback the server logged: failures no page showed."""
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.startswith("Traceback"):
            tail = next((lines[j] for j in range(i + 1, len(lines)) if lines[j] and not lines[j][0].isspace()), "")
            found.append(f"server: {tail}"[:300])
    return found


def run_load(sessions: int, minutes: float, browsers: int, think_s: float, url: str | None,
             ttl_s: float | None) -> dict:
    """Start the app (unless ``url``), drive the sessions, and return the report."""
    from tools.bench_browser import _wait_healthy, start_app

    browsers = min(browsers, sessions)
    if url is not None:
        url = url.rstrip("/")
        tally, rss = asyncio.run(drive(url, sessions, browsers, minutes, think_s, _server_pid(url),
                                       120 if ttl_s is None else ttl_s))
        return summarize(tally, sessions, browsers, minutes, think_s, rss)
    ttl_s = 2 if ttl_s is None else ttl_s
    home = Path(tempfile.mkdtemp(prefix="neuralstage-load-"))
    port = _free_port()
    with open(home / "server.log", "w") as log:
        server = start_app(port, str(home), "--server.disconnectedSessionTTL", str(int(ttl_s)), log=log)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url)
            tally, rss = asyncio.run(drive(url, sessions, browsers, minutes, think_s, server.pid, ttl_s))
        finally:
            server.terminate()
            server.wait(timeout=30)
    _check_runs(tally, str(home))
    tally.errors["server"] = _server_tracebacks(home / "server.log")
    return summarize(tally, sessions, browsers, minutes, think_s, rss)


def main(argv: list[str] | None = None) -> None:
    """Run the load test and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent sessions, browsers included")
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--browsers", type=int, default=2, help="how many of the sessions are Chromium tabs")
    parser.add_argument("--think-s", type=float, default=2.0, help="mean pause between a visitor's actions")
    parser.add_argument("--url", help="a running app on loopback, instead of starting one")
    parser.add_argument("--session-ttl", type=float, help="the server's server.disconnectedSessionTTL "
                        "(default: 2 for the tool's own server, 120 with --url)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args(argv)
    if args.url and urlparse(args.url).hostname not in LOOPBACK:
        parser.error("--url must be an app on this machine (127.0.0.1, localhost or ::1)")
    result = run_load(args.sessions, args.minutes, args.browsers, args.think_s, args.url, args.session_ttl)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
