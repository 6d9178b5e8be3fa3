"""Energy, emissions and cost calculators on exact inputs."""

import pytest

from core.footprint import cost_per_1000, emissions_g, energy_wh, gpt3_emissions_g, requests_per_second, times_gpt3


def test_energy_and_emissions_on_exact_inputs():
    assert energy_wh(3600, 30) == 30.0
    assert energy_wh(90, 40) == pytest.approx(1.0)
    assert emissions_g(1000, 500) == 500.0  # one kWh on a 500 g/kWh grid
    assert emissions_g(2.5, 400) == pytest.approx(1.0)


def test_cost_per_thousand_requests_follows_the_throughput():
    assert cost_per_1000(requests_per_second=100, price_per_hour=3.6) == pytest.approx(0.01)
    assert cost_per_1000(1, 3.6) == pytest.approx(1.0)
    assert requests_per_second(latency_ms=4, workers=2) == 500.0


def test_gpt3_comparison_uses_the_published_figures():
    assert times_gpt3(1_287e6) == pytest.approx(1.0)  # 1,287 MWh (Patterson et al., 2021)
    assert gpt3_emissions_g() == 552e6


@pytest.mark.parametrize("call", [lambda: energy_wh(-1, 10), lambda: emissions_g(1, -5), lambda: cost_per_1000(0, 1),
                                  lambda: requests_per_second(0), lambda: times_gpt3(0)])
def test_impossible_inputs_are_refused(call):
    with pytest.raises(ValueError):
        call()
