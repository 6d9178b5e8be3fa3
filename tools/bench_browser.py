"""Cold start and memory of the real app, seen from Chromium.

    python -m tools.bench_browser --json

Starts ``streamlit run app.py`` on a free port with an empty run history, waits for
``/_stcore/health``, then measures in Debian's Chromium (through Playwright, a dev dependency):
seconds from healthy to the home page's title on screen, the server's resident memory then, and
its resident memory once the MNIST page has loaded the shipped model and drawn its first answer.
Then it trains one short run from the page and, on the run history, times a replay from the click
to its first frame and an export from the click on the run's download button to the zip saved;
last, the upload of a 50 MB zip of photos on the Class data sets page, from choosing the file to the
imported set.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("NEURALSTAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _rss_mb(pid: int) -> float:
    import psutil

    process = psutil.Process(pid)
    total = process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))
    return round(total / 2**20, 1)


def _wait_healthy(url: str, timeout: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("the server did not become healthy")


def start_app(port: int, home: str, *options: str, log=subprocess.DEVNULL) -> subprocess.Popen:
    """``streamlit run app.py`` on loopback at ``port``, offline, with its run history in ``home``;
    ``options`` are more ``--server.x value`` pairs."""
    env = {**os.environ, "NEURALSTAGE_HOME": home, "NEURALSTAGE_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true", *options],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def bench_browser(port: int = 8765) -> dict:
    """Start the app, open it in Chromium, and return the timings and memory figures."""
    from playwright.sync_api import sync_playwright

    server = start_app(port, tempfile.mkdtemp(prefix="neuralstage-bench-"))
    url = f"http://127.0.0.1:{port}"
    try:
        health_s = _wait_healthy(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            healthy_at = time.perf_counter()
            page.goto(url)
            page.get_by_role("heading", name="NeuralStage").wait_for(timeout=60_000)
            first_paint_s = time.perf_counter() - healthy_at
            second_tab_s = _time_home(context.new_page(), url)  # a new session, the front end cached
            rss_home = _rss_mb(server.pid)
            started = time.perf_counter()
            page.goto(f"{url}/mnist")
            page.get_by_text("Draw a digit first").wait_for(timeout=120_000)
            mnist_s = time.perf_counter() - started
            time.sleep(2)
            rss_mnist = _rss_mb(server.pid)
            replay_s, export_s = _time_replay_and_export(page, url)
            upload_s, upload_mb = _time_upload(page, url)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"task": "browser", "server_healthy_s": round(health_s, 2),
            "home_first_paint_s": round(first_paint_s, 2), "home_second_tab_s": round(second_tab_s, 2),
            "rss_after_home_mb": rss_home,
            "mnist_page_ready_s": round(mnist_s, 2), "rss_after_mnist_mb": rss_mnist,
            "replay_start_s": replay_s, "export_s": export_s, "upload_mb": upload_mb, "upload_import_s": upload_s}


def _time_home(page, url: str) -> float:
    """Seconds from opening Home in ``page`` to its title on screen; the page is closed after."""
    started = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name="NeuralStage").wait_for(timeout=60_000)
    seconds = time.perf_counter() - started
    page.close()
    return seconds


def _time_upload(page, url: str) -> tuple[float, float]:
    """Seconds from choosing a 50 MB zip of photos on the Class data sets page to the imported set."""
    import re

    from tools.bench import _write_photo_zip

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photos.zip"
        _write_photo_zip(path)
        megabytes = path.stat().st_size / 2**20
        page.goto(f"{url}/datasets")
        page.get_by_role("tab", name="Upload").click()
        started = time.perf_counter()
        page.locator("input[type=file]").first.set_input_files(str(path))
        page.get_by_role("button", name="Check and import").click()
        page.get_by_text(re.compile(r"imported: 190 samples in 10 classes")).wait_for(timeout=120_000)
    return round(time.perf_counter() - started, 2), round(megabytes, 1)


def _settle(page) -> None:
    """Wait until the page's script has finished and a finished replay's closing rerun is over."""
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
    time.sleep(1.0)


def _time_replay_and_export(page, url: str, repeats: int = 3) -> tuple[list[float], list[float]]:
    """Train a one-epoch run from the digits page, then time Replay (click to first frame) and the
    export (click on the run's download button to the zip saved on disk) on the run history,
    ``repeats`` times each."""
    import re

    page.get_by_role("tab", name="Train").click()
    page.get_by_role("group", name="Epochs").get_by_role("slider").press("Home")
    page.get_by_role("button", name="Start training").click()
    page.get_by_text(re.compile(r"Finished: .* on the test images")).wait_for(timeout=120_000)
    page.goto(f"{url}/runs")
    page.get_by_text("Replay a run (no training)").click()
    page.get_by_text("Export one run").click()
    replay = page.get_by_role("button", name="Replay")
    export = page.get_by_role("button", name=re.compile(r"Download run #1"))
    replays, exports = [], []
    for _ in range(repeats):
        _settle(page)
        started = time.perf_counter()
        replay.click()
        page.get_by_text(re.compile(r"Replaying run #1: epoch 1 of 1")).wait_for(timeout=30_000)
        replays.append(round(time.perf_counter() - started, 2))
        _settle(page)
        started = time.perf_counter()
        with page.expect_download(timeout=30_000) as download:  # built on the click, in one step
            export.click()
        download.value.path()  # returns once the whole file is on disk
        exports.append(round(time.perf_counter() - started, 2))
        page.reload()
        page.get_by_text("Replay a run (no training)").click()
        page.get_by_text("Export one run").click()
    return replays, exports


def main(argv: list[str] | None = None) -> None:
    """Run the browser benchmark and print its result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    result = bench_browser(args.port)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
