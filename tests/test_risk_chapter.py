"""Chapter 6's package functions (growthpath.analysis.ch06_risk): risk counts name the register's risks, stress-test
values the shocks and what the runs read."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.data import assumptions, claims as ledger, official, risks
from growthpath.analysis import ch06_risk as ch6, stress


@pytest.fixture(scope="module")
def data():
    claims = ledger.load()
    return claims, official.load(), assumptions.load(), risks.load(claims)


def test_the_register_summary_counts_and_names_its_risks(data):
    claims, _, register, frame = data
    got = ch6.register_summary(frame, claims, register)
    assert got["n_risks"].value == len(frame) == len(got["n_risks"].ids)
    assert got["n_high"].value == (frame["score"] >= register["risk_high_score"]).sum()
    assert "assumption:risk_high_score" in got["n_high"].ids and got["churn_min"].value <= got["churn_max"].value


def test_stress_values_name_the_shocks_only_where_shocks_were_applied(data):
    claims, stats, register, _ = data
    shocks = stress.select(stress.load(claims, register), ["outage"])
    runs = ch6.stress_runs(claims, stats, register, shocks, scenario="base", nowcast_adjustment="none", forecast_year=2026,
                           ci_level=0.95, n_sims=200, seed=3)
    got = ch6.stress_values(runs, shocks, "base", 2026)
    assert "shock:outage" in got["p_gmv_shock"].ids and "shock:outage" not in got["p_gmv_none"].ids
    assert got["n_shocks"].value == 1 and got["p_gmv_shock"].value <= got["p_gmv_none"].value


def test_no_shock_enabled_gives_an_empty_tornado_and_zero_drops():
    runs = {"ids": ("parameter:shocks_enabled",)}
    empty = ch6.tornado(None, None, pd.DataFrame(columns=["shock"]), runs)
    got = ch6.tornado_values(empty, runs, 2026)
    assert got["users_drop"].value == 0.0 and got["worst_shock"].value == "none (no shocks enabled)"


def test_the_shocks_table_names_assumptions_in_words_and_keeps_ledger_ids(data):
    claims, _, register, _ = data
    shocks = stress.load(claims, register)
    shown = ch6.shocks_table(shocks, register)
    sources = pd.concat([shown[c] for c in ("probability_source", "size_source", "exposure_source")])
    assert not sources.str.startswith("assumption:").any()
    assert f"assumed: {register.name('shock_cac_probability')}" in set(shown["probability_source"])
    ledger_ids = set(shocks["size_source"]) & set(claims["claim_id"])
    assert ledger_ids and ledger_ids <= set(shown["size_source"])      # the plan's figures keep their ledger ids
    assert ch6.shock_size("loss", 0.45) == "45% of those exposed lost" and ch6.shock_size("outage", 4.0) == "4 hours of trading"
    assert set(shocks["kind"]) <= set(ch6.SIZED_KINDS)
    assert shown["probability"].str.fullmatch(r"\d+% a year").all()        # a chance a year, as the text gives it                  # every kind in the data reads with its unit
