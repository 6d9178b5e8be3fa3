"""The run history: a table of every run, curves of the chosen ones side by side."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.chart_text import summarize_run_comparison
from core.runstore import RunRecord
from ui.charts import plot_run_comparison, render_summary
from ui.replay import render_replay
from ui.state import bound_translator, current_language, get_store, t


def describe_config(config: dict) -> str:
    """A short architecture and optimiser summary such as ``256-128 · adam 0.004 · 20 ep``."""
    model, train = config.get("model", {}), config.get("train", {})
    if not model or not train:
        return ""
    if "blocks" in model:  # a text model: Transformer blocks and heads, or a baseline over the same embedding
        layers = {"transformer": f"Transformer {model['blocks']}×{model['heads']}h d{model['embed_dim']}",
                  "gru": f"Emb{model['embed_dim']} · GRU {model['units']}",
                  "mean": f"Emb{model['embed_dim']} · mean"}.get(model["kind"], model["kind"])
    elif "kind" in model:  # a speech model: its recurrent layer, width and depth
        depth = f" × {model['layers']}" if model.get("layers", 1) > 1 else ""
        layers = f"{model['kind'].upper()} {model.get('units')}{depth}"
    elif "filters" in model:  # a CNN: conv filters per block, then the dense width
        dense = f" · D{model['dense_units']}" if model.get("dense_units") else ""
        layers = "C" + "-".join(str(f) for f in model["filters"]) + dense
    else:
        layers = "-".join(str(u) for u in model.get("hidden_units", []))
    return f"{layers} · {train.get('optimizer')} {train.get('learning_rate')} · {train.get('epochs')} ep"


def runs_table(runs: list[RunRecord]) -> pd.DataFrame:
    """One row per run, with translated column names."""
    rows = [{
        t("runs.col.id"): r.id,
        t("runs.col.task"): r.task,
        t("runs.col.model"): describe_config(r.config),
        t("runs.col.status"): t(f"status.{r.status}"),
        t("runs.col.accuracy"): r.test_accuracy,
        t("runs.col.epochs"): r.epochs_done,
        t("runs.col.seconds"): round(r.train_seconds, 1) if r.train_seconds else None,
        t("runs.col.data"): t(f"data.source.{r.data_source}") if r.data_source else "",
        t("runs.col.device"): r.device,
        t("runs.col.when"): dt.datetime.fromtimestamp(r.created_at).strftime("%Y-%m-%d %H:%M"),
    } for r in runs]
    return pd.DataFrame(rows)


def run_bundle(run_id: int) -> bytes:
    """The export zip of run ``run_id``: model, settings, epochs, interactive charts and model card."""
    from core.export import build_run_bundle
    from core.model_card import build_model_card

    record = get_store().get(run_id)
    charts = {metric: plot_run_comparison([record], metric, t(f"runs.chart.{metric}"), t("chart.epoch"))
              .to_html(include_plotlyjs=True, full_html=True) for metric in ("loss", "accuracy")}
    return build_run_bundle(record, build_model_card(record, current_language()), charts)


def render_run_filters(runs: list[RunRecord]) -> list[RunRecord]:
    """Narrow the history to some tasks and some outcomes; nothing picked keeps them all."""
    tr = bound_translator()
    left, right = st.columns(2)
    tasks = left.multiselect(t("runs.filter_task"), sorted({r.task for r in runs}), key="runs_filter_task",
                             placeholder=t("runs.filter_all"))
    statuses = right.multiselect(t("runs.filter_status"), sorted({r.status for r in runs}), key="runs_filter_status",
                                 placeholder=t("runs.filter_all"), format_func=lambda s: tr(f"status.{s}"))
    return [r for r in runs if (not tasks or r.task in tasks) and (not statuses or r.status in statuses)]


def render_run_export(ids: list[int]) -> None:
    """Pick a run, build its zip on request, then offer it for download."""
    with st.expander(t("runs.export_title")):
        chosen = st.selectbox(t("runs.export_pick"), ids, format_func=lambda i: f"#{i}", key="run_to_export")
        ready = st.session_state.get("run_export")
        if st.button(t("runs.export_prepare"), icon=":material/folder_zip:", key="run_export_prepare"):
            ready = st.session_state["run_export"] = (chosen, run_bundle(chosen))
        if ready and ready[0] == chosen:
            st.download_button(t("runs.export_download", run=chosen), ready[1], file_name=f"neuralstage_run_{chosen}.zip",
                               mime="application/zip", icon=":material/download:", key="run_export_download")


def render_run_history() -> None:
    """Table of runs, a comparison chart of the selected ones, and deletion."""
    store = get_store()
    runs = store.list()
    if not runs:
        st.info(t("runs.empty"), icon=":material/history:")
        return
    runs = render_run_filters(runs)
    if not runs:
        st.info(t("runs.filter_none"), icon=":material/filter_alt_off:")
        return
    st.dataframe(runs_table(runs), hide_index=True, width="stretch",
                 column_config={t("runs.col.accuracy"): st.column_config.NumberColumn(format="percent")})
    ids = [r.id for r in runs]
    render_replay(ids)  # above the comparison chart, so a replay's first frame is not held up behind it
    with_curves = [r.id for r in runs if r.epochs_done]  # runs still queued or running have none yet
    chosen = st.multiselect(t("runs.compare"), ids, default=with_curves[:3], format_func=lambda i: f"#{i}")
    if chosen:
        records = [store.get(i) for i in chosen]
        st.plotly_chart(plot_run_comparison(records, "val_accuracy", t("runs.val_accuracy"), t("chart.epoch")))
        render_summary(summarize_run_comparison(records))
    st.download_button(t("runs.export_all"), runs_table(runs).to_csv(index=False).encode("utf-8"),
                       file_name="neuralstage_runs.csv", mime="text/csv", icon=":material/table:", key="runs_csv")
    render_run_export(ids)
    with st.expander(t("runs.delete_title")):
        doomed = st.selectbox(t("runs.delete_pick"), ids, format_func=lambda i: f"#{i}", key="run_to_delete")
        if st.button(t("runs.delete"), icon=":material/delete:"):
            store.delete(doomed)
            st.rerun()
