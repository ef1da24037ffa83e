"""Chapter 1's package functions (growthpath.analysis.ch01_background): each value names the claims and official observations
it was computed from, and the sentences follow the numbers."""
from __future__ import annotations

import pytest

from growthpath.data import claims as ledger, official, provenance
from growthpath.analysis import ch01_background, market


def test_the_plans_own_growth_names_only_the_claims_it_divides(data):
    claims, stats, _ = data
    got = ch01_background.growth_claims(claims, stats)
    first = ledger.pick(claims, doc="000", section="1.1", metric="market_size", period="2020", scope="market")
    last = ledger.pick(claims, doc="000", section="1.1", metric="market_size", period="2026", scope="market")
    assert got["cagr_2020_2026"].ids == (first["claim_id"], last["claim_id"])
    assert got["cagr_2020_2026"].value == pytest.approx(100 * ((last["value_canonical"] / first["value_canonical"]) ** (1 / 6) - 1))
    nbs = official.observation(stats, "nbs_online_retail", "2024")
    assert nbs["obs_id"] in got["share_004_2024"].ids and len(got["share_004_2024"].ids) == 2


def test_an_observation_is_the_best_graded_row_of_its_period(data):
    _, stats, _ = data
    row = official.observation(stats, "nbs_online_retail", "2023")
    assert row["obs_id"] == "nbs_online_retail:2023" and row["value_canonical"] == official.value_at(stats, "nbs_online_retail", "2023")
    with pytest.raises(LookupError):
        official.observation(stats, "nbs_online_retail", "1900")


def test_outlook_values_name_the_anchor_the_reading_and_the_assumption_behind_the_interval(data):
    claims, stats, register = data
    out = market.outlook(stats, forecast_year=2026, ci_level=0.9, nowcast_adjustment="none",
                         revision_sd_pp=register["ytd_revision_sd_pp"])
    got = ch01_background.outlook(out, stats, register, "base", 2026, 0.9)
    assert got["base_mean"].ids == (out["anchor"]["obs_id"], out["nowcast"]["obs_id"], "assumption:ytd_revision_sd_pp",
                                    "parameter:ci_level")
    assert got["ci_pct"].value == pytest.approx(90) and got["base_mean"].kind == "projection"
    with provenance.capture() as read:
        market.outlook(stats, forecast_year=2026, ci_level=0.9, nowcast_adjustment="none",
                       revision_sd_pp=register["ytd_revision_sd_pp"])
    official_ids = {i for v in got.values() for i in v.ids if ":" in i and i.split(":")[0] not in
                    ("assumption", "parameter", "scenario")}
    assert official_ids - {got["new_series_h1"].ids[0], *got["nowcast_source"].ids} <= set(read)   # nothing it did not read


def test_policy_counts_add_up_and_name_their_policies():
    from growthpath.analysis import policy

    got = ch01_background.policy_years(policy.load())
    counted = sum(got[f"policy_{v.replace(' ', '_')}"].value for v in ch01_background.VERDICTS)
    assert counted == got["policy_n"].value == len(got["policy_n"].ids)
    assert all(len(got[f"policy_{v.replace(' ', '_')}"].ids) == got[f"policy_{v.replace(' ', '_')}"].value
               for v in ch01_background.VERDICTS if got[f"policy_{v.replace(' ', '_')}"].value)


def test_evidence_counts_name_the_claims_counted(data):
    claims, _, _ = data
    got = ch01_background.evidence_kinds(claims)
    assert len(got["ch1_n_claims"].ids) == got["ch1_n_claims"].value == (claims["chapter"] == 1).sum()
    assert len(got["s13_n_case"].ids) == got["s13_n_case"].value
    assert got["s13_case_share"].value == pytest.approx(100 * got["s13_n_case"].value / got["s13_n"].value)


def test_genz_ages_name_the_birth_year_they_subtract_from(data):
    claims, stats, _ = data
    got = ch01_background.genz(claims, stats, 2030)
    end = ledger.pick(claims, doc="004", metric="z_gen_birth_year_end", scope="segment")
    assert got["genz_age_min"].value == 2030 - end["value"] and got["genz_age_min"].ids == (end["claim_id"],)
    assert got["census_pop"].ids and all(i.startswith("census_population:") for i in got["census_pop"].ids)
