"""Every page through Streamlit's AppTest: renders in both languages, trains, predicts, reports failures."""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.jobs import JobStatus
from ui.state import get_runner

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGES = ["app_pages/home.py", "app_pages/mnist.py", "app_pages/scale.py", "app_pages/runs.py"]


def open_app(lang: str = "en", page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(page, lang):
    at = open_app(lang, page)
    title = at.title[0].value
    assert title
    is_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in title)
    assert is_chinese == (lang == "zh") or page.endswith("home.py")  # the English brand is kept on home


def test_home_page_does_not_import_tensorflow():
    probe = ("import sys; from streamlit.testing.v1 import AppTest; "
             f"at = AppTest.from_file({APP!r}).run(); "
             "assert not at.exception, at.exception; "
             "print(sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO,
                         timeout=120, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def digit_as_canvas(index: int) -> tuple[np.ndarray, int]:
    """A bundled test digit blown up to a 280×280 RGBA canvas image, white on black, with its label."""
    from data.mnist import load_bundled_mnist

    data = load_bundled_mnist()
    grey = np.kron(data.x_test[index], np.ones((10, 10), np.uint8))
    rgba = np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    return rgba, int(data.y_test[index])


def test_drawing_in_session_state_is_read_by_the_model():
    at = open_app("en", "app_pages/mnist.py")
    assert any("Draw a digit first" in i.value for i in at.info)
    drawing, label = digit_as_canvas(0)
    at.session_state["mnist_drawing"] = drawing
    at.run()
    readings = [m for m in at.metric if m.label == "The model reads"]
    assert readings and readings[0].value == str(label)


def finish(at: AppTest, job_id: int, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while not get_runner().get(job_id).status.finished:
        assert time.time() < deadline, "training did not finish in time"
        time.sleep(0.2)
    at.run()


def start_compact_job(epochs: int) -> tuple[AppTest, int]:
    """Open the digits page, start the Compact MLP preset for ``epochs`` and return the job id."""
    at = open_app("en", "app_pages/mnist.py")
    at.selectbox(key="mnist_preset").select("compact_mlp").run()
    at.slider(key="epochs_compact_mlp").set_value(epochs).run()
    at.button(key="mnist_start").click().run()
    assert not at.exception, at.exception
    return at, at.session_state["mnist_job"]


def test_tiny_training_run_completes_and_shows_its_metrics():
    at, job_id = start_compact_job(1)
    finish(at, job_id)
    job = get_runner().get(job_id)
    assert job.status is JobStatus.DONE and len(job.epoch_metrics) == 1
    assert any("Finished" in s.value and f"run #{job.run_id}" in s.value for s in at.success)
    assert {m.label for m in at.metric} >= {"Epoch", "Elapsed", "Digits / s"}
    history = open_app("en", "app_pages/runs.py")
    assert job.run_id in history.dataframe[0].value.iloc[:, 0].tolist()


def test_failed_job_is_shown_with_its_reason_in_the_users_language():
    def broken(context):
        raise RuntimeError("out of disk space")

    job = get_runner().submit("mnist-mlp", {}, broken, epochs=1)
    get_runner().wait(job.id, timeout=30)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "zh"
    at.session_state["mnist_job"] = job.id
    at.run()
    at.switch_page("app_pages/mnist.py").run()
    assert not at.exception
    assert any("训练失败" in e.value and "out of disk space" in e.value for e in at.error)


def test_moving_a_slider_does_not_restart_training_and_stop_ends_it():
    at, job_id = start_compact_job(50)
    submitted = len(get_runner().jobs())
    at.slider(key="epochs_compact_mlp").set_value(3).run()
    at.selectbox(key="mnist_preset").select("keras_mlp").run()
    assert at.session_state["mnist_job"] == job_id and len(get_runner().jobs()) == submitted
    assert not get_runner().get(job_id).status.finished
    at.button(key=f"stop_{job_id}").click().run()
    finish(at, job_id)
    job = get_runner().get(job_id)
    assert job.status is JobStatus.STOPPED and job.stop_reason == "user"
    assert len(job.epoch_metrics) < 50
    assert any("you pressed Stop" in w.value for w in at.warning)


def test_full_mnist_offline_is_explained_and_training_falls_back_to_bundled():
    at = open_app("en", "app_pages/mnist.py")
    at.radio(key="mnist_data_source").set_value("full").run()
    assert any("cannot be downloaded now" in w.value for w in at.warning)
    assert any("bundled MNIST, 7,200 training" in c.value for c in at.caption)


@pytest.mark.parametrize("lang, tab, heading", [("en", "Look inside", "Its most confident mistakes"),
                                                ("zh", "看内部", "它最有把握却认错的例子")])
def test_look_inside_shows_errors_gallery_and_weights(lang, tab, heading):
    at = open_app(lang, "app_pages/mnist.py")
    at.session_state["mnist_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    assert heading in [s.value for s in at.subheader]
    assert len(at.get("plotly_chart")) >= 3  # confusion matrix, per-class accuracy, first-layer weights
    assert any("97" in c.value for c in at.caption)  # scored on the test split: the card's 97.55 %


def test_sidebar_counts_the_job_just_started():
    at, job_id = start_compact_job(30)
    assert any("1 running" in c.value for c in at.sidebar.caption)
    get_runner().stop(job_id)
    finish(at, job_id)
    assert any("0 running, 0 waiting" in c.value for c in at.sidebar.caption)
