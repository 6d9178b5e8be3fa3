"""Benchmarks measured on the current device; each prints one JSON line with ``--json``.

    python -m tools.bench mnist-mlp --json   # train the Keras MLP preset: time, accuracy, runner overhead
    python -m tools.bench mnist-cnn --json   # the 3-conv CNN on the bundled digits
    python -m tools.bench fashion-cnn --json # the 3-conv CNN on the bundled clothes
    python -m tools.bench speech-gru --json  # the GRU preset on the synthesized spoken digits
    python -m tools.bench text-transformer --json  # the small Transformer preset on the Chinese reviews
    python -m tools.bench latency --json     # p50 / p95 of one prediction for each shipped model
    python -m tools.bench impact --json      # the social-impact experiments at their defaults: time and results
    python -m tools.bench import --json      # read a 50 MB zip of photos in 10 classes into 28×28 pictures
    python -m tools.bench class-mlp --json   # the Keras MLP preset on a class data set of 10 × 20 drawings
    python -m tools.bench knowledge --json   # render the knowledge map page with 150 nodes (and the most runs)
    python -m tools.bench determinism --json --repeats 2  # every preset, TensorFlow's deterministic kernels off / on

Timings belong here, not in unit tests. docs/BENCHMARKS.md records the figures with date, device
and command.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from typing import Any

import numpy as np

from core.devices import backend_name, describe_device, input_dtype, load_keras
from core.explain import feature_maps, occlusion_map, token_occlusion
from core.metrics import percentile_ms

# The issues' bars, on the bundled test splits (for speech: voices never heard in training).
TARGETS = {"mnist-mlp": 0.97, "mnist-cnn": 0.985, "fashion-cnn": 0.89, "speech-gru": 0.95, "text-transformer": 0.83}
TEXT_PRESETS = {"transformer": "small", "gru": "gru", "mean": "mean"}  # the text page's preset of each family
LATENCY_WARMUP = 20
LATENCY_CALLS = 300


def _spec(task: str):
    """The default preset of ``task`` on its bundled data."""
    from core.tasks import ImageJobSpec

    dataset, family = task.split("-")
    if dataset == "text":
        from core.text_tasks import TextJobSpec
        from models.text_transformer import PRESETS as TEXT

        preset = TEXT[TEXT_PRESETS[family]]
        return TextJobSpec(model=preset.model, train=preset.train)
    if dataset == "speech":
        from core.speech_tasks import SpeechJobSpec
        from models.speech_rnn import PRESETS

        return SpeechJobSpec(model=PRESETS[family].model, train=PRESETS[family].train)
    if family == "mlp":
        from models.mnist_mlp import PRESETS

        preset = PRESETS["keras_mlp"]
    else:
        from models.image_cnn import preset_for

        preset = preset_for("cnn3", dataset)
    return ImageJobSpec(model=preset.model, train=preset.train, data_source="bundled", dataset=dataset)


def _plain_fit_seconds(spec, callbacks=()) -> tuple[float, Any, dict]:
    """Seed, build and ``model.fit`` directly, as a script would: the baseline for the overhead."""
    from core.tasks import build_from_config
    from core.training import fit_classifier

    data = spec.arrays()
    started = time.perf_counter()
    load_keras().utils.set_random_seed(spec.train.seed)
    model = build_from_config(spec.model)
    history = fit_classifier(model, data.x_train, data.y_train, (data.x_val, data.y_val), spec.train, callbacks)
    return time.perf_counter() - started, model, history


def _runner_fit_seconds(spec) -> float:
    """The same training as a background job through ``JobRunner``, start of job to end of fit."""
    from core.jobs import JobRunner
    from core.tasks import make_training_work

    runner = JobRunner()
    job = runner.submit(spec.task, spec.to_dict(), make_training_work(spec), epochs=spec.train.epochs,
                        batch_size=spec.train.batch_size)
    runner.wait(job.id)
    if job.error:
        raise RuntimeError(job.error)
    return job.result["fit_finished_at"] - job.started_at


def _time_to_target(spec, target: float) -> float | None:
    """Training seconds until the test accuracy first reaches ``target`` at an epoch end.

    The test split is scored after every epoch; the scoring time is taken off the clock.
    """
    keras = load_keras()
    data = spec.arrays()
    x_test = data.x_test

    class TargetWatch(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.started, self.paused, self.reached = 0.0, 0.0, None

        def on_train_begin(self, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            pause = time.perf_counter()
            accuracy = float((self.model.predict(x_test, batch_size=1024, verbose=0).argmax(1) == data.y_test).mean())
            if self.reached is None and accuracy >= target:
                self.reached = pause - self.started - self.paused
            self.paused += time.perf_counter() - pause

    watch = TargetWatch()
    _plain_fit_seconds(spec, callbacks=[watch])
    return watch.reached


def bench_training(task: str = "mnist-mlp", repeats: int = 3) -> dict[str, Any]:
    """Train ``task``'s default preset from scratch: seconds, accuracy, time to target, runner overhead.

    Plain and runner trainings alternate ``repeats`` times. This machine's timings wander by about
    ten per cent from run to run, so the overhead compares the fastest of each: the noise only ever
    adds time, and the minimum is the closest to each path's own cost.
    """
    spec = _spec(task)
    data = spec.arrays()
    warmup = replace(spec, train=replace(spec.train, epochs=1), train_limit=512)
    _plain_fit_seconds(warmup)  # first-use costs of the backend stay out of both measurements

    plain, runner = [], []
    for _ in range(repeats):
        seconds, model, history = _plain_fit_seconds(spec)
        plain.append(seconds)
        runner.append(_runner_fit_seconds(spec))
    predicted = model.predict(data.x_test, batch_size=1024, verbose=0).argmax(axis=1)
    epochs = len(history["loss"])
    train_s = float(np.median(plain))
    return {
        "task": task, "backend": backend_name(), "device": describe_device().label,
        "epochs": epochs, "train_seconds": round(train_s, 2),
        "test_accuracy": round(float((predicted == data.y_test).mean()), 4),
        "target_accuracy": TARGETS[task],
        "time_to_target_s": _round(_time_to_target(spec, TARGETS[task])),
        "params": int(model.count_params()),
        "samples_per_s": round(epochs * len(data.y_train) / train_s, 1),
        "plain_seconds": [round(s, 2) for s in plain],
        "runner_seconds": [round(s, 2) for s in runner],
        "overhead_ratio": round(min(runner) / min(plain), 3),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _explain_seconds(model, images, count: int = 20) -> list[float]:
    """Seconds to compute the feature maps and the occlusion map of each of ``count`` images."""
    seconds = []
    for image in images[:count]:
        started = time.perf_counter()
        feature_maps(model.model, image)
        occlusion_map(model.predict_batch, image, int(model.predict_one(image).argmax()))
        seconds.append(time.perf_counter() - started)
    return seconds


def _text_explain_seconds(model, ids: np.ndarray, count: int = 20) -> list[float]:
    """Seconds to compute every block's attention and the token importance of each of ``count`` reviews."""
    from models.text_transformer import attention_maps

    seconds = []
    for row in ids[:count]:
        started = time.perf_counter()
        attention_maps(model.model, row)
        token_occlusion(model.predict_batch, row, int(model.predict_one(row).argmax()))
        seconds.append(time.perf_counter() - started)
    return seconds


