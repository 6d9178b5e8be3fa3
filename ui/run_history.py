"""The run history: a table of every run, curves of the chosen ones side by side, the history as
CSV, one run as a zip, and deletion with a confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pandas as pd
import streamlit as st

from core.chart_text import summarize_run_comparison
from core.runstore import RunRecord, RunStore
from ui.charts import plot_run_comparison, render_summary
from ui.replay import render_replay
from ui.run_export import render_run_download
from ui.state import bound_translator, get_store, t

MISSING = "—"  # shown for a figure a run does not have (a failed run's test accuracy), not the grid's "None"
EVERY_RUN = -1  # as the run store's limit: SQLite reads a negative LIMIT as none
UNFINISHED = ("queued", "running")
DELETE_PENDING_KEY = "run_delete_pending"  # the run whose deletion waits for the confirming click
DELETED_KEY = "run_deleted"  # the run just deleted, to say so once the page has been drawn again without it


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


def runs_table(runs: list[RunRecord], tr: Callable[..., str]) -> pd.DataFrame:
    """One row per run, with column names and words translated by ``tr``; a missing figure is empty."""
    rows = [{
        tr("runs.col.id"): r.id,
        tr("runs.col.task"): r.task,
        tr("runs.col.model"): describe_config(r.config),
        tr("runs.col.status"): tr(f"status.{r.status}"),
        tr("runs.col.seed"): r.seed,
        tr("runs.col.accuracy"): r.test_accuracy,
        tr("runs.col.epochs"): r.epochs_done,
        tr("runs.col.seconds"): round(r.train_seconds, 1) if r.train_seconds else None,
        tr("runs.col.data"): tr(f"data.source.{r.data_source}") if r.data_source else "",
        tr("runs.col.device"): r.device,
        tr("runs.col.when"): dt.datetime.fromtimestamp(r.created_at).strftime("%Y-%m-%d %H:%M"),
    } for r in runs]
    table = pd.DataFrame(rows)
    if not table.empty:  # a seed stays whole next to a missing one (5, not 5.0); a missing score is NaN
        table = table.astype({tr("runs.col.seed"): "Int64", tr("runs.col.accuracy"): "float64",
                              tr("runs.col.seconds"): "float64"})
    return table


def make_runs_csv(store: RunStore, tr: Callable[..., str], ids: list[int] | None = None) -> Callable[[], bytes]:
    """A function of no arguments that writes the run history as CSV when the download is pressed:
    every run (``ids`` None), or the runs in ``ids``. UTF-8 with a byte-order mark, so a spreadsheet
    opens the Chinese words as they are."""
    wanted = None if ids is None else set(ids)

    def write() -> bytes:
        runs = [r for r in store.list(limit=EVERY_RUN) if wanted is None or r.id in wanted]
        return runs_table(runs, tr).to_csv(index=False).encode("utf-8-sig")

    return write


def render_run_filters(runs: list[RunRecord]) -> list[RunRecord]:
    """Narrow the history to some tasks and some outcomes; nothing picked keeps them all."""
    tr = bound_translator()
    left, right = st.columns(2)
    tasks = left.multiselect(t("runs.filter_task"), sorted({r.task for r in runs}), key="runs_filter_task",
                             placeholder=t("runs.filter_all"))
    statuses = right.multiselect(t("runs.filter_status"), sorted({r.status for r in runs}), key="runs_filter_status",
                                 placeholder=t("runs.filter_all"), format_func=lambda s: tr(f"status.{s}"))
    return [r for r in runs if (not tasks or r.task in tasks) and (not statuses or r.status in statuses)]


def render_runs_csv(shown: list[int], filtered: bool) -> None:
    """Every run as CSV, and, while the filters hide some, the runs shown; both written on the click."""
    store, tr = get_store(), bound_translator()
    row = st.container(horizontal=True, gap="small")
    row.download_button(t("runs.export_all"), make_runs_csv(store, tr), file_name="neuralstage_runs.csv",
                        mime="text/csv", icon=":material/table:", key="runs_csv", on_click="ignore",
                        help=t("runs.export_all_help"))
    if filtered:
        row.download_button(t("runs.export_shown", count=len(shown)), make_runs_csv(store, tr, shown),
                            file_name="neuralstage_runs_shown.csv", mime="text/csv", icon=":material/filter_alt:",
                            key="runs_csv_shown", on_click="ignore", help=t("runs.export_shown_help"))


def render_run_export(ids: list[int]) -> None:
    """Pick a run; one click on the button downloads its zip."""
    with st.expander(t("runs.export_title")):
        chosen = st.selectbox(t("runs.export_pick"), ids, format_func=lambda i: f"#{i}", key="run_to_export")
        render_run_download(chosen, key="run_export_download")


def render_run_delete(runs: list[RunRecord]) -> None:
    """Pick a finished run and delete it, after a second, explicit confirmation."""
    with st.expander(t("runs.delete_title")):
        ids = [r.id for r in runs if r.status not in UNFINISHED]  # a job still writes to a run it has not finished
        if not ids:
            st.caption(t("runs.delete_none"))
            return
        doomed = st.selectbox(t("runs.delete_pick"), ids, format_func=lambda i: f"#{i}", key="run_to_delete")
        if st.session_state.get(DELETE_PENDING_KEY) != doomed:
            if st.button(t("runs.delete"), icon=":material/delete:", key="run_delete"):
                st.session_state[DELETE_PENDING_KEY] = doomed
                st.rerun()
            return
        st.warning(t("runs.delete_confirm", run=doomed), icon=":material/warning:")
        row = st.container(horizontal=True, gap="small")
        if row.button(t("runs.delete_yes", run=doomed), icon=":material/delete_forever:", type="primary",
                      key="run_delete_confirm"):
            get_store().delete(doomed)
            st.session_state.pop(DELETE_PENDING_KEY, None)
            st.session_state[DELETED_KEY] = doomed  # a toast now would vanish with the rerun
            st.rerun()
        if row.button(t("runs.delete_cancel"), icon=":material/close:", key="run_delete_cancel"):
            st.session_state.pop(DELETE_PENDING_KEY, None)
            st.rerun()


def render_run_history() -> None:
    """Table of runs, a comparison chart of the selected ones, CSV and zip downloads, and deletion."""
    if (deleted := st.session_state.pop(DELETED_KEY, None)) is not None:
        st.toast(t("runs.deleted", run=deleted), icon=":material/delete:")
    store = get_store()
    everything = store.list()
    if not everything:
        st.info(t("runs.empty"), icon=":material/history:")
        return
    runs = render_run_filters(everything)
    if not runs:
        st.info(t("runs.filter_none"), icon=":material/filter_alt_off:")
        return
    st.dataframe(runs_table(runs, bound_translator()), hide_index=True, width="stretch", placeholder=MISSING,
                 column_config={t("runs.col.accuracy"): st.column_config.NumberColumn(format="percent")})
    ids = [r.id for r in runs]
    render_replay(ids)  # above the comparison chart, so a replay's first frame is not held up behind it
    with_curves = [r.id for r in runs if r.epochs_done]  # runs still queued or running have none yet
    chosen = st.multiselect(t("runs.compare"), ids, default=with_curves[:3], format_func=lambda i: f"#{i}",
                            key="runs_compare")
    if chosen:
        records = [store.get(i) for i in chosen]
        st.plotly_chart(plot_run_comparison(records, "val_accuracy", t("runs.val_accuracy"), t("chart.epoch")),
                        key="runs_comparison")
        render_summary(summarize_run_comparison(records))
    render_runs_csv(ids, filtered=len(runs) < len(everything))
    render_run_export(ids)
    render_run_delete(runs)
