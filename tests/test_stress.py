"""Stress test and risk register: shocks off reproduces Chapter 3; each shock kind does what its
definition says; a bad register row is reported with file, row and column."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpath import claims, datapackage, feasibility, official, risks, stress
from growthpath.datapackage import DataError

KW = dict(fit_start_year=2019, growth_shift_pp=0.0, target_year=2026, ci_level=0.95, share_sd_pp=1.0,
          user_growth_sd_pp=2.0, n_sims=4000, seed=7)


@pytest.fixture(scope="module")
def data():
    return claims.load(), official.load()


def test_no_shocks_reproduces_chapter_3(data):
    C, S = data
    out = stress.run(C, S, stress.load(C).iloc[0:0], **KW)
    g = feasibility.gmv_simulation(C, S, fit_start_year=2019, growth_shift_pp=0.0, target_year=2026, ci_level=0.95,
                                   share_sd_pp=1.0, n_sims=4000, seed=7)
    u = feasibility.users_simulation(C, S, growth_shift_pp=0.0, target_year=2026, growth_sd_pp=2.0, n_sims=4000, seed=7, ci_level=0.95)
    assert np.array_equal(out["gmv"], g["gmv"]) and np.array_equal(out["users"], u["users"])
    assert (out["p_gmv"], out["p_users"]) == (g["p_gmv"], u["p_users"])


def shock(**kw):
    row = dict(shock="x", label="x", kind="loss", applies_to="both", probability=1.0, size=0.1, size_reading="value",
               size_source="assumption", exposure=1.0, exposure_source="assumption", note="")
    return pd.DataFrame([{**row, **kw}])


def test_loss_and_outage_have_their_expected_size():
    n = 200_000
    loss = stress.draw(shock(probability=0.3, size=0.5, exposure=0.2), 3, n, 1, 0.1)
    assert loss["factors"].mean(axis=0) == pytest.approx([0.97] * 3, abs=0.002)
    assert loss["gmv_factors"][:, -1].mean() == pytest.approx(0.97 ** 3, abs=0.003)  # permanent: compounds
    out = stress.draw(shock(kind="outage", applies_to="gmv", probability=0.5, size=4.0), 3, n, 1, 0.1)
    assert out["gmv_factors"][:, -1].mean() == pytest.approx(1 - 0.5 * 4 / 8760, abs=1e-5)  # temporary: that year only
    assert (out["factors"] == 1).all() and (out["shocks"] == 0).all()


def test_acquisition_cost_and_growth_shocks():
    acq = stress.draw(shock(kind="acquisition_cost", applies_to="users", size=0.22), 3, 10, 1, 0.10)
    assert acq["shocks"][0] == pytest.approx([0.10 * (1.22 ** -t - 1) for t in (1, 2, 3)])
    slow = stress.draw(shock(kind="growth", applies_to="users", size=-0.03), 3, 10, 1, 0.10)
    assert (slow["shocks"] == -0.03).all()


def test_every_shock_lowers_or_keeps_the_outcomes(data):
    C, S = data
    t = stress.tornado(C, S, stress.load(C), **KW).set_index("shock")
    assert (t["users_change_pct"] <= 1e-9).all() and (t["gmv_change_pct"] <= 1e-9).all()
    assert t.loc["all together", "users_change_pct"] <= t["users_change_pct"].drop("all together").min()


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