def _latency_inputs(model, count: int) -> np.ndarray:
    """``count`` inputs of the shape ``model`` reads: bundled test digits, held-out speech clips, or
    the token ids of test reviews long enough to fill the text model's whole input."""
    if input_dtype(model.model) == "int32":  # token ids
        from core.text_inference import encode_texts
        from data.text import load_reviews_zh

        ids = encode_texts(model.model, load_reviews_zh().x_test)
        return ids[ids[:, -1] != 0][:count]
    if len(model.model.input_shape) == 2:  # a waveform
        from data.speech import load_speech

        return np.asarray(load_speech().x_test[:count])
    from data.mnist import load_bundled_mnist, to_model_input

    return to_model_input(load_bundled_mnist().x_test[:count])


def _recording_seconds(count: int = 20) -> list[float]:
    """Seconds from the bytes of a 3-second 48 kHz WAV recording to the shipped speech model's answer,
    heard at the page's three speeds as the Try panel does."""
    import io

    import soundfile
    from scipy.signal import resample_poly

    from core.audio import decode_audio, predict_listening, prepare_clip
    from core.inference import load_pretrained
    from data.speech import load_speech

    model = load_pretrained("speech")
    seconds = []
    for clip in load_speech().x_test[:count]:
        sound = np.concatenate([np.zeros(48_000), resample_poly(clip, 6, 1) * 0.4, np.zeros(48_000)])
        buffer = io.BytesIO()
        soundfile.write(buffer, sound.astype(np.float32), 48_000, format="WAV", subtype="PCM_16")
        payload = buffer.getvalue()
        started = time.perf_counter()
        predict_listening(model.predict_batch, prepare_clip(*decode_audio(payload)).model_input[None])
        seconds.append(time.perf_counter() - started)
    return seconds


def bench_latency() -> dict[str, Any]:
    """p50 / p95 milliseconds of one prediction through ``LoadedModel.predict_one`` for each shipped
    model; for CNNs also p95 of feature maps plus occlusion map for one image, and for the speech
    model p95 from the bytes of a recording to the answer."""
    from core.inference import PRETRAINED_DIR, load_pretrained

    results = {}
    for path in sorted(PRETRAINED_DIR.glob("*.keras")):
        model = load_pretrained(path.stem)
        inputs = _latency_inputs(model, LATENCY_CALLS)
        for x in inputs[:LATENCY_WARMUP]:
            model.predict_one(x)
        seconds = []
        for x in np.resize(inputs, (LATENCY_CALLS, *inputs.shape[1:])):
            started = time.perf_counter()
            model.predict_one(x)
            seconds.append(time.perf_counter() - started)
        results[path.stem] = {"p50_ms": round(percentile_ms(seconds, 50), 3),
                              "p95_ms": round(percentile_ms(seconds, 95), 3), "calls": len(seconds)}
        if inputs.ndim == 3 and feature_maps(model.model, inputs[0]):
            results[path.stem]["explain_p95_ms"] = round(percentile_ms(_explain_seconds(model, inputs), 95), 1)
        if input_dtype(model.model) == "int32":
            results[path.stem]["tokens"] = int(model.model.input_shape[1])
            results[path.stem]["explain_p95_ms"] = round(percentile_ms(_text_explain_seconds(model, inputs), 95), 1)
        if path.stem == "speech":
            results[path.stem]["recording_to_answer_p95_ms"] = round(percentile_ms(_recording_seconds(), 95), 1)
    return {"task": "latency", "backend": backend_name(), "device": describe_device().label,
            "models": results}


