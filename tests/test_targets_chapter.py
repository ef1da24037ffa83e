"""Chapter 3's package functions (growthpath.analysis.ch03_targets): each value names what it was computed from, and
a simulated value names what its simulation read."""
from __future__ import annotations

import pytest

from growthpath.data import claims as ledger, provenance
from growthpath.analysis import targets, ch03_targets as ch3


def test_the_gmv_base_names_the_target_and_its_rate(data):
    claims, stats, register = data
    got = ch3.gmv_targets(claims, stats, register, 2026, 0.95)
    target = ledger.pick(claims, doc="000", section="3.1", metric="gmv_target", scope="market")
    rate = ledger.pick(claims, doc="000", section="3.1", metric="gmv_cagr_target", scope="market")
    assert got["gmv_base_implied"].ids == (target["claim_id"], rate["claim_id"], "parameter:forecast_year")
    assert got["gmv_base_implied"].value == pytest.approx(target["value_canonical"] / (1 + rate["value"] / 100) ** 3)
    assert all(i.startswith("nbs_online_retail_growth:") for i in got["hist_online"].ids) and len(got["hist_online"].ids) >= 2


def test_the_kpi_counts_name_the_claims_of_the_targets_counted(data):
    claims, _, _ = data
    kpis = targets.table(claims)
    got = ch3.kpi_values(kpis)
    assert got["n_targets"].value == len(kpis) and len(got["n_targets"].ids) == 2 * len(kpis)
    assert got["n_targets_flagged"].value == 0    # no findings given: nothing flagged


def test_source_texts_are_read_for_the_ids_they_name(data):
    _, stats, _ = data
    text = "cnnic_online_shoppers:2023-12 → cnnic_online_shoppers:2024-12; 000-3.2-01: 2.5 亿 new users"
    assert ch3._ids_in(text, stats) == ("000-3.2-01", "cnnic_online_shoppers:2023-12", "cnnic_online_shoppers:2024-12")


def test_a_simulated_value_names_what_the_simulation_read_and_its_assumptions(data):
    claims, stats, register = data
    sim = ch3.simulate_users(claims, stats, register, 2026, 200, 7)
    with provenance.capture() as read:
        again = ch3.simulate_users(claims, stats, register, 2026, 200, 7)
    assert set(sim["ids"]) - set(ch3.RUN) == set(read) and sim["p_users"] == again["p_users"]
    assert {"assumption:user_share_gain_pp", "assumption:user_growth_sd_pp"} <= set(sim["ids"])
    got = ch3.users_values(sim, stats, register, 2026, 0.9)
    assert got["users_2026_lo"].value <= got["users_2026"].value <= got["users_2026_hi"].value
    assert "parameter:ci_level" in got["users_2026_lo"].ids and got["p_users"].kind == "probability"


def test_a_target_is_graded_by_published_findings_never_by_one_the_review_rejected():
    from growthpath.analysis import targets
    from growthpath.audit import registry
    from growthpath.data import claims

    ledger = claims.load()
    table = targets.table(ledger, [])
    row = table.iloc[0]
    ids = ledger[ledger["metric"].isin(targets.spec().set_index("target_id").loc[row["target_id"], ["baseline_metric", "target_metric"]])]["claim_id"]
    cite = lambda review: registry.Finding("shares_sum", "contradiction", [registry.Ref("000", "3.3", ids.iloc[0])], {}, "f", "r", "m.",
                                           review=review)
    graded = lambda findings: targets.table(ledger, findings).set_index("target_id").loc[row["target_id"]]
    assert graded([cite("rejected")]).equals(graded([]))
    assert not graded([cite("")]).equals(graded([]))      # the same finding, published, changes the grade
