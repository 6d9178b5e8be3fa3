"""The knowledge map: the shipped content file, its checks on tiny broken files, and the graph queries."""

import math
import re
from pathlib import Path

import networkx as nx
import pytest

from core import knowledge_graph as kg
from core.i18n import LANGUAGES
from core.runstore import RunRecord

REPO = Path(__file__).resolve().parents[2]

TINY = """
entities:
  cnn:
    type: model
    label: {en: CNN, zh: 卷积神经网络}
    about: {en: "Filters slid over a picture.", zh: 在图片上滑动的滤波器。}
  convolution:
    type: operation
    label: {en: Convolution, zh: 卷积}
    about: {en: "One filter, every patch.", zh: 一个滤波器，每个小块。}
  lecun1989:
    type: paper
    label: {en: "LeCun et al., 1989", zh: "LeCun 等，1989"}
    about: {en: "Zip codes.", zh: 邮政编码。}
    source: "LeCun et al., 1989, Neural Computation 1(4)"
  page_images:
    type: page
    file: app_pages/images.py
    label: {en: Images (CNN), zh: 图像（CNN）}
    about: {en: "The images page.", zh: 图像页面。}
relations:
  - [cnn, uses, convolution]
  - [cnn, introduced_by, lecun1989]
  - [cnn, shown_on_page, page_images]
  - [convolution, shown_on_page, page_images]
"""


@pytest.fixture(scope="module")
def shipped() -> nx.DiGraph:
    return kg.load_knowledge_graph()


@pytest.fixture
def tiny(tmp_path) -> nx.DiGraph:
    path = tmp_path / "graph.yaml"
    path.write_text(TINY, encoding="utf-8")
    return kg.load_knowledge_graph(path)


def record(run_id: int, task: str, data_source: str = "bundled", accuracy: float | None = 0.9) -> RunRecord:
    return RunRecord(task=task, status="done", config={}, data_source=data_source, test_accuracy=accuracy, id=run_id)


def test_the_shipped_map_loads_without_a_problem():
    assert kg.find_problems(kg.read_graph_file()) == []


def test_the_shipped_map_has_enough_real_entities_of_every_kind_and_uses_every_relation(shipped):
    assert 100 <= shipped.number_of_nodes() <= 150
    assert set(kg.count_types(shipped)) == set(kg.CONTENT_TYPES)
    assert {relation for *_, relation in shipped.edges(data="relation")} == set(kg.RELATIONS)
    assert [n for n, degree in shipped.degree if degree == 0] == []


def test_every_relation_points_at_declared_entities():
    data = kg.read_graph_file()
    ends = {end for subject, _, obj in data["relations"] for end in (subject, obj)}
    assert ends - set(data["entities"]) == set()


def test_every_paper_has_a_source_with_its_authors_venue_and_year(shipped):
    papers = [n for n, kind in shipped.nodes(data="type") if kind == "paper"]
    assert len(papers) >= 30
    for paper in papers:
        source = shipped.nodes[paper]["source"]
        assert re.search(r"\b(19|20)\d\d\b", source), paper
        assert len(source.split(",")) >= 3, paper  # authors, title or venue, year


def test_labels_and_descriptions_exist_in_both_languages_and_chinese_labels_are_chinese_where_translated(shipped):
    for node, data in shipped.nodes(data=True):
        assert all(data["label"][lang].strip() and data["about"][lang].strip() for lang in LANGUAGES), node
    chinese = [n for n, data in shipped.nodes(data=True) if re.search(r"[\u4e00-\u9fff]", data["label"]["zh"])]
    assert {"cnn", "convolution", "speech_recognition", "fairness", "page_speech"} <= set(chinese)


def test_every_page_of_the_app_is_in_the_map_and_links_to_its_file(shipped):
    registered = set(re.findall(r'st\.Page\("(app_pages/\w+\.py)"', (REPO / "app.py").read_text(encoding="utf-8")))
    files = {shipped.nodes[n]["file"] for n, kind in shipped.nodes(data="type") if kind == "page"}
    assert files == registered


