"""Everything that depends on the Keras backend (TensorFlow, JAX or PyTorch) and on the hardware.

The rest of the project speaks plain Keras 3. This module sets the backend's environment before it
loads (GPU memory growth, no JAX preallocation, TensorFlow's deterministic kernels on a GPU), tells
which device the models run on, and wraps single-input prediction in the fastest compiled call each
backend offers.

Nothing here imports a framework at import time: the home page reads the device badge without
loading TensorFlow.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

DEFAULT_BACKEND = "tensorflow"
# Rows per compiled call. Scoring the text Transformer on its 1,736 test reviews in one call left the
# server 900 MB larger for good (the attention of every review at once); 256 at a time, 170 MB.
PREDICT_CHUNK = 256
MALLOC_ARENAS = 2  # glibc memory pools for all threads together; see limit_malloc_arenas
M_ARENA_MAX = -8  # mallopt's parameter number for that limit (malloc.h)
_load_lock = threading.Lock()
_backend_ready = False  # set once the backend's GPU settings have been applied in this process
# "auto": TensorFlow's deterministic kernels where a GPU is visible; "1" everywhere; "0" never. On a CPU
# the kernels used here already repeat bit for bit, and the deterministic ones gain nothing there (their
# cost was lost in the noise, docs/BENCHMARKS.md); on a GPU, convolution and max-pooling gradients and
# the sums behind an embedding's gradient otherwise add in a different order on every run.
OP_DETERMINISM_ENV = "NEURALSTAGE_OP_DETERMINISM"


@dataclass(frozen=True)
class DeviceInfo:
    """What the models run on, for the sidebar badge and the run store."""

    backend: str  # "tensorflow", "jax" or "torch"
    kind: str  # "GPU" or "CPU"
    name: str  # GPU model name, or "CPU"
    cpu_cores: int  # logical cores the process may use

    @property
    def label(self) -> str:
        """A short badge text such as ``tensorflow · CPU × 2`` or ``jax · NVIDIA H100``."""
        where = self.name if self.kind == "GPU" else f"CPU × {self.cpu_cores}"
        return f"{self.backend} · {where}"


def backend_name() -> str:
    """The Keras backend this process uses or will use, read from ``KERAS_BACKEND``."""
    return os.environ.get("KERAS_BACKEND", DEFAULT_BACKEND)


def prepare_environment() -> None:
    """Set the backend's environment variables; must run before Keras or a framework is imported."""
    os.environ.setdefault("KERAS_BACKEND", DEFAULT_BACKEND)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter off the console
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # JAX: share the GPU with other jobs
    limit_malloc_arenas()


def limit_malloc_arenas() -> None:
    """Let glibc's allocator keep at most ``MALLOC_ARENAS`` memory pools (Linux; ``MALLOC_ARENA_MAX``
    in the environment wins).

    By default glibc gives each new thread its own pool, up to eight per core, and a pool keeps what
    its thread freed. Each visitor's script run is a thread, so a class of visitors left the server
    holding memory nobody used after they had gone (docs/BENCHMARKS.md, load test).
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to limit
        pass


def load_keras() -> Any:
    """Import Keras on the configured backend, enabling GPU memory growth first under TensorFlow."""
    global _backend_ready
    with _load_lock:
        if not _backend_ready:
            prepare_environment()
            if backend_name() == "tensorflow":
                import tensorflow as tf

                gpus = tf.config.list_physical_devices("GPU")
                for gpu in gpus:
                    try:
                        tf.config.experimental.set_memory_growth(gpu, True)
                    except RuntimeError:  # the GPU was initialised already; growth can no longer change
                        pass
                if wants_op_determinism(os.environ.get(OP_DETERMINISM_ENV, "auto"), bool(gpus)):
                    # Deterministic mode refuses random ops that no seed governs; every run seeds its
                    # own (core.training.build_and_fit), and this default covers any other caller.
                    tf.random.set_seed(0)
                    tf.config.experimental.enable_op_determinism()
            _backend_ready = True
        import keras

        return keras


def wants_op_determinism(setting: str, has_gpu: bool) -> bool:
    """Whether TensorFlow should use only deterministic kernels, for the ``NEURALSTAGE_OP_DETERMINISM``
    ``setting`` ("auto", "1" or "0") on a machine with or without a GPU."""
    return setting == "1" or (setting not in ("0", "1") and has_gpu)


def cpu_cores() -> int:
    """Logical cores this process may run on (respects CPU affinity, unlike ``os.cpu_count``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def _gpu_names_from_framework(backend: str) -> list[str]:
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return [tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in gpus]
    if backend == "jax":
        import jax

        return [d.device_kind for d in jax.devices() if d.platform == "gpu"]
    if backend == "torch":
        import torch

        return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return []


def _gpu_names_from_driver() -> list[str]:
    if not shutil.which("nvidia-smi"):
        return []
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=3, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def describe_device() -> DeviceInfo:
    """Describe the device the models run on.

    Asks the framework when it is loaded already; otherwise asks the NVIDIA driver, so that pages
    which never train (the home page) do not pay for importing TensorFlow.
    """
    backend = backend_name()
    framework_loaded = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend) in sys.modules
    gpus = _gpu_names_from_framework(backend) if framework_loaded else _gpu_names_from_driver()
    if gpus:
        return DeviceInfo(backend, "GPU", gpus[0], cpu_cores())
    return DeviceInfo(backend, "CPU", "CPU", cpu_cores())


