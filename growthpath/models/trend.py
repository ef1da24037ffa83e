"""Growth arithmetic for annual series: compound growth between two levels, and the readings of a
period such as '2021-2023' (two or three years of growth).

(The outlook itself is anchored on the latest data, not on a trend through distant levels:
see `growthpath.models.nowcast`.)"""
from __future__ import annotations

import numpy as np


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate between two levels `years` apart."""
    if start_value <= 0 or end_value <= 0 or years <= 0:
        raise ValueError("CAGR needs positive levels and a positive span")
    return (end_value / start_value) ** (1 / years) - 1


def compound_rate(rates_pct) -> float:
    """The average yearly growth in % that a run of yearly growth rates in % compounds to (14.1, 4.0, 11.0, 7.2, 8.6 →
    8.93, where their plain mean says 8.98)."""
    rates = np.asarray(list(rates_pct), dtype=float)
    return float(100 * (np.prod(1 + rates / 100) ** (1 / len(rates)) - 1))


def span_readings(first_year: int, last_year: int) -> list[int]:
    """'2021-2023' can mean 2 or 3 years of growth; both readings, shortest first (never 0)."""
    return sorted({last_year - first_year, last_year - first_year + 1} - {0})


def implied_rates_pct(start: float, end: float, first_year: int, last_year: int) -> dict[int, float]:
    """Compound growth per year (%) from `start` to `end` under each reading of the span."""
    return {n: 100 * cagr(start, end, n) for n in span_readings(first_year, last_year)}
