"""What running and training a model costs: energy, emissions and money, from measured times.

Every function takes its assumptions as arguments (a device's power draw, a grid's carbon intensity,
a price per hour), so a page can show them as editable fields beside the result rather than hide
them in a constant. Times come from the run store and the latency benchmark, measured on this device.
"""

from __future__ import annotations

from core.facts import GPT3_TRAINING_MWH, GPT3_TRAINING_TCO2E

SECONDS_PER_HOUR = 3600.0


def energy_wh(seconds: float, watts: float) -> float:
    """Energy in watt-hours of a device drawing ``watts`` for ``seconds``."""
    if seconds < 0 or watts < 0:
        raise ValueError("time and power cannot be negative")
    return seconds * watts / SECONDS_PER_HOUR


def emissions_g(watt_hours: float, grams_per_kwh: float) -> float:
    """Grams of CO2-equivalent for ``watt_hours`` from a grid emitting ``grams_per_kwh``."""
    if watt_hours < 0 or grams_per_kwh < 0:
        raise ValueError("energy and carbon intensity cannot be negative")
    return watt_hours / 1000.0 * grams_per_kwh


def cost_per_1000(requests_per_second: float, price_per_hour: float) -> float:
    """Money per 1,000 requests for a machine that costs ``price_per_hour`` and answers ``requests_per_second``."""
    if requests_per_second <= 0:
        raise ValueError("a machine that answers nothing has no cost per request")
    return price_per_hour / (requests_per_second * SECONDS_PER_HOUR) * 1000.0


def requests_per_second(latency_ms: float, workers: int = 1) -> float:
    """Answers per second of ``workers`` that each take ``latency_ms`` per answer, one at a time."""
    if latency_ms <= 0 or workers < 1:
        raise ValueError("latency must be positive and there must be at least one worker")
    return workers * 1000.0 / latency_ms


def times_gpt3(watt_hours: float) -> float:
    """How many times ``watt_hours`` fits into GPT-3's reported training energy (Patterson et al., 2021)."""
    if watt_hours <= 0:
        raise ValueError("energy must be positive")
    return GPT3_TRAINING_MWH * 1e6 / watt_hours


def gpt3_emissions_g() -> float:
    """GPT-3's reported training emissions in grams CO2e (Patterson et al., 2021)."""
    return GPT3_TRAINING_TCO2E * 1e6
