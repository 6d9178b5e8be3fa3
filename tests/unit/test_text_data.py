"""Text data: the tokenizer, the bundled Chinese reviews, its build, and IMDB from a tiny fake Keras cache."""

import json
import pickle

import numpy as np
import pytest

from core.errors import UserError
from data import text
from data.tokenizer import OOV, OOV_ID, PAD, PAD_ID, Tokenizer, normalise
from tools.build_datasets import dedupe_reviews, split_reviews


def test_normalise_folds_full_width_forms_drops_controls_and_collapses_space():
    assert normalise("ＡＢＣ１２３！") == "abc123!"
    assert normalise("好\x00看\u200b  \t 吗\n") == "好 看 吗"
    assert normalise("<b>Bold</b>") == "<b>bold</b>"  # markup stays text


def test_character_tokenizer_round_trip_and_unknown_tokens():
    tokenizer = Tokenizer.fit(["好看好看", "不好看", "很好"], "char", max_tokens=10, min_count=1)
    assert tokenizer.tokens[:2] == (PAD, OOV)
    assert tokenizer.tokens[2] == "好"  # the most frequent first
    ids = tokenizer.encode(["不好看", "好差"], length=5)
    assert ids.dtype == np.int32 and ids.shape == (2, 5)
    assert tokenizer.decode(ids[0]) == ["不", "好", "看"]
    assert ids[1, 1] == OOV_ID and ids[0, 3:].tolist() == [PAD_ID, PAD_ID]  # 差 unseen; padding after the text
    assert tokenizer.split("好 看") == ["好", "看"]  # spaces are not tokens


def test_word_tokenizer_keeps_contractions_and_splits_punctuation():
    tokenizer = Tokenizer("word", (PAD, OOV))
    assert tokenizer.split("Don't  like it, at ALL!") == ["don't", "like", "it", ",", "at", "all", "!"]


def test_vocabulary_is_capped_and_rare_tokens_are_left_out():
    texts = ["a" * 5 + "b" * 4 + "c" * 3 + "d"]
    capped = Tokenizer.fit(texts, "char", max_tokens=4, min_count=1)
    assert capped.tokens == (PAD, OOV, "a", "b")
    assert "d" not in Tokenizer.fit(texts, "char", max_tokens=100, min_count=2).tokens
    assert Tokenizer.from_config(capped.to_config()) == capped
    with pytest.raises(ValueError):
        Tokenizer("char", ("a", "b"))


def test_encode_cuts_long_texts_to_the_length():
    tokenizer = Tokenizer.fit(["abc"], "char", max_tokens=10, min_count=1)
    assert tokenizer.encode(["abcabcabc"], length=4)[0].tolist() == tokenizer.ids("abca")


def test_bundled_reviews_are_split_once_with_both_labels_everywhere():
    data = text.load_reviews_zh()
    assert data.sizes == {"train": 13_891, "validation": 1_736, "test": 1_736}
    splits = [set(data.x_train), set(data.x_val), set(data.x_test)]
    assert sum(len(s) for s in splits) == len(set.union(*splits))  # no review twice, in one split or two
    for labels in (data.y_train, data.y_val, data.y_test):
        assert set(np.unique(labels)) == {0, 1} and 0.45 < labels.mean() < 0.5
    assert not data.x_train.flags.writeable
    assert all(review.strip() == review and review for review in data.x_test)


def test_dedupe_drops_repeats_and_contradictions_and_keeps_order():
    reviews, labels = dedupe_reviews(["好", "很好", "好", "一般"], ["差", "一般", "差"])
    assert reviews == ["好", "很好", "差"] and labels.tolist() == [1, 1, 0]


def test_review_split_is_stratified_disjoint_and_seeded():
    labels = np.array([1] * 60 + [0] * 40, dtype=np.uint8)
    first, second = split_reviews(labels), split_reviews(labels)
    assert {k: len(v) for k, v in first.items()} == {"train": 80, "validation": 10, "test": 10}
    assert labels[first["test"]].sum() == 6
    assert len(np.unique(np.concatenate(list(first.values())))) == 100
    assert all(np.array_equal(first[k], second[k]) for k in first)


@pytest.fixture
def fake_imdb(monkeypatch, tmp_path):
    """IMDB in Keras's cache format: imdb.npz of word-rank lists and imdb_word_index.json."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("NEURALSTAGE_OFFLINE", "1")
    text.load_imdb.cache_clear()
    folder = tmp_path / "keras" / "datasets"
    folder.mkdir(parents=True)
    words = {"the": 1, "film": 2, "was": 3, "great": 4, "awful": 5}
    reviews = [[1, 2, 3, 4], [1, 2, 3, 5]] * 10
    ranks = np.empty(len(reviews), dtype=object)
    ranks[:] = reviews
    labels = np.array([1, 0] * 10)
    np.savez(folder / "imdb.npz", x_train=ranks, y_train=labels, x_test=ranks[:4], y_test=labels[:4])
    (folder / "imdb_word_index.json").write_text(json.dumps(words), encoding="utf-8")
    yield
    text.load_imdb.cache_clear()


def test_imdb_is_read_from_the_keras_cache_as_text(fake_imdb):
    assert text.imdb_cached() and text.text_unavailable_reason("en") is None
    data = text.load_text("en")
    assert data.source == "imdb"
    assert data.sizes == {"train": 18, "validation": 2, "test": 4}
    assert set(data.x_test) == {"the film was great", "the film was awful"}
    assert all(("great" in review) == bool(label) for review, label in zip(data.x_train, data.y_train))


def test_imdb_offline_and_not_cached_is_refused_with_a_reason(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("NEURALSTAGE_OFFLINE", "1")
    text.load_imdb.cache_clear()
    assert text.text_unavailable_reason("en") == "error.imdb_offline"
    with pytest.raises(UserError) as caught:
        text.load_text("en")
    assert caught.value.key == "error.imdb_offline"
    with pytest.raises(UserError):
        text.load_text("fr")


def test_a_tampered_imdb_file_cannot_run_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    payload = np.empty(1, dtype=object)
    payload[0] = Evil()
    np.savez(tmp_path / "imdb.npz", x_train=payload)
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        text.read_imdb_npz(tmp_path / "imdb.npz")
