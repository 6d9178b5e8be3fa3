"""The knowledge map figure: one legend entry per kind in its palette colour, node ids on the points,
the selection strong and the rest faded, the demonstration's edge, and labels that do not collide."""

import networkx as nx
import pytest

from core.knowledge_graph import ENTITY_TYPES, layout_graph, load_knowledge_graph
from ui.knowledge_map import TYPE_STYLE, label_width_px, plot_knowledge_map, spread_labels

NAMES = {kind: (f"{kind}s", kind) for kind in ENTITY_TYPES}


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return load_knowledge_graph()


def node_traces(fig):
    return [trace for trace in fig.data if trace.customdata is not None and len(trace.customdata)]


def test_every_node_is_drawn_once_with_its_id_and_its_kinds_colour_and_shape(graph):
    fig = plot_knowledge_map(graph, layout_graph(graph), "en", NAMES)
    drawn = [row[0] for trace in node_traces(fig) for row in trace.customdata]
    assert sorted(drawn) == sorted(graph)
    legend = {trace.name: trace for trace in fig.data if trace.showlegend is not False and trace.name}
    assert set(legend) == {f"{kind}s" for kind in ENTITY_TYPES if kind != "run"}
    for kind in ("model", "paper", "page"):
        assert (legend[f"{kind}s"].marker.color, legend[f"{kind}s"].marker.symbol) == TYPE_STYLE[kind]
        assert legend[f"{kind}s"].marker.opacity == 1.0


def test_a_selection_draws_its_neighbours_strong_and_fades_the_rest(graph):
    focus = frozenset(["gru", *nx.all_neighbors(graph, "gru")])
    fig = plot_knowledge_map(graph, layout_graph(graph), "zh", NAMES, focus=focus, selected="gru")
    strong = {row[0] for trace in node_traces(fig) if trace.opacity == 1.0 for row in trace.customdata}
    faded = {row[0] for trace in node_traces(fig) if trace.opacity < 1.0 for row in trace.customdata}
    assert strong == focus and faded == set(graph) - focus
    labels = {text for trace in node_traces(fig) for text in trace.text if text}
    assert "GRU 门控循环单元" in labels and labels <= {graph.nodes[n]["label"]["zh"] for n in focus}
    rings = [trace for trace in fig.data if trace.marker.symbol == "circle-open"]
    assert len(rings) == 1 and rings[0].x[0] == layout_graph(graph)["gru"][0]


def test_the_demonstrations_new_edge_is_dashed_and_a_known_one_solid(graph):
    near = frozenset(["resnet50", "relu"])
    positions = layout_graph(graph)
    pair = graph.subgraph(near)
    dashed = plot_knowledge_map(pair, positions, "en", NAMES, focus=near, new_edge=("resnet50", "relu"))
    solid = plot_knowledge_map(pair, positions, "en", NAMES, focus=near, known_edge=("resnet50", "relu"))
    assert [t.line.dash for t in dashed.data if t.mode == "lines" and t.line.dash] == ["dash"]
    assert [t.line.width for t in solid.data if t.mode == "lines" and t.line.width == 4] == [4]


def test_labels_that_would_cover_each_other_are_left_out_and_chinese_ones_are_wider():
    graph = nx.DiGraph()
    for node, label in (("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")):
        graph.add_node(node, label={"en": label, "zh": label})
    positions = {"a": (0.0, 0.0), "b": (0.01, 0.0), "c": (1.0, 1.0)}
    assert spread_labels(graph, positions, ["a", "b", "c"], "en") == {"a", "c"}
    assert spread_labels(graph, positions, ["b", "a", "c"], "en") == {"b", "c"}
    assert label_width_px("卷积") == 27.0 and label_width_px("ab") == 15.0
