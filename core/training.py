"""How a classifier is trained: the optimiser settings shared by every model family, one fit call, and
the seeding that makes a run repeatable.

The training loop knows nothing about the screen: progress leaves through Keras callbacks that the job
runner (``core.jobs``) supplies. ``tools.bench`` calls the same ``fit_classifier`` directly, which is
how it measures the runner's overhead. ``build_and_fit`` seeds, builds and trains in one step, so that
jobs training side by side never draw from each other's seed.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any, Callable, Sequence

import numpy as np

from core.devices import load_keras
from core.errors import UserError

OPTIMIZERS = ("adam", "sgd", "rmsprop")
MAX_EPOCHS = 50  # a live demo never needs more, and the runner refuses more whatever a widget says
BATCH_SIZE_RANGE = (8, 2048)
LEARNING_RATE_RANGE = (1e-5, 1.0)
SEED_RANGE = (0, 2**32 - 1)  # what NumPy's seeding takes; Keras raises a bare ValueError outside it
# Python's, NumPy's and TensorFlow's global generators are one per process, shared by every thread: a job
# seeding them while another builds its model would hand it the wrong initial weights and dropout seeds.
_SEEDING = threading.Lock()


@dataclass(frozen=True)
class TrainConfig:
    """Optimiser and schedule of one training run."""

    optimizer: str = "adam"  # one of OPTIMIZERS
    learning_rate: float = 1e-3  # initial step size; decays to zero along a cosine when cosine_decay is set
    batch_size: int = 128  # examples per gradient step
    epochs: int = 10  # passes over the training split, at most MAX_EPOCHS
    cosine_decay: bool = False  # shrink the step size over the run: large steps early, fine ones at the end
    label_smoothing: float = 0.0  # aim at 0.9 instead of 1 for the right class: a milder, less overconfident fit
    keep_best: bool = False  # end with the weights of the epoch that scored best on the validation split
    seed: int = 0  # seeds weights, shuffling, dropout and augmentation, so a run can be repeated

    def validate(self) -> None:
        """Raise ``UserError`` naming the first setting out of range."""
        if self.optimizer not in OPTIMIZERS:
            raise UserError("error.optimizer", value=self.optimizer, allowed=", ".join(OPTIMIZERS))
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise UserError("error.epochs", value=self.epochs, max=MAX_EPOCHS)
        if not BATCH_SIZE_RANGE[0] <= self.batch_size <= BATCH_SIZE_RANGE[1]:
            raise UserError("error.batch_size", value=self.batch_size,
                            min=BATCH_SIZE_RANGE[0], max=BATCH_SIZE_RANGE[1])
        if not LEARNING_RATE_RANGE[0] <= self.learning_rate <= LEARNING_RATE_RANGE[1]:
            raise UserError("error.learning_rate", value=self.learning_rate,
                            min=LEARNING_RATE_RANGE[0], max=LEARNING_RATE_RANGE[1])
        if not 0.0 <= self.label_smoothing < 0.5:
            raise UserError("error.label_smoothing", value=self.label_smoothing)
        if not SEED_RANGE[0] <= self.seed <= SEED_RANGE[1]:
            raise UserError("error.seed", value=self.seed, max=SEED_RANGE[1])

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return asdict(self)


@dataclass(frozen=True)
class Preset:
    """A named pair of architecture and training settings offered on a page."""

    model: Any  # the model file's config: MLPConfig, CNNConfig or SpeechConfig
    train: TrainConfig
    source: str  # where the architecture comes from, shown beside the preset


def make_optimizer(config: TrainConfig, steps_per_epoch: int) -> Any:
    """Build the Keras optimiser ``config`` names, with its learning-rate schedule."""
    keras = load_keras()
    rate: Any = config.learning_rate
    if config.cosine_decay:
        rate = keras.optimizers.schedules.CosineDecay(config.learning_rate, config.epochs * steps_per_epoch)
    return {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD,
            "rmsprop": keras.optimizers.RMSprop}[config.optimizer](learning_rate=rate)


def fit_classifier(model: Any, x_train: np.ndarray, y_train: np.ndarray,
                   validation: tuple[np.ndarray, np.ndarray] | None, config: TrainConfig,
                   callbacks: Sequence[Any] = ()) -> dict[str, list[float]]:
    """Compile ``model`` for integer-labelled classification, train it and return the per-epoch history.

    The caller seeds Keras (``keras.utils.set_random_seed``) before building the model, so that the
    weights, the shuffling and any dropout or augmentation repeat from run to run; ``build_and_fit``
    does both.
    """
    config.validate()
    keras = load_keras()
    steps_per_epoch = int(np.ceil(len(x_train) / config.batch_size))
    loss: Any = "sparse_categorical_crossentropy"
    if config.label_smoothing > 0:
        # Keras smooths one-hot targets only; the labels stay integers everywhere else.
        num_classes = int(model.output_shape[-1])
        loss = keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing)
        y_train = keras.utils.to_categorical(y_train, num_classes)
        if validation is not None:
            validation = (validation[0], keras.utils.to_categorical(validation[1], num_classes))
    model.compile(optimizer=make_optimizer(config, steps_per_epoch), loss=loss, metrics=["accuracy"])
    callbacks = list(callbacks)
    if config.keep_best and validation is not None:
        # Never stops early (patience = every epoch); at the end, also after Stop, it puts back the best epoch.
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=config.epochs,
                                                       restore_best_weights=True))
    history = model.fit(x_train, y_train, batch_size=config.batch_size, epochs=config.epochs,
                        validation_data=validation, callbacks=callbacks, verbose=0)
    return {name: [float(v) for v in values] for name, values in history.history.items()}


def build_and_fit(build: Callable[[], Any], x_train: np.ndarray, y_train: np.ndarray,
                  validation: tuple[np.ndarray, np.ndarray] | None, config: TrainConfig,
                  callbacks: Sequence[Any] = ()) -> tuple[Any, dict[str, list[float]]]:
    """Seed every generator from ``config.seed``, build the model with ``build()``, train it with
    ``fit_classifier``, and return the model and its per-epoch history.

    Everything random in a run is drawn from the global generators between the seeding and the first
    batch: the initial weights and the seeds of the dropout and augmentation layers as the model is
    built, the shuffling seed as ``fit`` makes its data pipeline, the training step as it is traced.
    Jobs can run side by side (``NEURALSTAGE_MAX_JOBS`` above 1, and the story-page experiments share
    the runner), so one process-wide lock is held over exactly that stretch; after the first batch
    each job draws only from its own seed generators, and the jobs train in parallel.
    """
    keras = load_keras()
    _SEEDING.acquire()
    held = True

    def release() -> None:
        nonlocal held
        if held:
            held = False
            _SEEDING.release()

    class ReleaseSeeding(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            release()

    try:
        keras.utils.set_random_seed(config.seed)
        model = build()
        history = fit_classifier(model, x_train, y_train, validation, config, [*callbacks, ReleaseSeeding()])
    finally:
        release()  # a run that failed or stopped before its first batch
    return model, history
