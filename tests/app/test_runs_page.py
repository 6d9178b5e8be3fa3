"""The run history page through AppTest: deleting asks first, the comparison draws one line per chosen
run and tells runs apart beyond the palette, the CSV holds every run with its seed, filters narrow the
table, and a run's zip comes from one click, here and under a finished run on a training page."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import translate
from core.runstore import RunRecord
from test_pages import finish, open_app, start_compact_job
from ui.state import get_runner, get_store

EPOCHS = [{"epoch": 1, "loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.75},
          {"epoch": 2, "loss": 0.4, "accuracy": 0.85, "val_loss": 0.5, "val_accuracy": 0.8}]
ZIP_PARTS = {"model.keras", "settings.json", "epochs.csv", "charts/loss.html", "charts/accuracy.html", "model_card.md"}


ADDED: list[int] = []  # runs a test put in the process-wide store, taken out again after it


@pytest.fixture(autouse=True)
def remove_added_runs():
    """Leave the store as the test found it: other pages pick stored runs by task (a replay of the best)."""
    yield
    while ADDED:
        get_store().delete(ADDED.pop())


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """What each download button drawn with a callable would build on its click, by file name.

    Streamlit keeps such a callable in its media file manager and runs it in another thread when the
    browser asks; the test keeps a hold of it on the way in and runs it the same way."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made, add_deferred = {}, MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return made


def click_download(downloads: dict, file_name: str) -> bytes:
    """The bytes the browser gets for ``file_name``: built outside the script run, in a worker thread."""
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(downloads[file_name]).result()


def add_run(**fields) -> int:
    values = {"task": "fashion-cnn", "status": "done", "config": {}, "epochs": EPOCHS, "test_accuracy": 0.8,
              "seed": 42, **fields}
    ADDED.append(get_store().add(RunRecord(**values)))
    return ADDED[-1]


def shown_ids(at: AppTest) -> list[int]:
    return at.dataframe[0].value.iloc[:, 0].tolist()


def test_delete_asks_first_and_cancel_keeps_the_run():
    kept = add_run()
    at = open_app("en", "app_pages/runs.py")
    at.selectbox(key="run_to_delete").select(kept).run()
    at.button(key="run_delete").click().run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [translate("en", "runs.delete_confirm", run=kept)]
    assert get_store().get(kept) is not None  # the first click only asks
    at.button(key="run_delete_cancel").click().run()
    assert not at.warning and get_store().get(kept) is not None and kept in shown_ids(at)
    assert at.button(key="run_delete").label == "Delete"


def test_delete_with_the_confirmation_removes_the_run_from_the_store_and_the_table():
    doomed, other = add_run(), add_run()
    at = open_app("zh", "app_pages/runs.py")
    at.selectbox(key="run_to_delete").select(doomed).run()
    at.button(key="run_delete").click().run()
    at.button(key="run_delete_confirm").click().run()
    assert not at.exception, at.exception
    assert get_store().get(doomed) is None and get_store().get(other) is not None
    assert doomed not in shown_ids(at) and other in shown_ids(at)
    assert [toast.value for toast in at.toast] == [translate("zh", "runs.deleted", run=doomed)]


def test_a_run_still_training_is_not_offered_for_deletion():
    running, done = add_run(status="running", epochs=[]), add_run()
    at = open_app("en", "app_pages/runs.py")
    options = at.selectbox(key="run_to_delete").options
    assert running in shown_ids(at) and f"#{running}" not in options and f"#{done}" in options
    at.multiselect(key="runs_filter_status").select("running").run()
    assert not at.exception, at.exception
    assert translate("en", "runs.delete_none") in [c.value for c in at.caption]


def test_the_comparison_draws_one_line_per_chosen_run_and_tells_apart_runs_beyond_the_palette():
    from ui.charts import OKABE_ITO

    chosen = [add_run(epochs=[{**e, "val_accuracy": e["val_accuracy"] - i / 100} for e in EPOCHS]) for i in range(10)]
    at = open_app("en", "app_pages/runs.py")
    at.multiselect(key="runs_compare").set_value(chosen).run()
    assert not at.exception, at.exception
    [chart] = at.get("plotly_chart")
    lines = json.loads(chart.proto.spec)["data"]
    assert [line["name"] for line in lines] == [f"#{i}" for i in chosen]
    styles = [(line["line"]["color"], line["line"].get("dash", "solid"), line["marker"].get("symbol", "circle"))
              for line in lines]
    assert len(set(styles)) == len(chosen)  # every run drawn differently
    assert {s[1] for s in styles[:len(OKABE_ITO)]} == {"solid"} and styles[len(OKABE_ITO)][1] == "dash"
    at.multiselect(key="runs_compare").set_value(chosen[:2]).run()
    assert len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"]) == 2


