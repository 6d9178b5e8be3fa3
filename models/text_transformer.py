"""Sentiment classifiers for reviews: a Transformer encoder and the two baselines it is compared with.

All three read the same token ids (characters for Chinese, words for English, ``data.tokenizer``)
through the same embedding, so the comparison on the page is about what happens after it:

- "transformer": token + pair + position embeddings, ``blocks`` encoder blocks of multi-head
  self-attention and a feed-forward network (``models.text_layers.EncoderBlock``), the mean over the
  tokens, a softmax over {negative, positive}. Every token looks at every other in one step, so 不
  can change the meaning of 好 however far apart they are (Vaswani et al., 2017; article 002's fifth
  generation).
- "gru": the same embeddings read left to right by a GRU, its last state classified (article 001's
  Embedding + GRU). Each step sees only the state so far.
- "mean": the mean of the embeddings, classified: a bag of characters and pairs with no order at all.

The first layer, "vocabulary", carries the tokenizer, so a saved model knows how to read text
(``tokenizer_of``). ``attention_maps`` runs the blocks one by one and returns their weights.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import keras
import numpy as np

from core.errors import UserError
from core.training import Preset, TrainConfig
from data.tokenizer import Tokenizer
from models.text_layers import EncoderBlock, MaskedMean, TokenDropout, TokenEmbedding, Vocabulary

NUM_CLASSES = 2  # the default: 0 negative, 1 positive
MAX_CLASSES = 50  # as many as a class data set may have (core.user_data)
KINDS = ("transformer", "gru", "mean")
MAX_BLOCKS = 4
HEADS = (1, 2, 4, 8)
EMBED_RANGE = (16, 256)
FF_RANGE = (16, 1024)
SEQ_RANGE = (16, 512)
MAX_DROPOUT = 0.5
VOCAB_RANGE = (100, 50_000)
# Rows of the hashed pair table, a prime so pairs spread evenly. The training split holds far more
# distinct pairs than this; 30,011 rows lifted the mean-of-embeddings baseline from 83.4 % (10,007
# rows) to 84.7 %, and 60,013 added nothing (docs/BENCHMARKS.md).
BIGRAM_BUCKETS = 30_011


@dataclass(frozen=True)
class TextConfig:
    """Architecture of one review classifier, and how its text is cut into tokens."""

    kind: str = "transformer"  # one of KINDS
    language: str = "zh"  # "zh" reads characters, "en" words; the vocabulary comes from that training split
    blocks: int = 1  # encoder blocks stacked ("transformer" only)
    heads: int = 2  # attention heads per block; embed_dim must divide by it
    embed_dim: int = 64  # size of every token vector
    ff_dim: int = 128  # hidden size of each block's feed-forward network
    units: int = 64  # GRU state size ("gru" only)
    dropout: float = 0.2  # inside the blocks and before the classifier
    token_dropout: float = 0.4  # share of tokens made unknown while training
    seq_len: int = 128  # tokens read; longer texts are cut, shorter ones padded
    max_tokens: int = 4_000  # vocabulary cap, padding and unknown included
    num_classes: int = NUM_CLASSES  # outputs; a class's own texts may have 2 to 50 labels
    bigrams: bool = True  # add the hashed embedding of each token pair

    def validate(self) -> None:
        """Raise ``UserError`` naming the first setting out of range."""
        if self.kind not in KINDS:
            raise UserError("error.text_kind", value=self.kind, allowed=", ".join(KINDS))
        if self.language not in ("zh", "en"):
            raise UserError("error.text_language", value=self.language)
        if not 2 <= self.num_classes <= MAX_CLASSES:
            raise UserError("error.num_classes", value=self.num_classes, max=MAX_CLASSES)
        checks = (("error.text_blocks", self.blocks, 1, MAX_BLOCKS), ("error.text_embed", self.embed_dim, *EMBED_RANGE),
                  ("error.text_ff", self.ff_dim, *FF_RANGE), ("error.text_seq", self.seq_len, *SEQ_RANGE),
                  ("error.text_vocab", self.max_tokens, *VOCAB_RANGE), ("error.units", self.units, 8, 256))
        for key, value, low, high in checks:
            if not low <= value <= high:
                raise UserError(key, value=value, min=low, max=high)
        if self.heads not in HEADS or self.embed_dim % self.heads:
            raise UserError("error.text_heads", value=self.heads, dim=self.embed_dim)
        for value in (self.dropout, self.token_dropout):
            if not 0.0 <= value <= MAX_DROPOUT:
                raise UserError("error.dropout", value=value, max=MAX_DROPOUT)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TextConfig:
        """The config ``to_dict`` gave."""
        return cls(**values)


# Sized for the live demo on two CPU cores: the small Transformer fits the training split within a
# couple of epochs and then starts to learn it by heart, so the run keeps its best epoch on the
# validation split (keep_best) rather than its last.
TRAIN = TrainConfig(optimizer="adam", learning_rate=2e-3, batch_size=64, epochs=5, cosine_decay=True, keep_best=True)

PRESETS: dict[str, Preset] = {
    "small": Preset(TextConfig(blocks=1, heads=2, embed_dim=64, ff_dim=128), TRAIN, "Vaswani et al. 2017"),
    "base": Preset(TextConfig(blocks=2, heads=4, embed_dim=128, ff_dim=256), TRAIN, "Vaswani et al. 2017"),
    "gru": Preset(TextConfig(kind="gru", units=64), TRAIN, "article 001"),
    "mean": Preset(TextConfig(kind="mean"), TRAIN, "Joulin et al. 2016 (fastText)"),
}


def build_model(config: TextConfig, tokenizer: Tokenizer | None = None) -> keras.Model:
    """Build an uncompiled model mapping (seq_len,) token ids to class probabilities (negative, positive
    by default).

    ``tokenizer`` defaults to the one fitted on the training split of ``config.language``. Layers the
    look-inside view reads: "vocabulary", "embedding", "block_1" … "block_{blocks}", "probabilities".
    """
    config.validate()
    if tokenizer is None:
        from data.text import training_tokenizer

        tokenizer = training_tokenizer(config.language, config.max_tokens)
    ids = keras.Input(shape=(config.seq_len,), dtype="int32", name="token_ids")
    read = Vocabulary(tokenizer.to_config(), name="vocabulary")(ids)
    noisy = TokenDropout(config.token_dropout, name="token_dropout")(read)
    x = TokenEmbedding(tokenizer.size, config.embed_dim, config.seq_len,
                       bigram_buckets=BIGRAM_BUCKETS if config.bigrams else 0,
                       positions=config.kind == "transformer", name="embedding")(noisy)
    if config.kind == "transformer":
        x = keras.layers.Dropout(config.dropout, name="embedding_dropout")(x)
        for i in range(1, config.blocks + 1):
            x = EncoderBlock(config.embed_dim, config.heads, config.ff_dim, config.dropout, name=f"block_{i}")(x, read)
        x = MaskedMean(name="mean_over_tokens")(x, read)
    elif config.kind == "gru":
        x = keras.layers.GRU(config.units, name="gru")(x)  # the embedding's mask makes it stop at the last token
    else:
        x = MaskedMean(name="mean_over_tokens")(x, read)
    x = keras.layers.Dropout(config.dropout, name="dropout")(x)
    outputs = keras.layers.Dense(config.num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(ids, outputs, name=f"text_{config.kind}")


def build_ensemble(members: list[keras.Model]) -> keras.Model:
    """One model whose answer is the mean of the probabilities of ``members``: the same architecture
    trained from different random starts, reading the same tokens. Each member keeps its own layers
    (named "member_1", "member_2", …), so its vocabulary and attention stay readable."""
    ids = keras.Input(shape=(seq_len_of(members[0]),), dtype="int32", name="token_ids")
    bare = []
    for number, member in enumerate(members, start=1):
        # A copy that was never compiled: a trained member would carry its optimiser into the file.
        copy = type(member).from_config({**member.get_config(), "name": f"member_{number}"})
        copy.set_weights(member.get_weights())
        bare.append(copy)
    outputs = keras.layers.Average(name="probabilities")([member(ids) for member in bare])
    return keras.Model(ids, outputs, name="text_ensemble")


def ensemble_members(model: keras.Model) -> list[keras.Model]:
    """The members of an ensemble from ``build_ensemble``, first member first; ``[model]`` otherwise."""
    members = [layer for layer in model.layers if layer.name.startswith("member_")]
    return sorted(members, key=lambda member: int(member.name.split("_")[1])) or [model]


def tokenizer_of(model: keras.Model) -> Tokenizer:
    """The tokenizer a text model was trained with, read from its "vocabulary" layer (an ensemble's
    members share one)."""
    return ensemble_members(model)[0].get_layer("vocabulary").tokenizer


def seq_len_of(model: keras.Model) -> int:
    """How many tokens the model reads."""
    return int(model.input_shape[1])


def block_names(model: keras.Model) -> list[str]:
    """Names of the encoder blocks, "block_1" first (of an ensemble's first member); empty for the baselines."""
    names = [layer.name for layer in ensemble_members(model)[0].layers if layer.name.startswith("block_")]
    return sorted(names, key=lambda name: int(name.split("_")[1]))


def attention_maps(model: keras.Model, ids: np.ndarray, member: int = 0) -> list[np.ndarray]:
    """The attention weights of every block for one row of token ids: [(heads, L, L)], block 1 first;
    of the ensemble member numbered ``member`` from 0 when ``model`` is an ensemble."""
    ids = np.asarray(ids, dtype=np.int32).reshape(1, -1)
    model = ensemble_members(model)[member]
    x = model.get_layer("embedding")(ids)
    maps = []
    for name in block_names(model):
        x, scores = model.get_layer(name)(x, ids, return_attention=True)
        maps.append(keras.ops.convert_to_numpy(scores)[0])
    return maps
