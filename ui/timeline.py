"""The home page's timeline of the five generations, and the audience link with its QR code."""

from __future__ import annotations

import streamlit as st

from core.generations import GENERATIONS, find_generation
from ui.state import bound_translator, current_language, t

# The formula's type shrinks with the card on a narrow screen (KaTeX's 1.21em otherwise): at 5.2 % of the
# card's width per em, the widest equation here (about 18.4 em, the Transformer's) still fits; wider ones
# would scroll sideways rather than being cut.
TIMELINE_CSS = """
<style>
.ns-timeline { display: flex; align-items: center; gap: 0; margin: 0.2rem 0 0.6rem 0; }
.ns-timeline .ns-year { flex: 0 0 auto; padding: 0.15rem 0.55rem; border-radius: 1rem; border: 2px solid #0072B2;
  color: #0072B2; font-weight: 600; font-size: 0.9rem; background: #fff; }
.ns-timeline .ns-year.ns-on { background: #0072B2; color: #fff; }
.ns-timeline .ns-gap { flex: 1 1 auto; height: 2px; background: #999; min-width: 0.4rem; }
.st-key-ns_formula [data-testid="stMarkdown"] > div, .st-key-ns_formula [data-testid="stMarkdownContainer"] {
  width: 100%; margin: 0; }
.st-key-ns_formula { container-type: inline-size; }
.st-key-ns_formula .katex-display { overflow-x: auto; overflow-y: hidden; padding: 0.2rem 0; }
.st-key-ns_formula .katex-display > .katex { font-size: min(1.21em, 5.2cqw); }
</style>
"""


def _render_strip(selected: str) -> None:
    """Years on a line, the gaps as long as the years between them (so the long wait to 2017 shows)."""
    parts = []
    for previous, generation in zip((None,) + GENERATIONS[:-1], GENERATIONS):
        if previous is not None:
            parts.append(f'<span class="ns-gap" style="flex-grow:{generation.year - previous.year}"></span>')
        state = " ns-on" if generation.name == selected else ""
        parts.append(f'<span class="ns-year{state}">{generation.year}</span>')
    st.html(TIMELINE_CSS + f'<div class="ns-timeline" aria-hidden="true">{"".join(parts)}</div>')


def stack_equations(formula: str) -> str:
    """A generation's formula with each of its equations (joined by ``,\\quad``) on a line of its own,
    so that none runs off the side of a phone's screen."""
    equations = formula.split(r",\quad ")
    if len(equations) == 1:
        return formula
    return r"\begin{gathered}" + r" \\ ".join(equations) + r"\end{gathered}"


def render_timeline() -> None:
    """Pick a generation; see its year, key idea, formula, what it could not do, and where it trains."""
    tr = bound_translator()
    names = [g.name for g in GENERATIONS]
    by_name = {g.name: g for g in GENERATIONS}
    choice = st.segmented_control(
        t("timeline.pick"), names, default=names[0], required=True, key="timeline_generation", width="stretch",
        format_func=lambda name: f"{by_name[name].year} · {tr(f'generation.{name}.title')}")
    generation = find_generation(choice or names[0])
    _render_strip(generation.name)
    with st.container(border=True):
        st.markdown(f"#### {generation.year} · {t(f'generation.{generation.name}.title')}")
        st.markdown(t(f"generation.{generation.name}.idea"))
        with st.container(key="ns_formula"):  # a long equation scrolls sideways rather than being cut
            st.latex(stack_equations(generation.formula))
        st.markdown(t(f"generation.{generation.name}.limit"))
        st.caption(t("timeline.source", source=generation.source))
        st.page_link(generation.page, label=t(f"generation.{generation.name}.link"),
                     icon=":material/play_circle:", query_params={"lang": current_language()})


def render_audience_link(page: str) -> None:
    """A QR code of the app's address for phones in the room, with the address written out."""
    from core.audience import build_audience_url, draw_qr_svg, find_local_address

    suggested = build_audience_url(st.context.url or "", current_language(), find_local_address(), page)
    with st.container(border=True):
        st.markdown(f"#### {t('audience.title')}")
        url = st.text_input(t("audience.url"), value=suggested, key="audience_url", max_chars=300,
                            help=t("audience.url_help"))
        try:
            st.image(draw_qr_svg(url or suggested), width=260, caption=url or suggested)
        except ValueError:  # segno refuses data beyond the largest QR version
            st.warning(t("audience.too_long"), icon=":material/link_off:")
