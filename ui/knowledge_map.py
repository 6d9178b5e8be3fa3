"""The knowledge map page's explorer: the graph drawn with plotly, the filter and search, and a node's
links with a link to the page where it is live (the sentence-to-triple demonstration is ui/triple_demo.py).

The map's words (labels, descriptions, sources) come from ``content/graph.yaml`` in the visitor's
language; everything else on screen goes through ``t``.
"""

from __future__ import annotations

import math
import textwrap

import networkx as nx
import plotly.graph_objects as go
import streamlit as st

from core.knowledge_graph import (ENTITY_TYPES, add_runs, count_types, filter_graph, layout_graph,
                                  load_knowledge_graph, nearest_page, neighbours, node_label, search_nodes,
                                  summarize_map)
from ui.charts import OKABE_ITO, PALETTE, render_summary, style_figure
from ui.state import bound_translator, current_language, get_store, t

# Colour and marker shape per entity type: Okabe–Ito colours (with its yellow and black), and a shape
# each, so the kinds stay apart for colour-blind viewers and in greyscale.
TYPE_STYLE = {
    "model": (OKABE_ITO["blue"], "circle"), "operation": (OKABE_ITO["orange"], "diamond"),
    "dataset": (OKABE_ITO["green"], "square"), "task": (OKABE_ITO["sky"], "triangle-up"),
    "case": (OKABE_ITO["vermillion"], "star"), "theme": (OKABE_ITO["purple"], "hexagon"),
    "paper": (OKABE_ITO["grey"], "circle"), "page": (PALETTE["black"], "square"),
    "run": (PALETTE["yellow"], "star-diamond"),
}
MAP_HEIGHT = 640  # tall enough for 150 nodes on a projector; on a phone the chart keeps this height
LABELLED_HUBS = 8  # with nothing selected, only the most connected entities (pages aside) carry a label
DIMMED = 0.22  # opacity of the nodes outside the selection
CHAR_PX, WIDE_CHAR_PX = 7.5, 13.5  # drawn width of a Latin and of a Chinese character in a 13 px label
ASSUMED_WIDTH_PX = 700  # less than a laptop's map, so that fewer labels collide on narrower screens
LINE_SHARE = 0.045  # a label's height as a share of the map's height
MARGIN = (0.12, 0.06)  # space left around the nodes, as a share of their spread across and up
RUN_STATUSES = ("done", "stopped")  # runs that produced a model; failed ones would only add noise
WRAP = {"en": 60, "zh": 30}  # hover text line length in characters


def _hover_text(graph: nx.DiGraph, node: str, lang: str, kind_name: str) -> str:
    data = graph.nodes[node]
    lines = [f"<b>{data['label'][lang]}</b>", kind_name, *textwrap.wrap(data["about"][lang], WRAP[lang])]
    if data.get("source"):
        lines += [f"<i>{line}</i>" for line in textwrap.wrap(data["source"], WRAP["en"])]
    return "<br>".join(lines)


def _edge_line(graph: nx.DiGraph, positions: dict, edges, **line) -> go.Scatter:
    """All ``edges`` as one line trace, segments separated by gaps."""
    x, y = [], []
    for a, b in edges:
        x += [positions[a][0], positions[b][0], None]
        y += [positions[a][1], positions[b][1], None]
    return go.Scatter(x=x, y=y, mode="lines", line=line, hoverinfo="skip", showlegend=False)


def label_width_px(label: str) -> float:
    """About how wide a 13 px label is drawn: Chinese characters and full-width punctuation take twice
    the room of Latin letters."""
    return sum(WIDE_CHAR_PX if ord(ch) >= 0x2E80 else CHAR_PX for ch in label)


def spread_labels(graph: nx.DiGraph, positions: dict, candidates: list[str], lang: str) -> set[str]:
    """The candidates (most important first) whose labels fit without covering a label already placed.

    A label is one line centred over its node, on a map taken to be ``ASSUMED_WIDTH_PX`` wide; on a
    narrower screen labels may still touch.
    """
    xs, ys = [x for x, _ in positions.values()], [y for _, y in positions.values()]
    per_px = ((max(xs) - min(xs)) or 1.0) * (1 + 2 * MARGIN[0]) / ASSUMED_WIDTH_PX
    line = ((max(ys) - min(ys)) or 1.0) * LINE_SHARE
    placed: dict[str, tuple[float, float, float]] = {}
    for node in candidates:
        x, y = positions[node]
        half = label_width_px(node_label(graph, node, lang)) * per_px / 2
        if all(abs(x - px) > half + other or abs(y - py) > line for px, py, other in placed.values()):
            placed[node] = (x, y, half)
    return set(placed)


