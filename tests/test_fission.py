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


def test_fit_growth_in_both_regimes():
    # Luckin read as invitations: 3 invitations × 23 % conversion; ten times in 18 months
    fit = fission.fit_growth(3 * 0.23, 10, 18)
    assert fit["ceiling"] == pytest.approx(1 / (1 - 0.69)) and fit["ceiling"] < 10
    assert np.isnan(fit["one_shot_days"])  # one round of invitations per user never gets there
    n = 18 * fission.DAYS_PER_MONTH / fit["persistent_days"]
    assert fission.persistent_users(1, 0.69, n) == pytest.approx(10)
    assert (fit["k_min"], fit["k_max"]) == pytest.approx((0.9, 9.0))
    # the bounds are the one-shot K for very short cycles and for a single cycle
    assert fission.implied_k(10, fission.cycles(18, 0.01)) == pytest.approx(fit["k_min"], abs=1e-6)
    assert fission.implied_k(10, 1.0) == pytest.approx(fit["k_max"])
    every = fission.fit_growth(3.0, 10, 18)  # every invitation converting
    assert every["ceiling"] == float("inf") and every["one_shot_days"] == pytest.approx(fission.implied_cycle_days(3.0, 10, 18))
    with pytest.raises(ValueError):
        fission.fit_growth(0.0, 10, 18)
    with pytest.raises(ValueError):
        fission.one_shot_ceiling(-0.1)


def test_referral_case_sentences_follow_the_numbers():
    luckin = fission.referral_case(3, 0.23, 10, 18, "a borrowed 23 %")
    assert luckin["K"] == pytest.approx(0.69) and luckin["cycles"] == pytest.approx(np.log(10) / np.log(1.69))
    assert "keeps inviting" in luckin["verdict"] and f"{luckin['ceiling']:.1f} times" in luckin["verdict"]
    assert "unverifiable rather than contradictory" in luckin["box"] and "a borrowed 23 %" in luckin["box"]
    assert luckin["every_days"] == pytest.approx(fission.implied_cycle_days(3.0, 10, 18))
    high = fission.referral_case(3, 0.5, 10, 18, "a half")  # K = 1.5: one round per user can get there
    assert high["box"].startswith("**Fits, given a cycle:**") and f"{high['one_shot_days']:.0f} days" in high["verdict"]
