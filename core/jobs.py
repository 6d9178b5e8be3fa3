"""Training jobs that run in background threads, so a page can show live curves while Keras trains.

One ``JobRunner`` serves the whole process (the app keeps it in ``st.cache_resource``). Each job
runs its work function in a worker thread; the work function hands ``JobContext.callback`` to
``model.fit``, and that callback is the only channel between Keras and the screen: it records every
batch and epoch, and it ends training within one batch when someone presses Stop or a cap is hit.

The runner enforces its limits itself (running jobs per device, epochs, wall time), whatever the
widgets allowed, and a failing job is recorded with its reason without disturbing the others; a
job that runs out of memory fails with the reason "error.out_of_memory". One job runs at a time by
default; where more do (``max_running``), each still repeats from its own seed, because training
seeds the process-wide generators under a lock (``core.training.build_and_fit``).

Pages talk to ``JobBackend``, the few methods they need; ``JobRunner`` is its implementation inside
the server process. Its hooks file each job in the run store as it is queued, starts, finishes an
epoch and ends, so a server killed mid-training leaves a run, with its epochs so far, that the store
marks interrupted when it next opens.
"""

from __future__ import annotations

import gc
import itertools
import logging
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Callable, Protocol, runtime_checkable

from core.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_MAX_RUNNING = 1  # two fits on two cores would each run at half speed and both look slow
DEFAULT_MAX_WALL_S = 600.0  # a classroom demo that trains for longer than ten minutes has lost the room
DEFAULT_MAX_EPOCHS = 50
KEEP_FINISHED = 50  # finished jobs kept in memory; older ones live on in the run store only


