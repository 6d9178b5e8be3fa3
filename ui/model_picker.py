"""Choosing which trained model the Try and Look-inside panels use: the shipped one or a run.

The shipped model is shared by everyone (``st.cache_resource``, never modified). A model from a
run is loaded into the visitor's own Session State, straight from the finished job when it is still
in memory, else from its ``.keras`` file.
"""

from __future__ import annotations

import streamlit as st

from core.inference import LoadedModel, load_model_file, load_pretrained, wrap_model
from core.metrics import ClassifierReport, report_classifier
from ui.state import get_runner, get_store, t

PRETRAINED = "pretrained"
MAX_SESSION_MODELS = 3  # runs a visitor keeps loaded at once; older ones are dropped from memory


@st.cache_resource(show_spinner=False)
def get_pretrained(name: str) -> LoadedModel:
    """The shipped model ``name`` (one copy per process)."""
    return load_pretrained(name)


@st.cache_resource(show_spinner=False)
def get_pretrained_report(name: str) -> tuple[ClassifierReport, str]:
    """How the shipped digit model does on the bundled test split."""
    from data.mnist import load_bundled_mnist, to_model_input

    data = load_bundled_mnist()
    model = get_pretrained(name)
    return report_classifier(data.y_test, model.predict_batch(to_model_input(data.x_test))), "bundled"


def _load_run_model(run_id: int) -> LoadedModel | None:
    cache: dict[int, LoadedModel] = st.session_state.setdefault("loaded_run_models", {})
    if run_id in cache:
        return cache[run_id]
    in_memory = next((j for j in get_runner().jobs() if j.run_id == run_id and "model" in j.result), None)
    record = get_store().get(run_id)
    if in_memory is not None:
        loaded = wrap_model(in_memory.result["model"])
    elif record is not None and record.model_path:
        loaded = load_model_file(record.model_path)
    else:
        return None
    while len(cache) >= MAX_SESSION_MODELS:
        cache.pop(next(iter(cache)))
    cache[run_id] = loaded
    return loaded


def _run_report(run_id: int, model: LoadedModel, source: str) -> ClassifierReport:
    from data.mnist import load_mnist, to_model_input

    reports: dict[int, ClassifierReport] = st.session_state.setdefault("run_reports", {})
    if run_id not in reports:
        data = load_mnist(source)
        reports[run_id] = report_classifier(data.y_test, model.predict_batch(to_model_input(data.x_test)))
    return reports[run_id]


def pick_digit_model(task: str, pretrained_name: str) -> tuple[LoadedModel, ClassifierReport, str] | None:
    """Let the visitor choose a model; return it with its test report and the data source it used."""
    runs = [r for r in get_store().list(task=task) if r.model_path]
    card = get_pretrained(pretrained_name).card
    labels = {PRETRAINED: t("model.pretrained", accuracy=card.get("test_accuracy", 0.0))}
    for run in runs:
        labels[run.id] = t("model.run", run=run.id, accuracy=run.test_accuracy or 0.0,
                           epochs=run.epochs_done, status=t(f"status.{run.status}"))
    fresh = st.session_state.pop("just_finished_job_run", None)
    if fresh in labels:
        st.session_state["digit_model_choice"] = fresh
    if st.session_state.get("digit_model_choice") not in labels:
        st.session_state["digit_model_choice"] = PRETRAINED
    choice = st.selectbox(t("model.choose"), list(labels), format_func=labels.get, key="digit_model_choice")
    if choice == PRETRAINED:
        report, source = get_pretrained_report(pretrained_name)
        return get_pretrained(pretrained_name), report, source
    record = next(r for r in runs if r.id == choice)
    model = _load_run_model(choice)
    if model is None:
        st.error(t("model.missing", run=choice))
        return None
    return model, _run_report(choice, model, record.data_source or "bundled"), record.data_source or "bundled"
