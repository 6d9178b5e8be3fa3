"""Start the real app with ``streamlit run app.py`` and open Debian's Chromium through Playwright.

Skipped, with the reason, where Chromium or Playwright is missing; CI installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NEURALSTAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
HEALTH_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="session")
def app_url():
    """URL of a fresh app server with its own empty run history."""
    port = free_port()
    env = {**os.environ, "NEURALSTAGE_HOME": tempfile.mkdtemp(prefix="neuralstage-e2e-"),
           "NEURALSTAGE_OFFLINE": "1"}
    log = open(Path(env["NEURALSTAGE_HOME"]) / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, HEALTH_TIMEOUT_S)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def spoken_digit_wav() -> tuple[Path, int]:
    """A held-out corpus clip of a spoken digit as a 48 kHz WAV for Chromium's fake microphone, and its digit."""
    import numpy as np
    import soundfile
    from scipy.signal import resample_poly

    from data.speech import load_speech

    data = load_speech()
    index = int(np.flatnonzero((data.info_test.language == "en") & (data.y_test == 3))[0])
    sound = np.concatenate([np.zeros(24_000), 0.5 * resample_poly(data.x_test[index], 6, 1), np.zeros(24_000)])
    path = Path(tempfile.mkdtemp(prefix="neuralstage-mic-")) / "three.wav"
    soundfile.write(path, sound.astype(np.float32), 48_000, subtype="PCM_16")
    return path, 3


MICROPHONE_WAV, MICROPHONE_DIGIT = spoken_digit_wav()


@pytest.fixture
def microphone_digit() -> int:
    """The digit Chromium's fake microphone says."""
    return MICROPHONE_DIGIT


@pytest.fixture(scope="session")
def chromium() -> str:
    """Where Chromium is; skips, with the reason, where it or Playwright is missing."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set NEURALSTAGE_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    """Debian's Chromium driven by Playwright; its microphone plays ``MICROPHONE_WAV`` in a loop."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        microphone = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                      f"--use-file-for-fake-audio-capture={MICROPHONE_WAV}"]
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS + microphone)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh tab at projector size."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, permissions=["microphone"])
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()
