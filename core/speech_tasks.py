"""The speech training task: spoken digits, augmented, ready for ``train_classifier``.

The clips come from the bundled corpus of clean synthesized voices (data/speech.py) or, when chosen,
from the Free Spoken Digit Dataset of real English speakers (data/fsdd.py, downloaded once). Each job
adds ``augment_copies`` noisy, reverberant, re-equalised and re-timed copies of every training clip,
drawn from the job's own seed, so a run is repeatable and the model hears more than clean clips.
Validation and test clips stay clean and come from voices the model never hears in training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.errors import UserError
from core.training import TrainConfig
from data.speech_format import LANGUAGES
from data.splits import Splits

MAX_AUGMENT_COPIES = 4  # each copy adds one more pass of training clips per epoch
DATA_SOURCES = ("bundled", "fsdd")  # the synthesized corpus, or real English speakers (network once)


@dataclass(frozen=True)
class SpeechJobSpec:
    """Everything that decides the outcome of one speech training run."""

    model: Any  # models.speech_rnn.SpeechConfig
    train: TrainConfig = field(default_factory=TrainConfig)
    languages: tuple[str, ...] = LANGUAGES  # train and test on these languages' clips
    augment_copies: int = 1  # altered copies of each training clip beside the clean one
    train_limit: int | None = None  # keep only the first N clean training clips (smoke tests)
    data_source: str = "bundled"  # "bundled" (synthesized corpus) or "fsdd" (real English speakers)
    dataset: str = "speech"

    @property
    def task(self) -> str:
        """Run-store task name, e.g. "speech-gru" or "speech-crnn"."""
        return f"speech-{self.model.kind}"

    def validate(self) -> None:
        """Raise ``UserError`` for any setting out of range, before a job is queued."""
        self.model.validate()
        self.train.validate()
        if not self.languages or any(lang not in LANGUAGES for lang in self.languages):
            raise UserError("error.languages", value=", ".join(self.languages) or "–")
        if not 0 <= self.augment_copies <= MAX_AUGMENT_COPIES:
            raise UserError("error.augment_copies", value=self.augment_copies, max=MAX_AUGMENT_COPIES)
        if self.data_source not in DATA_SOURCES:
            raise UserError("error.data_source", value=self.data_source)
        if self.train_limit is not None and self.train_limit < 1:
            raise UserError("error.train_limit", value=self.train_limit)
        if self.data_source == "fsdd":
            self._validate_fsdd()

    def _validate_fsdd(self) -> None:
        from data.fsdd import fsdd_unavailable_reason

        if "en" not in self.languages:
            raise UserError("error.fsdd_english_only")
        reason = fsdd_unavailable_reason()  # last: when FSDD is not cached this probes the network
        if reason is not None:
            raise UserError(reason)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return {"model": self.model.to_dict(), "train": self.train.to_dict(), "dataset": self.dataset,
                "languages": list(self.languages), "augment_copies": self.augment_copies,
                "data_source": self.data_source, "train_limit": self.train_limit}

    def arrays(self) -> Splits:
        """Clean training clips plus their augmented copies; clean validation and test clips."""
        from data.speech_augment import augment

        data = self._load()
        x_train, y_train = data.x_train, data.y_train
        if self.train_limit:
            x_train, y_train = x_train[: self.train_limit], y_train[: self.train_limit]
        if self.augment_copies:
            rng = np.random.default_rng(self.train.seed)
            x_train = np.concatenate([x_train, augment(x_train, rng, copies=self.augment_copies)])
            y_train = np.tile(y_train, self.augment_copies + 1)
        return Splits(x_train, y_train, data.x_val, data.y_val, data.x_test, data.y_test, self.data_source)

    def _load(self) -> Splits:
        if self.data_source == "fsdd":
            from data.fsdd import load_fsdd

            return load_fsdd()  # English only: validate() made sure English was asked for
        from data.speech import load_speech

        return load_speech(self.languages)
