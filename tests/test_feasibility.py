"""Feasibility building blocks against hand-computed values and their own invariants."""
from __future__ import annotations

import numpy as np
import pytest

from growthpath import claims, feasibility, official


def test_share_pace_is_the_plans_own_2020_2023_pace():
    p = feasibility.share_pace(claims.load())
    assert p["start"] == 25.3 and p["pace_pp"] == pytest.approx((25.3 - 18.6) / 3)


def test_historical_growth_uses_period_end_dates():
    g = feasibility.historical_growth(official.load(), "cnnic_netizens", "2024-12", "2025-12")
    assert g == pytest.approx((11.25 / 11.08) ** (365.25 / 365) - 1, rel=1e-6)


def test_simulations_are_deterministic_and_consistent():
    C, S = claims.load(), official.load()
    kw = dict(fit_start_year=2019, growth_shift_pp=0.0, target_year=2026, ci_level=0.95, share_sd_pp=1.0, n_sims=2000, seed=5)
    a, b = feasibility.gmv_simulation(C, S, **kw), feasibility.gmv_simulation(C, S, **kw)
    assert np.array_equal(a["gmv"], b["gmv"]) and a["p_gmv"] == b["p_gmv"]
    assert np.allclose(a["gmv"], a["share"] / 100 * a["online"])
    assert np.all(a["online"][:, 2] == official.value_at(S, "nbs_online_retail", "2025"))  # observed years are not drawn
    up = feasibility.gmv_simulation(C, S, **{**kw, "growth_shift_pp": 5.0})
    assert np.median(up["gmv"][:, -1]) > np.median(a["gmv"][:, -1])
    u = feasibility.users_simulation(C, S, growth_shift_pp=0.0, target_year=2026, growth_sd_pp=2.0, n_sims=2000, seed=5, ci_level=0.95)
    assert u["base"] == pytest.approx(10 / 1.58) and u["users"].shape == (2000, 4)
