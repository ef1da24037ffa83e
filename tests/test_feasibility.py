"""Feasibility building blocks against hand-computed values and their own invariants: the outlook is
anchored on the last published level, users on CNNIC's latest counts, and a probability moves only with
the assumption it is said to rest on."""
from __future__ import annotations

import numpy as np
import pytest

from growthpath.data import claims, official
from growthpath.analysis import feasibility

SIM = dict(target_year=2026, ci_level=0.95, share_sd_pp=1.0, n_sims=4000, seed=5)


@pytest.fixture(scope="module")
def data():
    return claims.load(), official.load()


def test_share_pace_is_the_plans_own_2020_2023_pace(data):
    p = feasibility.share_pace(data[0])
    assert p["start"] == 25.3 and p["pace_pp"] == pytest.approx((25.3 - 18.6) / 3)


def test_historical_growth_uses_period_end_dates(data):
    g = feasibility.historical_growth(data[1], "cnnic_netizens", "2024-12", "2025-12")
    assert g == pytest.approx((11.25 / 11.08) ** (365.25 / 365) - 1, rel=1e-6)


def test_recent_growth_runs_to_the_latest_count(data):
    g = feasibility.recent_growth(data[1], "cnnic_online_shoppers", 4)
    assert (g["first"], g["last"]) == ("2020-12", "2024-12")
    assert g["growth"] == pytest.approx((9.74 / 7.82) ** (365.25 / 1461) - 1, rel=1e-6)


def test_gmv_draws_only_the_unpublished_year_around_the_anchored_outlook(data):
    C, S = data
    a = feasibility.gmv_simulation(C, S, nowcast_adjustment="none", revision_sd_pp=1.2, **SIM)
    b = feasibility.gmv_simulation(C, S, nowcast_adjustment="none", revision_sd_pp=1.2, **SIM)
    assert np.array_equal(a["gmv"], b["gmv"]) and a["p_gmv"] == b["p_gmv"]
    assert np.allclose(a["gmv"], a["share"] / 100 * a["online"])
    for j, year in enumerate((2023, 2024, 2025)):  # published years are not drawn
        assert np.all(a["online"][:, j] == official.value_at(S, "nbs_online_retail", str(year)))
    # 2026 = the 2025 actual grown by a growth drawn around the year-to-date reading (4.6 %) with sd 1.2 pp
    growth = 100 * (a["online"][:, -1] / 159722 - 1)
    assert growth.mean() == pytest.approx(4.6, abs=0.05) and growth.std() == pytest.approx(1.2, abs=0.05)
    up = feasibility.gmv_simulation(C, S, nowcast_adjustment="best_revision", revision_sd_pp=1.2, **SIM)
    assert np.median(up["online"][:, -1]) > np.median(a["online"][:, -1])
    assert a["share_needed"] == pytest.approx(100 * 70000 / np.median(a["online"][:, -1]))


def test_the_gmv_what_if_gives_the_simulation_at_its_own_inputs_and_rises_with_each_slider(data):
    import pandas as pd

    C, S = data
    kw = dict(nowcast_adjustment="none", revision_sd_pp=1.2, **SIM)
    g = feasibility.gmv_simulation(C, S, **kw)
    growth, pace = g["outlook"]["scenario_growth_pct"], g["pace"]["pace_pp"]
    grid = pd.DataFrame({"growth_pct": [growth, growth, growth, 20.0], "pace_pp": [pace, 5.8, 8.0, 5.8]})
    p = feasibility.gmv_what_if(S, grid, g, revision_sd_pp=1.2, share_sd_pp=SIM["share_sd_pp"], n_sims=SIM["n_sims"],
                                seed=SIM["seed"])["p_gmv"].tolist()
    assert p[0] == g["p_gmv"]                                                  # the same draws at the simulation's inputs
    assert p[0] <= p[1] <= p[2] and p[1] < p[3] and p[2] > 0.99               # more share gain or growth, more often met
    # by hand at 5.8 points a year: the share in 2026 is 25.3 + 3 × 5.8 plus the draws' noise; GMV = share × online
    online, share = g["online"][:, -1], g["share"][:, -1] + 3 * (5.8 - pace)
    assert p[1] == pytest.approx(np.mean(share / 100 * online >= 70000), abs=1e-12)


def test_users_are_shoppers_times_the_assumed_share_under_the_netizen_ceiling(data):
    C, S = data
    kw = dict(target_year=2026, growth_sd_pp=2.0, trend_years=4, n_sims=4000, seed=5)
    u = feasibility.users_simulation(C, S, share_gain_pp=2.2, **kw)
    start = u["outlook"]["start"]
    assert start["base"] == pytest.approx(10 / 1.58) and start["share"] == pytest.approx(10 / 1.58 / 9.15)
    assert u["years"] == [2025, 2026] and u["users"].shape == (4000, 2)
    assert np.allclose(u["users"], u["shoppers"] * u["share"])
    assert u["share"][-1] == pytest.approx(start["share"] + 0.022 * 3)
    assert (u["shoppers"] <= np.array(u["outlook"]["netizens_path"]) + 1e-12).all()
    assert u["outlook"]["netizens_end"] == pytest.approx(11.25 * (11.25 / 11.08) ** (365 / 364.75), rel=1e-3)
    assert u["gain_needed_pp"] == pytest.approx(100 * (10 / u["median_shoppers"] - start["share"]) / 3)


def test_the_user_probability_moves_with_the_assumed_gain_only(data):
    C, S = data
    kw = dict(target_year=2026, growth_sd_pp=2.0, trend_years=4, n_sims=4000, seed=5)
    curve = feasibility.users_probability_curve(C, S, upper_pp=12.0, steps=7, **kw)
    assert curve["p_users"].is_monotonic_increasing and curve["p_users"].iloc[0] == 0 and curve["p_users"].iloc[-1] > 0.9
    needed = feasibility.users_simulation(C, S, share_gain_pp=0.0, **kw)["gain_needed_pp"]
    below = feasibility.users_simulation(C, S, share_gain_pp=needed - 1, **kw)["p_users"]
    above = feasibility.users_simulation(C, S, share_gain_pp=needed + 1, **kw)["p_users"]
    assert below < 0.5 < above
    assert "passes one half" in feasibility.gain_at_half_sentence(curve)
    assert "stays below one half" in feasibility.gain_at_half_sentence(curve.head(2))
