"""Evaluate a shipped model, or one trained on a class data set, on the chosen class data set:
accuracy, the confusion matrix with the model's class names, and the worst examples."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.chart_text import summarize_confusion, summarize_class_accuracy
from core.errors import UserError
from core.markdown import escape_markdown, escape_params
from core.user_data import DatasetInfo
from data.speech_format import SAMPLE_RATE
from ui.charts import plot_confusion, plot_per_class_accuracy, render_summary, tile_images
from ui.datasets import dataset_name
from ui.state import get_store, get_user_data, t

CLIPS_SHOWN = 3  # recordings played back: enough to hear what went wrong
SHIPPED = {"image": ("mnist_mlp", "mnist_cnn", "fashion_mlp", "fashion_cnn"), "audio": ("speech",), "text": ("text",)}
TRAINED_ON = {"mnist_mlp": "mnist", "mnist_cnn": "mnist", "fashion_mlp": "fashion", "fashion_cnn": "fashion",
              "speech": "speech", "text": "text"}


def _choices(info: DatasetInfo) -> dict[str, str]:
    """Model choices as {key: label}: shipped models by name, class-set runs as "run:<id>"."""
    choices = {name: t("model.pretrained_short", model=t(f"shipped.{name}"), data=dataset_name(TRAINED_ON[name]))
               for name in SHIPPED[info.kind]}
    if info.kind == "image":
        for family in ("mlp", "cnn"):
            for run in get_store().list(task=f"class-{family}"):
                if run.model_path and run.status in ("done", "stopped"):
                    labels = ", ".join(run.config.get("labels", []))
                    choices[f"run:{run.id}"] = t("data.eval.run", run=run.id, labels=labels)
    return choices


def _load(choice: str):
    """The loaded model and its class aliases for a choice of ``_choices``."""
    from core.class_eval import model_class_names
    from core.inference import load_model_file
    from ui.model_picker import get_pretrained

    if choice.startswith("run:"):
        run = get_store().get(int(choice.split(":", 1)[1]))
        return load_model_file(run.model_path), model_class_names("class", tuple(run.config.get("labels", [])))
    return get_pretrained(choice), model_class_names(TRAINED_ON[choice])


def render_class_evaluation(info: DatasetInfo) -> None:
    """Pick a model, press Evaluate, read how it does on this data set."""
    choices = _choices(info)
    choice = st.selectbox(t("data.eval.model"), list(choices), format_func=choices.get, key=f"data_eval_{info.kind}")
    if st.button(t("data.eval.go"), icon=":material/fact_check:", key="data_eval_go"):
        from core.class_eval import evaluate_on_data, make_scorer

        try:
            model, aliases = _load(choice)
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
    _, x, y = get_user_data().load(info.id)
    position = {int(index): i for i, index in enumerate(evaluation.kept)}
    worst = [int(i) for i in evaluation.worst]
    answers = [f"#{i} {info.labels[y[i]]} → {names[evaluation.report.predicted[position[i]]]}" for i in worst]
    st.markdown(f"**{t('data.eval.worst_title')}**")
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
