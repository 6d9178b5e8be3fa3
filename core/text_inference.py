"""Reading one visitor's sentence the way a text model reads it: tokens, ids, what was cut, what is unknown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import UserError
from data.tokenizer import OOV_ID

MAX_INPUT_CHARS = 100_000  # longer text is cut here before tokenising, with a notice


@dataclass(frozen=True)
class TextReading:
    """One sentence as a text model sees it."""

    ids: np.ndarray  # (seq_len,) int32, padded with 0
    tokens: list[str]  # the tokens read, in order (at most seq_len)
    total_tokens: int  # how many tokens the whole text has; more than len(tokens) when it was cut
    unknown: int  # tokens read that are outside the vocabulary
    chars_cut: bool  # the text was longer than MAX_INPUT_CHARS

    @property
    def truncated(self) -> bool:
        """True when the model reads only the start of the text."""
        return self.total_tokens > len(self.tokens) or self.chars_cut


def read_text(model: Any, text: str) -> TextReading:
    """Tokenise ``text`` with ``model``'s own vocabulary and length.

    Raises ``UserError`` for empty or blank text, and for text with no token the model knows.
    """
    from models.text_transformer import seq_len_of, tokenizer_of

    chars_cut = len(text) > MAX_INPUT_CHARS
    text = text[:MAX_INPUT_CHARS]
    tokenizer, length = tokenizer_of(model), seq_len_of(model)
    tokens = tokenizer.split(text)
    if not tokens:
        raise UserError("error.text_empty")
    ids = np.zeros(length, dtype=np.int32)
    read = tokens[:length]
    ids[: len(read)] = tokenizer.ids(read)
    unknown = int((ids[: len(read)] == OOV_ID).sum())
    if unknown == len(read):
        raise UserError("error.text_all_unknown", count=len(read))
    return TextReading(ids, read, len(tokens), unknown, chars_cut)


def encode_texts(model: Any, texts: Any) -> np.ndarray:
    """Token ids (N, seq_len) of many texts, read with ``model``'s own vocabulary and length."""
    from models.text_transformer import seq_len_of, tokenizer_of

    return tokenizer_of(model).encode(texts, seq_len_of(model))
