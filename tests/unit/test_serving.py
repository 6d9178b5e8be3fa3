"""Serving figures: latency percentiles, throughput and cost, with a stand-in model of known speed."""

import time

import numpy as np
import pytest

from core.serving import ServingFigures, measure_serving


def test_figures_follow_a_model_of_known_speed():
    def slow_model(batch):  # 2 ms per call, whatever the batch size
        time.sleep(0.002)
        return np.zeros((len(batch), 2))

    figures = measure_serving(slow_model, np.zeros((5, 3)), cores=2, calls=20, warmup=2, batch=100)
    assert 2.0 <= figures.p50_ms <= figures.p95_ms < 20
    assert 1_000 < figures.per_second < 100 * 1000 / 2.0  # about 100 inputs per 2 ms call at best
    assert figures.per_second_per_core == pytest.approx(figures.per_second / 2)


def test_cost_per_thousand_requests_from_the_throughput():
    figures = ServingFigures(p50_ms=1.0, p95_ms=2.0, per_second=100.0, cores=4)
    assert figures.cost_per_1000(price_per_hour=3.6) == pytest.approx(0.01)
    assert figures.per_second_per_core == 25.0