def _node_trace(graph: nx.DiGraph, positions: dict, nodes: list[str], lang: str, kind: str, labelled: set,
                names: tuple[str, str], faded: bool) -> go.Scatter:
    """One kind's nodes as markers, labelled where in ``labelled``. A faded copy stays out of the legend,
    so the legend always shows the kind's full colour; a kind with nothing strong keeps an empty entry."""
    colour, symbol = TYPE_STYLE[kind]
    return go.Scatter(
        x=[positions[n][0] for n in nodes] or [None], y=[positions[n][1] for n in nodes] or [None],
        mode="markers+text", name=names[0], legendgroup=kind, showlegend=not faded,
        opacity=DIMMED if faded else 1.0, customdata=[[n] for n in nodes],
        text=[node_label(graph, n, lang) if n in labelled else "" for n in nodes],
        textposition="top center", textfont=dict(size=13, color="#222222", shadow="auto"),  # a halo over lines
        hovertext=[_hover_text(graph, n, lang, names[1]) for n in nodes], hoverinfo="text",
        marker=dict(color=colour, symbol=symbol, size=[node_size(graph, n) for n in nodes] or 10,
                    opacity=1.0, line=dict(color="#FFFFFF", width=1)))  # Streamlit's theme would lighten them


def node_size(graph: nx.DiGraph, node: str) -> float:
    """Marker size in pixels, growing with the square root of the node's number of links."""
    return 9 + 2.2 * math.sqrt(graph.degree(node))


def plot_knowledge_map(graph: nx.DiGraph, positions: dict, lang: str, type_names: dict[str, tuple[str, str]], *,
                       focus: frozenset = frozenset(), selected: str | None = None,
                       new_edge: tuple[str, str] | None = None, known_edge: tuple[str, str] | None = None,
                       height: int = MAP_HEIGHT) -> go.Figure:
    """Nodes coloured and shaped by type (one legend entry per type), relations as grey lines.

    ``type_names`` maps a type to its (plural, singular) name. With a ``focus``, those nodes and the
    edges among them are drawn strong and labelled where labels fit, the rest faded; ``selected`` gets
    a black ring; ``new_edge`` is drawn dashed in vermillion, ``known_edge`` solid. Each point carries
    its node id as ``customdata``, which the page reads when a point is clicked.
    """
    if focus:
        candidates = sorted(focus, key=lambda n: (n != selected, -graph.degree(n)))
    else:  # pages aside: their labels repeat the sidebar
        candidates = sorted((n for n in graph if graph.nodes[n]["type"] != "page"), key=graph.degree,
                            reverse=True)[:LABELLED_HUBS]
    labelled = spread_labels(graph, positions, candidates, lang)
    strong = [(a, b) for a, b in graph.edges() if a in focus and b in focus and selected in (a, b, None)]
    fig = go.Figure([_edge_line(graph, positions, graph.edges(), color="rgba(110,110,110,0.35)", width=0.8)])
    if strong:
        fig.add_trace(_edge_line(graph, positions, strong, color="#444444", width=2))
    if new_edge:
        fig.add_trace(_edge_line(graph, positions, [new_edge], color=OKABE_ITO["vermillion"], width=4, dash="dash"))
    if known_edge:
        fig.add_trace(_edge_line(graph, positions, [known_edge], color=OKABE_ITO["vermillion"], width=4))
    for kind in ENTITY_TYPES:
        nodes = [n for n in graph if graph.nodes[n]["type"] == kind]
        faded = [n for n in nodes if focus and n not in focus]
        if faded:
            fig.add_trace(_node_trace(graph, positions, faded, lang, kind, labelled, type_names[kind], True))
        if nodes:
            fig.add_trace(_node_trace(graph, positions, [n for n in nodes if n not in faded], lang, kind, labelled,
                                      type_names[kind], False))
    if selected in graph:
        fig.add_trace(go.Scatter(x=[positions[selected][0]], y=[positions[selected][1]], mode="markers",
                                 hoverinfo="skip", showlegend=False,
                                 marker=dict(symbol="circle-open", color=PALETTE["black"], line=dict(width=3),
                                             size=node_size(graph, selected) + 10)))
    for axis, update in enumerate((fig.update_xaxes, fig.update_yaxes)):
        values = [positions[n][axis] for n in graph] or [0.0]
        pad = MARGIN[axis] * ((max(values) - min(values)) or 1.0)  # room for the labels at the edges
        update(visible=False, range=[min(values) - pad, max(values) + pad])
    fig.update_layout(hoverlabel=dict(align="left"), clickmode="event+select", plot_bgcolor="#FFFFFF")
    return style_figure(fig, height)


