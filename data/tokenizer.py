"""Text to token ids and back: characters for Chinese, words for English, one small module for both.

A ``Tokenizer`` is its vocabulary and nothing else: a tuple of tokens where id 0 is padding and id 1
stands for any token outside the vocabulary. It is built from a training split only (``fit``),
capped at the most frequent tokens, and travels inside the model file (``models.text_layers``), so a
saved model reads text exactly as it did in training. Text is normalised first: Unicode NFKC (so
full-width letters, digits and punctuation become their plain forms), lower case, control characters
and runs of white space reduced to one space. The library's own preprocessing layers are not used:
``StringLookup`` runs on TensorFlow only, and the app also runs on JAX.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

PAD, OOV = "[PAD]", "[UNK]"
PAD_ID, OOV_ID = 0, 1
LEVELS = ("char", "word")
WORD_PATTERN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\w\s]", re.UNICODE)  # words (with "don't"), or one symbol
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def normalise(text: str) -> str:
    """NFKC, lower case, control and zero-width characters dropped, white space collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = CONTROL.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Tokenizer:
    """A capped vocabulary (``tokens[0]`` padding, ``tokens[1]`` unknown) and how text is cut: by
    character or by word."""

    level: str
    tokens: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {self.level!r}")
        if self.tokens[:2] != (PAD, OOV):
            raise ValueError("a vocabulary starts with the padding and unknown tokens")
        object.__setattr__(self, "_ids", {token: i for i, token in enumerate(self.tokens)})

    @property
    def size(self) -> int:
        """Number of ids, padding and unknown included: the embedding table's first dimension."""
        return len(self.tokens)

    def split(self, text: str) -> list[str]:
        """The tokens of ``text`` after normalisation: its characters (spaces dropped) or its words."""
        text = normalise(text)
        if self.level == "char":
            return [c for c in text if not c.isspace()]
        return WORD_PATTERN.findall(text)

    def ids(self, tokens: Iterable[str]) -> list[int]:
        """Vocabulary ids of ``tokens``; tokens outside the vocabulary get ``OOV_ID``."""
        return [self._ids.get(token, OOV_ID) for token in tokens]

    def encode(self, texts: Iterable[str], length: int) -> np.ndarray:
        """An int32 array (len(texts), length): each text's first ``length`` token ids, padded with 0."""
        texts = list(texts)
        out = np.zeros((len(texts), length), dtype=np.int32)
        for row, text in enumerate(texts):
            ids = self.ids(self.split(text)[:length])
            out[row, : len(ids)] = ids
        return out

    def decode(self, ids: Iterable[int]) -> list[str]:
        """The tokens of ``ids``, padding left out."""
        return [self.tokens[i] if 0 <= i < self.size else OOV for i in ids if i != PAD_ID]

    @classmethod
    def fit(cls, texts: Iterable[str], level: str, max_tokens: int, min_count: int = 2) -> "Tokenizer":
        """The vocabulary of ``texts``: tokens seen at least ``min_count`` times, the most frequent first,
        at most ``max_tokens`` ids in all (padding and unknown included). Ties go in first-seen order."""
        if max_tokens < 3:
            raise ValueError("max_tokens must leave room for at least one token besides padding and unknown")
        probe = cls(level, (PAD, OOV))
        counts = Counter(token for text in texts for token in probe.split(text))
        kept = [token for token, n in counts.most_common() if n >= min_count][: max_tokens - 2]
        return cls(level, (PAD, OOV, *kept))

    def to_config(self) -> dict[str, Any]:
        """Plain values, for the model file."""
        return {"level": self.level, "tokens": list(self.tokens)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Tokenizer":
        """The tokenizer ``to_config`` described."""
        return cls(config["level"], tuple(config["tokens"]))