def test_find_problems_names_each_mistake_in_a_broken_file():
    data = {"entities": {
        "gru": {"type": "model", "label": {"en": "GRU", "zh": "GRU"}, "about": {"en": "x", "zh": "x"}},
        "cho": {"type": "paper", "label": {"en": "Cho", "zh": "Cho"}, "about": {"en": "x", "zh": "x"}},
        "lstm": {"type": "model", "label": {"en": "LSTM", "zh": ""}, "about": {"en": "x", "zh": "x"}},
        "rnn": {"type": "network", "label": {"en": "gru", "zh": "循环"}, "about": {"en": "x", "zh": "x"}}},
        "relations": [["gru", "introduced_by", "cho"], ["gru", "uses", "attention"], ["gru", "inspired", "lstm"],
                      ["gru", "trained_on", "lstm"], ["cho", "uses", "gru"]]}
    problems = kg.find_problems(data)
    assert "cho: a paper needs a source with authors, venue and year" in problems
    assert "lstm: label needs a text in each of en, zh" in problems
    assert "rnn: unknown type 'network'" in problems
    assert "the name 'gru' belongs to both gru and rnn" in problems
    assert "relation ['gru', 'uses', 'attention']: attention not declared" in problems
    assert "relation ['gru', 'inspired', 'lstm']: unknown relation 'inspired'" in problems
    assert "relation ['gru', 'trained_on', 'lstm']: trained_on needs a dataset" in problems
    assert "relation ['cho', 'uses', 'gru']: a second edge between the same entities" in problems
    assert len(problems) == 9  # the last two relations also repeat the gru–lstm pair


def test_a_broken_file_is_refused_with_its_problem(tmp_path):
    path = tmp_path / "graph.yaml"
    path.write_text(TINY.replace("[cnn, uses, convolution]", "[cnn, uses, pooling]"), encoding="utf-8")
    with pytest.raises(ValueError, match="pooling not declared"):
        kg.load_knowledge_graph(path)


def test_a_tiny_file_becomes_a_read_only_graph_in_the_files_order(tiny):
    assert list(tiny) == ["cnn", "convolution", "lecun1989", "page_images"]
    assert tiny.edges["cnn", "lecun1989"]["relation"] == "introduced_by"
    assert tiny.nodes["cnn"]["label"] == {"en": "CNN", "zh": "卷积神经网络"}
    with pytest.raises(nx.NetworkXError):
        tiny.add_node("gru")


def test_neighbours_list_outgoing_edges_first_in_relation_order(tiny):
    assert kg.neighbours(tiny, "cnn") == [kg.Link("uses", "convolution", True),
                                          kg.Link("introduced_by", "lecun1989", True),
                                          kg.Link("shown_on_page", "page_images", True)]
    assert kg.neighbours(tiny, "convolution") == [kg.Link("shown_on_page", "page_images", True),
                                                  kg.Link("uses", "cnn", False)]


def test_neighbours_of_the_gru_in_the_shipped_map(shipped):
    links = kg.neighbours(shipped, "gru")
    assert kg.Link("introduced_by", "cho2014", True) in links
    assert kg.Link("trained_on", "speech_digits", True) in links
    assert kg.Link("uses", "bigru", False) in links
    assert len(links) == shipped.degree("gru")


def test_filter_keeps_only_the_chosen_kinds(shipped):
    models = kg.filter_graph(shipped, ["model"])
    assert models.number_of_nodes() == kg.count_types(shipped)["model"]
    assert {kind for _, kind in models.nodes(data="type")} == {"model"}
    assert ("bigru", "gru") in models.edges
    assert kg.filter_graph(shipped, []).number_of_nodes() == 0


@pytest.mark.parametrize("query, first", [("GRU", "gru"), ("gru", "gru"), ("门控循环单元", "gru"),
                                          ("注意力", "attention"), ("Vaswani", "vaswani2017"),
                                          ("imagenet", "imagenet"),
                                          ("  multi head attention ", "multi_head_attention")])
