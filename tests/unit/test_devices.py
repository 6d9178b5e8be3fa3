"""Device description and the compiled prediction path, without any GPU."""

import numpy as np
import pytest

import core.devices
from core.devices import DeviceInfo, backend_name, compile_predict_fn, cpu_cores, describe_device, load_keras
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



def test_a_batch_larger_than_a_chunk_gives_the_answers_of_one_call(monkeypatch):
    keras = load_keras()
    monkeypatch.setattr(core.devices, "PREDICT_CHUNK", 4)  # 10 rows: chunks of 4, 4 and 2
    x = np.random.default_rng(0).random((10, 28, 28), dtype=np.float32)
    single = build_model(MLPConfig(hidden_units=(8,)))
    np.testing.assert_allclose(compile_predict_fn(single)(x), np.asarray(single(x, training=False)), atol=1e-6)

    inputs = keras.Input((28, 28))
    flat = keras.layers.Flatten()(inputs)
    double = keras.Model(inputs, [keras.layers.Dense(3)(flat), keras.layers.Dense(2)(flat)])
    for got, want in zip(compile_predict_fn(double)(x), double(x, training=False)):
        np.testing.assert_allclose(got, np.asarray(want), atol=1e-6)


def test_glibc_is_asked_for_two_memory_pools_unless_the_environment_sets_its_own(monkeypatch):
    calls = []

    class Libc:
        def mallopt(self, parameter, value):
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(core.devices.ctypes, "CDLL", lambda name: Libc())
    monkeypatch.setattr(core.devices.sys, "platform", "linux")
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    core.devices.limit_malloc_arenas()
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")  # glibc read it at start-up; the app leaves it be
    core.devices.limit_malloc_arenas()
    assert calls == [(-8, 2)]  # M_ARENA_MAX from malloc.h


def test_token_batches_lose_only_the_padding_every_row_shares_in_steps_of_the_bucket():
    from core.devices import TOKEN_BUCKET, trim_padding

    ids = np.zeros((3, 128), dtype=np.int32)
    ids[0, :5], ids[1, :20] = 7, 9
    trimmed = trim_padding(ids)
    assert trimmed.shape == (3, 2 * TOKEN_BUCKET)  # the longest row (20) rounded up
    np.testing.assert_array_equal(trimmed, ids[:, : 2 * TOKEN_BUCKET])
    assert trim_padding(np.zeros((2, 128), np.int32)).shape == (2, TOKEN_BUCKET)
    full = np.ones((1, 128), np.int32)
    assert trim_padding(full).shape == (1, 128)


def test_a_text_model_answers_the_same_for_a_short_review_with_its_padding_cut():
    keras = pytest.importorskip("keras")
    from dataclasses import replace

    from core.devices import compile_predict_fn
    from data.tokenizer import Tokenizer
    from models.text_transformer import PRESETS, build_model

    tokenizer = Tokenizer.fit(["这本书很好看", "质量太差了不好"], "char", max_tokens=50, min_count=1)
    keras.utils.set_random_seed(0)
    model = build_model(replace(PRESETS["small"].model, seq_len=64, embed_dim=16, ff_dim=16), tokenizer)
    ids = tokenizer.encode(["这本书很好看", "太差了"], 64).astype(np.int32)
    np.testing.assert_allclose(compile_predict_fn(model)(ids), model.predict(ids, verbose=0), atol=1e-6)