def kind_names() -> dict[str, tuple[str, str]]:
    """Each type's (plural, singular) name in the visitor's language."""
    return {kind: (t(f"knowledge.type.{kind}"), t(f"knowledge.kind.{kind}")) for kind in ENTITY_TYPES}


def knowledge_graph_with_runs() -> nx.DiGraph:
    """The map of ``content/graph.yaml`` with the newest finished runs of the run store as nodes."""
    runs = [run for run in get_store().list(limit=100) if run.status in RUN_STATUSES]
    return add_runs(load_knowledge_graph(), runs)


def _select_best_match(graph: nx.DiGraph) -> None:
    """Search callback: select the best match, and show its kind again if the filter had hidden it."""
    matches = search_nodes(graph, st.session_state.get("knowledge_query", ""))
    if matches:
        kind = graph.nodes[matches[0]]["type"]
        if kind not in st.session_state.get("knowledge_types", ENTITY_TYPES):
            st.session_state["knowledge_types"] = [*st.session_state["knowledge_types"], kind]
        st.session_state["knowledge_node"] = matches[0]


def _select_clicked() -> None:
    """Chart callback: a clicked node becomes the selected one."""
    points = st.session_state["knowledge_chart"].selection.points
    ids = [point.get("customdata") for point in points if point.get("customdata")]
    if ids:
        node = ids[0][0] if isinstance(ids[0], list) else ids[0]
        st.session_state["knowledge_node"] = node


def _keep_kinds_in_step(kinds: list[str]) -> None:
    """Show every kind at first and any kind that appears later (the first run); forget vanished ones.

    Streamlit forgets a widget's value when the visitor goes to another page, so the choice is also
    kept under a key of its own and restored on the way back."""
    seen = st.session_state.get("knowledge_kinds_seen", [])
    chosen = st.session_state.get("knowledge_types", st.session_state.get("knowledge_kinds_kept", kinds))
    st.session_state["knowledge_types"] = [k for k in kinds if k in chosen or k not in seen]
    st.session_state["knowledge_kinds_seen"] = kinds


def render_kind_filter(graph: nx.DiGraph) -> list[str]:
    """One toggle per kind of entity, with its count; returns the kinds chosen."""
    tr = bound_translator()
    counts = count_types(graph)
    _keep_kinds_in_step(list(counts))
    chosen = st.pills(t("knowledge.filter"), list(counts), selection_mode="multi", key="knowledge_types", wrap=True,
                      format_func=lambda kind: tr("knowledge.kind_count", kind=tr(f"knowledge.type.{kind}"),
                                                  count=counts[kind]))
    st.session_state["knowledge_kinds_kept"] = list(chosen)
    return list(chosen)


def render_search(graph: nx.DiGraph) -> None:
    """The search box: Enter selects the best match (see ``_select_best_match``)."""
    query = st.text_input(t("knowledge.search"), key="knowledge_query", max_chars=60,
                          placeholder=t("knowledge.search_placeholder"), help=t("knowledge.search_help"),
                          on_change=_select_best_match, args=(graph,))
    if query.strip() and not search_nodes(graph, query):
        st.info(t("knowledge.no_match"), icon=":material/search_off:")


