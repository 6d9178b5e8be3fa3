"""Training tasks: what a job does from settings to a scored model, and how it is recorded.

A task is a model family trained on a data set ("mnist-mlp", "fashion-cnn", "speech-gru", ...). A
job spec (``ImageJobSpec`` here, ``SpeechJobSpec`` in core/speech_tasks.py) says what to train and
gives its splits as model-ready arrays; ``train_classifier`` is the whole workflow (data, seed, model, fit, test score) as one plain
function; ``make_training_work`` wraps it for the job runner, and ``record_job`` files a finished
job in the run store. ``tools.bench`` runs both to measure what the runner costs. The model is
built by the ``build_model`` of the module that defines its config class, so a new family only
needs its own model file, and the data set sets the model's input shape, so one preset serves
28×28 grey digits and 32×32 colour photos alike.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Sequence

import numpy as np

from core.devices import backend_name, describe_device
from core.errors import UserError
from core.jobs import Job, JobContext, JobStatus, WorkFn
from core.runstore import RunRecord, RunStore
from core.training import TrainConfig, build_and_fit
from data.images import IMAGE_SETS, SOURCES, load_images, sources_for, to_model_input, unavailable_reason
from data.splits import Splits

DATASETS = tuple(IMAGE_SETS)


@dataclass(frozen=True)
class ImageJobSpec:
    """Everything that decides the outcome of one image training run."""

    model: Any  # a model config: models.mnist_mlp.MLPConfig or models.image_cnn.CNNConfig
    train: TrainConfig = field(default_factory=TrainConfig)
    data_source: str = "bundled"  # "bundled" or "full"
    train_limit: int | None = None  # train on only the first N images (smoke tests, quick demos)
    dataset: str = "mnist"  # "mnist" (digits), "fashion" (clothes) or "cifar10" (colour photos)

    def __post_init__(self) -> None:
        # The data set decides the model's input shape. The frozen spec keeps the adapted copy of the
        # config, so validate, to_dict, the task name and training all see the shape it trains on.
        info = IMAGE_SETS.get(self.dataset)
        if info is not None and self.model.input_shape != info.image_shape:
            object.__setattr__(self, "model", replace(self.model, input_shape=info.image_shape))

    @property
    def task(self) -> str:
        """Run-store task name: data set and model family, e.g. "mnist-mlp" or "fashion-cnn"."""
        return f"{self.dataset}-{model_family(self.model)}"

    def validate(self) -> None:
        """Raise ``UserError`` for any setting out of range, before a job is queued."""
        self.model.validate()
        self.train.validate()
        if self.data_source not in SOURCES:
            raise UserError("error.data_source", value=self.data_source)
        if self.dataset not in DATASETS:
            raise UserError("error.data_source", value=self.dataset)
        if self.data_source not in sources_for(self.dataset):  # CIFAR-10 is never bundled
            raise UserError(unavailable_reason(self.dataset, self.data_source))
        if self.train_limit is not None and self.train_limit < 1:
            raise UserError("error.train_limit", value=self.train_limit)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return {"model": self.model.to_dict(), "train": self.train.to_dict(), "dataset": self.dataset,
                "data_source": self.data_source, "train_limit": self.train_limit}

    def arrays(self) -> Splits:
        """The splits this spec trains, validates and tests on, ready for the model."""
        return image_arrays(self)


def model_family(config: Any) -> str:
    """"mlp" or "cnn": which image model file ``config`` belongs to, for run-store task names."""
    return {"mnist_mlp": "mlp", "image_cnn": "cnn"}[type(config).__module__.rsplit(".", 1)[-1]]


def build_from_config(config: Any) -> Any:
    """Build the Keras model a config describes, with its own model file's ``build_model``."""
    return importlib.import_module(type(config).__module__).build_model(config)


def image_arrays(spec: ImageJobSpec) -> Splits:
    """The image splits ``spec`` trains on, scaled to [0, 1], the training split cut to ``train_limit``."""
    data = load_images(spec.dataset, spec.data_source)
    x_train, y_train = data.x_train, data.y_train
    if spec.train_limit:
        x_train, y_train = x_train[: spec.train_limit], y_train[: spec.train_limit]
    # Scaled after the cut: the full CIFAR-10 is 550 MB as float32.
    return Splits(to_model_input(x_train), y_train, to_model_input(data.x_val), data.y_val,
                          to_model_input(data.x_test), data.y_test, data.source)


