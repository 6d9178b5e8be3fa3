"""Custom Keras layers for the text models, written with ``keras.ops`` only so any backend runs them.

Every layer that needs to know where the padding is receives the token ids themselves and finds it
(id 0), so the saved model needs no mask plumbing and reads back on any backend.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from data.tokenizer import OOV_ID, PAD_ID, Tokenizer

BIGRAM_PRIME = 7_919  # mixes the first character's id into the pair's hash; any prime far from the bucket count


def padding_mask(ids):
    """True where a real token stands, False on padding."""
    return ops.not_equal(ids, PAD_ID)


@keras.saving.register_keras_serializable(package="neuralstage")
class Vocabulary(keras.layers.Layer):
    """Passes token ids through untouched and carries the tokenizer in its config, so the model file
    holds the exact vocabulary it was trained with (``tokenizer_of`` reads it back)."""

    def __init__(self, tokenizer: dict[str, Any], **kwargs):
        super().__init__(**kwargs)
        self.tokenizer = Tokenizer.from_config(tokenizer)

    def call(self, ids):
        return ids

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "tokenizer": self.tokenizer.to_config()}


@keras.saving.register_keras_serializable(package="neuralstage")
class TokenDropout(keras.layers.Layer):
    """While training, turn a random ``rate`` of the real tokens into the unknown token.

    A review still means the same with a few characters unreadable, so the model learns not to lean
    on any single one, and it meets unknown tokens in training as it will in visitors' sentences.
    """

    def __init__(self, rate: float = 0.1, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, ids, training=False):
        if not training or self.rate <= 0:
            return ids
        hit = keras.random.uniform(ops.shape(ids), seed=self.seed_generator) < self.rate
        return ops.where(ops.logical_and(hit, padding_mask(ids)), ops.full_like(ids, OOV_ID), ids)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@keras.saving.register_keras_serializable(package="neuralstage")
class TokenEmbedding(keras.layers.Layer):
    """Each token becomes a vector: its own embedding, plus, optionally, the embedding of the pair it
    starts (hashed into ``bigram_buckets`` rows) and of its position.

    Chinese words are mostly two characters long, and 不 before 好 reverses it, so the pair carries
    meaning that no single character does; hashing keeps the pair table a fixed size with no second
    vocabulary to save. Positions matter only to attention, which otherwise sees a bag of tokens.
    """

    def __init__(self, vocab_size: int, dim: int, seq_len: int, bigram_buckets: int = 0,
                 positions: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.dim, self.seq_len = vocab_size, dim, seq_len
        self.bigram_buckets, self.positions = bigram_buckets, positions
        self.tokens = keras.layers.Embedding(vocab_size, dim, name="tokens")
        self.bigrams = keras.layers.Embedding(bigram_buckets, dim, name="bigrams") if bigram_buckets else None
        self.position_table = keras.layers.Embedding(seq_len, dim, name="positions") if positions else None

    def build(self, input_shape):
        self.tokens.build(input_shape)
        if self.bigrams is not None:
            self.bigrams.build(input_shape)
        if self.position_table is not None:
            self.position_table.build((self.seq_len,))
        self.built = True

    def call(self, ids):
        ids = ops.cast(ids, "int32")
        x = self.tokens(ids)
        if self.bigrams is not None:
            following = ops.pad(ids[:, 1:], [[0, 0], [0, 1]])  # the last token pairs with padding
            x = x + self.bigrams((ids * BIGRAM_PRIME + following) % self.bigram_buckets)
        if self.position_table is not None:
            x = x + self.position_table(ops.arange(ops.shape(ids)[1]))[None]
        return x

    def compute_mask(self, ids, mask=None):
        return padding_mask(ids)  # lets a following GRU skip the padding

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.dim)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "dim": self.dim, "seq_len": self.seq_len,
                "bigram_buckets": self.bigram_buckets, "positions": self.positions}


@keras.saving.register_keras_serializable(package="neuralstage")
class EncoderBlock(keras.layers.Layer):
    """One Transformer encoder block (Vaswani et al., 2017): self-attention, then a two-layer
    feed-forward network, each added back to its input and layer-normalised.

        a = LayerNorm(x + Dropout(MultiHeadAttention(x, x, x)))
        y = LayerNorm(a + Dropout(W₂ · gelu(W₁ · a)))

    Padding never receives attention. ``call(..., return_attention=True)`` also gives the attention
    weights, (N, heads, queries, keys), each row summing to 1 over the real tokens.
    """

    def __init__(self, dim: int, heads: int, ff_dim: int, dropout: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.heads, self.ff_dim, self.dropout = dim, heads, ff_dim, dropout
        self.attention = keras.layers.MultiHeadAttention(heads, dim // heads, dropout=dropout, name="attention")
        self.norm_1 = keras.layers.LayerNormalization(epsilon=1e-6, name="norm_1")
        self.norm_2 = keras.layers.LayerNormalization(epsilon=1e-6, name="norm_2")
        self.ff_in = keras.layers.Dense(ff_dim, activation="gelu", name="ff_in")
        self.ff_out = keras.layers.Dense(dim, name="ff_out")
        self.drop = keras.layers.Dropout(dropout)
        self.supports_masking = True  # the embedding's padding mask passes through; attention reads the ids

    def build(self, input_shape):
        x_shape = input_shape[0] if isinstance(input_shape, (list, tuple)) and isinstance(
            input_shape[0], (list, tuple)) else input_shape
        self.attention.build(x_shape, x_shape, x_shape)
        self.norm_1.build(x_shape)
        self.norm_2.build(x_shape)
        self.ff_in.build(x_shape)
        self.ff_out.build((*x_shape[:-1], self.ff_dim))
        self.built = True

    def call(self, x, ids, training=False, return_attention=False):
        keep = padding_mask(ids)
        attended, scores = self.attention(x, x, x, attention_mask=ops.logical_and(keep[:, None, :], keep[:, :, None]),
                                          return_attention_scores=True, training=training)
        x = self.norm_1(x + self.drop(attended, training=training))
        x = self.norm_2(x + self.drop(self.ff_out(self.ff_in(x)), training=training))
        return (x, scores) if return_attention else x

    def compute_output_shape(self, x_shape, ids_shape=None):
        return x_shape

    def get_config(self):
        return {**super().get_config(), "dim": self.dim, "heads": self.heads, "ff_dim": self.ff_dim,
                "dropout": self.dropout}


@keras.saving.register_keras_serializable(package="neuralstage")
class MaskedMean(keras.layers.Layer):
    """The average of the vectors at real tokens, padding left out: (N, L, D) → (N, D)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True  # consumes the padding mask: one vector per text has none

    def compute_mask(self, x, mask=None):
        return None

    def call(self, x, ids):
        keep = ops.cast(padding_mask(ids), x.dtype)[..., None]
        return ops.sum(x * keep, axis=1) / ops.maximum(ops.sum(keep, axis=1), 1.0)

    def compute_output_shape(self, x_shape, ids_shape=None):
        return (x_shape[0], x_shape[-1])
