"""What serving a model costs on this device: latency of one request, throughput of batches, and the
price of 1,000 requests at a given hourly price.

The case-study panels call these on the shipped models when they are opened, so the figures beside
each business case are measured on the visitor's machine at that moment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from core.footprint import cost_per_1000
from core.metrics import percentile_ms


@dataclass(frozen=True)
class ServingFigures:
    """Latency and throughput of one model, measured just now."""

    p50_ms: float  # one request at a time
    p95_ms: float
    per_second: float  # requests per second with batches, all cores together
    cores: int

    @property
    def per_second_per_core(self) -> float:
        """Throughput divided by the cores that served it."""
        return self.per_second / self.cores

    def cost_per_1000(self, price_per_hour: float) -> float:
        """Price of 1,000 requests served in batches on a machine of this throughput costing ``price_per_hour``."""
        return cost_per_1000(self.per_second, price_per_hour)


def measure_serving(predict_batch: Callable[[np.ndarray], np.ndarray], inputs: np.ndarray, cores: int,
                    calls: int = 100, warmup: int = 10, batch: int = 256) -> ServingFigures:
    """Time ``calls`` single-input predictions (after ``warmup``) and batches of ``batch`` inputs for at
    least half a second; ``inputs`` are cycled as needed."""
    singles = np.resize(inputs, (calls + warmup, *inputs.shape[1:]))
    seconds = []
    for i, x in enumerate(singles):
        started = time.perf_counter()
        predict_batch(x[None])
        if i >= warmup:
            seconds.append(time.perf_counter() - started)
    batch_inputs = np.resize(inputs, (batch, *inputs.shape[1:]))
    predict_batch(batch_inputs)  # the batch shape's first call may compile
    served, started = 0, time.perf_counter()
    while served == 0 or time.perf_counter() - started < 0.5:
        predict_batch(batch_inputs)
        served += batch
    per_second = served / (time.perf_counter() - started)
    return ServingFigures(percentile_ms(seconds, 50), percentile_ms(seconds, 95), per_second, max(1, cores))
