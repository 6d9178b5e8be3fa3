"""Evaluate a shipped model, or any stored run whose model reads this kind of data, on the chosen
class data set: accuracy, the confusion matrix with the model's class names, and the worst examples.

Runs trained on a class data set (here or on a Train & try page) and runs trained on the pages' own
digits, clothes, spoken digits or reviews are all offered; the set's labels are matched to the
model's classes by name (core.class_eval), and a model that knows none of them is said so before
anything is scored.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.chart_text import summarize_confusion, summarize_class_accuracy
from core.class_runs import list_usable_runs, run_aliases, run_dataset, run_family, run_labels
from core.errors import UserError
from core.markdown import escape_markdown, escape_params
from core.runstore import RunRecord
from core.user_data import DatasetInfo
from data.speech_format import SAMPLE_RATE
from ui.charts import plot_confusion, plot_per_class_accuracy, render_summary, tile_images
from ui.datasets import dataset_name
from ui.model_picker import class_set_name
from ui.state import get_store, get_user_data, t

CLIPS_SHOWN = 3  # recordings played back: enough to hear what went wrong
CLASSES_NAMED = 10  # a model's classes listed when it knows none of the set's
SHIPPED = {"image": ("mnist_mlp", "mnist_cnn", "fashion_mlp", "fashion_cnn"), "audio": ("speech",), "text": ("text",)}
TRAINED_ON = {"mnist_mlp": "mnist", "mnist_cnn": "mnist", "fashion_mlp": "fashion", "fashion_cnn": "fashion",
              "speech": "speech", "text": "text"}
SOURCE_NAMES = {"fsdd": "data.source.fsdd", "imdb": "data.source.imdb"}  # page data that is not the bundled set


def _run_choice(run: RunRecord) -> str:
    params = {"run": run.id, "family": t(f"family.{run_family(run)}"), "accuracy": run.test_accuracy or 0.0}
    if run_labels(run):
        name = class_set_name(str(run.config.get("dataset_id", "")), run_labels(run))
        return t("data.eval.class_run", name=name, **params)
    source = run.data_source or run.config.get("data_source", "")
    data = t(SOURCE_NAMES[source]) if source in SOURCE_NAMES else dataset_name(run_dataset(run))
    return t("data.eval.page_run", data=data, **params)


def _choices(info: DatasetInfo) -> tuple[dict[str, str], dict[str, RunRecord]]:
    """Model choices as {key: label} (shipped models by name, runs as "run:<id>"), and the runs by key."""
    choices = {name: t("model.pretrained_short", model=t(f"shipped.{name}"), data=dataset_name(TRAINED_ON[name]))
               for name in SHIPPED[info.kind]}
    runs = {f"run:{run.id}": run for run in list_usable_runs(get_store(), info.kind)}
    choices.update({key: _run_choice(run) for key, run in runs.items()})
    return choices, runs


def _aliases(choice: str, runs: dict[str, RunRecord]) -> tuple[tuple[str, ...], ...]:
    """The names each class of the chosen model goes by."""
    from core.class_eval import model_class_names

    return run_aliases(runs[choice]) if choice in runs else model_class_names(TRAINED_ON[choice])


def _load(choice: str):
    """The loaded model of a choice of ``_choices``."""
    from ui.model_picker import get_pretrained, load_run_model

    if not choice.startswith("run:"):
        return get_pretrained(choice)
    run_id = int(choice.split(":", 1)[1])
    model = load_run_model(run_id)
    if model is None:
        raise UserError("model.missing", run=run_id)
    return model


def render_class_evaluation(info: DatasetInfo) -> None:
    """Pick a model, press Evaluate, read how it does on this data set."""
    from core.class_eval import match_labels

    choices, runs = _choices(info)
    choice = st.selectbox(t("data.eval.model"), list(choices), format_func=choices.get, key=f"data_eval_{info.kind}")
    aliases = _aliases(choice, runs)
    knows_some = bool((match_labels(info.labels, aliases) >= 0).any())
    if not knows_some:  # said before anything is scored, with the names the model would understand
        classes = ", ".join(" / ".join(dict.fromkeys(names)) for names in aliases[:CLASSES_NAMED])
        classes += "…" if len(aliases) > CLASSES_NAMED else ""
        st.warning(t("data.eval.none_known", labels=escape_markdown(", ".join(info.labels)),
                     classes=escape_markdown(classes)), icon=":material/block:")
    if st.button(t("data.eval.go"), icon=":material/fact_check:", key="data_eval_go", disabled=not knows_some):
        from core.class_eval import evaluate_on_data, make_scorer

        try:
            model = _load(choice)
            _, x, y = get_user_data().load(info.id)
            st.session_state["data_eval"] = (info.id, choice, evaluate_on_data(make_scorer(info.kind, model), x, y,
                                                                               info.labels, aliases))
        except UserError as exc:
            st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
    stored = st.session_state.get("data_eval")
    if stored and stored[:2] == (info.id, choice):
        _render_result(info, stored[2])


def _render_result(info: DatasetInfo, evaluation) -> None:
    report, names = evaluation.report, list(evaluation.class_names)
    st.metric(t("data.eval.accuracy", n=len(evaluation.kept)), f"{report.accuracy:.1%}")
    if evaluation.unknown_labels:
        st.caption(t("data.eval.unknown", labels=escape_markdown(", ".join(evaluation.unknown_labels))))
    left, right = st.columns([3, 2])
    labels = {"predicted": t("inspect.predicted"), "true": t("inspect.true"), "count": t("inspect.count")}
    left.plotly_chart(plot_confusion(report.confusion, names, labels), key="data_eval_confusion")
    render_summary(summarize_confusion(report.confusion, names), left)
    present = [i for i, count in enumerate(report.confusion.sum(axis=1)) if count]  # the classes the data holds
    accuracy = report.per_class_accuracy[present]
    right.plotly_chart(plot_per_class_accuracy(accuracy, [names[i] for i in present], t("inspect.per_class")),
                       key="data_eval_per_class")
    render_summary(summarize_class_accuracy(accuracy, [names[i] for i in present]), right)
    _render_worst(info, evaluation, names)


def _render_worst(info: DatasetInfo, evaluation, names: list[str]) -> None:
    """The samples the model gave the lowest probability to their true class, in their own form."""
    st.markdown(f"**{t('data.eval.worst_title')}**")
    if evaluation.report.accuracy == 1.0:  # nothing went wrong: the least sure right answers are no "worst"
        st.success(t("data.eval.all_right", n=len(evaluation.kept)), icon=":material/check_circle:")
        return
    _, x, y = get_user_data().load(info.id)
    position = {int(index): i for i, index in enumerate(evaluation.kept)}
    worst = [int(i) for i in evaluation.worst]
    answers = [f"#{i} {info.labels[y[i]]} → {names[evaluation.report.predicted[position[i]]]}" for i in worst]
    if info.kind == "image":
        st.image(tile_images(x[worst] / 255.0, columns=len(worst), tile_px=56, gap_px=4),
                 caption=t("data.eval.worst", items="; ".join(answers)))
    elif info.kind == "audio":
        for i, answer in zip(worst[:CLIPS_SHOWN], answers):
            st.audio(x[i], sample_rate=SAMPLE_RATE)
            st.caption(escape_markdown(answer))
    else:
        st.dataframe(pd.DataFrame({t("data.eval.answer"): answers, t("data.col.text"): [str(x[i]) for i in worst]}),
                     hide_index=True, width="stretch")
