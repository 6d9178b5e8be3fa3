"""The rule-based sentence reader: exact sentences in English and Chinese, names, and where a triple joins."""

import pytest

from core.i18n import load_locale
from core.knowledge_graph import load_knowledge_graph
from core.triple_extract import extract_triple, find_mentions, place_triple


@pytest.fixture(scope="module")
def graph():
    return load_knowledge_graph()


@pytest.mark.parametrize("sentence, triple", [
    ("The GRU was introduced by Cho et al. in 2014.", ("gru", "introduced_by", "cho2014")),
    ("Cho et al. proposed the gated recurrent unit.", ("gru", "introduced_by", "cho2014")),
    ("AlexNet was trained on ImageNet.", ("alexnet", "trained_on", "imagenet")),
    ("The Transformer uses multi-head attention.", ("transformer", "uses", "multi_head_attention")),
    ("Speech recognition is used in the Baidu voice assistant.", ("speech_recognition", "applied_in", "case_baidu")),
    ("Bias is a risk of speech recognition.", ("fairness", "risk_of", "speech_recognition")),
    ("The GRU is shown on the speech page.", ("gru", "shown_on_page", "page_speech")),
    ("ResNet-50 uses ReLU.", ("resnet50", "uses", "relu")),
])
def test_english_sentences(graph, sentence, triple):
    assert extract_triple(sentence, graph).triple == triple


@pytest.mark.parametrize("sentence, triple", [
    ("GRU 由 Cho 等人于 2014 年提出。", ("gru", "introduced_by", "cho2014")),
    ("Cho 等人提出了门控循环单元。", ("gru", "introduced_by", "cho2014")),
    ("AlexNet 在 ImageNet 上训练。", ("alexnet", "trained_on", "imagenet")),
    ("卷积神经网络使用卷积层。", ("cnn", "uses", "convolution")),
    ("Transformer 使用多头注意力。", ("transformer", "uses", "multi_head_attention")),
    ("语音识别应用于百度语音助手。", ("speech_recognition", "applied_in", "case_baidu")),
    ("偏见是语音识别的一个风险。", ("fairness", "risk_of", "speech_recognition")),
    ("BERT 基于 Transformer。", ("bert", "uses", "transformer")),
])
def test_chinese_sentences(graph, sentence, triple):
    assert extract_triple(sentence, graph).triple == triple


def test_the_trigger_words_are_reported(graph):
    assert extract_triple("The GRU was introduced by Cho et al. in 2014.", graph).trigger == "was introduced by"
    assert extract_triple("GRU 由 Cho 等人于 2014 年提出。", graph).trigger == "由"


def test_names_match_longest_first_whole_words_and_across_spacing(graph):
    assert [m.node for m in find_mentions("卷积神经网络使用卷积层", graph)] == ["cnn", "convolution"]
    assert [m.node for m in find_mentions("A BiGRU is not a gruesome GRU", graph)] == ["bigru", "gru"]
    assert [m.node for m in find_mentions("multi head attention in ResNet 50", graph)] == ["multi_head_attention",
                                                                                         "resnet50"]
    mention = find_mentions("The Transformer", graph)[0]
    assert (mention.start, mention.end) == (4, 15)
    mention = find_mentions("Straße: GRU", graph)[0]  # "ß" folds to two letters; positions stay the typed ones
    assert (mention.start, mention.end, mention.node) == (8, 11, "gru")


@pytest.mark.parametrize("sentence, found", [("Hello world.", 0), ("The GRU is great.", 1),
                                             ("GRU and LSTM are recurrent networks.", 2), ("", 0)])
def test_no_triple_without_two_names_and_a_relation_phrase(graph, sentence, found):
    reading = extract_triple(sentence, graph)
    assert reading.triple is None and len(reading.mentions) == found


@pytest.mark.parametrize("triple, verdict", [
    (("gru", "introduced_by", "cho2014"), ("known", "introduced_by")),
    (("gru", "uses", "cho2014"), ("other", "introduced_by")),
    (("gru", "trained_on", "cho2014"), ("mismatch", "paper")),
    (("resnet50", "uses", "relu"), ("new", "")),
])
def test_where_a_triple_would_join_the_map(graph, triple, verdict):
    assert place_triple(graph, triple) == verdict


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_example_sentence_on_the_page_yields_a_triple(graph, lang):
    texts = load_locale(lang)
    examples = [texts[key] for key in sorted(texts) if key.startswith("knowledge.example.")]
    assert len(examples) == 6
    readings = [extract_triple(sentence, graph).triple for sentence in examples]
    assert None not in readings
    assert place_triple(graph, readings[-1]) == ("new", "")  # the last example shows a new edge
