"""The live experiments of the social-impact page: what a skewed training set does to fairness, and how
overfitting leaks who was in the training set.

Both train real models of this app with the shared training code and report what they measured;
each default run takes well under two minutes on a 2-core CPU. ``callbacks`` carry progress to the
job runner like any training job. Results are plain dicts that ``save_result`` keeps beside the run
history, with when and on which device they were measured, so a page can show them at once.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from core.devices import backend_name, describe_device, load_keras
from core.privacy import threshold_attack, true_class_confidence
from core.runstore import default_home
from core.training import TrainConfig, build_and_fit


@dataclass(frozen=True)
class FairnessConfig:
    """Two GRUs trained on equally many clips: one hears male-like voices only, one a balanced mix."""

    clips: int = 1_200  # training clips per arm, before augmentation
    epochs: int = 10  # of the speech page's GRU preset
    augment_copies: int = 1  # altered copies of each clip, as on the speech page
    seed: int = 0


@dataclass(frozen=True)
class PrivacyConfig:
    """Two MLPs trained on the same few digits: one free to memorise them, one regularised."""

    members: int = 500  # training digits, the ones the attacker tries to recognise; as many unseen ones
    epochs: int = 40  # long enough for the unregularised model to learn its digits by heart
    checkpoints: tuple[int, ...] = (1, 3, 10, 20, 40)  # epochs at which the attack is run
    hidden_units: tuple[int, ...] = (512, 256)  # a wide MLP: room to memorise
    seed: int = 0


def fairness_arms(groups: np.ndarray, clips: int, seed: int) -> dict[str, np.ndarray]:
    """Training-clip indices of each arm: "male_only" and "balanced" (half male-like, half female-like),
    the same size, so only the mix of voices differs."""
    rng = np.random.default_rng(seed)
    male = rng.permutation(np.flatnonzero(groups == "male"))
    female = rng.permutation(np.flatnonzero(groups == "female"))
    clips = min(clips, len(male), 2 * len(female))
    return {"male_only": male[:clips], "balanced": np.concatenate([male[: clips // 2], female[: clips - clips // 2]])}


def run_fairness(config: FairnessConfig = FairnessConfig(), callbacks: Sequence[Any] = ()) -> dict[str, Any]:
    """Accuracy on male-like and female-like test voices of a GRU trained on each arm."""
    from data.speech import load_speech
    from data.speech_augment import augment
    from models.speech_rnn import PRESETS, build_model

    data = load_speech()
    test_groups = data.info_test.group
    preset = PRESETS["gru"]
    train = replace(preset.train, epochs=config.epochs, seed=config.seed)
    started, arms = time.perf_counter(), {}
    for name, index in fairness_arms(data.info_train.group, config.clips, config.seed).items():
        x, y = data.x_train[index], data.y_train[index]
        if config.augment_copies:
            x = np.concatenate([x, augment(x, np.random.default_rng(config.seed), copies=config.augment_copies)])
            y = np.tile(y, config.augment_copies + 1)
        model, _ = build_and_fit(partial(build_model, preset.model), x, y, None, train, callbacks)
        correct = model.predict(data.x_test, batch_size=512, verbose=0).argmax(axis=1) == data.y_test
        arms[name] = {group: float(correct[test_groups == group].mean()) for group in ("male", "female")}
        arms[name]["clips"] = int(len(index))
    return {"config": asdict(config), "arms": arms, "seconds": time.perf_counter() - started,
            "test_clips": {group: int((test_groups == group).sum()) for group in ("male", "female")}}


def run_privacy(config: PrivacyConfig = PrivacyConfig(), callbacks: Sequence[Any] = ()) -> dict[str, Any]:
    """Membership-inference AUC over training, for an unregularised and a regularised MLP on the same digits.

    Members are the first ``members`` bundled training digits; non-members as many test digits. The
    regularised arm adds dropout, one-pixel shifts and label smoothing.
    """
    from data.mnist import load_bundled_mnist, to_model_input
    from models.mnist_mlp import MLPConfig, build_model

    keras = load_keras()
    data = load_bundled_mnist()
    x_in, y_in = to_model_input(data.x_train[: config.members]), data.y_train[: config.members]
    x_out, y_out = to_model_input(data.x_test[: config.members]), data.y_test[: config.members]
    plain = TrainConfig(learning_rate=1e-3, batch_size=64, epochs=config.epochs, seed=config.seed)
    arms_settings = {
        "memorising": (MLPConfig(hidden_units=config.hidden_units), plain),
        "regularised": (MLPConfig(hidden_units=config.hidden_units, dropout=0.5, shift_pixels=2),
                        replace(plain, label_smoothing=0.1)),
    }

    class AttackEachCheckpoint(keras.callbacks.Callback):
        def __init__(self, curve: dict[str, list[float]]):
            super().__init__()
            self.curve = curve

        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 in config.checkpoints:
                seen = self.model.predict(x_in, batch_size=1024, verbose=0)
                unseen = self.model.predict(x_out, batch_size=1024, verbose=0)
                attack = threshold_attack(true_class_confidence(seen, y_in), true_class_confidence(unseen, y_out))
                self.curve["epoch"].append(epoch + 1)
                self.curve["auc"].append(attack.auc)
                self.curve["attack_accuracy"].append(attack.accuracy)
                self.curve["train_accuracy"].append(float((seen.argmax(axis=1) == y_in).mean()))
                self.curve["test_accuracy"].append(float((unseen.argmax(axis=1) == y_out).mean()))

    started, arms = time.perf_counter(), {}
    for name, (model_config, train) in arms_settings.items():
        curve: dict[str, list[float]] = {key: [] for key in
                                         ("epoch", "auc", "attack_accuracy", "train_accuracy", "test_accuracy")}
        build_and_fit(partial(build_model, model_config), x_in, y_in, None, train,
                      [*callbacks, AttackEachCheckpoint(curve)])
        arms[name] = curve
    return {"config": asdict(config), "arms": arms, "seconds": time.perf_counter() - started}


ROBUSTNESS_STRENGTHS = {  # perturbation: strengths from none to severe
    "noise": [0.0, 0.1, 0.2, 0.3, 0.4],  # standard deviation of pixel noise on the 0–1 scale
    "rotation": [0.0, 10.0, 20.0, 30.0, 45.0],  # degrees
    "occlusion": [0.0, 4.0, 8.0, 12.0, 16.0],  # side of a grey square, in pixels of 28
    "snr": [float("inf"), 20.0, 10.0, 5.0, 0.0],  # speech over white noise, in dB
}


def run_robustness(samples: int = 500, seed: int = 0, callbacks: Sequence[Any] = ()) -> dict[str, Any]:
    """Accuracy of the shipped clothing MLP and CNN under pixel noise, rotation and occlusion, and of the
    shipped speech model under noise, on the first ``samples`` test items of each. Nothing trains, so
    ``callbacks`` (taken like every experiment's) are not called."""
    from core.inference import load_pretrained
    from core.robustness import accuracy_curve, add_gaussian_noise, add_speech_noise, occlude_images, rotate_images
    from data.images import load_images, to_model_input
    from data.speech import load_speech

    started = time.perf_counter()
    images = load_images("fashion")
    x, y = to_model_input(images.x_test[:samples]), images.y_test[:samples]
    perturbations = {"noise": add_gaussian_noise, "rotation": rotate_images, "occlusion": occlude_images}
    curves: dict[str, dict[str, list[float]]] = {}
    for name in ("fashion_mlp", "fashion_cnn"):
        model = load_pretrained(name)
        curves[name] = {kind: accuracy_curve(model.predict_batch, x, y, perturb, ROBUSTNESS_STRENGTHS[kind], seed)
                        for kind, perturb in perturbations.items()}
    speech = load_speech()
    clips, digits = np.asarray(speech.x_test[:samples]), speech.y_test[:samples]
    curves["speech"] = {"snr": accuracy_curve(load_pretrained("speech").predict_batch, clips, digits,
                                              add_speech_noise, ROBUSTNESS_STRENGTHS["snr"], seed)}
    return {"strengths": ROBUSTNESS_STRENGTHS, "curves": curves, "samples": samples,
            "seconds": time.perf_counter() - started}


EXPERIMENTS = {"fairness": run_fairness, "privacy": run_privacy, "robustness": run_robustness}
# Epochs each experiment trains, over both arms: the page's progress bar counts them.
EXPERIMENT_EPOCHS = {"fairness": 2 * FairnessConfig().epochs, "privacy": 2 * PrivacyConfig().epochs, "robustness": 0}


def make_experiment_work(name: str):
    """The job-runner work function that runs experiment ``name`` at its defaults and keeps its result.

    The job's result names the experiment instead of holding a model, so the run history leaves it out.
    """
    def work(context) -> dict[str, Any]:
        result = EXPERIMENTS[name](callbacks=[context.callback])
        if not context.job.stop_requested.is_set():  # a stopped experiment keeps the last complete result
            save_result(name, result)
        return {"experiment": name}

    return work


def results_dir() -> Path:
    """Where experiment results are kept: ``$NEURALSTAGE_HOME/experiments``."""
    return default_home() / "experiments"


def save_result(name: str, result: dict[str, Any]) -> dict[str, Any]:
    """Keep ``result`` as experiment ``name`` with the time and device it was measured on; return what was saved."""
    saved = {**result, "measured_at": time.time(), "device": describe_device().label, "backend": backend_name()}
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.with_suffix(".tmp").write_text(json.dumps(saved, indent=1), encoding="utf-8")
    path.with_suffix(".tmp").replace(path)  # a reader never sees half a file
    return saved


def load_result(name: str) -> dict[str, Any] | None:
    """The stored result of experiment ``name``, or None when it has not been run (or the file is unreadable)."""
    path = results_dir() / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
