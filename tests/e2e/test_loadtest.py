"""The load test at CI size: five sessions, one of them a Chromium tab, for one minute against a fresh
server started by the tool. The full benchmark (thirty sessions for three minutes) is run by hand and
recorded in docs/BENCHMARKS.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def test_five_sessions_for_a_minute_get_every_answer_and_lose_no_job(chromium):
    command = [sys.executable, "-m", "tools.loadtest", "--sessions", "5", "--browsers", "1", "--minutes", "1",
               "--json"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NEURALSTAGE_CHROMIUM": chromium})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["errors"]["count"] == 0, report["errors"]["messages"]
    assert report["jobs"]["queued"] >= 1 and report["jobs"]["lost"] == 0, report["jobs"]
    # A visitor acts about every two seconds; five of them for a minute, even on a busy machine.
    assert report["actions"] >= 50
    assert report["by_client"]["browser"]["actions"] >= 5
    for kind in ("predict_digit", "predict_text", "switch_page", "train"):
        figures = report["latency_s"][kind]
        assert figures["count"] > 0, kind
        assert 0 < figures["p50"] <= figures["p95"] <= figures["max"] < 60, (kind, figures)
    memory = report["rss_mb"]
    assert 0 < memory["before"] <= memory["peak"] and memory["after"] > 0
