"""The text training task: reviews, tokenised by the model's own vocabulary, ready for ``train_classifier``.

Chinese reviews are bundled (data/text.py); English ones come from IMDB, online once. The tokenizer is
fitted on the training split only, capped at ``max_tokens``, and the model built from the same
config carries it, so the ids trained on and the ids a visitor's sentence becomes always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.errors import UserError
from core.training import TrainConfig
from data.splits import Splits


@dataclass(frozen=True)
class TextJobSpec:
    """Everything that decides the outcome of one text training run."""

    model: Any  # models.text_transformer.TextConfig
    train: TrainConfig = field(default_factory=TrainConfig)
    train_limit: int | None = None  # keep only the first N training reviews (smoke tests, quick demos)
    dataset: str = "text"

    @property
    def task(self) -> str:
        """Run-store task name: "text-transformer", "text-gru" or "text-mean"."""
        return f"text-{self.model.kind}"

    @property
    def data_source(self) -> str:
        """"bundled" for Chinese, "imdb" for English."""
        from data.text import SOURCE_OF

        return SOURCE_OF.get(self.model.language, "bundled")

    def validate(self) -> None:
        """Raise ``UserError`` for any setting out of range, or English asked for while IMDB cannot be had."""
        from data.text import text_unavailable_reason

        self.model.validate()
        self.train.validate()
        if self.train_limit is not None and self.train_limit < 1:
            raise UserError("error.train_limit", value=self.train_limit)
        reason = text_unavailable_reason(self.model.language)  # last: for English this may probe the network
        if reason is not None:
            raise UserError(reason)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return {"model": self.model.to_dict(), "train": self.train.to_dict(), "dataset": self.dataset,
                "data_source": self.data_source, "train_limit": self.train_limit}

    def arrays(self) -> Splits:
        """Token ids (N, seq_len) and labels of the training, validation and test reviews."""
        from data.text import load_text, training_tokenizer

        data = load_text(self.model.language)
        tokenizer = training_tokenizer(self.model.language, self.model.max_tokens)
        x_train, y_train = data.x_train, data.y_train
        if self.train_limit:
            x_train, y_train = x_train[: self.train_limit], y_train[: self.train_limit]
        length = self.model.seq_len
        return Splits(tokenizer.encode(x_train, length), y_train, tokenizer.encode(data.x_val, length), data.y_val,
                      tokenizer.encode(data.x_test, length), data.y_test, data.source)
