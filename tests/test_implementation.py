"""Chapter 5's package functions (growthpath.analysis.ch05_implementation): the sentences follow the numbers and each value
names the claims and assumptions it was computed from."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.data import assumptions, claims as ledger
from growthpath.analysis import ch05_implementation as ch5


@pytest.fixture(scope="module")
def data():
    return ledger.load(), assumptions.load()


def test_the_migration_verdict_follows_the_gap(data):
    claims, _ = data
    got = ch5.migration(claims)
    will = ledger.pick(claims, doc="000", metric="cross_platform_migration_willingness", scope=("market", "segment"))
    goal = ledger.pick(claims, doc="000", metric="cross_platform_migration_rate_target", scope="market")
    assert got["mig_gap"].value == goal["value"] - will["value"] and got["mig_gap"].ids == (goal["claim_id"], will["claim_id"])
    above = goal["value"] > will["value"]
    assert got["mig_bullet"].value.startswith("**Ambitious:**" if above else "**Within stated willingness:**")
    flipped = claims.assign(value=claims["value"].where(claims["claim_id"] != goal["claim_id"], will["value"] - 1))
    assert ch5.migration(flipped)["mig_bullet"].value.startswith("**Within stated willingness:**")


def test_the_margin_verdict_reads_the_registers_range(data):
    claims, register = data
    low = register.with_overrides(gross_margin_pct=30.0)
    got = ch5.margins(claims, low)
    assert got["margin_g"].value == 30.0 and got["margin_g"].ids == ("assumption:gross_margin_pct",)
    assert (got["margin_lo"].value, got["margin_hi"].value) == register.range("gross_margin_pct")
    assert got["margin_verdict"].value.startswith("a lower-tier order covers its logistics only where")


def test_source_texts_name_their_claims():
    assert ch5.ledger_ids("000-3.2-08 → 000-3.2-09; 004-5.1b-02") == ["000-3.2-08", "000-3.2-09", "004-5.1b-02"]


def test_experiment_counts_add_up_by_unit(data):
    claims, register = data
    plan = ch5.experiment_plan(claims, register)
    got = ch5.experiments(plan, claims, register)
    assert sum(got[f"n_{u}"].value for u in ch5.UNITS) == len(plan)
    assert "assumption:icc" in got["cl_users"].ids and got["de_g"].ids == ("assumption:icc", "assumption:cluster_size")

