"""Training on a class's own data set (core.user_data): the same MLP and CNN presets as the digits
and images pages for images, the speech page's recurrent presets for recordings, with as many
outputs as the data set has classes.

A small data set is split here, seeded and stratified: a fifth for the final test, a tenth of the
rest for the live validation curve. Training goes through ``core.tasks.train_classifier`` like
every other image run, so the job runner, live panel, Stop and run store all work unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from core.errors import UserError
from core.tasks import build_from_config, model_family
from core.training import TrainConfig
from core.user_data import UserDataStore
from data.images import to_model_input
from data.splits import Splits, split_stratified

TEST_FRACTION = 0.2  # of the whole set: at least one sample per class is scored at the end
VALIDATION_FRACTION = 0.1  # of what is left: the live validation curve
SPLIT_SEED = 1
MIN_PER_CLASS = 5  # one for the test, one for validation, three to learn from
IMAGE_SHAPE = (28, 28)  # what core.user_data stores for pictures
CLASS_SOURCE = "class:"  # a data source naming a class data set, "class:<id>", as the Train tabs offer it


@dataclass(frozen=True)
class ClassDataJobSpec:
    """Everything that decides one training run on a class data set."""

    model: Any  # MLPConfig or CNNConfig for images, SpeechConfig for recordings; num_classes follows the data set
    dataset_id: str  # the data set in the store under NEURALSTAGE_HOME
    labels: tuple[str, ...]  # its class names, kept with the run
    train: TrainConfig = field(default_factory=TrainConfig)
    home: str | None = None  # the store's home folder; None is NEURALSTAGE_HOME

    def __post_init__(self) -> None:
        changes = {"num_classes": len(self.labels)}
        if self.kind == "image":  # class sets are 28×28 grey, whatever page the preset came from
            changes["input_shape"] = IMAGE_SHAPE
        if any(getattr(self.model, name) != value for name, value in changes.items()):
            object.__setattr__(self, "model", replace(self.model, **changes))

    @property
    def dataset(self) -> str:
        """The run store's data set name of every class-data run."""
        return "class"

    @property
    def data_source(self) -> str:
        """Which class data set, as the Train tabs pass it: "class:<id>"."""
        return f"{CLASS_SOURCE}{self.dataset_id}"

    @property
    def kind(self) -> str:
        """The kind of data set the model reads: "audio", "text" or "image"."""
        module = type(self.model).__module__
        return "audio" if module.endswith("speech_rnn") else "text" if module.endswith("text_transformer") else "image"

    @property
    def task(self) -> str:
        """Run-store task name, e.g. "class-mlp" or "class-gru"."""
        return f"class-{model_family(self.model) if self.kind == 'image' else self.model.kind}"

    def validate(self) -> None:
        """Raise ``UserError`` for settings out of range or a data set too small to split."""
        self.model.validate()
        self.train.validate()
        info = UserDataStore(self.home).info(self.dataset_id)
        if info.kind != self.kind:
            raise UserError("error.data.kind", kind=info.kind)
        short = [f"{label} ({count})" for label, count in zip(info.labels, info.counts) if count < MIN_PER_CLASS]
        if short:
            raise UserError("error.data.too_few", classes=", ".join(short), min=MIN_PER_CLASS)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return {"model": self.model.to_dict(), "train": self.train.to_dict(), "dataset": "class",
                "dataset_id": self.dataset_id, "labels": list(self.labels)}

    def arrays(self) -> Splits:
        """Train, validation and test splits of the data set, scaled to [0, 1]."""
        _, x, y = UserDataStore(self.home).load(self.dataset_id)
        if self.kind != "text":
            return split_class_data(x, y, scale=self.kind == "image")
        texts = split_class_data(x, y, scale=False)
        tokenizer, length = self._tokenizer(texts.x_train), self.model.seq_len
        return Splits(tokenizer.encode(texts.x_train, length), texts.y_train, tokenizer.encode(texts.x_val, length),
                      texts.y_val, tokenizer.encode(texts.x_test, length), texts.y_test, "class")

    def _tokenizer(self, train_texts: np.ndarray):
        """Characters when the texts hold Chinese, else words; vocabulary from the training split only."""
        from data.tokenizer import Tokenizer

        chinese = any("\u4e00" <= ch <= "\u9fff" for text in train_texts for ch in str(text))
        return Tokenizer.fit([str(t) for t in train_texts], "char" if chinese else "word", self.model.max_tokens,
                             min_count=1)

    def build_model(self):
        """The model to train: a text model gets a vocabulary fitted on this data set's training split;
        image and speech models are built from their config alone."""
        if self.kind != "text":
            return build_from_config(self.model)
        from models.text_transformer import build_model

        _, x, y = UserDataStore(self.home).load(self.dataset_id)
        return build_model(self.model, self._tokenizer(split_class_data(x, y, scale=False).x_train))


def with_class_data(spec: Any, home: str | None = None) -> Any:
    """``spec`` itself, or, when its data source names a class data set ("class:<id>"), a
    ``ClassDataJobSpec`` with the same model and training settings on that set."""
    source = getattr(spec, "data_source", "")
    return class_data_spec(spec.model, spec.train, source, home) if source.startswith(CLASS_SOURCE) else spec


def class_data_spec(model: Any, train: TrainConfig, source: str, home: str | None = None) -> ClassDataJobSpec:
    """The run of ``model`` with ``train`` on the class data set ``source`` names ("class:<id>")."""
    info = UserDataStore(home).info(source[len(CLASS_SOURCE):])
    return ClassDataJobSpec(model, info.id, info.labels, train, home=home)


def split_class_data(x: np.ndarray, y: np.ndarray, scale: bool = True) -> Splits:
    """A seeded, stratified split: a fifth for the test, a tenth of the rest for validation.

    Pixel levels are scaled to [0, 1] when ``scale``; recordings are already float waveforms.
    """
    rest, test = split_stratified(y, max(len(np.unique(y)), round(len(y) * TEST_FRACTION)), SPLIT_SEED)
    kept, held = split_stratified(y[rest], max(1, round(len(rest) * VALIDATION_FRACTION)), SPLIT_SEED)
    train, val = rest[kept], rest[held]
    prepare = to_model_input if scale else (lambda samples: samples if samples.dtype.kind == "U"
                                            else np.asarray(samples, dtype=np.float32))
    return Splits(prepare(x[train]), y[train], prepare(x[val]), y[val], prepare(x[test]), y[test], "class")