def test_the_csv_holds_every_run_with_its_seed_whatever_the_filters(downloads):
    first = add_run(task="speech-gru", seed=11)
    second = add_run(task="text-transformer", seed=None, status="failed", test_accuracy=None, epochs=[])
    at = open_app("zh", "app_pages/runs.py")
    at.multiselect(key="runs_filter_task").select("speech-gru").run()
    assert not at.exception, at.exception
    assert second not in shown_ids(at)
    every = list(csv.DictReader(io.StringIO(click_download(downloads, "neuralstage_runs.csv").decode("utf-8-sig"))))
    run, seed = translate("zh", "runs.col.id"), translate("zh", "runs.col.seed")
    assert {int(row[run]) for row in every} == {r.id for r in get_store().list(limit=-1)}
    by_id = {int(row[run]): row for row in every}
    assert by_id[first][seed] == "11" and by_id[second][seed] == ""
    assert by_id[second][translate("zh", "runs.col.status")] == translate("zh", "status.failed")
    shown = list(csv.DictReader(io.StringIO(click_download(downloads, "neuralstage_runs_shown.csv")
                                            .decode("utf-8-sig"))))
    assert {int(row[run]) for row in shown} == set(shown_ids(at)) and first in shown_ids(at)
    labels = {b.proto.label for b in at.get("download_button")}
    assert {translate("zh", "runs.export_all"), translate("zh", "runs.export_shown", count=len(shown))} <= labels


def test_the_filters_narrow_the_table_which_shows_the_seed_and_a_dash_for_a_missing_score():
    failed = add_run(task="mnist-cnn", status="failed", seed=3, test_accuracy=None, epochs=[])
    done = add_run(task="mnist-cnn", seed=4)
    add_run(task="speech-gru")
    at = open_app("en", "app_pages/runs.py")
    at.multiselect(key="runs_filter_task").select("mnist-cnn").run()
    table = at.dataframe[0].value
    assert set(table["Task"]) == {"mnist-cnn"} and {failed, done} <= set(table["Run"])
    assert table.set_index("Run")["Seed"].to_dict()[failed] == 3
    at.multiselect(key="runs_filter_status").select("failed").run()
    assert failed in shown_ids(at) and done not in shown_ids(at)
    assert at.dataframe[0].proto.placeholder == "—"  # what the grid draws in an empty cell, instead of "None"
    assert table.set_index("Run")["Test accuracy"].isna().to_dict()[failed]


def test_a_run_downloads_as_a_zip_in_one_click_with_the_card_in_the_visitors_language(downloads):
    keras = __import__("keras")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    run_id = get_store().add(RunRecord(task="mnist-mlp", status="done", seed=9, config={}, epochs=EPOCHS,
                                       test_accuracy=0.9), model=model)
    ADDED.append(run_id)
    at = open_app("zh", "app_pages/runs.py")
    at.selectbox(key="run_to_export").select(run_id).run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if "压缩包" in b.label]  # no separate step that prepares the zip
    assert translate("zh", "runs.export_download", run=run_id) in {b.proto.label for b in at.get("download_button")}
    with zipfile.ZipFile(io.BytesIO(click_download(downloads, f"neuralstage_run_{run_id}.zip"))) as bundle:
        assert {name.split("/", 1)[1] for name in bundle.namelist()} == ZIP_PARTS
        card = bundle.read(f"run_{run_id}/model_card.md").decode()
        assert card.startswith(f"# {translate('zh', 'card.title', run=run_id, task='mnist-mlp')}")
        assert json.loads(bundle.read(f"run_{run_id}/settings.json"))["seed"] == 9
        chart_title = json.dumps(translate("zh", "runs.chart.loss"))[1:-1]  # as the chart's JSON writes it
        assert chart_title in bundle.read(f"run_{run_id}/charts/loss.html").decode()


def test_a_finished_run_on_a_training_page_downloads_as_a_zip_in_one_click(downloads):
    at, job_id = start_compact_job(1)
    finish(at, job_id)
    run_id = get_runner().get(job_id).run_id
    assert not at.exception, at.exception
    assert at.download_button(key=f"export_{job_id}").label == translate("en", "runs.export_download", run=run_id)
    with zipfile.ZipFile(io.BytesIO(click_download(downloads, f"neuralstage_run_{run_id}.zip"))) as bundle:
        assert {name.split("/", 1)[1] for name in bundle.namelist()} == ZIP_PARTS
        assert bundle.read(f"run_{run_id}/model_card.md").decode().startswith("# ")