def bench_impact() -> dict[str, Any]:
    """The fairness and privacy experiments at their default settings: seconds and what they measured."""
    from core.impact import run_fairness, run_privacy

    fairness, privacy = run_fairness(), run_privacy()
    return {"task": "impact", "backend": backend_name(), "device": describe_device().label,
            "fairness": {"seconds": round(fairness["seconds"], 1), "arms": fairness["arms"]},
            "privacy": {"seconds": round(privacy["seconds"], 1),
                        "auc": {arm: [round(a, 3) for a in curve["auc"]] for arm, curve in privacy["arms"].items()},
                        "epochs": privacy["arms"]["memorising"]["epoch"]}}


def _write_photo_zip(path, megabytes: float = 50.0, classes: int = 10) -> int:
    """Write a zip of about ``megabytes`` of 640×480 noise photos at JPEG quality 90, one folder per
    class, inside a wrapper folder; noise does not compress, so the zip is as large as the photos.
    Returns the number of photos."""
    import io
    import zipfile

    from PIL import Image

    rng = np.random.default_rng(0)
    count, size = 0, 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        while size < megabytes * 2**20:
            buffer = io.BytesIO()
            Image.fromarray(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)).save(buffer, "JPEG", quality=90)
            archive.writestr(f"photos/class{count % classes}/{count}.jpg", buffer.getvalue())
            count, size = count + 1, size + buffer.tell()
    return count


def bench_import() -> dict[str, Any]:
    """Seconds for ``import_image_zip`` to read a 50 MB zip of JPEG photos into 28×28 grey pictures."""
    import tempfile
    from pathlib import Path

    from core.data_import import import_image_zip

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photos.zip"
        _write_photo_zip(path)
        payload = path.read_bytes()
    started = time.perf_counter()
    result = import_image_zip(payload)
    seconds = time.perf_counter() - started
    return {"task": "import", "zip_mb": round(len(payload) / 2**20, 1), "images": result.report.kept,
            "classes": len(result.labels), "seconds": round(seconds, 2),
            "images_per_s": round(result.report.kept / seconds, 1)}


def bench_class_mlp(per_class: int = 20) -> dict[str, Any]:
    """The Keras MLP preset trained on a class data set of ``per_class`` handwritten digits per class.

    The drawings are real ones: the first of each digit in the bundled MNIST training split, saved
    as a class data set in a temporary home, the way the Data sets page saves drawings.
    """
    import tempfile

    from core.class_tasks import ClassDataJobSpec
    from core.tasks import train_classifier
    from core.user_data import UserDataStore
    from data.mnist import load_bundled_mnist
    from models.mnist_mlp import PRESETS

    data = load_bundled_mnist()
    picked = np.concatenate([np.flatnonzero(data.y_train == digit)[:per_class] for digit in range(10)])
    with tempfile.TemporaryDirectory() as home:
        info = UserDataStore(home).save("digits", "image", [str(d) for d in range(10)], data.x_train[picked],
                                        data.y_train[picked], "collected")
        preset = PRESETS["keras_mlp"]
        spec = ClassDataJobSpec(preset.model, info.id, info.labels, preset.train, home=home)
        started = time.perf_counter()
        result = train_classifier(spec)
        seconds = time.perf_counter() - started
    return {"task": "class-mlp", "samples": int(len(picked)), "epochs": preset.train.epochs,
            "split": result["data_sizes"],
            "test_accuracy": round(result["test_accuracy"], 4), "seconds": round(seconds, 2),
            "backend": backend_name(), "device": describe_device().label}


BENCHES = [*TARGETS, "latency", "impact", "import", "class-mlp", "knowledge", "determinism"]


def main(argv: list[str] | None = None) -> None:
    """Run the named benchmark and print its result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", choices=BENCHES)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--repeats", type=int, default=3, help="training repeats")
    args = parser.parse_args(argv)
    if args.bench == "latency":
        result = bench_latency()
    elif args.bench == "impact":
        result = bench_impact()
    elif args.bench == "import":
        result = bench_import()
    elif args.bench == "class-mlp":
        result = bench_class_mlp()
    elif args.bench == "knowledge":
        from tools.bench_knowledge import bench_knowledge

        result = bench_knowledge(max(args.repeats, 5))
    elif args.bench == "determinism":
        from tools.bench_determinism import bench_determinism

        result = bench_determinism(args.repeats)
    else:
        result = bench_training(args.bench, args.repeats)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
