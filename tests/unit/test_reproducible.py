"""Every run repeats from its seed, through the job runner the pages use: the same seed gives the same
per-epoch metrics and test predictions bit for bit (on a CPU), another seed gives others, and jobs
that train side by side do not disturb each other's seeds.

Each family is trained tiny, with the randomness its page can switch on (dropout, shifts, rotations,
spectrogram masks, augmented clips, unknown-token dropout), so each of those is shown to follow the seed.
The speech family is the CRNN, whose GRU behind a conv front end covers the GRU preset's layers too.
"""

from dataclasses import replace

import numpy as np
import pytest

from core.class_tasks import ClassDataJobSpec
from core.jobs import JobRunner, JobStatus
from core.speech_tasks import SpeechJobSpec
from core.tasks import ImageJobSpec, make_training_work
from core.text_tasks import TextJobSpec
from core.training import TrainConfig
from core.user_data import UserDataStore
from models.image_cnn import CNNConfig
from models.mnist_mlp import MLPConfig
from models.speech_rnn import SpeechConfig
from models.text_transformer import TextConfig

SEED, OTHER_SEED = 3, 4
TINY_TRAIN = TrainConfig(epochs=2, batch_size=32, learning_rate=0.003)


def tiny_spec(family: str, seed: int, home: str):
    """The job spec of ``family`` as its page builds it, shrunk to train in about a second."""
    train = replace(TINY_TRAIN, seed=seed)
    if family == "digits-mlp":
        return ImageJobSpec(MLPConfig(hidden_units=(16,), dropout=0.2, shift_pixels=1), train, train_limit=256)
    if family == "image-cnn":
        model = CNNConfig(filters=(4, 8), pool_after=(True, True), dense_units=16, batch_norm=True, dropout=0.2,
                          shift_pixels=1, rotation=0.05)
        return ImageJobSpec(model, train, train_limit=96, dataset="fashion")
    if family == "speech-crnn":
        model = SpeechConfig(kind="crnn", units=8, conv_filters=(4,), dropout=0.2, spec_augment=True)
        return SpeechJobSpec(model, train, languages=("en",), augment_copies=1, train_limit=48)
    if family == "text-transformer":
        model = TextConfig(blocks=1, heads=2, embed_dim=16, ff_dim=16, seq_len=16, max_tokens=200)
        return TextJobSpec(model, train, train_limit=64)
    return ClassDataJobSpec(MLPConfig(hidden_units=(16,), dropout=0.2, shift_pixels=1), *class_set(home),
                            replace(train, batch_size=8), home=home)


def class_set(home: str) -> tuple[str, tuple[str, ...]]:
    """A class data set of ten drawings of each of three digits (made once), as (id, labels)."""
    from data.mnist import load_bundled_mnist

    store = UserDataStore(home)
    info = next(iter(store.list()), None)
    if info is None:
        data = load_bundled_mnist()
        picked = np.concatenate([np.flatnonzero(data.y_train == c)[:10] for c in range(3)])
        info = store.save("three digits", "image", ["zero", "one", "two"], data.x_train[picked],
                          data.y_train[picked], "collected")
    return info.id, info.labels


FAMILIES = ["digits-mlp", "image-cnn", "speech-crnn", "text-transformer", "class-mlp"]


def outcome(job):
    """What a run produced, without its timings: batch and epoch metrics, and the test probabilities."""
    assert job.status is JobStatus.DONE, job.error
    untimed = [{k: v for k, v in epoch.items() if k != "seconds"} for epoch in job.epoch_metrics]
    return untimed, job.batch_metrics, job.result["test_probabilities"]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return str(tmp_path_factory.mktemp("class-data"))


@pytest.fixture(scope="module")
def trained(home):
    """``trained(family, seed)``: the outcome of that run through a one-job-at-a-time runner, the
    default of the app; each run is trained once per module."""
    runner, done = JobRunner(max_running=1), {}

    def run(family: str, seed: int):
        if (family, seed) not in done:
            spec = tiny_spec(family, seed, home)
            job = runner.submit(spec.task, spec.to_dict(), make_training_work(spec), epochs=spec.train.epochs,
                                batch_size=spec.train.batch_size)
            done[family, seed] = outcome(runner.wait(job.id, timeout=120))
        return done[family, seed]

    return run


def rerun(family: str, seed: int, home: str):
    """A second run of the same spec, in a fresh runner, to compare with the first."""
    runner = JobRunner(max_running=1)
    spec = tiny_spec(family, seed, home)
    job = runner.submit(spec.task, spec.to_dict(), make_training_work(spec), epochs=spec.train.epochs)
    return outcome(runner.wait(job.id, timeout=120))


@pytest.mark.parametrize("family", FAMILIES)
def test_the_same_seed_repeats_a_run_exactly_and_another_seed_does_not(family, trained, home):
    epochs, batches, predictions = trained(family, SEED)
    again = rerun(family, SEED, home)
    assert len(epochs) == 2 and all(np.isfinite(e["loss"]) for e in epochs)
    assert again[0] == epochs and again[1] == batches  # exact: not a single bit differs on a CPU
    assert np.array_equal(again[2], predictions)
    other_epochs, _, other_predictions = trained(family, OTHER_SEED)
    assert other_epochs != epochs
    assert not np.array_equal(other_predictions, predictions)


def test_jobs_training_side_by_side_keep_their_own_seeds(trained, home):
    runner = JobRunner(max_running=2)
    runs = [("digits-mlp", SEED), ("digits-mlp", OTHER_SEED)]
    jobs = []
    for family, seed in runs:
        spec = tiny_spec(family, seed, home)
        jobs.append(runner.submit(spec.task, spec.to_dict(), make_training_work(spec), epochs=spec.train.epochs))
    assert runner.counts()["running"] == 2  # both at once: each seeds while the other builds or trains
    for (family, seed), job in zip(runs, jobs):
        epochs, batches, predictions = outcome(runner.wait(job.id, timeout=120))
        alone = trained(family, seed)
        assert (epochs, batches) == alone[:2]
        assert np.array_equal(predictions, alone[2])


def test_a_run_that_fails_while_building_frees_the_seeding_for_the_next():
    from core import training

    def broken():
        raise RuntimeError("no model")

    with pytest.raises(RuntimeError):
        training.build_and_fit(broken, np.zeros((4, 2)), np.zeros(4), None, TINY_TRAIN)
    assert not training._SEEDING.locked()


@pytest.mark.parametrize("setting, gpu, wanted", [("auto", True, True), ("auto", False, False), ("1", False, True),
                                                   ("0", True, False), ("", True, True)])
def test_deterministic_kernels_are_used_on_a_gpu_unless_turned_off(setting, gpu, wanted):
    from core.devices import wants_op_determinism

    assert wants_op_determinism(setting, gpu) is wanted


def test_training_with_deterministic_kernels_still_repeats_exactly(home):
    """What ``NEURALSTAGE_OP_DETERMINISM`` turns on for a GPU (core.devices) trains and repeats on a CPU too."""
    from tensorflow.python.framework import config

    config.enable_op_determinism()
    try:
        first, second = (rerun("digits-mlp", SEED, home) for _ in range(2))
    finally:
        config.disable_op_determinism()
    assert first[:2] == second[:2] and np.array_equal(first[2], second[2])
