"""Growth arithmetic against cases with known answers."""
from __future__ import annotations

import pytest

from growthpath.models import trend


def test_cagr_known_values_and_errors():
    assert trend.cagr(100, 200, 1) == pytest.approx(1.0)
    assert trend.cagr(32000, 70000, 6) == pytest.approx((70000 / 32000) ** (1 / 6) - 1)
    with pytest.raises(ValueError):
        trend.cagr(0, 10, 2)


def test_span_readings_and_implied_rates():
    assert trend.span_readings(2021, 2023) == [2, 3] and trend.span_readings(2023, 2023) == [1]
    rates = trend.implied_rates_pct(35, 89, 2021, 2023)
    assert rates[2] == pytest.approx(100 * ((89 / 35) ** 0.5 - 1)) and rates[3] == pytest.approx(100 * ((89 / 35) ** (1 / 3) - 1))
