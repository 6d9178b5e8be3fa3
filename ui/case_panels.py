"""The case-study page: each business case as a text beside a live panel for the related model of this
app (test accuracy, size, latency and throughput measured now, a cost calculator) and a Try widget."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.content import load_content
from ui.model_picker import PickedModel, get_pretrained, get_pretrained_report
from ui.state import current_language, t

CASES = {  # case: (shipped model, data set it reads)
    "baidu": ("speech", "speech"),
    "alibaba": ("speech", "speech"),
    "tencent": ("fashion_cnn", "fashion"),
}
PRICE_PER_CORE_HOUR = 0.05  # an assumption the visitor edits: a rented CPU core for an hour, in their currency
PRICE_PER_GPU_HOUR = 2.5  # an assumption the visitor edits: a rented data-centre GPU for an hour


def _test_inputs(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    if dataset == "speech":
        from data.speech import load_speech

        data = load_speech()
        return np.asarray(data.x_test), data.y_test
    from data.images import load_images, to_model_input

    data = load_images(dataset)
    return to_model_input(data.x_test), data.y_test


def _measure(name: str, dataset: str):
    """Serving figures of shipped model ``name``, measured once per visit and again on request."""
    from core.devices import describe_device
    from core.serving import measure_serving

    figures = st.session_state.setdefault("case_serving", {})
    if name not in figures or st.session_state.pop(f"case_remeasure_{name}", False):
        inputs, _ = _test_inputs(dataset)
        with st.spinner(t("cases.measuring")):
            figures[name] = measure_serving(get_pretrained(name).predict_batch, inputs[:256],
                                            describe_device().cpu_cores)
    return figures[name]


def render_live_panel(case: str) -> None:
    """Accuracy, size, latency, throughput and the cost of 1,000 requests for the case's model."""
    from core.devices import describe_device
    from core.inference import pretrained_path

    name, dataset = CASES[case]
    model = get_pretrained(name)
    report = get_pretrained_report(name)
    figures = _measure(name, dataset)
    st.markdown(f"**{t('cases.panel_title', model=t(f'shipped.{name}'))}**")
    top = st.columns(2)
    top[0].metric(t("cases.accuracy"), f"{report.accuracy:.1%}", help=t("cases.accuracy_help", n=int(report.confusion.sum())))
    top[1].metric(t("cases.size"), f"{model.model.count_params():,}",
                  t("cases.file", mb=pretrained_path(name).stat().st_size / 1e6), delta_color="off", delta_arrow="off")
    bottom = st.columns(2)
    bottom[0].metric(t("cases.latency"), f"{figures.p50_ms:.1f} ms", t("cases.p95", ms=figures.p95_ms),
                     delta_color="off", delta_arrow="off")
    bottom[1].metric(t("cases.throughput"), f"{figures.per_second_per_core:,.0f}",
                     t("cases.cores", cores=figures.cores), delta_color="off", delta_arrow="off")
    device = describe_device()
    gpu = device.kind == "GPU"
    price = st.number_input(t("cases.price_gpu" if gpu else "cases.price_core"), 0.0, 1000.0,
                            PRICE_PER_GPU_HOUR if gpu else PRICE_PER_CORE_HOUR, 0.01, format="%.3f",
                            key=f"case_price_{case}", help=t("cases.price_help"))
    machine_price = price if gpu else price * figures.cores
    cost = figures.cost_per_1000(machine_price)
    st.markdown(t("cases.cost", cost=_plain(cost), million=_plain(cost * 1000), per_second=figures.per_second,
                  device=device.label))
    st.button(t("cases.remeasure"), key=f"case_remeasure_button_{case}", icon=":material/refresh:",
              on_click=st.session_state.__setitem__, args=(f"case_remeasure_{name}", True))


def _plain(value: float) -> str:
    """Two significant digits without an exponent: 0.0000066 rather than 6.6e-06."""
    return np.format_float_positional(value, precision=2, unique=False, fractional=False, trim="-")


def render_try(case: str) -> None:
    """The case's Try widget: say a digit for the speech cases, a photo of clothing for images."""
    name, dataset = CASES[case]
    picked = PickedModel(get_pretrained(name), get_pretrained_report(name), dataset, "bundled",
                         "crnn" if dataset == "speech" else "cnn")
    if dataset == "speech":
        from ui.speech_try import render_speech_try

        render_speech_try(picked)
    else:
        from ui.image_try import render_image_try

        render_image_try(picked)


def render_case(case: str) -> None:
    """Text on the left, live panel on the right, Try below."""
    text, panel = st.columns([3, 2], gap="large")
    with text:
        st.markdown(load_content(current_language(), f"case_{case}"))
    with panel.container(border=True):
        render_live_panel(case)
    st.subheader(t("cases.try_title"))
    render_try(case)
