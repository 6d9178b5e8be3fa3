"""The job runner: runs, stops within a batch, queues, enforces its caps and survives failures."""

import threading
import time

import keras
import numpy as np
import pytest

from core.errors import UserError
from core.jobs import JobBackend, JobRunner, JobStatus

X = np.random.default_rng(0).random((256, 8), dtype=np.float32)
Y = (X.sum(axis=1) > 4).astype(np.int32)


def keras_work(epochs: int, batch_size: int = 8):
    """A work function that trains a tiny real Keras model, reporting through the job's callback."""
    def work(context):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(X, Y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[context.callback])
        return {"model": model, "test_accuracy": 0.5}
    return work


def wait_until(predicate, timeout=30.0):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_job_runs_to_done_and_records_every_batch_and_epoch():
    finished = []
    runner = JobRunner(on_finish=lambda job, status: finished.append((job.id, status)))
    job = runner.submit("toy", {"a": 1}, keras_work(epochs=2), epochs=2)
    runner.wait(job.id, timeout=60)
    assert job.status is JobStatus.DONE
    assert [m["epoch"] for m in job.epoch_metrics] == [1, 2]
    assert len(job.batch_metrics) == 2 * 32 == job.step
    assert job.progress == 1.0 and job.samples_per_s > 0
    assert finished == [(job.id, JobStatus.DONE)]


def test_stop_ends_a_running_job_within_one_batch_and_keeps_finished_epochs():
    runner = JobRunner()
    job = runner.submit("toy", {}, keras_work(epochs=50), epochs=50)
    wait_until(lambda: len(job.epoch_metrics) >= 1)
    runner.stop(job.id)
    step_at_stop = job.step
    runner.wait(job.id, timeout=60)
    assert job.status is JobStatus.STOPPED and job.stop_reason == "user"
    assert job.step <= step_at_stop + 1
    assert 1 <= len(job.epoch_metrics) < 50
    assert "model" in job.result


def test_queue_holds_jobs_over_the_limit_and_a_stopped_queued_job_never_runs():
    runner = JobRunner(max_running=1)
    first = runner.submit("toy", {}, keras_work(epochs=50), epochs=50)
    second = runner.submit("toy", {}, keras_work(epochs=1), epochs=1)
    third = runner.submit("toy", {}, keras_work(epochs=1), epochs=1)
    assert runner.counts() == {"running": 1, "queued": 2}
    assert runner.queue_position(second.id) == 1 and runner.queue_position(third.id) == 2
    runner.stop(second.id)
    assert second.status is JobStatus.STOPPED and runner.queue_position(third.id) == 1
    runner.stop(first.id)
    runner.wait(third.id, timeout=60)
    assert third.status is JobStatus.DONE
    assert second.step == 0 and second.started_at is None


def test_epoch_cap_is_enforced_at_submit_and_during_training():
    runner = JobRunner(max_epochs=2)
    with pytest.raises(UserError):
        runner.submit("toy", {}, keras_work(epochs=3), epochs=3)
    job = runner.submit("toy", {}, keras_work(epochs=5), epochs=2)  # the work asks fit for more
    runner.wait(job.id, timeout=60)
    assert len(job.epoch_metrics) == 2 and job.stop_reason == "epoch_cap"


def test_wall_time_cap_stops_a_long_job():
    runner = JobRunner(max_wall_s=0.5)
    job = runner.submit("toy", {}, keras_work(epochs=50), epochs=50)
    runner.wait(job.id, timeout=60)
    assert job.status is JobStatus.STOPPED and job.stop_reason == "time_cap"
    assert job.elapsed_s < 10


def test_failed_job_is_recorded_and_the_next_job_still_runs():
    def broken(context):
        raise RuntimeError("disk on fire")

    def refused(context):
        raise UserError("error.full_mnist_offline")

    statuses = []
    runner = JobRunner(on_finish=lambda job, status: statuses.append(status))
    bad = runner.submit("toy", {}, broken, epochs=1)
    user = runner.submit("toy", {}, refused, epochs=1)
    good = runner.submit("toy", {}, keras_work(epochs=1), epochs=1)
    for job in (bad, user, good):
        runner.wait(job.id, timeout=60)
    assert bad.status is JobStatus.FAILED and "disk on fire" in bad.error
    assert user.status is JobStatus.FAILED and user.error == "error.full_mnist_offline"
    assert good.status is JobStatus.DONE
    assert statuses == [JobStatus.FAILED, JobStatus.FAILED, JobStatus.DONE]


def test_a_failing_finish_hook_does_not_break_the_runner():
    def hook(job, status):
        raise OSError("store unavailable")

    runner = JobRunner(on_finish=hook)
    job = runner.submit("toy", {}, keras_work(epochs=1), epochs=1)
    runner.wait(job.id, timeout=60)
    assert job.status is JobStatus.DONE


def test_snapshot_is_independent_of_the_live_job():
    runner = JobRunner()
    job = runner.submit("toy", {}, keras_work(epochs=3), epochs=3)
    wait_until(lambda: job.step > 2)
    snap = job.snapshot()
    runner.wait(job.id, timeout=60)
    assert len(snap.batch_metrics) < len(job.batch_metrics)
    assert threading.active_count() >= 1


def test_a_job_that_runs_out_of_memory_fails_with_a_clear_reason_and_the_next_job_runs():
    class ResourceExhaustedError(Exception):  # what TensorFlow raises when a tensor does not fit
        pass

    def greedy(context):
        raise MemoryError()

    def greedy_on_gpu(context):
        raise ResourceExhaustedError("OOM when allocating tensor with shape[4096,4096,4096]")

    finished = []
    runner = JobRunner(on_finish=lambda job, status: finished.append((job.id, status, job.error)))
    cpu = runner.submit("toy", {}, greedy, epochs=1)
    gpu = runner.submit("toy", {}, greedy_on_gpu, epochs=1)
    good = runner.submit("toy", {}, lambda context: {"test_accuracy": 0.5}, epochs=1)
    runner.wait(good.id, timeout=60)
    assert finished == [(cpu.id, JobStatus.FAILED, "error.out_of_memory"),
                        (gpu.id, JobStatus.FAILED, "error.out_of_memory"), (good.id, JobStatus.DONE, "")]
    assert runner.counts() == {"running": 0, "queued": 0}


def test_status_hook_sees_queued_then_running_before_the_finish_hook():
    events = []
    runner = JobRunner(max_running=1, on_status=lambda job, status: events.append((job.id, status.value)),
                       on_finish=lambda job, status: events.append((job.id, status.value)))
    first = runner.submit("toy", {}, lambda context: time.sleep(0.2) or {}, epochs=1)
    second = runner.submit("toy", {}, lambda context: {}, epochs=1)
    runner.wait(second.id, timeout=60)
    assert [e for e in events if e[0] == first.id] == [(first.id, "queued"), (first.id, "running"), (first.id, "done")]
    assert [e for e in events if e[0] == second.id] == [(second.id, "queued"), (second.id, "running"),
                                                         (second.id, "done")]


def test_a_failing_status_hook_does_not_stop_the_job():
    def hook(job, status):
        raise OSError("store unavailable")

    runner = JobRunner(on_status=hook)
    job = runner.submit("toy", {}, lambda context: {}, epochs=1)
    runner.wait(job.id, timeout=60)
    assert job.status is JobStatus.DONE


def test_the_in_process_runner_is_a_job_backend():
    assert isinstance(JobRunner(), JobBackend)
    assert not isinstance(object(), JobBackend)
