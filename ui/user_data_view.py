"""The class data sets already made: a table of them, and for the chosen one a preview of every
sample, class by class and page by page, deleting a bad sample after seeing it, the file to take
away, and deleting the whole set."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st

from core.errors import UserError
from core.markdown import escape_markdown, escape_params
from core.user_data import DatasetInfo
from data.speech_format import SAMPLE_RATE
from ui.charts import tile_images, upscale
from ui.state import get_user_data, t

PREVIEW_PER_CLASS = 12  # thumbnails per class in the overview: enough to see what a class holds
CLIPS_PER_CLASS = 2
PAGE_SIZE = {"image": 40, "audio": 6, "text": 20}  # one class, one page: a screenful on a phone
ALL = -1  # the class filter's "every class" choice
EXPORT_MIME = {".zip": "application/zip", ".csv": "text/csv"}
TABLE_PX = {"name": 150, "kind": 84, "classes": 56, "samples": 64}  # 354 px: within a 390 px phone's page


def render_dataset_table(sets: list[DatasetInfo]) -> None:
    """One row per data set, narrow enough for a phone: name, kind, classes and samples. Where it came
    from and when shows under the picker for the chosen set."""
    columns = {"name": t("data.col.name"), "kind": t("data.col.kind"), "classes": t("data.col.classes"),
               "samples": t("data.col.samples")}
    rows = [{columns["name"]: info.name, columns["kind"]: t(f"data.kind.{info.kind}"),
             columns["classes"]: len(info.labels), columns["samples"]: info.size} for info in sets]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="content",
                 column_config={columns[name]: st.column_config.Column(width=px) for name, px in TABLE_PX.items()})


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
    repeated = {name for name in names.values() if list(names.values()).count(name) > 1}
    names = {i: f"{name} · {i[:6]}" if name in repeated else name for i, name in names.items()}  # two sets, one name
    chosen = st.selectbox(t("data.pick"), ids, key="dataset_chosen", format_func=names.get)
    info = by_id.get(chosen)
    if info is not None:
        st.caption(t("data.about", made=escape_markdown(_provenance(info.provenance)),
                     when=dt.datetime.fromtimestamp(info.created_at).strftime("%Y-%m-%d %H:%M"),
                     counts=escape_markdown(", ".join(f"{label} {n}" for label, n in zip(info.labels, info.counts)))))
    return info


def render_preview(info: DatasetInfo) -> None:
    """Every class at a glance, or one class page by page with each sample's number."""
    _, x, y = get_user_data().load(info.id)
    names = {ALL: t("data.preview.all"), **{i: f"{label} ({n})" for i, (label, n)
                                             in enumerate(zip(info.labels, info.counts))}}
    shown = st.selectbox(t("data.preview.show"), list(names), format_func=names.get, key=f"data_show_{info.id}")
    if shown == ALL:
        _render_overview(info, x, y)
    else:
        _render_class_pages(info, x, np.flatnonzero(y == shown), shown)


def _render_overview(info: DatasetInfo, x: np.ndarray, y: np.ndarray) -> None:
    """The first few samples of each class, in the form they were stored."""
    st.caption(t("data.preview.overview", n=PREVIEW_PER_CLASS if info.kind != "audio" else CLIPS_PER_CLASS))
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
                st.audio(x[i], sample_rate=SAMPLE_RATE)
                st.caption(t("data.preview.number", number=int(i)))
        else:
            _render_texts(x, members[:PREVIEW_PER_CLASS])


def _render_class_pages(info: DatasetInfo, x: np.ndarray, members: np.ndarray, label: int) -> None:
    """One class's samples, a page at a time, each under its number."""
    if not len(members):
        st.caption(t("data.preview.empty"))
        return
    size = PAGE_SIZE[info.kind]
    pages = -(-len(members) // size)
    key = f"data_page_{info.id}_{label}"
    if st.session_state.get(key, 1) > pages:  # the last page emptied by a deletion
        st.session_state[key] = pages
    page = st.pagination(pages, key=key) if pages > 1 else 1
    shown = members[(page - 1) * size: page * size]
    st.caption(t("data.preview.range", first=(page - 1) * size + 1, last=(page - 1) * size + len(shown),
                 n=len(members), label=escape_markdown(info.labels[label])))
    if info.kind == "image":
        st.image([upscale(x[i] / 255.0, 2) for i in shown], caption=[f"#{i}" for i in shown], clamp=True)
    elif info.kind == "audio":
        for i in shown:
            st.caption(t("data.preview.number", number=int(i)))
            st.audio(x[i], sample_rate=SAMPLE_RATE)
    else:
        _render_texts(x, shown)


def _render_texts(x: np.ndarray, shown: np.ndarray) -> None:
    """The texts under their numbers, in a table that wraps long sentences rather than cutting them."""
    st.table(pd.DataFrame({t("data.col.text"): x[shown]}, index=shown))


def render_edit(info: DatasetInfo) -> None:
    """Delete one bad sample, seen before it goes; take the data set away as a file, or delete it."""
    left, right = st.columns(2)
    with left:
        number = st.number_input(t("data.edit.number"), 0, max(info.size - 1, 0), 0, key=f"data_edit_{info.id}",
                                 disabled=info.size == 0, help=t("data.edit.number_help"))
        if info.size:
            _render_sample(info, int(number))
        if st.button(t("data.edit.delete_sample"), icon=":material/delete:", key="data_delete_sample",
                     disabled=info.size == 0):
            _delete_sample(info, int(number))
    with right:
        suffix, payload = get_user_data().export_file(info.id)
        st.download_button(t(f"data.edit.export{suffix.replace('.', '_')}"), payload,
                           file_name=f"neuralstage_data_{info.id}{suffix}", mime=EXPORT_MIME[suffix],
                           icon=":material/download:", key="data_export")
        sure = st.checkbox(t("data.edit.sure", name=escape_markdown(info.name)), key=f"data_sure_{info.id}")
        if st.button(t("data.edit.delete_set"), icon=":material/delete_forever:", key="data_delete_set", disabled=not sure):
            try:
                get_user_data().delete(info.id)
            except UserError:
                pass  # another tab deleted it first: gone either way
            st.session_state.pop("dataset_chosen", None)
            st.rerun()


def _render_sample(info: DatasetInfo, number: int) -> None:
    """The sample a number names, so the right one is deleted."""
    _, x, y = get_user_data().load(info.id)
    number = min(number, len(y) - 1)
    st.caption(t("data.edit.this_one", number=number, label=escape_markdown(info.labels[int(y[number])])))
    if info.kind == "image":
        st.image(upscale(x[number] / 255.0, 4), clamp=True, width=112)
    elif info.kind == "audio":
        st.audio(x[number], sample_rate=SAMPLE_RATE)
    else:
        st.markdown(f"> {escape_markdown(' '.join(str(x[number]).split()))}")  # one quoted line, however it was typed


def _delete_sample(info: DatasetInfo, number: int) -> None:
    try:
        get_user_data().delete_sample(info.id, number)
    except UserError as exc:
        st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        return
    st.toast(t("data.edit.deleted", number=number), icon=":material/delete:")
    st.rerun()