def compile_predict_fn(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    """Return ``f(batch) -> probabilities`` running ``model`` in inference mode through a compiled call
    (a list of arrays for a model with several outputs).

    ``model.predict`` builds a data pipeline on every call (about 50 ms here); a traced function
    costs about a millisecond for the small models of this app. A batch larger than ``PREDICT_CHUNK``
    rows is run ``PREDICT_CHUNK`` rows at a time.
    """
    return _in_chunks(_compile_predict_fn(model))


def _in_chunks(predict: Callable[[np.ndarray], Any]) -> Callable[[np.ndarray], Any]:
    def predict_in_chunks(batch: np.ndarray) -> Any:
        batch = np.asarray(batch)
        if len(batch) <= PREDICT_CHUNK:
            return predict(batch)
        parts = [predict(batch[i:i + PREDICT_CHUNK]) for i in range(0, len(batch), PREDICT_CHUNK)]
        if isinstance(parts[0], list):  # a model with several outputs
            return [np.concatenate(output) for output in zip(*parts)]
        return np.concatenate(parts)

    return predict_in_chunks


def _compile_predict_fn(model: Any) -> Callable[[np.ndarray], Any]:
    backend = backend_name()
    dtype = input_dtype(model)
    token_ids = dtype.startswith("int") and len(model.input_shape) == 2
    if backend == "tensorflow":
        import tensorflow as tf

        # Token ids of any length: the batch arrives without its shared padding (see trim_padding).
        shape = (None, None) if token_ids else (None, *model.input_shape[1:])
        traced = tf.function(lambda x: model(x, training=False),
                             input_signature=[tf.TensorSpec(shape, tf.as_dtype(dtype))])
        run = lambda batch: _to_numpy(traced(batch))  # noqa: E731
    elif backend == "jax":
        import jax

        @jax.jit
        def run_jitted(trainable, non_trainable, x):
            outputs, _ = model.stateless_call(trainable, non_trainable, x, training=False)
            return outputs

        def run(batch: np.ndarray) -> np.ndarray:
            trainable = [v.value for v in model.trainable_variables]
            non_trainable = [v.value for v in model.non_trainable_variables]
            return _to_numpy(run_jitted(trainable, non_trainable, batch))
    else:
        run = lambda batch: _to_numpy(model.predict_on_batch(batch))  # noqa: E731
    if token_ids:
        return lambda batch: run(trim_padding(np.asarray(batch, dtype)))
    return lambda batch: run(np.asarray(batch, dtype))


TOKEN_BUCKET = 16  # token batches are cut to a multiple of this, so JAX compiles a handful of lengths


def trim_padding(ids: np.ndarray) -> np.ndarray:
    """``ids`` (N, L) without the trailing padding columns that every row shares, kept to a multiple of
    ``TOKEN_BUCKET``. The text models mask padding (attention, means and the GRU skip it), so the
    answer is the same, and a 20-character review costs a sixth of the 128 tokens it was padded to."""
    used = np.flatnonzero(ids.any(axis=0))
    length = used[-1] + 1 if used.size else 1
    return ids[:, : min(ids.shape[1], -(-length // TOKEN_BUCKET) * TOKEN_BUCKET)]


def input_dtype(model: Any) -> str:
    """The dtype a model's input takes: "float32" for pixels and waveforms, "int32" for token ids."""
    dtype = getattr(model.inputs[0], "dtype", None) if getattr(model, "inputs", None) else None
    return str(getattr(dtype, "name", dtype) or "float32")


def _to_numpy(outputs: Any) -> Any:
    """A backend tensor as a NumPy array; a model with several outputs gives a list of them."""
    if isinstance(outputs, (list, tuple)):
        return [_to_numpy(output) for output in outputs]
    return np.asarray(outputs)
