"""Stress test and risk register: shocks off reproduces Chapter 3; each shock kind does what its
definition says; a bad register row is reported with file, row and column."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpath.data import assumptions, claims, datapackage, official, risks
from growthpath.analysis import feasibility, stress
from growthpath.data.datapackage import DataError

@pytest.fixture(scope="module")
def data():
    return claims.load(), official.load()


@pytest.fixture(scope="module")
def kw():
    return stress.settings(assumptions.load(), nowcast_adjustment="none", target_year=2026, ci_level=0.95, n_sims=4000, seed=7)


def test_no_shocks_reproduces_chapter_3(data, kw):
    C, S = data
    out = stress.run(C, S, stress.load(C).iloc[0:0], **kw)
    g = feasibility.gmv_simulation(C, S, nowcast_adjustment="none", revision_sd_pp=kw["revision_sd_pp"], target_year=2026, ci_level=0.95,
                                   share_sd_pp=kw["share_sd_pp"], n_sims=4000, seed=7)
    u = feasibility.users_simulation(C, S, target_year=2026, share_gain_pp=kw["share_gain_pp"], growth_sd_pp=kw["user_growth_sd_pp"],
                                     trend_years=kw["trend_years"], n_sims=4000, seed=7)
    assert np.array_equal(out["gmv"], g["gmv"]) and np.array_equal(out["users"], u["users"])
    assert (out["p_gmv"], out["p_users"]) == (g["p_gmv"], u["p_users"])


def shock(**kw):
    row = dict(shock="x", label="x", kind="loss", applies_to="both", probability=1.0, probability_source="assumption:x", size=0.1,
               size_reading="value", size_source="assumption", exposure=1.0, exposure_source="assumption", note="")
    return pd.DataFrame([{**row, **kw}])


def test_no_shock_is_certain():
    """Every shock happens with a stated probability below one; none is certain unless the book argues it."""
    frame = stress.load(claims.load())
    assert (frame["probability"] < 1).all() and (frame["probability"] > 0).all()
    assert frame["probability_source"].str.startswith("assumption:").all()


def test_loss_and_outage_have_their_expected_size():
    n = 200_000
    loss = stress.draw(shock(probability=0.3, size=0.5, exposure=0.2), 3, 3, n, 1, 0.1, 0.02)
    assert loss["factors"].mean(axis=0) == pytest.approx([0.97] * 3, abs=0.002)
    assert loss["gmv_factors"][:, -1].mean() == pytest.approx(0.97 ** 3, abs=0.003)  # permanent: compounds
    out = stress.draw(shock(kind="outage", applies_to="gmv", probability=0.5, size=4.0), 3, 3, n, 1, 0.1, 0.02)
    assert out["gmv_factors"][:, -1].mean() == pytest.approx(1 - 0.5 * 4 / 8760, abs=1e-5)  # temporary: that year only
    assert (out["factors"] == 1).all() and (out["shocks"] == 0).all()


def test_acquisition_cost_saturation_and_growth_shocks():
    acq = stress.draw(shock(kind="acquisition_cost", applies_to="users", probability=0.999999, size=22), 2, 1, 10, 1, 0.10, 0.02)
    assert acq["shocks"][0] == pytest.approx([-0.10 * 0.22 / 1.22] * 2)  # only the acceleration beyond the trend counts
    sat = stress.draw(shock(kind="saturation", applies_to="users", probability=0.999999, size=0), 2, 1, 10, 1, 0.10, 0.02)
    assert sat["shocks"][0] == pytest.approx([-(0.10 - 0.02)] * 2)  # growth falls to the netizens' rate
    slow = stress.draw(shock(kind="growth", applies_to="users", probability=0.999999, size=-0.03), 2, 1, 10, 1, 0.10, 0.02)
    assert (slow["shocks"] == -0.03).all()
    never = stress.draw(shock(kind="growth", applies_to="users", probability=0.0, size=-0.03), 2, 1, 10, 1, 0.10, 0.02)
    assert (never["shocks"] == 0).all()


def test_shocks_never_hit_a_published_year(data, kw):
    C, S = data
    out = stress.run(C, S, stress.load(C), **kw)
    none = stress.run(C, S, stress.load(C).iloc[0:0], **kw)
    assert np.array_equal(out["gmv"][:, :3], none["gmv"][:, :3])   # 2023–2025 are published
    assert out["user_years"] == [2025, 2026]


def test_every_shock_lowers_or_keeps_the_outcomes(data, kw):
    C, S = data
    t = stress.tornado(C, S, stress.load(C), **kw).set_index("shock")
    assert (t["users_change_pct"] <= 1e-9).all() and (t["gmv_change_pct"] <= 1e-9).all()
    assert t.loc["all together", "users_change_pct"] <= t["users_change_pct"].drop("all together").min()


def test_a_shock_probability_that_disagrees_with_the_register_is_located(project):
    path = project / "data" / "reference" / "shocks.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("cac_acceleration,Acquisition costs rise faster than their trend,acquisition_cost,users,0.2,",
                                 "cac_acceleration,Acquisition costs rise faster than their trend,acquisition_cost,users,0.9,"), encoding="utf-8")
    datapackage.refresh_hashes()
    with pytest.raises(DataError) as err:
        stress.load(claims.load())
    assert "shocks.csv, line 2, column 'probability'" in str(err.value) and "shock_cac_probability" in str(err.value)


def test_unknown_shock_names_are_refused(data):
    with pytest.raises(ValueError, match="unknown shock"):
        stress.select(stress.load(data[0]), ["meteor"])
    assert len(stress.select(stress.load(data[0]), ["all"])) == len(stress.load(data[0]))


def test_register_scores_and_matrix(data):
    R = risks.load(data[0])
    assert (R["score"] == R["likelihood"] * R["impact"]).all()
    m = risks.matrix(R)
    assert len(m) == 25 and m["n"].sum() == len(R)


@pytest.mark.parametrize("old,new,column", [(",3,2,\"Costs up", ",7,2,\"Costs up", "likelihood"),
                                            ("000-6.1-05 000-6.1-06", "000-6.1-05 000-9.9-99", "evidence")])
def test_a_bad_register_row_is_located(project, old, new, column):
    path = project / "data" / "reference" / "risks.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    datapackage.refresh_hashes()
    with pytest.raises(DataError) as err:
        risks.load(claims.load())
    message = str(err.value)
    assert "risks.csv" in message and column in message and "3" in message  # R02 is on line 3
