"""What TensorFlow's deterministic kernels cost: every preset of the four Train & try pages for one epoch
with the usual and the deterministic kernels in turn. Run through
``python -m tools.bench determinism --json --repeats 2``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from core.devices import describe_device, load_keras


def _determinism_specs() -> dict[str, Any]:
    """Every preset of the four Train & try pages for one epoch, on the first images, clips or reviews only."""
    from core.speech_tasks import SpeechJobSpec
    from core.tasks import ImageJobSpec
    from core.text_tasks import TextJobSpec
    from models import image_cnn, mnist_mlp, speech_rnn, text_transformer

    def one_epoch(preset):
        return replace(preset.train, epochs=1)

    specs = {f"mnist-{name}": ImageJobSpec(p.model, one_epoch(p), train_limit=4000)
             for name, p in mnist_mlp.PRESETS.items()}
    for name in ("cnn3", "cnn2"):
        p = image_cnn.preset_for(name, "fashion")
        specs[f"fashion-{name}"] = ImageJobSpec(p.model, one_epoch(p), dataset="fashion", train_limit=4000)
    specs.update({f"speech-{name}": SpeechJobSpec(p.model, one_epoch(p), train_limit=800)
                  for name, p in speech_rnn.PRESETS.items()})
    specs.update({f"text-{name}": TextJobSpec(p.model, one_epoch(p), train_limit=4000)
                  for name, p in text_transformer.PRESETS.items()})
    return specs


def bench_determinism(repeats: int = 2) -> dict[str, Any]:
    """Training seconds of one epoch of every preset through the job runner with TensorFlow's usual and
    its deterministic kernels in turn (the least of ``repeats`` each), and whether each kind of kernel
    repeats the run's test predictions exactly (core.devices: NEURALSTAGE_OP_DETERMINISM)."""
    from tensorflow.python.framework import config

    from core.jobs import JobRunner
    from core.tasks import make_training_work

    load_keras()
    was_on, runner, presets = config.is_op_determinism_enabled(), JobRunner(), {}
    try:
        for name, spec in _determinism_specs().items():
            seconds, predictions = {False: [], True: []}, {False: [], True: []}
            for deterministic in [False, True] * repeats:
                (config.enable_op_determinism if deterministic else config.disable_op_determinism)()
                job = runner.wait(runner.submit(spec.task, spec.to_dict(), make_training_work(spec), epochs=1).id)
                if job.error:
                    raise RuntimeError(f"{name}: {job.error}")
                seconds[deterministic].append(job.train_seconds)
                predictions[deterministic].append(job.result["test_probabilities"])
            usual, exact = min(seconds[False]), min(seconds[True])
            presets[name] = {"usual_s": round(usual, 2), "deterministic_s": round(exact, 2),
                             "cost_pct": round(100 * (exact / usual - 1), 1),
                             "repeats_exactly": all(np.array_equal(runs[0], run) for runs in predictions.values()
                                                    for run in runs[1:])}
    finally:
        (config.enable_op_determinism if was_on else config.disable_op_determinism)()
    usual = sum(p["usual_s"] for p in presets.values())
    exact = sum(p["deterministic_s"] for p in presets.values())
    return {"device": describe_device().label, "presets": presets,
            "total_cost_pct": round(100 * (exact / usual - 1), 1)}
