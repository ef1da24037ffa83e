"""Chapter 7's package functions (growthpath.analysis.ch07_resources) and the shared verdict counts (growthpath.analysis.effects): values
name the claims and observations they were computed from."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.data import official
from growthpath.analysis import effects, investment, ch07_resources


def test_floor_values_name_the_floor_they_read(data):
    claims, _, register = data
    f = ch07_resources.floors(claims, register)
    got = ch07_resources.floor_values(f, register)
    assert got["req_net"].value - got["req_gross"].value == pytest.approx(got["req_diff"].value)
    assert got["req_gross"].ids == (f["infra"]["claim_id"],)
    assert got["req_npv"].ids == (f["infra"]["claim_id"], "assumption:discount_rate_pct")


def test_the_subsidy_is_spread_over_the_platforms_own_buyers(data):
    claims, stats, register = data
    b = ch07_resources.bridge(claims, investment.cases(claims))
    got = ch07_resources.subsidy(b, stats)
    pdd = official.latest(stats, "pdd_active_buyers")
    assert pdd["obs_id"] in got["pdd_per_buyer"].ids and got["pdd_year"].value == int(pdd["period"])
    amount = b["frame"].set_index("case").loc[ch07_resources.SUBSIDY, "amount"]
    assert got["pdd_per_buyer"].value == pytest.approx(investment.per_user_needed(amount, pdd["value_canonical"]))


def test_verdict_counts_name_the_claims_counted():
    found = pd.DataFrame({"claim_id": ["004-5.1-01", "004-5.1-02", "004-5.2-01"],
                          "verdict": ["anonymous case", "anonymous case", "generic claim, no source"]})
    got = effects.verdict_values(found, "n", "words")
    assert got["n"].value == 3 and got["n"].ids == tuple(found["claim_id"])
    assert got["words"].value == ("2 come from unnamed companies and 1 is a generic claim naming no company or source (an "
                                  "industry, a campaign type or a model)") and got["words"].markdown
    one = pd.Series(["flagged by the audit", "cited study, no reference", "cited study, no reference"])
    assert effects.counted(one) == "1 is flagged by the audit and 2 are attributed to a study without a reference"
    assert got["n"].computed_by == "growthpath.analysis.effects.verdict_values"


def test_verdicts_in_reads_the_sections_of_one_document(data):
    claims, _, _ = data
    found = effects.verdicts_in(claims, [], "004", "5.1", "5.2")
    assert set(found["claim_id"].str[:7]) <= {"004-5.1", "004-5.2"} and len(found) > 0
