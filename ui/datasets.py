"""Image data sets on screen: translated names and class names, availability, the data note."""

from __future__ import annotations

import streamlit as st

from core.markdown import escape_markdown
from ui.state import t

DIGITS = [str(d) for d in range(10)]


def dataset_name(dataset: str) -> str:
    """The data set's name in the visitor's language, e.g. "Fashion-MNIST (clothes)"."""
    return t(f"dataset.{dataset}")


def class_names(dataset: str) -> list[str]:
    """The class names of ``dataset`` in the visitor's language (digits stay digits; reviews are negative, positive)."""
    if dataset == "mnist":
        return DIGITS
    if dataset == "text":
        return [t("text.class.0"), t("text.class.1")]
    return [t(f"class.{dataset}.{i}") for i in range(10)]


@st.cache_data(ttl=120, show_spinner=False)
def unavailable(dataset: str, source: str) -> str | None:
    """The translation key of why ``source`` of ``dataset`` cannot be used now, or None when it can.

    Cached two minutes per process: the network probe behind it may take up to 3 s.
    """
    from data.images import unavailable_reason

    return unavailable_reason(dataset, source)


@st.cache_data(ttl=120, show_spinner=False)
def fsdd_unavailable() -> str | None:
    """The translation key of why the Free Spoken Digit Dataset cannot be used now, or None when it can.

    Cached two minutes per process, like ``unavailable``: the network probe behind it may take up to 3 s.
    """
    from data.fsdd import fsdd_unavailable_reason

    return fsdd_unavailable_reason()


def render_data_note(dataset: str, source: str) -> None:
    """A caption naming the data a model trains on: set, split sizes, where it comes from, licence."""
    if dataset == "class":
        from ui.state import get_user_data

        info = get_user_data().info(source.split(":", 1)[1])
        st.caption(t("data.note.class", name=escape_markdown(info.name), n=info.size, classes=len(info.labels)))
        return
    if dataset == "text":
        from data.text import load_text

        if source == "imdb":
            st.caption(t("data.note.imdb"))
        else:
            st.caption(t("data.note.reviews", **load_text("zh").sizes), help=t("data.note.reviews.help"))
        return
    name = dataset_name(dataset)
    if dataset == "speech" and source == "fsdd":
        st.caption(t("data.note.fsdd"))
        return
    if dataset == "speech":
        from data.speech import load_speech

        st.caption(t("data.note.speech", **load_speech().sizes), help=t("data.note.speech.help"))
        return
    if source == "bundled":
        from data.images import load_bundled

        sizes = load_bundled(dataset).sizes
        st.caption(t("data.note.bundled", name=name, **sizes), help=t(f"data.note.{dataset}.help"))
    else:
        st.caption(t(f"data.note.{dataset}.full"))


def render_dataset_choice(key: str, default: str = "fashion") -> str:
    """Pills to choose the page's data set; every set is listed, even one unavailable now."""
    from data.images import IMAGE_SETS

    names = list(IMAGE_SETS)
    if st.session_state.get(key) not in names:
        st.session_state[key] = default
    choice = st.segmented_control(t("images.dataset"), names, format_func=dataset_name, key=key)
    return choice or default
