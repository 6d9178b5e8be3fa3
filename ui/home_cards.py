"""Home page pieces: a card per page, and what is bundled for offline use (read without Keras)."""

from __future__ import annotations

import streamlit as st

from core.devices import describe_device
from core.inference import read_model_card
from ui.datasets import dataset_name
from ui.state import t

CARDS_PER_ROW = 3  # wide enough for a pitch and a link on a laptop; Streamlit stacks them on a phone
PAGES = (  # (page file, icon, translation stem)
    ("app_pages/mnist.py", ":material/draw:", "home.card.mnist"),
    ("app_pages/images.py", ":material/image_search:", "home.card.images"),
    ("app_pages/speech.py", ":material/graphic_eq:", "home.card.speech"),
    ("app_pages/text.py", ":material/reviews:", "home.card.text"),
    ("app_pages/cases.py", ":material/business_center:", "home.card.cases"),
    ("app_pages/impact.py", ":material/balance:", "home.card.impact"),
    ("app_pages/scale.py", ":material/stacked_bar_chart:", "home.card.scale"),
    ("app_pages/runs.py", ":material/history:", "home.card.runs"),
    ("app_pages/datasets.py", ":material/dataset:", "home.card.datasets"),
    ("app_pages/knowledge.py", ":material/hub:", "home.card.knowledge"),
)


def render_page_cards() -> None:
    """One bordered card per page, with a short pitch and a link."""
    columns = [column for start in range(0, len(PAGES), CARDS_PER_ROW) for column in st.columns(CARDS_PER_ROW)]
    for column, (page, icon, stem) in zip(columns, PAGES):
        with column.container(border=True):
            st.markdown(f"#### {t(stem + '.title')}")
            st.markdown(t(stem + ".body"))
            st.page_link(page, label=t(stem + ".link"), icon=icon)


def render_device_line() -> None:
    """Where the models of this visit train: the same badge as the sidebar, said in a sentence."""
    device = describe_device()
    key = "home.device_gpu" if device.kind == "GPU" else "home.device_cpu"
    st.markdown(t(key, device=device.label))


def render_offline_status() -> None:
    """List the bundled data and shipped models, with the score on each model card."""
    from core.inference import PRETRAINED_DIR

    rows = [t("home.offline.mnist_data"), t("home.offline.fashion_data"), t("home.offline.speech_data"),
            t("home.offline.text_data")]
    for card_path in sorted(PRETRAINED_DIR.glob("*.json")):
        card = read_model_card(card_path.stem)
        rows.append(t("home.offline.model", model=t(f"shipped.{card['name']}"),
                      data=dataset_name(card["settings"]["dataset"]), accuracy=card["test_accuracy"],
                      n=card["split"]["test"], date=card["date"]))
    st.markdown("\n".join(f"- {row}" for row in rows))
    st.caption(t("home.offline.note"))
