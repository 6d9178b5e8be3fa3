"""The themes of the social-impact page: a short text from ``content/`` beside a live measurement.

The three experiments (fairness, privacy, robustness) run as background jobs through the shared job
runner and keep their results, so the page shows the last measurement at once, says when and where
it was made, and can run it again. Energy and model cards are computed from the run history.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.chart_text import (summarize_auc, summarize_class_accuracy, summarize_energy, summarize_group_accuracy,
                             summarize_robustness)
from core.content import load_content
from core.impact import EXPERIMENT_EPOCHS, load_result, make_experiment_work
from ui.charts import render_summary
from ui.impact_charts import plot_energy, plot_group_accuracy, plot_lines
from ui.job_panel import REFRESH_S
from ui.presenter import advanced_area
from ui.state import current_language, get_runner, get_store, session_id, t
CPU_WATTS_PER_CORE = 10.0  # an assumption, shown and editable: a laptop core under load draws roughly this
GPU_WATTS = 300.0  # an assumption, shown and editable: a data-centre GPU under training load
GRID_G_PER_KWH = 500.0  # an assumption, shown and editable: a grid that burns a fair share of coal and gas


def render_text(name: str) -> None:
    """The theme's text in the visitor's language."""
    st.markdown(load_content(current_language(), name))


def _experiment_view(name: str) -> None:
    job_key = f"impact_job_{name}"
    job = get_runner().get(st.session_state[job_key]) if job_key in st.session_state else None
    if job is not None and not job.status.finished:
        total = EXPERIMENT_EPOCHS[name]
        done = min(len(job.epoch_metrics) / total, 1.0) if total else 0.0
        st.progress(done, text=t("impact.running"))
        st.button(t("job.stop"), key=f"impact_stop_{name}", icon=":material/stop:", on_click=get_runner().stop,
                  args=(job.id,))
        return
    if job is not None and job.error:
        st.error(t("job.failed", reason=t(job.error) if job.error.startswith("error.") else job.error))
    if job is not None and not st.session_state.get(f"{job_key}_seen"):
        st.session_state[f"{job_key}_seen"] = True
        st.rerun(scope="app")  # the charts outside this panel now have the new result


def render_experiment_runner(name: str) -> dict | None:
    """When and where the stored result was measured, a Run button, and progress while it runs.

    Returns the stored result, or None before the first run.
    """
    result = load_result(name)
    job_key = f"impact_job_{name}"
    if result is None:
        st.info(t("impact.not_run"), icon=":material/science:")
    else:
        when = dt.datetime.fromtimestamp(result["measured_at"]).strftime("%Y-%m-%d %H:%M")
        st.caption(t("impact.measured", when=when, device=result["device"], seconds=result["seconds"]))
    job = get_runner().get(st.session_state[job_key]) if job_key in st.session_state else None
    running = job is not None and not job.status.finished
    if not running and st.button(t("impact.run" if result is None else "impact.run_again"), key=f"impact_run_{name}",
                                 icon=":material/play_arrow:"):
        job = get_runner().submit(f"experiment-{name}", {"experiment": name}, make_experiment_work(name),
                                  epochs=max(1, EXPERIMENT_EPOCHS[name] // 2), owner=session_id())
        st.session_state[job_key] = job.id
        st.session_state.pop(f"{job_key}_seen", None)
        running = True
    if job_key in st.session_state:
        st.fragment(run_every=REFRESH_S if running else None)(_experiment_view)(name)
    return result


def render_fairness() -> None:
    """Accuracy per voice group of a GRU trained on male-like voices only and on a balanced mix."""
    render_text("impact_fairness")
    result = render_experiment_runner("fairness")
    if result is None:
        return
    arms = result["arms"]
    labels = {"male_only": t("impact.fair.male_only"), "balanced": t("impact.fair.balanced"),
              "male": t("speech.group.male"), "female": t("speech.group.female"), "accuracy": t("compare.accuracy")}
    st.plotly_chart(plot_group_accuracy(arms, labels), key="impact_fairness_chart")
    render_summary(summarize_group_accuracy(arms))
    skewed, balanced = arms["male_only"], arms["balanced"]
    st.markdown(t("impact.fair.summary", gap=(skewed["male"] - skewed["female"]) * 100,
                  balanced_gap=abs(balanced["male"] - balanced["female"]) * 100, clips=skewed["clips"],
                  female=result["test_clips"]["female"], male=result["test_clips"]["male"]))
    render_class_disparity()


def render_class_disparity() -> None:
    """Accuracy per class of the shipped clothing CNN: the same kind of gap, between kinds of product."""
    import numpy as np

    from ui.charts import plot_per_class_accuracy
    from ui.datasets import class_names
    from ui.model_picker import get_pretrained_report

    st.subheader(t("impact.fair.classes_title"))
    report = get_pretrained_report("fashion_cnn")
    names = class_names("fashion")
    accuracy = np.asarray(report.per_class_accuracy)
    best, worst = int(np.nanargmax(accuracy)), int(np.nanargmin(accuracy))
    st.plotly_chart(plot_per_class_accuracy(accuracy, names, t("impact.fair.classes_chart")),
                    key="impact_class_disparity")
    render_summary(summarize_class_accuracy(accuracy, names))
    st.markdown(t("impact.fair.classes_summary", best=names[best], best_acc=accuracy[best], worst=names[worst],
                  worst_acc=accuracy[worst], overall=report.accuracy))


def render_privacy() -> None:
    """Membership-inference AUC over training, memorising against regularised."""
    render_text("impact_privacy")
    result = render_experiment_runner("privacy")
    if result is None:
        return
    arms = result["arms"]
    epochs = arms["memorising"]["epoch"]
    labels = {"x": t("chart.epoch"), "y": t("impact.priv.auc"), "memorising": t("impact.priv.memorising"),
              "regularised": t("impact.priv.regularised")}
    st.plotly_chart(plot_lines(epochs, {arm: curve["auc"] for arm, curve in arms.items()}, labels, percent=False,
                               chance=0.5), key="impact_privacy_chart")
    memo, regular = arms["memorising"], arms["regularised"]
    render_summary(summarize_auc(epochs, memo["auc"], regular["auc"]))
    st.markdown(t("impact.priv.summary", first=memo["auc"][0], last=memo["auc"][-1], epochs=epochs[-1],
                  regular=regular["auc"][-1], attack=memo["attack_accuracy"][-1],
                  attack_regular=regular["attack_accuracy"][-1], train=memo["train_accuracy"][-1],
                  test=memo["test_accuracy"][-1], test_regular=regular["test_accuracy"][-1]))


def render_robustness() -> None:
    """Accuracy of the shipped models as inputs get noisier, more rotated, more hidden."""
    render_text("impact_robustness")
    result = render_experiment_runner("robustness")
    if result is None:
        return
    curves, strengths = result["curves"], result["strengths"]
    models = {"fashion_mlp": t("impact.rob.mlp"), "fashion_cnn": t("impact.rob.cnn"), "speech": t("shipped.speech")}
    columns = st.columns(2)
    for column, kind in zip(columns * 2, ("noise", "rotation", "occlusion", "snr")):
        series = {name: curve[kind] for name, curve in curves.items() if kind in curve}
        x = strengths[kind] if kind != "snr" else [40.0 if s == float("inf") else s for s in strengths[kind]]
        labels = {"x": t(f"impact.rob.{kind}"), "y": t("compare.accuracy"), **models}
        with column:
            st.plotly_chart(plot_lines(x, series, labels, x_reversed=kind == "snr"), key=f"impact_rob_{kind}")
            render_summary(summarize_robustness(x, series, models, labels["x"]))
    st.caption(t("impact.rob.caption", n=result["samples"]))


def render_transparency() -> None:
    """A model card for any stored run, to read and download as Markdown."""
    from core.footprint import emissions_g, energy_wh
    from core.model_card import TrainingEnergy, build_model_card

    render_text("impact_transparency")
    left, right = st.columns(2)
    left.page_link("app_pages/images.py", label=t("impact.card.occlusion_link"), icon=":material/image_search:")
    right.page_link("app_pages/text.py", label=t("impact.card.attention_link"), icon=":material/reviews:")
    runs = [run for run in get_store().list() if run.status in ("done", "stopped")]
    if not runs:
        st.info(t("impact.card.no_runs"), icon=":material/model_training:")
        return
    labels = {run.id: t("impact.card.run", run=run.id, task=run.task, accuracy=run.test_accuracy or 0.0)
              for run in runs}
    chosen = st.selectbox(t("impact.card.choose"), list(labels), format_func=labels.get, key="impact_card_run")
    run = next(r for r in runs if r.id == chosen)
    energy = None
    if run.train_seconds:
        watts, grams = _assumed_watts(), GRID_G_PER_KWH
        wh = energy_wh(run.train_seconds, watts)
        energy = TrainingEnergy(watts, wh, grams, emissions_g(wh, grams))
    names, per_class = _per_class(run)
    card = build_model_card(run, current_language(), names, per_class, energy=energy)
    st.download_button(t("impact.card.download"), card, file_name=f"model_card_run_{run.id}.md",
                       mime="text/markdown", icon=":material/download:", key="impact_card_download")
    with st.expander(t("impact.card.preview"), expanded=True):
        st.markdown(card)


def _per_class(run) -> tuple[list[str], list[float]]:
    """Class names and per-class test accuracy of a run's stored model, scored once per session."""
    from core.inference import load_model_file
    from ui.datasets import class_names
    from ui.model_picker import score_model

    dataset = run.task.split("-")[0]
    if not run.model_path or dataset == "class":  # a class data set's run is scored on its own split only
        return [], []
    scores: dict[int, list[float]] = st.session_state.setdefault("impact_card_scores", {})
    if run.id not in scores:
        report = score_model(load_model_file(run.model_path), dataset, run.data_source or "bundled")
        scores[run.id] = [float(a) for a in report.per_class_accuracy]
    return class_names(dataset), scores[run.id]


