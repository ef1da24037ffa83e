"""Chapter 6 under every scenario: with shocks off it reproduces Chapter 3's probabilities (the same
simulation, reused); register counts equal a recount of the CSV; shocks never raise a probability."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import data_rows as rows, glued

SCENARIOS = ["base", "optimistic", "pessimistic"]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chapter6_numbers(executed, scenario):
    ch6 = glued(Path(executed[scenario]) / "06_risk.ipynb")
    ch3 = glued(Path(executed[scenario]) / "03_targets.ipynb")
    assert ch6["p_gmv_none"] == ch3["p_gmv"] and ch6["p_users_none"] == ch3["p_users"] and ch6["p_share_none"] == ch3["p_share"]
    assert ch6["p_gmv_shock"] <= ch6["p_gmv_none"] and ch6["p_users_shock"] <= ch6["p_users_none"]
    register = rows("reference/risks.csv")
    assert ch6["n_risks"] == len(register)
    high = float(next(r["value"] for r in rows("reference/assumptions.csv") if r["id"] == "risk_high_score"))
    assert ch6["high_score"] == high
    assert ch6["n_high"] == sum(int(r["likelihood"]) * int(r["impact"]) >= high for r in register)
    assert ch6["n_mitigated"] == sum(bool(r["mitigation"].strip()) for r in register)
    assert ch6["n_shocks"] == len(rows("reference/shocks.csv"))
    assert 0 < ch6["users_drop"] < 100 and 0 <= ch6["outage_gmv"] < 0.1 and 0 <= ch6["gmv_drop"] < 100
    shock_sizes = {r["size_source"] for r in rows("reference/shocks.csv")}   # the stress test's own loss sizes count too
    churn = [float(r["value"]) for r in rows("claims/claims.csv") if "churn" in r["metric"] and r["unit"] == "%"
             and (any(r["claim_id"] in x["evidence"].split() for x in register) or r["claim_id"] in shock_sizes)]
    assert (ch6["churn_min"], ch6["churn_max"]) == (min(churn), max(churn))
    assert ch6["shock_years"] == "users from 2025, GMV in 2026"
