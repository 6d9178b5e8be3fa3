"""The knowledge map page's demonstration: a sentence read into a triple by rules, and where it joins the map.

Article 001 builds a knowledge graph by finding entities, finding the relation between them and linking
them to the graph; ``core.triple_extract`` does the first two with a dictionary and phrase rules, and
this panel shows each step. The page says plainly that real systems learn these steps.
"""

from __future__ import annotations

import networkx as nx
import streamlit as st

from core.knowledge_graph import layout_subgraph, load_knowledge_graph, node_label
from core.triple_extract import extract_triple, place_triple
from ui.knowledge_map import kind_names, plot_knowledge_map
from ui.state import bound_translator, current_language, t

DEMO_HEIGHT = 380
EXAMPLES = 6  # knowledge.example.0 … 5, written for each language


def _use_example(lang: str) -> None:
    """Example callback: copy the chosen example sentence into the text box."""
    choice = st.session_state.get(f"knowledge_example_{lang}")
    if choice is not None:
        st.session_state[f"knowledge_sentence_{lang}"] = t(f"knowledge.example.{choice}")


@st.fragment
def render_triple_demo() -> None:
    """Type or pick a sentence; the rules find entities and a relation and show where the triple joins the map.

    A fragment, so typing here does not redraw the map above.
    """
    lang, tr = current_language(), bound_translator()
    graph = load_knowledge_graph()
    st.subheader(t("knowledge.build.title"))
    st.markdown(t("knowledge.build.intro"))
    st.session_state.setdefault(f"knowledge_sentence_{lang}", t("knowledge.example.0"))
    st.selectbox(t("knowledge.build.example"), range(EXAMPLES), index=None, key=f"knowledge_example_{lang}",
                 placeholder=t("knowledge.build.example_placeholder"),
                 format_func=lambda i: tr(f"knowledge.example.{i}"), on_change=_use_example, args=(lang,))
    sentence = st.text_input(t("knowledge.build.sentence"), key=f"knowledge_sentence_{lang}", max_chars=300)
    reading = extract_triple(sentence, graph)
    names = list(dict.fromkeys(node_label(graph, m.node, lang) for m in reading.mentions))
    if not names:
        st.info(t("knowledge.build.found_none"), icon=":material/search_off:")
    elif len(names) == 1:
        st.info(t("knowledge.build.found_one", name=names[0]), icon=":material/looks_one:")
    else:
        st.markdown(t("knowledge.build.found", names=" · ".join(names)))
    if reading.triple is None:
        if len(names) > 1:
            st.info(t("knowledge.build.no_relation"), icon=":material/link_off:")
    else:
        _render_triple(graph, reading.triple, reading.trigger)
    st.caption(t("knowledge.build.real"))


def _render_triple(graph: nx.DiGraph, triple: tuple[str, str, str], trigger: str) -> None:
    """The triple, the verdict on where it joins the map, and the two nodes among their neighbours."""
    lang = current_language()
    subject, relation, obj = triple
    words = {"subject": node_label(graph, subject, lang), "object": node_label(graph, obj, lang),
             "relation": t(f"knowledge.rel.{relation}.out")}
    st.success(t("knowledge.build.triple", trigger=trigger, **words), icon=":material/share:")
    verdict, detail = place_triple(graph, triple)
    if verdict == "known":
        st.markdown(t("knowledge.build.known"))
    elif verdict == "other":
        st.markdown(t("knowledge.build.other", existing=t(f"knowledge.rel.{detail}.out"), **words))
    elif verdict == "mismatch":
        st.warning(t("knowledge.build.mismatch", kind=t(f"knowledge.type.{detail}"), **words),
                   icon=":material/block:")
        return
    else:
        st.markdown(t("knowledge.build.new", **words))
    near = {subject, obj, *nx.all_neighbors(graph, subject), *nx.all_neighbors(graph, obj)}
    local = graph.subgraph(near)
    edge = {("new_edge" if verdict == "new" else "known_edge"): (subject, obj)}
    st.plotly_chart(plot_knowledge_map(local, layout_subgraph(graph, near), lang, kind_names(), focus=frozenset(near),
                                       height=DEMO_HEIGHT, **edge),
                    key="knowledge_demo_chart", config={"scrollZoom": False, "displaylogo": False})
    st.caption(t("knowledge.summary.edge_new" if verdict == "new" else "knowledge.summary.edge", count=len(near) - 2,
                 **words))
