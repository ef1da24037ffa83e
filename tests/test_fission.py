"""Branching-process referral growth: geometric series, inverses and the Chinese-unit labels."""
from __future__ import annotations

import numpy as np
import pytest

from growthpath.models import fission


def test_one_shot_is_the_geometric_series():
    for K in (0.5, 1.0, 2.0):
        for n in range(6):
            assert fission.one_shot_users(100, K, n) == pytest.approx(100 * sum(K ** k for k in range(n + 1)))


def test_below_one_growth_stops_at_seed_over_one_minus_k():
    assert fission.one_shot_users(100, 0.8, 500) == pytest.approx(100 / (1 - 0.8))
    assert fission.months_to_reach(100, 0.8, 7, 600, regime="one-shot") == float("inf")


def test_persistent_growth_and_churn():
    assert fission.persistent_users(10, 0.5, 3) == pytest.approx(10 * 1.5 ** 3)
    assert fission.persistent_users(10, 0.5, 3, churn=0.5) == pytest.approx(10)
    assert fission.months_to_reach(10, 0.2, 30, 1e6, churn=0.3) == float("inf")


def test_inverses_recover_their_inputs():
    n = fission.cycles(18, 7)
    K = fission.implied_k(10, n)
    assert fission.one_shot_users(1, K, n) == pytest.approx(10)
    days = fission.implied_cycle_days(3.0, 10, 18)
    assert fission.one_shot_users(1, 3.0, fission.cycles(18, days)) == pytest.approx(10)
    months = fission.months_to_reach(1e4, 2.76, fission.DAYS_PER_MONTH, 1e9)
    assert fission.persistent_users(1e4, 2.76, months) == pytest.approx(1e9)
    assert np.isnan(fission.implied_cycle_days(0.5, 10, 18))  # K = 0.5 never reaches 10 times


def test_invalid_inputs_are_refused():
    with pytest.raises(ValueError):
        fission.k_factor(3, 1.5)
    with pytest.raises(ValueError):
        fission.cycles(12, 0)
    with pytest.raises(ValueError):
        fission.implied_k(0.5, 10)


def test_grid_cap_and_labels():
    grid = fission.cap_at(fission.users_grid(1e4, [0.5, 3.0], [1, 90], 12), 1.125e9)
    assert grid["shown"].max() == 1.125e9 and grid["over"].sum() == 1
    assert grid.loc[grid["over"], "label"].item() == "> 11.2亿"
    assert [fission.chinese_count(v) for v in (999, 12_345, 4.0e7, 3.4e8)] == ["999", "1.2万", "4,000万", "3.4亿"]