class JobStatus(str, Enum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        """True once the job will change no more."""
        return self in (JobStatus.DONE, JobStatus.STOPPED, JobStatus.FAILED)


@dataclass
class Job:
    """One training run: its settings, its state and the metrics it has produced so far.

    The worker thread writes these fields under ``lock``; readers take ``snapshot()``.
    """

    id: int
    task: str  # what is trained, e.g. "mnist-mlp"
    config: dict[str, Any]  # plain settings, stored with the run
    epochs: int  # epochs asked for
    batch_size: int = 0  # examples per step, for the throughput figure; 0 counts steps instead
    owner: str = ""  # the session that submitted it, so a page can show "your" jobs
    status: JobStatus = JobStatus.QUEUED
    stop_reason: str = ""  # "user", "time_cap" or "epoch_cap" when stopped
    error: str = ""  # translation key or exception text when failed
    submitted_at: float = field(default_factory=time.time)
    started_at: float | None = None
    train_started_at: float | None = None  # when the first batch began, after data and model setup
    finished_at: float | None = None
    steps_per_epoch: int = 0
    step: int = 0  # batches finished so far, across epochs
    samples_seen: int = 0
    batch_metrics: list[dict[str, float]] = field(default_factory=list)
    epoch_metrics: list[dict[str, float]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)  # what the work returned: model, test scores
    run_id: int | None = None  # row in the run store, once recorded
    stop_requested: threading.Event = field(default_factory=threading.Event, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def snapshot(self) -> "Job":
        """A copy safe to read while the worker keeps writing."""
        with self.lock:
            return replace(self, batch_metrics=list(self.batch_metrics),
                           epoch_metrics=list(self.epoch_metrics), result=dict(self.result))

    @property
    def progress(self) -> float:
        """Fraction of the asked-for batches done, 0 to 1."""
        total = self.epochs * self.steps_per_epoch
        return min(1.0, self.step / total) if total else 0.0

    @property
    def elapsed_s(self) -> float:
        """Seconds since the job started (0 while queued)."""
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.time()) - self.started_at

    @property
    def train_seconds(self) -> float:
        """Seconds spent in ``fit`` so far."""
        if self.train_started_at is None:
            return 0.0
        end = self.finished_at or time.time()
        return max(0.0, (self.result.get("fit_finished_at") or end) - self.train_started_at)

    @property
    def samples_per_s(self) -> float:
        """Training throughput so far."""
        seconds = self.train_seconds
        return self.samples_seen / seconds if seconds > 0 else 0.0

    @property
    def remaining_s(self) -> float | None:
        """Estimated seconds left, from the pace so far; None before the first batch."""
        if self.step == 0 or self.status.finished:
            return None
        total = self.epochs * self.steps_per_epoch
        return self.train_seconds / self.step * (total - self.step)


class JobContext:
    """What a work function receives: its job, and the Keras callback to pass to ``fit``."""

    def __init__(self, job: Job, max_wall_s: float, max_epochs: int,
                 on_epoch: EpochHook | None = None) -> None:
        self.job = job
        self.callback = _make_progress_callback(job, max_wall_s, max_epochs, on_epoch)


WorkFn = Callable[[JobContext], dict[str, Any]]
FinishHook = Callable[[Job, JobStatus], None]  # called once per job, with its final status
StatusHook = Callable[[Job, JobStatus], None]  # called as a job is queued, then as it starts running
EpochHook = Callable[[Job], None]  # called in the training thread after each epoch is recorded


@runtime_checkable
class JobBackend(Protocol):
    """What pages need from whatever runs training jobs: submit, watch, stop.

    ``JobRunner`` runs jobs in threads of the server process. A backend on a shared GPU pool (Ray,
    say; docs/SCALING.md) would implement the same methods: ``submit`` sends the work function
    (a closure over a frozen job spec, which cloudpickle ships) as a Ray task asking for a share
    of a GPU (``num_gpus=0.25``) and returns a ``Job`` mirror at once; the task's progress callback pushes batch
    and epoch metrics to a small actor, and a thread in the server copies them into the mirror, so
    ``get``, ``jobs`` and the live panel work unchanged; ``stop`` sets a flag in that actor which
    the callback reads after each batch; the trained model comes back as the bytes of a ``.keras``
    file; ``counts`` and ``queue_position`` read the backend's own queue. The run-store hooks stay
    in the server, so the history is written in one place.
    """

    def submit(self, task: str, config: dict[str, Any], work: WorkFn, epochs: int, owner: str = "",
               batch_size: int = 0) -> Job:
        """Queue a job; raise ``UserError`` for settings out of range."""

    def stop(self, job_id: int) -> None:
        """Ask a job to stop after its current batch, or never to start."""

    def get(self, job_id: int) -> Job | None:
        """The job with this id, if the backend still holds it."""

    def jobs(self) -> list[Job]:
        """All jobs held, oldest first."""

    def queue_position(self, job_id: int) -> int | None:
        """1 for the next queued job to start; None if not queued."""

    def counts(self) -> dict[str, int]:
        """How many jobs are "running" and "queued" now."""

    def wait(self, job_id: int, timeout: float | None = None) -> Job | None:
        """Block until the job has finished; None on timeout."""


def describe_failure(exc: BaseException) -> str:
    """The ``Job.error`` for an exception: a translation key where the reader can act on it."""
    if isinstance(exc, UserError):
        return exc.key
    # TensorFlow's ResourceExhaustedError, torch's OutOfMemoryError, JAX's RESOURCE_EXHAUSTED:
    # named here rather than imported, so this module needs no framework.
    if (isinstance(exc, MemoryError) or type(exc).__name__ in ("ResourceExhaustedError", "OutOfMemoryError")
            or "RESOURCE_EXHAUSTED" in str(exc)):
        return "error.out_of_memory"
    return f"{type(exc).__name__}: {exc}"


def _make_progress_callback(job: Job, max_wall_s: float, max_epochs: int, on_epoch: EpochHook | None = None) -> Any:
    """Build the Keras callback that records progress into ``job`` and enforces Stop and the caps;
    ``on_epoch`` (the run store) sees each finished epoch, so a crash keeps the epochs done."""
    from core.devices import load_keras

    keras = load_keras()

    class ProgressCallback(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            with job.lock:
                job.steps_per_epoch = int(self.params.get("steps") or 0)
                job.train_started_at = time.time()

        def on_train_batch_end(self, batch, logs=None):
            logs = logs or {}
            with job.lock:
                job.step += 1
                job.samples_seen += job.batch_size or 1
                job.batch_metrics.append({"step": job.step, **{k: float(v) for k, v in logs.items()}})
            if job.stop_requested.is_set():
                self._stop("user")
            elif time.time() - (job.started_at or time.time()) > max_wall_s:
                self._stop("time_cap")

        def on_epoch_end(self, epoch, logs=None):
            with job.lock:
                job.epoch_metrics.append({"epoch": epoch + 1, "seconds": time.time() - job.train_started_at,
                                          **{k: float(v) for k, v in (logs or {}).items()}})
            if on_epoch is not None:
                try:
                    on_epoch(job)
                except Exception:  # a store that cannot keep up must not end the training
                    log.error("recording epoch %s of job %s failed:\n%s", epoch + 1, job.id, traceback.format_exc())
            if epoch + 1 >= max_epochs and not self.model.stop_training:
                self._stop("epoch_cap")

        def on_train_end(self, logs=None):
            with job.lock:
                job.result["fit_finished_at"] = time.time()

        def _stop(self, reason: str) -> None:
            self.model.stop_training = True
            with job.lock:
                job.stop_reason = job.stop_reason or reason

    return ProgressCallback()


class JobRunner:
    """A process-wide, thread-safe queue of training jobs with a cap on how many run at once: the
    in-process ``JobBackend``.

    ``on_status`` runs as a job is queued (in the submitting thread) and as it starts (in its worker
    thread); ``on_epoch`` after each epoch (in the training thread); ``on_finish`` once with the final
    status. A hook that raises is logged and the job goes on.
    """

    def __init__(self, max_running: int = DEFAULT_MAX_RUNNING, max_wall_s: float = DEFAULT_MAX_WALL_S,
                 max_epochs: int = DEFAULT_MAX_EPOCHS, on_finish: FinishHook | None = None,
                 on_status: StatusHook | None = None, on_epoch: EpochHook | None = None) -> None:
        if max_running < 1:
            raise ValueError("max_running must be at least 1")
        self.max_running = max_running
        self.max_wall_s = max_wall_s
        self.max_epochs = max_epochs
        self.on_finish = on_finish
        self.on_status = on_status
        self.on_epoch = on_epoch
        self._jobs: OrderedDict[int, Job] = OrderedDict()
        self._work: dict[int, WorkFn] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._threads: dict[int, threading.Thread] = {}

    def submit(self, task: str, config: dict[str, Any], work: WorkFn, epochs: int, owner: str = "",
               batch_size: int = 0) -> Job:
        """Queue ``work`` as a new job and start it when a slot is free.

        Raises ``UserError`` when ``epochs`` is outside 1..max_epochs: the cap holds for every caller.
        """
        if not 1 <= int(epochs) <= self.max_epochs:
            raise UserError("error.epochs", value=epochs, max=self.max_epochs)
        with self._lock:
            job = Job(id=next(self._ids), task=task, config=dict(config), epochs=int(epochs), owner=owner,
                      batch_size=int(batch_size))
            self._jobs[job.id] = job
            self._work[job.id] = work
            self._forget_old_jobs()
        self._call_hook(self.on_status, job, JobStatus.QUEUED)  # before a worker can report it running
        self._dispatch()
        return job

    def stop(self, job_id: int) -> None:
        """Ask a job to stop: a running one ends after its current batch, a queued one never starts."""
        job = self.get(job_id)
        if job is None:
            return
        job.stop_requested.set()
        with self._lock:
            queued = job.status is JobStatus.QUEUED and self._work.pop(job.id, None) is not None
        if queued:
            job.stop_reason = "user"
            self._finish(job, JobStatus.STOPPED)

    def get(self, job_id: int) -> Job | None:
        """The job with this id, if the runner still holds it."""
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """All jobs held, oldest first."""
        with self._lock:
            return list(self._jobs.values())

    def queue_position(self, job_id: int) -> int | None:
        """1 for the next queued job to start, 2 for the one after, ...; None if not queued."""
        queued = [j.id for j in self.jobs() if j.status is JobStatus.QUEUED]
        return queued.index(job_id) + 1 if job_id in queued else None

    def counts(self) -> dict[str, int]:
        """How many jobs are running and queued now."""
        statuses = [j.status for j in self.jobs()]
        return {"running": statuses.count(JobStatus.RUNNING), "queued": statuses.count(JobStatus.QUEUED)}

    def wait(self, job_id: int, timeout: float | None = None) -> Job | None:
        """Block until the job has finished (for tools and tests); returns it, or None on timeout."""
        deadline = None if timeout is None else time.time() + timeout
        while True:
            job = self.get(job_id)
            if job is None or job.status.finished:
                thread = self._threads.get(job_id)
                if thread is not None:
                    thread.join(None if deadline is None else max(0.0, deadline - time.time()))
                return job
            if deadline is not None and time.time() > deadline:
                return None
            time.sleep(0.02)

    def _dispatch(self) -> None:
        with self._lock:
            running = sum(j.status is JobStatus.RUNNING for j in self._jobs.values())
            for job in self._jobs.values():
                if running >= self.max_running:
                    break
                if job.status is JobStatus.QUEUED and job.id in self._work:
                    job.status, job.started_at = JobStatus.RUNNING, time.time()
                    thread = threading.Thread(target=self._run, args=(job, self._work.pop(job.id)),
                                              name=f"job-{job.id}", daemon=True)
                    self._threads[job.id] = thread
                    thread.start()
                    running += 1

    def _run(self, job: Job, work: WorkFn) -> None:
        status, error = JobStatus.FAILED, ""
        try:
            self._call_hook(self.on_status, job, JobStatus.RUNNING)
            result = work(JobContext(job, self.max_wall_s, self.max_epochs, self.on_epoch))
            with job.lock:
                job.result.update(result)
            status = JobStatus.STOPPED if job.stop_reason else JobStatus.DONE
        except Exception as exc:  # a broken job must never take the runner or other jobs down
            error = describe_failure(exc)
            if not isinstance(exc, UserError):
                log.error("job %s failed:\n%s", job.id, traceback.format_exc())
        finally:
            if error == "error.out_of_memory":
                gc.collect()  # hand the failed job's arrays back before the next job starts
            self._finish(job, status, error)
            self._dispatch()

    def _finish(self, job: Job, status: JobStatus, error: str = "") -> None:
        # The hook (the run store) sees the final status before readers do, so a page that sees a
        # finished job also sees its run id.
        with job.lock:
            job.error, job.finished_at = error, time.time()
        self._call_hook(self.on_finish, job, status)
        with job.lock:
            job.status = status

    @staticmethod
    def _call_hook(hook: StatusHook | None, job: Job, status: JobStatus) -> None:
        if hook is None:
            return
        try:
            hook(job, status)
        except Exception:  # recording a run must not turn a job into a crash
            log.error("recording job %s as %s failed:\n%s", job.id, status.value, traceback.format_exc())

    def _forget_old_jobs(self) -> None:
        finished = [j.id for j in self._jobs.values() if j.status.finished]
        for job_id in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[job_id]
            self._threads.pop(job_id, None)
