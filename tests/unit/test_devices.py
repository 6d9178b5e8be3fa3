"""Device description and the compiled prediction path, without any GPU."""

import numpy as np

from core.devices import DeviceInfo, backend_name, compile_predict_fn, cpu_cores, describe_device
from models.mnist_mlp import MLPConfig, build_model


def test_badge_labels():
    assert DeviceInfo("tensorflow", "CPU", "CPU", 2).label == "tensorflow · CPU × 2"
    assert DeviceInfo("jax", "GPU", "NVIDIA H100", 16).label == "jax · NVIDIA H100"


def test_this_machine_is_described_with_its_backend_and_cores():
    info = describe_device()
    assert info.backend == backend_name()
    assert info.cpu_cores == cpu_cores() >= 1
    assert info.kind in {"CPU", "GPU"}


def test_compiled_prediction_matches_the_model_for_any_batch_size():
    model = build_model(MLPConfig(hidden_units=(8,), dropout=0.5, shift_pixels=2))
    predict = compile_predict_fn(model)
    for n in (1, 5):
        x = np.random.default_rng(n).random((n, 28, 28), dtype=np.float32)
        # inference mode: no dropout, no shift, so the compiled call equals a plain call
        np.testing.assert_allclose(predict(x), np.asarray(model(x, training=False)), atol=1e-6)