def render_node_picker(visible: nx.DiGraph) -> str | None:
    """Every shown node in a list that can be typed into, grouped by kind; the keyboard's way to select."""
    lang, tr = current_language(), bound_translator()
    if st.session_state.get("knowledge_node") not in visible:
        st.session_state["knowledge_node"] = None
    order = sorted(visible, key=lambda n: (ENTITY_TYPES.index(visible.nodes[n]["type"]),
                                            node_label(visible, n, lang).casefold()))
    return st.selectbox(t("knowledge.pick"), order, key="knowledge_node", placeholder=t("knowledge.pick_placeholder"),
                        format_func=lambda n: tr("knowledge.option", name=node_label(visible, n, lang),
                                                 kind=tr(f"knowledge.kind.{visible.nodes[n]['type']}")))


def render_knowledge_map() -> None:
    """The explorer: kinds to show, search and node picker, then the chart with the node's details beside it."""
    lang = current_language()
    graph = knowledge_graph_with_runs()
    visible = filter_graph(graph, render_kind_filter(graph))
    search, pick = st.columns([5, 3], gap="medium", vertical_alignment="bottom")  # above the map on a phone too
    with search:
        render_search(graph)
    with pick:
        selected = render_node_picker(visible)
    chart, details = st.columns([5, 3], gap="medium")
    with details:
        if selected:
            render_node_details(graph, visible, selected)
        else:
            st.info(t("knowledge.none_selected"), icon=":material/touch_app:")
    with chart:
        if visible.number_of_nodes() == 0:
            st.info(t("knowledge.filter_empty"), icon=":material/filter_alt_off:")
        else:
            focus = frozenset([selected, *nx.all_neighbors(visible, selected)]) if selected else frozenset()
            st.plotly_chart(plot_knowledge_map(visible, layout_graph(graph), lang, kind_names(), focus=focus,
                                               selected=selected),
                            key="knowledge_chart", on_select=_select_clicked, selection_mode="points",
                            config={"scrollZoom": False, "displaylogo": False})
        render_summary(summarize_map(visible, lang, selected))


def render_node_details(graph: nx.DiGraph, visible: nx.DiGraph, node: str) -> None:
    """What the node is, its source, the page where it is live (whatever kinds are shown), and its links
    to the nodes shown, to move along."""
    lang, tr = current_language(), bound_translator()
    data = graph.nodes[node]
    kind = data["type"]
    st.markdown(f"#### {data['label'][lang]}")
    st.html(f'<span style="display:inline-block;width:0.8em;height:0.8em;background:{TYPE_STYLE[kind][0]};'
            f'border:1px solid #333;margin-right:0.4em"></span>{t(f"knowledge.kind.{kind}")}')
    st.markdown(data["about"][lang])
    if data.get("source"):
        st.caption(t("knowledge.source", source=data["source"]))
    found = nearest_page(graph, node)
    if found is None:
        st.caption(t("knowledge.no_page"))
    elif data["type"] == "page":
        st.page_link(found[0], label=t("knowledge.open_this_page"), icon=":material/open_in_new:",
                     query_params={"lang": lang})
    else:
        page, via = found
        name = node_label(graph, next(n for n in graph if graph.nodes[n]["file"] == page), lang)
        label = (t("knowledge.open_page", page=name) if via is None
                 else t("knowledge.open_page_via", page=name, via=node_label(graph, via, lang)))
        st.page_link(page, label=label, icon=":material/play_circle:", query_params={"lang": lang})
    links = neighbours(visible, node)
    if not links:
        st.caption(t("knowledge.no_neighbours"))
        return
    phrase = {link.other: tr(f"knowledge.rel.{link.relation}.{'out' if link.outgoing else 'in'}") for link in links}
    key = f"knowledge_hop_{node}"  # a fresh widget per node, so no pill stays chosen after the move
    st.pills(t("knowledge.neighbours", count=len(links)), list(phrase), key=key, on_change=_move_to, args=(key,),
             wrap=True, format_func=lambda other: tr("knowledge.link", relation=phrase[other],
                                                     name=node_label(visible, other, lang)))


def _move_to(key: str) -> None:
    """Neighbour callback: move the selection along the chosen edge."""
    if st.session_state.get(key):
        st.session_state["knowledge_node"] = st.session_state[key]
