"""Choosing which trained model the Try and Look-inside panels use: a shipped one or a run.

Shipped models are shared by everyone (``st.cache_resource``, never modified). A model from a run
is loaded into the visitor's own Session State, straight from the finished job when it is still in
memory, else from its ``.keras`` file. Every choice comes with its report on the test split of the
data it was trained on, so the look-inside views score what the visitor is looking at.

A run trained on a class data set from a page of the same kind (pictures on the digits and images
pages, recordings on the speech page, texts on the reviews page) is offered too, with that set's
class names; its report is None, since its test split lives on the Class data sets page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import streamlit as st

from core.class_runs import list_usable_runs, run_family, run_labels
from core.errors import UserError
from core.inference import LoadedModel, load_model_file, load_pretrained, read_model_card, wrap_model
from core.metrics import ClassifierReport, report_classifier
from core.runstore import RunRecord
from ui.state import get_runner, get_store, get_user_data, t

MAX_SESSION_MODELS = 3  # runs a visitor keeps loaded at once; older ones are dropped from memory
PAGE_KINDS = {"mnist": "image", "fashion": "image", "cifar10": "image", "speech": "audio", "text": "text"}


@dataclass(frozen=True)
class PickedModel:
    """The model chosen on a page, where its test scores come from, and what kind it is."""

    model: LoadedModel
    report: ClassifierReport | None  # on the test split of its data; None for a run on a class data set
    dataset: str  # "mnist", "fashion", ..., or "class"
    source: str  # "bundled" or "full", or "class:<id>" for a class data set
    family: str  # "mlp" or "cnn"
    labels: tuple[str, ...] = ()  # the class data set's class names, in output order; () for the page's own data


@st.cache_resource(show_spinner=False)
def get_pretrained(name: str) -> LoadedModel:
    """The shipped model ``name`` (one copy per process)."""
    return load_pretrained(name)


def score_model(model: LoadedModel, dataset: str, source: str) -> ClassifierReport:
    """The model's report on the test split of ``dataset`` from ``source`` (images, speech or text)."""
    if dataset == "text":
        from core.text_inference import encode_texts
        from data.text import load_text

        data = load_text("en" if source == "imdb" else "zh")
        return report_classifier(data.y_test, model.predict_batch(encode_texts(model.model, data.x_test)))
    if dataset == "speech":
        from data.speech import load_speech

        data = load_speech()
        return report_classifier(data.y_test, model.predict_batch(data.x_test))
    from data.images import load_images, to_model_input

    data = load_images(dataset, source)
    return report_classifier(data.y_test, model.predict_batch(to_model_input(data.x_test)))


@st.cache_resource(show_spinner=False)
def get_pretrained_report(name: str) -> ClassifierReport:
    """How the shipped model ``name`` does on the bundled test split it was made for."""
    card = read_model_card(name)
    return score_model(get_pretrained(name), card["settings"]["dataset"], "bundled")


def load_run_model(run_id: int) -> LoadedModel | None:
    """The model of run ``run_id``, kept in this visitor's Session State (at most ``MAX_SESSION_MODELS``):
    from the finished job while it is in memory, else from its file; None when it has none it can read."""
    cache: dict[int, LoadedModel] = st.session_state.setdefault("loaded_run_models", {})
    if run_id in cache:
        return cache[run_id]
    in_memory = next((j for j in get_runner().jobs() if j.run_id == run_id and "model" in j.result), None)
    record = get_store().get(run_id)
    if in_memory is not None:
        loaded = wrap_model(in_memory.result["model"])
    elif record is not None and record.model_path:
        try:
            loaded = load_model_file(record.model_path)
        except Exception:  # noqa: BLE001  Keras raises a dozen kinds for a file cut short or damaged on disk
            return None
    else:
        return None
    while len(cache) >= MAX_SESSION_MODELS:
        cache.pop(next(iter(cache)))
    cache[run_id] = loaded
    return loaded


def _run_report(run_id: int, model: LoadedModel, dataset: str, source: str) -> ClassifierReport:
    reports: dict[int, ClassifierReport] = st.session_state.setdefault("run_reports", {})
    if run_id not in reports:
        reports[run_id] = score_model(model, dataset, source)
    return reports[run_id]


def class_set_name(dataset_id: str, labels: Sequence[str]) -> str:
    """The name of the class data set ``dataset_id``, or its class names once the set has been deleted."""
    try:
        return get_user_data().info(dataset_id).name
    except UserError:
        return ", ".join(labels)


def _run_label(run: RunRecord) -> str:
    params = {"run": run.id, "family": t(f"family.{run_family(run)}"), "accuracy": run.test_accuracy or 0.0,
              "epochs": run.epochs_done, "status": t(f"status.{run.status}")}
    if run_labels(run):
        return t("model.class_run", name=class_set_name(str(run.config.get("dataset_id", "")), run_labels(run)),
                 **params)
    return t("model.run", **params)


def pick_model(dataset: str, shipped: Sequence[str], families: Sequence[str], key: str) -> PickedModel | None:
    """A select box of the shipped models ``shipped`` and the stored runs of ``families`` on ``dataset``
    or on a class data set of the same kind.

    Returns the chosen model with its test report, or None (with a message) when it cannot be used.
    """
    runs = [r for family in families for r in get_store().list(task=f"{dataset}-{family}") if r.model_path]
    runs += [r for r in list_usable_runs(get_store(), PAGE_KINDS[dataset], class_only=True)
             if run_family(r) in families]
    runs.sort(key=lambda r: r.id, reverse=True)
    labels: dict[object, str] = {}
    for name in shipped:
        card = read_model_card(name)
        labels[name] = t("model.pretrained", model=t(f"shipped.{name}"), accuracy=card.get("test_accuracy", 0.0))
    for run in runs:
        labels[run.id] = _run_label(run)
    if not labels:
        st.info(t("model.none_yet"), icon=":material/model_training:")
        return None
    fresh = st.session_state.get("just_finished_job_run")
    if fresh in labels:  # a run the visitor has just finished on this page: show it straight away
        st.session_state.pop("just_finished_job_run")
        st.session_state[key] = fresh
    if shipped and st.session_state.pop("use_shipped_model", False):  # set by ui.fallback
        st.session_state[key] = shipped[0]
    if st.session_state.get(key) not in labels:
        st.session_state[key] = next(iter(labels))
    choice = st.selectbox(t("model.choose"), list(labels), format_func=labels.get, key=key)
    try:
        if choice in shipped:
            family = read_model_card(choice)["task"].rsplit("-", 1)[-1]
            return PickedModel(get_pretrained(choice), get_pretrained_report(choice), dataset, "bundled", family)
        record = next(r for r in runs if r.id == choice)
        model = load_run_model(choice)
        if model is None:
            st.error(t("model.missing", run=choice))
            return None
        family = run_family(record)
        if run_labels(record):
            return PickedModel(model, None, "class", f"class:{record.config.get('dataset_id', '')}", family,
                               run_labels(record))
        source = record.data_source or "bundled"
        return PickedModel(model, _run_report(choice, model, dataset, source), dataset, source, family)
    except UserError as exc:  # e.g. a run on the full data set, and the network is gone now
        st.error(t(exc.key, **exc.params))
        return None
