"""The knowledge map page through AppTest: both languages, filtering, search, selecting a node and moving
along its links, the visitor's runs as nodes, the sentence demonstration, and no TensorFlow."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.knowledge_graph import load_knowledge_graph

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGE = "app_pages/knowledge.py"


@pytest.fixture(autouse=True)
def run_store(monkeypatch, tmp_path):
    """A run store of this test's own: the map holds the visitor's runs, and the runs other test files
    trained would change its counts and links."""
    from core.runstore import RunStore

    store = RunStore(str(tmp_path))
    monkeypatch.setattr("ui.knowledge_map.get_store", lambda: store)
    return store


def open_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def plain(text: str) -> str:
    """Markdown text as shown, without the backslashes that escape its punctuation."""
    return re.sub(r"\\(.)", r"\1", text)


def summary(at: AppTest) -> str:
    return next(plain(c.value) for c in at.caption if "relations" in c.value or "条关系" in c.value)


@pytest.mark.parametrize("lang, title, hub", [("en", "The field as a knowledge map", "Convolutional network (CNN)"),
                                              ("zh", "用知识图谱看这个领域", "卷积神经网络（CNN）")])
def test_the_page_renders_the_map_in_both_languages(lang, title, hub):
    at = open_page(lang)
    assert at.title[0].value == title
    assert len(at.get("plotly_chart")) == 2  # the map and the demonstration's close-up
    nodes = load_knowledge_graph().number_of_nodes()
    assert f"{nodes} " in summary(at) and hub in summary(at)
    picker = at.selectbox(key="knowledge_node")
    assert picker.value is None and len(picker.options) >= nodes
    assert ("GRU 门控循环单元 · 模型家族" in picker.options) == (lang == "zh")
    assert ("GRU · Model family" in picker.options) == (lang == "en")


def test_filtering_by_kind_redraws_the_map_with_those_nodes_only():
    at = open_page("en")
    at.pills(key="knowledge_types").set_value(["model", "paper"]).run()
    assert not at.exception, at.exception
    kinds = [kind for _, kind in load_knowledge_graph().nodes(data="type")]
    counts = {kind: kinds.count(kind) for kind in ("model", "paper")}
    assert summary(at).startswith(f"The map shows {counts['model'] + counts['paper']} entities")
    assert len(at.selectbox(key="knowledge_node").options) == counts["model"] + counts["paper"]
    at.pills(key="knowledge_types").set_value([]).run()
    assert any("Choose at least one kind" in i.value for i in at.info)


def test_the_chosen_kinds_survive_a_visit_to_another_page():
    at = open_page("en")
    at.pills(key="knowledge_types").set_value(["model"]).run()
    at.switch_page("app_pages/home.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.pills(key="knowledge_types").value == ["model"]
    models = sum(1 for _, kind in load_knowledge_graph().nodes(data="type") if kind == "model")
    assert summary(at).startswith(f"The map shows {models} entities")


def test_selecting_a_node_shows_its_links_and_the_page_where_it_is_live():
    at = open_page("en")
    at.selectbox(key="knowledge_node").select("gru").run()
    assert not at.exception, at.exception
    assert "#### GRU" in [m.value for m in at.markdown]
    assert "GRU is selected" in summary(at)
    links = [link for link in at.page_link if link.value.startswith("See it live")]
    assert [link.value for link in links] == ["See it live: Spoken digits (RNN)"]
    assert links[0].proto.page.endswith("speech")
    hops = at.pills(key="knowledge_hop_gru")
    assert "introduced by · Cho et al., 2014" in hops.options and len(hops.options) == 16


def test_a_node_keeps_its_page_link_when_pages_are_hidden_and_lists_only_the_links_shown():
    at = open_page("en")
    at.pills(key="knowledge_types").set_value(["model", "paper"]).run()
    at.selectbox(key="knowledge_node").select("gru").run()
    assert not at.exception, at.exception
    assert "See it live: Spoken digits (RNN)" in [link.value for link in at.page_link]
    assert set(at.pills(key="knowledge_hop_gru").options) == {"introduced by · Cho et al., 2014",
                                                              "used by · Bidirectional GRU", "used by · CRNN",
                                                              "used by · Deep Speech 2"}


def test_a_link_moves_the_selection_to_the_neighbour_and_a_paper_links_to_its_models_page():
    at = open_page("en")
    at.selectbox(key="knowledge_node").select("gru").run()
    at.pills(key="knowledge_hop_gru").set_value("cho2014").run()
    assert not at.exception, at.exception
    assert at.session_state["knowledge_node"] == "cho2014"
    assert any("Learning phrase representations" in plain(c.value) for c in at.caption)  # the paper's source
    assert "See GRU live: Spoken digits (RNN)" in [link.value for link in at.page_link]


def test_search_in_chinese_selects_the_best_match_and_shows_a_hidden_kind_again():
    at = open_page("zh")
    at.pills(key="knowledge_types").set_value(["model"]).run()
    at.text_input(key="knowledge_query").input("注意力").run()
    assert not at.exception, at.exception
    assert at.session_state["knowledge_node"] == "attention"
    assert "operation" in at.pills(key="knowledge_types").value
    assert "#### 注意力机制" in [m.value for m in at.markdown]
    at.text_input(key="knowledge_query").input("qwertyuiop").run()
    assert any("没有与此搜索匹配" in i.value for i in at.info)


def test_the_visitors_runs_appear_as_nodes_linked_to_their_family_and_data(run_store):
    from core.runstore import RunRecord

    run_id = run_store.add(RunRecord(task="speech-gru", status="done", config={}, data_source="bundled",
                                       test_accuracy=0.95))
    at = open_page("en")
    node = f"run:{run_id}"
    assert f"Run #{run_id} · speech-gru · Your training run" in at.selectbox(key="knowledge_node").options
    at.selectbox(key="knowledge_node").select(node).run()
    assert not at.exception, at.exception
    hops = at.pills(key=f"knowledge_hop_{node}").options
    assert {"uses · GRU", "trained on · Synthesized spoken digits", "shown on · Run history"} == set(hops)


@pytest.mark.parametrize("lang, example, expected", [
    ("en", 0, "Triple: **GRU** — introduced by → **Cho et al., 2014**"),
    ("zh", 3, "三元组：**语音识别** — 应用于 → **百度语音助手**")])
def test_the_demonstration_reads_an_example_into_a_triple(lang, example, expected):
    at = open_page(lang)
    at.selectbox(key=f"knowledge_example_{lang}").select(example).run()
    assert not at.exception, at.exception
    assert any(s.value.startswith(expected) for s in at.success)


def test_the_demonstration_shows_a_new_edge_and_says_when_it_finds_nothing():
    at = open_page("en")
    at.text_input(key="knowledge_sentence_en").input("ResNet-50 uses ReLU.").run()
    assert any("A new edge" in m.value for m in at.markdown)
    assert any("dashed line is the new edge" in plain(c.value) for c in at.caption)
    at.text_input(key="knowledge_sentence_en").input("The weather is nice.").run()
    assert any("found no name from the map" in i.value for i in at.info)
    assert any("Real systems do not run on hand-written rules" in c.value for c in at.caption)


def test_the_knowledge_page_does_not_import_tensorflow():
    from test_pages import frameworks_imported

    assert frameworks_imported(f"at.switch_page({PAGE!r}).run(); assert at.title[0].value") == "[]"
