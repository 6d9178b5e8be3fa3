"""One run as a zip in one click: the model, its settings and seed, per-epoch metrics, interactive
charts and model card, built only when the button is pressed.

Streamlit runs the builder (``st.download_button`` with a callable) in another thread after the
click, outside any script run: no Session State and no ``st`` calls there. So everything that
belongs to the visitor (the model card's language, the chart titles) is read when the button is drawn.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from ui.charts import SCREEN, plot_run_comparison
from ui.state import current_language, get_store, t

CHART_METRICS = ("loss", "accuracy")  # one interactive HTML chart each in the zip's charts/ folder
def make_run_bundle(run_id: int) -> Callable[[], bytes]:
    """A function of no arguments that builds run ``run_id``'s zip in the visitor's language of now."""
    store, lang = get_store(), current_language()
    titles = {metric: t(f"runs.chart.{metric}") for metric in CHART_METRICS}
    epoch_label = t("chart.epoch")

    def build() -> bytes:
        from core.export import build_run_bundle
        from core.model_card import build_model_card

        record = store.get(run_id)
        if record is None:  # deleted since the button was drawn; Streamlit tells the browser the file failed
            raise LookupError(f"run {run_id} is no longer in the run history")
        charts = {metric: plot_run_comparison([record], metric, title, epoch_label, SCREEN)
                  .to_html(include_plotlyjs=True, full_html=True) for metric, title in titles.items()}
        return build_run_bundle(record, build_model_card(record, lang), charts)

    return build


def render_run_download(run_id: int, key: str, container=st) -> None:
    """The one-click download of run ``run_id``'s zip; the click triggers no rerun of the page."""
    container.download_button(t("runs.export_download", run=run_id), make_run_bundle(run_id),
                              file_name=f"neuralstage_run_{run_id}.zip", mime="application/zip",
                              icon=":material/download:", key=key, on_click="ignore")
