"""Chapter 7 (the same under every scenario): glued numbers equal a recomputation from the CSVs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, claim_value as claim, data_rows as rows, glued


def ledger(cid: str) -> dict:
    return next(r for r in rows("claims/claims.csv") if r["claim_id"] == cid)


def years(cid: str) -> int:
    """A claim's period in years, read here independently: `2024-2026` spans 3, `5 years` is 5."""
    period = ledger(cid)["period"]
    span = re.fullmatch(r"(\d{4})-(\d{4})", period)
    return int(span.group(2)) - int(span.group(1)) + 1 if span else int(re.fullmatch(r"(\d+) years", period).group(1))


def register(key: str) -> float:
    return float(next(r["value"] for r in rows("reference/assumptions.csv") if r["id"] == key))


def test_floor_horizons_come_from_the_claims():
    """The ROI floors' horizons are the claims' own periods (3年內 and 5年累計), not typed numbers."""
    assert years("000-7.3-06") == 3 and "3年內" in ledger("000-7.3-06")["quote"]
    assert years("000-7.3-18") == 5 and "5年累計" in ledger("000-7.3-18")["quote"]


def test_subsidy_dependence_is_in_section_2_2_not_chapter_6():
    """The summary attributes subsidy dependence to §2.2, because 000 §6 never mentions subsidies."""
    seed = (REPO / "data" / "seeds" / "000_e95546d9d54189b6.clean.txt").read_text(encoding="utf-8")
    six = seed[seed.index("六、社交電商用戶增長風險評估與應對策略6.1"):seed.index("七、社交電商用戶增長資源需求規劃7.1")]
    assert "補貼" not in six and "补贴" not in six
    assert "補貼依賴癥導致用戶忠誠度缺失" in seed
    nb = (REPO / "chapters" / "07_resources.ipynb").read_text(encoding="utf-8")
    assert "lists subsidy dependence" not in nb and "the plan's CAC of" not in nb


@pytest.mark.slow
def test_chapter7_numbers(executed):
    # the chapter reads no scenario parameter: it runs once, and the other scenarios reuse it (tests/test_results.py)
    v = glued(Path(executed["base"]) / "07_resources.ipynb")
    funding = [r for r in rows("reference/allocations.csv") if r["allocation"] == "Funding by phase"]
    assert v["funding_total"] == sum(float(r["share"]) for r in funding)
    assert v["phase_sum"] == sum(float(r["share"]) for r in funding if "separately" not in r["base"])
    assert v["first_phase_beside"] == pytest.approx(claim("000-7.3-01") * (100 - claim("000-7.3-19")) / 100)
    assert "ambiguous rather than contradictory" in v["reserve_reading"]
    # floors and horizons from the claims, the discount rate from the register
    floor, horizon, rate = claim("000-7.3-06"), years("000-7.3-06"), register("discount_rate_pct") / 100
    assert v["disc_g"] == register("discount_rate_pct")
    assert (v["infra_years"], v["cum_years"], v["npv_years_g"]) == (horizon, years("000-7.3-18"), horizon)
    assert v["req_gross"] == pytest.approx(100 * floor / horizon) and v["req_net"] == pytest.approx(100 * (1 + floor) / horizon)
    assert v["req_diff"] == pytest.approx(100 / horizon)
    annuity = sum((1 + rate) ** -t for t in range(1, horizon + 1))
    assert v["req_npv"] == pytest.approx(100 / annuity)
    # the marketing-ROI floor: §3.3 (1.5以上) against §7.3 (1:3以上)
    m33, m73 = claim("000-3.3-13"), claim("000-7.3-12")
    assert v["mkt_ratio"] == pytest.approx(max(m33, m73) / min(m33, m73))
    assert "000-3.3-13" in v["mkt_floors"] and "000-7.3-12" in v["mkt_floors"] and v["mkt_short"] == ("agrees" if m33 == m73 else "differs")
    for cid, phase in (("000-7.3-06", "2024"), ("000-7.3-12", "2025"), ("000-7.3-18", "2026")):
        assert f"({cid}) to the {phase}" in v["floor_phases"]
    # unit economics: an illustration across scopes, labelled
    base = claim("000-3.1-03") / (1 + claim("000-8.1-02") / 100)
    assert v["users_base"] == pytest.approx(base)
    assert v["per_new_user"] == pytest.approx(1 / claim("000-3.2-01"))
    assert v["per_base_user"] == pytest.approx(1 / base)
    assert "20.0 元 per new user of the industry" in v["largest_case"]  # 50亿元 ÷ 2.5亿 new users
    assert "one named platform's own budget" in v["largest_case"]
    assert "head platform" in v["cac_scope"] and "000-3.3-10" in v["cac_scope"]  # 89 元 is 000-2.1-03's, adopted in §3.3
    amounts = {r["case"]: claim(r["investment_source"]) for r in rows("reference/investments.csv")}
    others = [a for c, a in amounts.items() if c != "Pinduoduo 百亿补贴"]
    assert v["others_cac"] == pytest.approx(100 * max(others) / claim("000-3.2-01") / claim("000-2.1-03"))
    assert v["others_ltv"] == pytest.approx(100 * max(others) / base / claim("000-3.1-10"))
    # the subsidy over Pinduoduo's own active buyers (latest accepted count in data/official)
    pdd = sorted((r for r in rows("official/statistics.csv") if r["series_id"] == "pdd_active_buyers"
                  and r["grade"] in ("yes", "yes-secondary") and r["value_canonical"]), key=lambda r: r["period_end"])[-1]
    assert v["pdd_year"] == int(pdd["period"]) and v["pdd_buyers"] == pytest.approx(float(pdd["value_canonical"]))
    assert v["pdd_per_buyer"] == pytest.approx(amounts["Pinduoduo 百亿补贴"] / float(pdd["value_canonical"]))
    assert ("outnumber" in v["pdd_base"]) == (float(pdd["value_canonical"]) > base)