def train_classifier(spec: Any, callbacks: Sequence[Any] = ()) -> dict[str, Any]:
    """Train the model ``spec`` describes on the arrays ``spec.arrays()`` gives; score it on the test split.

    Works for every job spec with ``validate``, ``arrays``, ``model`` (a config) and ``train``.
    Returns the model, its per-epoch history, test accuracy and loss, test-set probabilities,
    parameter count and the data sizes.
    """
    spec.validate()
    data = spec.arrays()
    # A spec whose model needs more than its config (a tokenizer fitted on the data) builds it itself.
    build = spec.build_model if hasattr(spec, "build_model") else partial(build_from_config, spec.model)
    model, history = build_and_fit(build, data.x_train, data.y_train, (data.x_val, data.y_val), spec.train,
                                   callbacks)
    probabilities = model.predict(data.x_test, batch_size=1024, verbose=0)
    picked = probabilities[np.arange(len(data.y_test)), data.y_test.astype(int)]
    return {
        "model": model,
        "history": history,
        "test_accuracy": float((probabilities.argmax(axis=1) == data.y_test).mean()),
        "test_loss": float(-np.log(np.clip(picked, 1e-7, 1.0)).mean()),
        "test_probabilities": probabilities,
        "params": int(model.count_params()),
        "data_source": data.source,
        "data_sizes": data.sizes,
    }


def make_training_work(spec: Any) -> WorkFn:
    """The job-runner work function for ``spec`` (validated now, so bad settings never queue)."""
    spec.validate()

    def work(context: JobContext) -> dict[str, Any]:
        return train_classifier(spec, callbacks=[context.callback])

    return work


def record_job_status(store: RunStore, job: Job, status: JobStatus) -> None:
    """File a job in the run store as it is queued and note the run id; mark it running when it
    starts. A server that dies before the job ends leaves the row, which the store then marks
    interrupted."""
    if "experiment" in job.config:  # story-page experiments are not runs (see ``record_job``)
        return
    if job.run_id is not None:
        store.set_status(job.run_id, status.value)
        return
    config = job.config
    # The data source is filled in at the end, from the data the job actually read.
    run_id = store.start(RunRecord(task=job.task, status=status.value, config=config,
                                   seed=config.get("train", {}).get("seed"), created_at=job.submitted_at))
    with job.lock:
        job.run_id = run_id


def record_job_epoch(store: RunStore, job: Job) -> None:
    """Keep the epoch ``job`` has just finished in its run, so a crash keeps the curve so far."""
    with job.lock:
        run_id, epoch, metrics = job.run_id, len(job.epoch_metrics), job.epoch_metrics[-1]
    if run_id is not None:
        store.add_epoch(run_id, epoch, metrics)


def record_job(store: RunStore, job: Job, status: JobStatus) -> None:
    """File a finished job in the run store (with its model when it has one) and note the run id:
    fill in the row ``record_job_status`` started, or add one.

    Experiments of the story pages keep their own results (``core.impact.save_result``) and are not runs.
    """
    result = job.result
    if "experiment" in result:
        return
    config = job.config
    record = RunRecord(
        task=job.task, status=status.value, config=config,
        seed=config.get("train", {}).get("seed"), data_source=result.get("data_source", ""),
        backend=backend_name(), device=describe_device().label, created_at=job.submitted_at,
        train_seconds=job.train_seconds or None, total_seconds=job.elapsed_s or None,
        epochs=job.epoch_metrics, test_accuracy=result.get("test_accuracy"),
        test_loss=result.get("test_loss"), params=result.get("params"),
        stop_reason=job.stop_reason, error=job.error)
    if job.run_id is None:
        run_id = store.add(record, model=result.get("model"))
    else:  # a run deleted from the history while it trained stays deleted
        run_id = job.run_id if store.finish(job.run_id, record, model=result.get("model")) else None
    with job.lock:
        job.run_id = run_id