def test_search_puts_the_exact_name_first_in_either_language(shipped, query, first):
    assert kg.search_nodes(shipped, query)[0] == first


def test_search_ranks_names_before_descriptions_and_finds_nothing_for_nonsense(shipped):
    found = kg.search_nodes(shipped, "GRU")
    assert found.index("bigru") < found.index("cho2014")  # a name containing GRU before a description
    assert kg.search_nodes(shipped, "") == [] and kg.search_nodes(shipped, "qwertyuiop") == []


def test_the_live_page_of_a_node_and_the_nearest_one_for_a_paper(shipped):
    assert kg.live_page(shipped, "gru") == "app_pages/speech.py"
    assert kg.live_page(shipped, "page_scale") == "app_pages/scale.py"
    assert kg.live_page(shipped, "cho2014") is None
    assert kg.nearest_page(shipped, "cho2014") == ("app_pages/speech.py", "gru")
    assert kg.nearest_page(shipped, "gru") == ("app_pages/speech.py", None)


@pytest.mark.parametrize("task, source, links", [("mnist-mlp", "bundled", ("mlp", "mnist")),
                                                 ("speech-gru", "fsdd", ("gru", "fsdd")),
                                                 ("speech-crnn", "bundled", ("crnn", "speech_digits")),
                                                 ("text-mean", "imdb", ("mean_embedding", "imdb")),
                                                 ("class-cnn", "", ("cnn", "class_datasets")),
                                                 ("experiment-privacy", "", (None, None))])
def test_a_runs_task_names_its_model_family_and_data_set(task, source, links):
    assert kg.run_links(task, source) == links


def test_runs_join_a_copy_of_the_map_linked_to_their_family_data_and_page(shipped):
    runs = [record(7, "fashion-cnn"), record(6, "speech-gru", "fsdd", accuracy=None), record(5, "mnist-mlp")]
    graph = kg.add_runs(shipped, runs, limit=2)
    assert graph.number_of_nodes() == shipped.number_of_nodes() + 2
    assert "run:5" not in graph and "run:7" not in shipped
    assert {(other, data["relation"]) for other, data in graph.succ["run:7"].items()} == {
        ("cnn", "uses"), ("fashion_mnist", "trained_on"), ("page_runs", "shown_on_page")}
    assert graph.nodes["run:7"]["label"] == {"en": "Run #7 · fashion-cnn", "zh": "训练 #7 · fashion-cnn"}
    assert "90.0%" in graph.nodes["run:7"]["about"]["en"] and "%" not in graph.nodes["run:6"]["about"]["en"]
    assert kg.live_page(graph, "run:6") == "app_pages/runs.py"


def test_the_layout_is_stable_and_a_new_run_does_not_move_the_map(shipped):
    first, again = kg.layout_graph(shipped), kg.layout_graph(shipped)
    assert first == again and set(first) == set(shipped)
    with_runs = kg.layout_graph(kg.add_runs(shipped, [record(1, "mnist-mlp"), record(2, "text-transformer")]))
    assert {node: with_runs[node] for node in first} == first
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in with_runs.values())


def test_a_close_up_layout_places_only_the_chosen_nodes(shipped):
    near = {"gru", "cho2014", "bigru"}
    assert set(kg.layout_subgraph(shipped, near)) == near


def test_the_summary_names_the_most_connected_node_or_the_selected_one(tiny):
    assert kg.summarize_map(tiny, "en") == kg.Summary("knowledge.summary.map", {"nodes": 4, "edges": 4,
                                                                               "hub": "CNN", "degree": 3})
    assert kg.summarize_map(tiny, "zh", "convolution") == kg.Summary(
        "knowledge.summary.selected", {"nodes": 4, "edges": 4, "node": "卷积", "links": 2})
    assert kg.summarize_map(kg.filter_graph(tiny, []), "en").key == "knowledge.summary.empty"
