"""Trend models against cases with known answers."""
from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from growthpath.models import trend

YEARS = np.arange(2015, 2026)


def test_loglinear_recovers_exact_growth():
    values = 100 * 1.1 ** (YEARS - 2015)
    fit = trend.fit_loglinear(YEARS, values, 2027)
    assert fit.annual_growth == pytest.approx(0.10, abs=1e-10)
    row = fit.at(2027)
    assert row["mean"] == pytest.approx(100 * 1.1 ** 12, rel=1e-9)
    assert row["lower"] == pytest.approx(row["mean"], rel=1e-6)  # no noise, no width


def test_loglinear_matches_statsmodels_and_intervals_widen():
    rng = np.random.default_rng(7)
    values = 50 * np.exp(0.08 * (YEARS - 2015) + rng.normal(0, 0.05, len(YEARS)))
    fit = trend.fit_loglinear(YEARS, values, 2028, ci_level=0.95)
    ref = sm.OLS(np.log(values), sm.add_constant(YEARS.astype(float))).fit()
    assert fit.annual_growth == pytest.approx(np.exp(ref.params[1]) - 1)
    width = (fit.forecast["upper"] / fit.forecast["lower"]).to_numpy()
    assert np.all(np.diff(width) > 0)
    narrow = trend.fit_loglinear(YEARS, values, 2028, ci_level=0.8).at(2028)
    assert narrow["upper"] < fit.at(2028)["upper"]


def test_holt_on_exact_exponential_follows_the_trend():
    values = 100 * 1.07 ** (YEARS - 2015)
    fit = trend.fit_holt(YEARS, values, 2026)
    assert fit.at(2026)["mean"] == pytest.approx(100 * 1.07 ** 11, rel=0.01)
    assert fit.annual_growth == pytest.approx(0.07, abs=0.005)


def test_shift_growth_adds_percentage_points():
    fit = trend.fit_loglinear(YEARS, 100 * 1.1 ** (YEARS - 2015), 2027)
    shifted = trend.shift_growth(fit, 5.0)
    assert shifted.iloc[-1]["mean"] == pytest.approx(fit.values[-1] * 1.15 ** 2, rel=1e-9)
    assert trend.shift_growth(fit, 0.0)["mean"].tolist() == pytest.approx(fit.forecast["mean"].tolist())


def test_cagr_known_values_and_errors():
    assert trend.cagr(100, 200, 1) == pytest.approx(1.0)
    assert trend.cagr(32000, 70000, 6) == pytest.approx((70000 / 32000) ** (1 / 6) - 1)
    with pytest.raises(ValueError):
        trend.cagr(0, 10, 2)


@pytest.mark.parametrize("years,values", [([2020, 2021], [1, 2]), ([2020, 2021, 2022], [1, -2, 3]),
                                          ([2020, 2020, 2021], [1, 2, 3])])
def test_bad_inputs_rejected(years, values):
    with pytest.raises(ValueError):
        trend.fit_loglinear(years, values, 2026)
