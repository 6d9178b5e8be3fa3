"""How fast the knowledge map page renders: its script with 150 nodes (and the most runs), and in Chromium
from a click on its name to the drawn map. Run through ``python -m tools.bench knowledge --json``."""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np

from core.devices import describe_device

KNOWLEDGE_NODES = 150  # the bar: the page renders within 1.5 s with this many nodes on 2 cores


def _seed_runs(home: str, count: int) -> None:
    """``count`` finished runs of varied tasks in a run store under ``home``, as the map shows them."""
    from core.runstore import RunRecord, RunStore

    store = RunStore(home)
    tasks = [("mnist-mlp", "bundled"), ("fashion-cnn", "bundled"), ("speech-gru", "bundled"),
             ("text-transformer", "bundled"), ("speech-crnn", "fsdd"), ("text-mean", "imdb")]
    for i in range(count):
        task, source = tasks[i % len(tasks)]
        store.add(RunRecord(task=task, status="done", config={}, data_source=source, test_accuracy=0.9))


def _time_knowledge_steps(runs: list) -> dict[str, float]:
    """Seconds of each step the page takes, caches emptied first: read and check the file, add the runs,
    lay the map out, build the figure and turn it into the JSON Streamlit sends."""
    from core import knowledge_graph as kg
    from ui.knowledge_map import plot_knowledge_map

    for cached in (kg._read_yaml, kg._load, kg._cached_spring, kg._cached_with_runs):
        cached.cache_clear()
    times, started = {}, time.perf_counter()
    base = kg.load_knowledge_graph()
    times["load_s"], started = time.perf_counter() - started, time.perf_counter()
    graph = kg.add_runs(base, runs)
    positions = kg.layout_graph(graph)
    times["layout_s"], started = time.perf_counter() - started, time.perf_counter()
    names = {kind: (kind, kind) for kind in kg.ENTITY_TYPES}
    fig = plot_knowledge_map(graph, positions, "en", names, focus=frozenset(["gru", *graph.pred["gru"]]),
                             selected="gru")
    fig.to_json()
    times["figure_s"] = time.perf_counter() - started
    return {name: round(value, 3) for name, value in times.items()}


def _time_knowledge_page(repeats: int) -> dict[str, Any]:
    """The page's script through AppTest: the first render (modules imported, layout computed) and the
    median of ``repeats`` later ones, in English and Chinese."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    result = {}
    for lang in ("en", "zh"):
        at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        started = time.perf_counter()
        at.switch_page("app_pages/knowledge.py").run()
        first = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        again = []
        for _ in range(repeats):
            started = time.perf_counter()
            at.run()
            again.append(time.perf_counter() - started)
        result[lang] = {"first_render_s": round(first, 3), "render_median_s": round(float(np.median(again)), 3)}
    return result


def _time_knowledge_in_chromium(home: str, nodes: int, repeats: int, port: int = 8766) -> dict[str, Any]:
    """Seconds in Chromium: from a click on "Knowledge map" in the sidebar of an open app to all ``nodes``
    points of the map drawn, the first time and the median of ``repeats`` more (back to Home between
    them), and from typing the page's address, which reloads the app and plotly.js, to the same."""
    import os
    import subprocess
    import sys

    from playwright.sync_api import sync_playwright

    from tools.bench_browser import CHROMIUM, CHROMIUM_FLAGS, REPO, _wait_healthy

    env = {**os.environ, "NEURALSTAGE_HOME": home, "NEURALSTAGE_OFFLINE": "1"}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    drawn = ("document.querySelector('.js-plotly-plot')?.querySelectorAll('.scatterlayer .points path').length"
             f" >= {nodes}")
    try:
        _wait_healthy(url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            clicks = []
            page.goto(f"{url}/?lang=en")
            for _ in range(repeats + 1):  # the first visit also loads plotly.js and lays the map out
                page.get_by_role("heading", name="NeuralStage").wait_for(timeout=60_000)
                started = time.perf_counter()
                page.get_by_role("link", name="Knowledge map").first.click()
                page.wait_for_function(drawn, timeout=60_000)
                clicks.append(time.perf_counter() - started)
                page.get_by_role("link", name="Home").first.click()
            started = time.perf_counter()
            page.goto(f"{url}/knowledge?lang=en")
            page.wait_for_function(drawn, timeout=60_000)
            address = time.perf_counter() - started
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"first_click_to_map_s": round(clicks[0], 2),
            "click_to_map_median_s": round(float(np.median(clicks[1:])), 2), "address_to_map_s": round(address, 2)}


def bench_knowledge(repeats: int = 5) -> dict[str, Any]:
    """The knowledge map page with ``KNOWLEDGE_NODES`` nodes (the map's own entities plus enough runs),
    and with the most run nodes the page ever shows. Each case runs in a fresh process, so the first
    render is a cold one; with 150 nodes the page is also timed in Chromium where Chromium is installed."""
    import os
    import subprocess
    import sys
    import tempfile

    from core.knowledge_graph import MAX_RUN_NODES, load_knowledge_graph
    from tools.bench_browser import CHROMIUM

    entities = load_knowledge_graph().number_of_nodes()
    cases = {}
    for runs in sorted({max(0, KNOWLEDGE_NODES - entities), MAX_RUN_NODES}):
        home = tempfile.mkdtemp(prefix="neuralstage-bench-knowledge-")
        _seed_runs(home, runs)
        env = {**os.environ, "NEURALSTAGE_HOME": home, "NEURALSTAGE_OFFLINE": "1"}
        code = f"import json; from tools.bench_knowledge import _knowledge_case; print(json.dumps(_knowledge_case({repeats})))"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError(out.stderr[-2000:])
        cases[str(entities + runs)] = json.loads(out.stdout.strip().splitlines()[-1])
        if entities + runs == KNOWLEDGE_NODES and os.path.exists(CHROMIUM):
            cases[str(entities + runs)]["chromium"] = _time_knowledge_in_chromium(home, KNOWLEDGE_NODES, repeats)
    return {"task": "knowledge", "entities": entities, "by_nodes": cases, "target_s": 1.5,
            "device": describe_device().label}


def _knowledge_case(repeats: int) -> dict[str, Any]:
    """One case of ``bench_knowledge``, inside its own process with ``NEURALSTAGE_HOME`` set."""
    from core.runstore import RunStore

    page = _time_knowledge_page(repeats)
    return {"page": page, "steps": _time_knowledge_steps(RunStore().list())}
