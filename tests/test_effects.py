"""Effect claims: which claims count, their multiplier, and their verdict."""
from __future__ import annotations

import math
import re

import pytest

from growthpath import audit
from growthpath.data import claims
from growthpath.analysis import effects


@pytest.mark.parametrize("metric,value,unit,want", [
    ("conversion_increase", 14, "%", 1.14), ("cac_reduction", 70, "%", 0.30), ("repurchase_vs_avg", 2.3, "倍", 2.3),
    ("gap_vs_industry", 20, "个百分点", math.nan)])
def test_multiplier(metric, value, unit, want):
    got = effects.multiplier(metric, value, unit)
    assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want)


def test_verdicts_follow_the_evidence():
    assert effects.verdict("unnamed beauty brand", False) == "anonymous case"
    assert effects.verdict("Barabási (cited)", False) == "cited study, no reference"
    assert effects.verdict("industry (fission optimization)", False) == "generic claim, no source"
    assert effects.verdict("Xiaomi", False) == "named case, no source"
    assert effects.verdict("Xiaomi", True) == "flagged by the audit"


def test_real_ledger_chapter_four():
    C, F = claims.load(), audit.run()
    places = [("000", "4.1"), ("004", "3.1")]
    E = effects.effect_claims(C, F, places)
    assert set(zip(E["doc"], E["section"])) <= set(places)
    assert "004-3.1-03" in set(E["claim_id"]) and "004-3.1-01" not in set(E["claim_id"])  # a price is not an effect
    flagged = E.set_index("claim_id").loc["004-3.1-03"]
    assert "percent_or_points" in flagged["audit"] and flagged["verdict"] == "flagged by the audit"
    counts = effects.summary(E)
    assert counts["n"] == len(E) == sum(counts[v] for v in effects.VERDICTS)


def test_no_claims_no_effects():
    empty = claims.load().iloc[0:0]
    assert effects.effect_claims(empty).empty and effects.summary(effects.effect_claims(empty))["n"] == 0


def test_every_verdict_has_a_colour():
    from growthpath.charts import theme
    assert set(theme.EVIDENCE_COLOURS) == set(effects.VERDICTS)


def test_breakdown_names_every_verdict_and_adds_up():
    C, F = claims.load(), audit.run()
    places = [("000", s) for s in ("4.1", "4.2", "4.3", "4.4")] + [("004", s) for s in ("3.1", "3.2", "3.3", "3.4")]
    counts = effects.summary(effects.effect_claims(C, F, places))
    text = effects.breakdown(counts)
    shown = [v for v in effects.VERDICTS if counts[v]]
    assert "generic claim, no source" in shown  # the category Chapter 4 used to leave out
    printed = {}
    for v in shown:  # "<count> <verb> <phrase>" for each verdict with claims
        phrase = effects.VERDICT_PHRASES[v][counts[v] > 1]
        printed[v] = int(re.search(rf"(\d+) {re.escape(phrase)}", text).group(1))
    assert printed == {v: counts[v] for v in shown} and sum(printed.values()) == counts["n"]
    assert effects.breakdown({"n": 1, **{v: int(v == "anonymous case") for v in effects.VERDICTS}}) == "1 comes from an unnamed company"
    with pytest.raises(ValueError, match="add up"):
        effects.breakdown({**counts, "n": counts["n"] + 1})
