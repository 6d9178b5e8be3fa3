"""The class data sets already made: a table of them, and for the chosen one a preview per class,
deleting a bad sample, the zip to take away, and deleting the whole set."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st

from core.errors import UserError
from core.markdown import escape_markdown, escape_params
from core.user_data import DatasetInfo
from ui.charts import tile_images
from ui.state import get_user_data, t

PREVIEW_PER_CLASS = 12  # thumbnails per class: enough to spot a bad sample, few enough for a phone
CLIPS_PER_CLASS = 2


def render_dataset_table(sets: list[DatasetInfo]) -> None:
    """One row per data set: name, kind, classes, samples, when and how it was made."""
    rows = [{t("data.col.name"): info.name, t("data.col.kind"): t(f"data.kind.{info.kind}"),
             t("data.col.classes"): ", ".join(info.labels), t("data.col.samples"): info.size,
             t("data.col.made"): _provenance(info.provenance),
             t("data.col.when"): dt.datetime.fromtimestamp(info.created_at).strftime("%Y-%m-%d %H:%M")}
            for info in sets]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _provenance(provenance: str) -> str:
    if provenance.startswith("upload:"):
        return t("data.made.upload", file=provenance.split(":", 1)[1])
    return t("data.made.collected")


def pick_dataset(sets: list[DatasetInfo]) -> DatasetInfo | None:
    """A select box of the data sets; remembers the choice (a set just made is chosen for you)."""
    ids = [info.id for info in sets]
    if st.session_state.get("dataset_chosen") not in ids:
        st.session_state["dataset_chosen"] = ids[0]
    by_id = {info.id: info for info in sets}
    names = {info.id: f"{info.name} · {t('data.kind.' + info.kind)}" for info in sets}
    chosen = st.selectbox(t("data.pick"), ids, key="dataset_chosen", format_func=names.get)
    return by_id.get(chosen)


def render_preview(info: DatasetInfo) -> None:
    """A few samples of each class, in the form they were stored."""
    _, x, y = get_user_data().load(info.id)
    st.caption(t("data.preview.counts", counts=escape_markdown(", ".join(f"{label} {n}" for label, n
                                                                        in zip(info.labels, info.counts)))))
    for index, label in enumerate(info.labels):
        members = np.flatnonzero(y == index)
        st.markdown(f"**{escape_markdown(label)}** · {len(members)}")
        if not len(members):
            st.caption(t("data.preview.empty"))
        elif info.kind == "image":
            shown = members[:PREVIEW_PER_CLASS]
            st.image(tile_images(x[shown] / 255.0, columns=PREVIEW_PER_CLASS, tile_px=44, gap_px=3),
                     caption=t("data.preview.numbers", numbers=", ".join(str(i) for i in shown)))
        elif info.kind == "audio":
            for i in members[:CLIPS_PER_CLASS]:
                st.audio(x[i], sample_rate=8000)
                st.caption(t("data.preview.number", number=int(i)))
        else:
            st.dataframe(pd.DataFrame({"#": members[:PREVIEW_PER_CLASS], t("data.col.text"): x[members[:PREVIEW_PER_CLASS]]}),
                         hide_index=True, width="stretch")


def render_edit(info: DatasetInfo) -> None:
    """Delete one bad sample by its number, take the data set away as a zip, or delete it."""
    left, right = st.columns(2)
    with left:
        number = st.number_input(t("data.edit.number"), 0, max(info.size - 1, 0), 0, key=f"data_edit_{info.id}",
                                 disabled=info.size == 0)
        if st.button(t("data.edit.delete_sample"), icon=":material/delete:", key="data_delete_sample",
                     disabled=info.size == 0):
            _delete_sample(info, int(number))
    with right:
        st.download_button(t("data.edit.export"), get_user_data().export_zip(info.id),
                           file_name=f"neuralstage_data_{info.id}.zip", mime="application/zip",
                           icon=":material/download:", key="data_export")
        sure = st.checkbox(t("data.edit.sure", name=escape_markdown(info.name)), key=f"data_sure_{info.id}")
        if st.button(t("data.edit.delete_set"), icon=":material/delete_forever:", key="data_delete_set", disabled=not sure):
            try:
                get_user_data().delete(info.id)
            except UserError:
                pass  # another tab deleted it first: gone either way
            st.session_state.pop("dataset_chosen", None)
            st.rerun()


def _delete_sample(info: DatasetInfo, number: int) -> None:
    try:
        get_user_data().delete_sample(info.id, number)
    except UserError as exc:
        st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        return
    st.toast(t("data.edit.deleted", number=number), icon=":material/delete:")
    st.rerun()
