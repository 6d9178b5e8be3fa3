"""Uploading a class data set: a zip of images or recordings, or a CSV of texts, checked before it is kept."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.markdown import escape_markdown, escape_params
from ui.state import bound_translator, get_user_data, t

KEY = "upload_data"
SUFFIXES = {"image": ["zip"], "audio": ["zip"], "text": ["csv", "zip"]}  # a zip holding one CSV: older exports


def render_upload() -> None:
    """Kind, file and name; on Import, read and check every entry with a progress bar, then keep the set."""
    from core.data_import import MAX_UPLOAD_BYTES

    tr = bound_translator()
    kind = st.radio(t("data.collect.kind"), ("image", "audio", "text"), horizontal=True, key=f"{KEY}_kind",
                    format_func=lambda k: tr(f"data.kind.{k}"))
    st.caption(t(f"data.upload.format.{kind}", max_mb=MAX_UPLOAD_BYTES // 2**20))
    upload = st.file_uploader(t("data.upload.file"), type=SUFFIXES[kind], key=f"{KEY}_file_{kind}",
                              max_upload_size=MAX_UPLOAD_BYTES // 2**20)  # above the app's 12 MB for single pictures
    name = st.text_input(t("data.collect.name"), max_chars=60, key=f"{KEY}_name")
    if upload is not None and st.button(t("data.upload.import"), icon=":material/upload_file:", type="primary",
                                        key=f"{KEY}_go"):
        _import(upload.name, upload.getvalue(), kind, name)


def _import(filename: str, payload: bytes, kind: str, name: str) -> None:
    from core.data_import import import_upload

    reading = t("data.upload.reading", file=escape_markdown(filename))
    bar = st.progress(0.0, text=reading)
    try:
        imported = import_upload(filename, payload, kind,
                                 progress=lambda done: bar.progress(min(1.0, done), text=reading))
        info = get_user_data().save(name or filename.rsplit(".", 1)[0], imported.kind, imported.labels,
                                    imported.x, imported.y, f"upload:{filename}")
    except UserError as exc:
        bar.empty()
        st.error(t(exc.key, **escape_params(exc.params)), icon=":material/warning:")
        return
    bar.empty()
    st.session_state["dataset_chosen"] = info.id
    st.success(t("data.upload.done", name=escape_markdown(info.name), count=info.size, classes=len(info.labels)),
               icon=":material/check_circle:")
    skipped, notes = imported.report.skipped, imported.report.notes
    if skipped:
        st.warning(t("data.upload.skipped", count=len(skipped)), icon=":material/filter_alt:")
        st.dataframe(pd.DataFrame([(entry, t(reason)) for entry, reason in skipped],
                                  columns=[t("data.col.entry"), t("data.col.reason")]), hide_index=True)
    if notes:  # kept, but a teacher may want to look: the same file name in two folders
        st.info(t("data.upload.notes", count=len(notes)), icon=":material/plagiarism:")
        st.dataframe(pd.DataFrame([(entry, t(note)) for entry, note in notes],
                                  columns=[t("data.col.entries"), t("data.col.note")]), hide_index=True)
