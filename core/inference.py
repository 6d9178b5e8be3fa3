"""Loading trained models and asking them about one input, fast enough for a live demo.

A shipped model sits in ``models/pretrained/NAME.keras`` with a model card ``NAME.json`` beside it
(Mitchell et al., 2019): what it was trained on, how, and how well it did.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from core.devices import compile_predict_fn, load_keras

PRETRAINED_DIR = Path(__file__).resolve().parents[1] / "models" / "pretrained"


@dataclass
class LoadedModel:
    """A trained model with its compiled prediction function and, when shipped, its card."""

    model: Any
    predict_batch: Callable[[np.ndarray], np.ndarray]  # (N, *input) -> (N, classes)
    card: dict[str, Any] = field(default_factory=dict)

    def predict_one(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities for a single input (no batch axis)."""
        return self.predict_batch(np.asarray(x)[None])[0]  # predict_batch casts to the model's input dtype


def wrap_model(model: Any, card: dict[str, Any] | None = None) -> LoadedModel:
    """Give an in-memory Keras model the app's fast prediction path."""
    return LoadedModel(model, compile_predict_fn(model), card or {})


def load_model_file(path: Path | str, card: dict[str, Any] | None = None) -> LoadedModel:
    """Load a ``.keras`` file written by this app (custom layers included): a shipped model or one the
    app trained and filed in the run store. Nobody can upload a model file; ``safe_mode`` still
    refuses any Python code (a ``Lambda`` layer's) a file might carry."""
    import models.layers  # noqa: F401  registers the custom layers with Keras's loader
    import models.speech_layers  # noqa: F401
    import models.text_layers  # noqa: F401

    model = load_keras().saving.load_model(path, compile=False, safe_mode=True)
    return wrap_model(model, card)


def pretrained_path(name: str) -> Path:
    """Where the shipped model ``name`` lives."""
    return PRETRAINED_DIR / f"{name}.keras"


def read_model_card(name: str) -> dict[str, Any]:
    """The model card of the shipped model ``name``, or {} when there is none."""
    card_path = PRETRAINED_DIR / f"{name}.json"
    if not card_path.exists():
        return {}
    with open(card_path, encoding="utf-8") as f:
        return json.load(f)


def load_pretrained(name: str) -> LoadedModel:
    """Load the shipped model ``name`` with its card."""
    return load_model_file(pretrained_path(name), read_model_card(name))


def shipped_models(dataset: str) -> list[str]:
    """Names of the shipped models trained on ``dataset``, CNNs first, from their model cards."""
    names = []
    for card_path in sorted(PRETRAINED_DIR.glob("*.json")):
        card = read_model_card(card_path.stem)
        if card.get("settings", {}).get("dataset", "mnist") == dataset and pretrained_path(card_path.stem).exists():
            names.append(card_path.stem)
    return sorted(names, key=lambda name: (not read_model_card(name)["task"].endswith("-cnn"), name))