def _assumed_watts() -> float:
    from core.devices import describe_device

    device = describe_device()
    return GPU_WATTS if device.kind == "GPU" else CPU_WATTS_PER_CORE * device.cpu_cores


def render_energy() -> None:
    """Energy and emissions of every stored run from its measured training time, beside GPT-3's."""
    from core.facts import GPT3_TRAINING_MWH
    from core.footprint import emissions_g, energy_wh

    render_text("impact_energy")
    with advanced_area("impact.energy.assumptions"):  # editable assumptions; a presenter shows the result
        left, right = st.columns(2)
        watts = left.number_input(t("impact.energy.watts"), 1.0, 2000.0, _assumed_watts(), 5.0, key="impact_watts",
                                  help=t("impact.energy.watts_help"))
        grams = right.number_input(t("impact.energy.grid"), 0.0, 1500.0, GRID_G_PER_KWH, 10.0, key="impact_grid",
                                   help=t("impact.energy.grid_help"))
    runs = [run for run in get_store().list() if run.train_seconds]
    if not runs:
        st.info(t("impact.card.no_runs"), icon=":material/model_training:")
        return
    rows = [{t("impact.energy.run"): f"#{run.id} · {run.task}", t("impact.energy.seconds"): run.train_seconds,
             "Wh": energy_wh(run.train_seconds, watts),
             t("impact.energy.co2"): emissions_g(energy_wh(run.train_seconds, watts), grams)} for run in runs]
    total_wh = sum(row["Wh"] for row in rows)
    st.markdown(t("impact.energy.summary", runs=len(rows), wh=total_wh, grams=emissions_g(total_wh, grams),
                  times=GPT3_TRAINING_MWH * 1e6 / total_wh))
    shown = rows[:12]
    names, watt_hours = [row[t("impact.energy.run")] for row in shown], [row["Wh"] for row in shown]
    reference = (t("impact.energy.gpt3"), GPT3_TRAINING_MWH * 1e6)
    st.plotly_chart(plot_energy(names, watt_hours, reference, {"x": t("impact.energy.axis")}),
                    key="impact_energy_chart")
    render_summary(summarize_energy(names, watt_hours, reference))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"Wh": st.column_config.NumberColumn(format="%.4f"),
                                t("impact.energy.co2"): st.column_config.NumberColumn(format="%.4f"),
                                t("impact.energy.seconds"): st.column_config.NumberColumn(format="%.1f")})


def render_scale_and_ethics() -> None:
    """Jobs, ethics and the positive side, with a link to the model-scale story."""
    render_text("impact_ethics")
    st.page_link("app_pages/scale.py", label=t("impact.scale_link"), icon=":material/stacked_bar_chart:")


THEMES = {"fairness": render_fairness, "privacy": render_privacy, "robustness": render_robustness,
          "transparency": render_transparency, "energy": render_energy, "ethics": render_scale_and_ethics}
