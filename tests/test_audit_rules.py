"""Each audit rule on small synthetic ledgers: a case where it must fire and one where it must not."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.audit import engine
from growthpath.audit import rules  # noqa: F401

COLS = ["claim_id", "doc", "section", "metric", "entity", "period", "kind", "value", "unit", "value_canonical",
        "canonical_unit", "quote", "quote_zh"]
FACTORS = {"%": ("%", 1), "万亿元": ("亿元", 1e4), "亿元": ("亿元", 1), "元/人": ("元/人", 1), "亿人": ("亿人", 1),
           "个百分点": ("pp", 1), "倍": ("×", 1)}


def claim(cid, metric, value, unit, period="", kind="observed", entity="industry", quote="", doc=None, section=None):
    doc = doc or cid[:3]
    section = section or cid.split("-")[1]
    cu, factor = FACTORS[unit]
    return dict(zip(COLS, [cid, doc, section, metric, entity, period, kind, value, unit, value * factor, cu,
                           quote or f"q{cid}", quote or f"q{cid}"]))


def stats(rows=()):
    df = pd.DataFrame(rows, columns=["series_id", "period", "value_canonical"])
    df["value"], df["grade"], df["qualifier"], df["canonical_unit"] = df["value_canonical"], "yes", "", ""
    df["obs_id"] = df["series_id"] + ":" + df["period"]
    df["period_end"] = pd.to_datetime([p[:4] + "-12-31" for p in df["period"]])
    return df


FAMILIES = pd.DataFrame([
    ("market_size", "", "market", "level"), ("gmv", "", "platform_gmv", "level"), ("live_size", "", "live", "level"),
    ("market_cagr", "", "market_growth", "annual_rate"), ("share_of_retail", "", "market_share_of_retail", "share"),
    ("live_share", "", "live_share_of_market", "share"), ("users", "", "users", "level"),
    ("user_pen", "", "user_penetration", "share"), ("acc", "", "accuracy", "share"), ("acc_target", "", "accuracy", "share"),
    ("kol_w", "", "influence", "part_share"), ("koc_w", "", "influence", "part_share"), ("user_w", "", "influence", "part_share"),
], columns=["metric", "entity_pattern", "family", "measure"])
RELATIONS = pd.DataFrame([
    ("platform_gmv", "part_of", "market", ""), ("live", "part_of", "market", ""),
    ("market_share_of_retail", "share_of_series", "retail", "market"), ("market_growth", "growth_of", "market", ""),
    ("live_share_of_market", "part_share", "market", "live"),
], columns=["family", "relation", "whole", "gives"])
BOUNDS = pd.DataFrame([("users", "netizens", "part_of", 0.9, "every user is a netizen")],
                      columns=["family", "series_id", "kind", "near_ratio", "note"])


def run(rule, claims, official=()):
    ctx = engine.Context(pd.DataFrame(claims, columns=COLS), stats(official), FAMILIES, RELATIONS, BOUNDS)
    r = engine.RULES[rule]
    return r.func(ctx, **r.defaults)


def test_growth_vs_endpoints():
    base = [claim("000-2.1-01", "cac_annual_growth", 22, "%", "2021-2023"),
            claim("000-2.1-02", "cac_start", 35, "元/人", "2021-2023"), claim("000-2.1-03", "cac_end", 89, "元/人", "2021-2023")]
    found = run("growth_vs_endpoints", base)
    assert len(found) == 1 and found[0].severity == "contradiction" and "59.5 %" in found[0].result
    consistent = base[:1] + [claim("000-2.1-02", "cac_start", 35, "元/人", "2021-2023"),
                             claim("000-2.1-03", "cac_end", 52.1, "元/人", "2021-2023")]  # 35 × 1.22² ≈ 52.1
    assert run("growth_vs_endpoints", consistent) == []
    industry_wording = [claim("000-2.1-01", "cac_annual_growth", 22, "%", "2021-2023", entity="industry (social e-commerce)")] + base[1:]
    assert run("growth_vs_endpoints", industry_wording)[0].severity == "contradiction"  # every 'industry…' entity is the industry


def test_growth_vs_endpoints_needs_one_entity():
    """An industry rate beside one platform's endpoints (000 §2.1's CAC) is two scopes: never a
    contradiction, only an unclear note of how the platform compares if over the same years."""
    rate = claim("000-2.1-01", "cac_annual_growth", 22, "%", "2021-2023", entity="industry")
    platform = [claim("000-2.1-02", "cac_start", 35, "元/人", "2021-2023", entity="unnamed head platform"),
                claim("000-2.1-03", "cac_end", 89, "元/人", "2021-2023", entity="unnamed head platform")]
    found = run("growth_vs_endpoints", [rate] + platform)
    assert len(found) == 1 and found[0].severity == "unclear"
    assert "two scopes" in found[0].message and "faster than the stated rate for the industry" in found[0].message
    assert found[0].inputs["rate_entity"] == "industry" and found[0].inputs["endpoints_entity"] == "unnamed head platform"
    named = [claim("000-2.1-02", "cac_start", 35, "元/人", "2021-2023", entity="Pinduoduo"),
             claim("000-2.1-03", "cac_end", 89, "元/人", "2021-2023", entity="Pinduoduo")]
    assert run("growth_vs_endpoints", [claim("000-2.1-01", "cac_annual_growth", 22, "%", "2021-2023", entity="Douyin")] + named)[0].severity == "unclear"
    # endpoints of two different entities are not a start and an end of one series
    mixed = [platform[0], claim("000-2.1-03", "cac_end", 89, "元/人", "2021-2023", entity="industry")]
    assert run("growth_vs_endpoints", [rate] + mixed) == []
    assert rules.entity_scope("Industry average") == rules.entity_scope("industry") != rules.entity_scope("unnamed head platform")


def test_target_implied_base():
    target = [claim("000-3.1-01", "market_cagr", 22, "%", "2024-2026", "target"),
              claim("000-3.1-02", "market_size", 7, "万亿元", "2026", "target")]
    ok = target + [claim("000-1.1-01", "market_size", 3.9, "万亿元", "2023")]          # 7/1.22³ = 3.85
    assert run("target_implied_base", ok) == []
    bad = target + [claim("004-1.2-01", "market_size", 5.7, "万亿元", "2024")]         # path gives 4.70 in 2024
    found = run("target_implied_base", bad)
    assert len(found) == 1 and found[0].inputs["year"] == 2024
    assert found[0].severity == "unclear"          # the other document's figure: maybe another market
    same_doc = target + [claim("000-1.2-01", "market_size", 5.7, "万亿元", "2024")]
    assert [f.severity for f in run("target_implied_base", same_doc)] == ["contradiction"]


def test_parts_vs_whole_and_part_exceeds_whole():
    parts = [claim("000-1.5-01", "gmv", 4.5, "万亿元", "2023", entity="A"), claim("000-1.5-02", "gmv", 3.2, "万亿元", "2023", entity="B"),
             claim("000-1.5-03", "combined_market_share", 68, "%", "2023")]
    share = [claim("000-1.1-01", "share_of_retail", 25.3, "%", "2023")]
    official = [("retail", "2023", 154264.0)]
    found = run("parts_vs_whole", parts + share, official)
    assert len(found) == 1 and found[0].inputs["implied_total"] == pytest.approx(77000 / 0.68, rel=1e-6)
    assert run("parts_vs_whole", parts + [claim("000-1.1-01", "share_of_retail", 73.4, "%", "2023")], official) == []
    exceed = run("part_exceeds_whole", parts + share, official)
    assert {f.refs[0].claim_id for f in exceed} == {"000-1.5-01"}  # 4.5万亿 > 3.9万亿; 3.2万亿 is not
    assert run("part_exceeds_whole", parts, official) == []  # no reading of the whole that year


def test_part_share_gives_a_whole():
    claims_ = [claim("000-1.1-01", "live_size", 4.9, "万亿元", "2023"), claim("000-3.1-01", "live_share", 38, "%", "2023"),
               claim("000-1.1-02", "share_of_retail", 25.3, "%", "2023")]
    found = run("parts_vs_whole", claims_, [("retail", "2023", 154264.0)])
    assert len(found) == 1 and found[0].inputs["implied_total"] == pytest.approx(49000 / 0.38)


def test_shares_sum():
    good = [claim("004-2.2-01", "decision_share_social", 42, "%"), claim("004-2.2-02", "decision_share_search", 35, "%"),
            claim("004-2.2-03", "decision_share_scene", 23, "%")]
    assert run("shares_sum", good) == []
    over = [claim("004-2.3-02", "payment_market_share", 67, "%", entity="A"), claim("004-2.3-03", "payment_market_share", 53, "%", entity="B")]
    found = run("shares_sum", over)
    assert found[0].severity == "contradiction" and found[0].result == "120 %"
    under = good[:2]
    assert run("shares_sum", under)[0].severity == "unclear"
    weights = [claim("004-2.1-01", "kol_w", 38, "%"), claim("004-2.1-02", "koc_w", 52, "%"), claim("004-2.1-03", "user_w", 31, "%")]
    assert run("shares_sum", weights)[0].result == "121 %"  # a metric family of parts of one whole
    assert run("shares_sum", weights[:2] + [claim("004-2.1-03", "user_w", 10, "%")]) == []
    targets = [claim("000-3.1-13", "x_share_baseline", 15, "%"), claim("000-3.1-14", "x_share_target", 25, "%")]
    assert run("shares_sum", targets) == []  # a baseline and a target are not parts


def test_same_quantity_different_values():
    a = claim("000-3.4-01", "acc_target", 85, "%", "2026", "target")
    b = claim("004-1.2-01", "acc", 92, "%", "2026", "forecast")
    found = run("same_quantity_different_values", [a, b])
    assert len(found) == 1 and found[0].severity == "unclear"
    obs = [claim("000-1.1-01", "market_size", 3.2, "万亿元", "2020"), claim("000-3.1-01", "market_size", 32000, "亿元", "2020")]
    assert run("same_quantity_different_values", obs) == []  # equal once units are normalised
    platforms = [claim("000-1.5-01", "gmv", 4.5, "万亿元", "2023", entity="A"), claim("000-1.5-02", "gmv", 3.2, "万亿元", "2023", entity="B")]
    assert run("same_quantity_different_values", platforms) == []  # parts differ by entity


def test_one_number_two_meanings():
    two = [claim("000-1.1-01", "share_of_retail", 25.3, "%", "2023"), claim("000-8.1-01", "user_pen", 25.3, "%", "current (2023)")]
    assert len(run("one_number_two_meanings", two)) == 1
    ranged = [claim("000-2.1-01", "share_of_retail", 25.3, "%", "2021-2023"), claim("000-8.1-01", "user_pen", 25.3, "%", "2023")]
    assert len(run("one_number_two_meanings", ranged)) == 1  # a range ending in the same year counts
    round_numbers = [claim("000-1.1-01", "share_of_retail", 25, "%", "2023"), claim("000-8.1-01", "user_pen", 25, "%", "2023")]
    assert run("one_number_two_meanings", round_numbers) == []


def test_duplicated_passage():
    same = [claim("000-2.1-01", "x", 1, "%", quote="同一句话"), claim("000-6.3-01", "x", 1, "%", quote="同一句话")]
    found = run("duplicated_passage", same)
    assert len(found) == 1 and found[0].inputs["sections"] == "2.1, 6.3"
    assert run("duplicated_passage", [claim("000-2.1-01", "x", 1, "%", quote="一"), claim("000-6.3-01", "x", 1, "%", quote="二")]) == []


def test_pp_difference():
    rows = [claim("000-2.3-01", "rate_a", 28, "%"), claim("000-2.3-02", "rate_b", 45, "%", quote="较传统电商平台(45%)低17个百分点"),
            claim("000-2.3-03", "gap", 17, "个百分点", quote="较传统电商平台(45%)低17个百分点")]
    assert run("pp_difference", rows) == []
    rows[2] = claim("000-2.3-03", "gap", 12, "个百分点", quote="较传统电商平台(45%)低12个百分点")
    rows[1] = claim("000-2.3-02", "rate_b", 45, "%", quote="较传统电商平台(45%)低12个百分点")
    assert run("pp_difference", rows)[0].result == "17 pp"


def test_percent_or_points():
    rows = [claim("000-5.2-01", "conversion_increase", 30, "%", quote="使转化率提升30%")]
    assert len(run("percent_or_points", rows)) == 1
    assert run("percent_or_points", [claim("000-5.2-01", "x", 30, "%", quote="使转化率提升至30%")]) == []  # a level
    assert run("percent_or_points", [claim("000-5.2-01", "x", 30, "%", quote="使效率提升30%")]) == []      # not a rate


def test_times_ambiguity():
    assert run("times_ambiguity", [claim("000-6.2-01", "x", 10, "倍", quote="使系统承载能力提升10倍")])[0].result == "×10 or ×11"
    assert run("times_ambiguity", [claim("000-1.3-01", "x", 1.8, "倍", quote="复购率提升至行业平均水平的1.8倍")]) == []


def test_bounds_official():
    official = [("netizens", "2023-12", 10.92), ("netizens", "2025-12", 11.25)]
    past = run("bounds_official", [claim("000-1.1-01", "users", 11.5, "亿人", "2023")], official)
    assert past[0].severity == "contradiction"
    future = run("bounds_official", [claim("000-3.1-01", "users", 11.7, "亿人", "2026", "target")], official)
    # a later year's target above the latest count is not impossible: it says how fast the bound must grow
    assert future[0].severity == "unclear" and "2025-12" in future[0].message
    assert "grows at least 4.0% a year" in future[0].message   # 11.7 / 11.25 over one year
    assert run("bounds_official", [claim("000-3.1-01", "users", 5, "亿人", "2026", "target")], official) == []


def test_rate_outside_range():
    assert len(run("rate_outside_range", [claim("000-1.1-01", "repurchase_rate", 120, "%")])) == 1
    assert run("rate_outside_range", [claim("000-1.1-01", "market_growth_yoy", 120, "%")]) == []


def test_cross_doc_growth():
    rows = [claim("000-3.1-01", "market_cagr", 22, "%", "2024-2026", "target"), claim("004-1.2-01", "market_cagr", 6.3, "%", "(unstated base)-2024")]
    found = run("cross_doc_growth", rows)
    assert found[0].result == "3.5×" and found[0].severity == "unclear"   # two documents: a difference to explain
    rows[1] = claim("004-1.2-01", "market_cagr", 15, "%", "(unstated base)-2024")
    assert run("cross_doc_growth", rows) == []


def test_every_rule_is_tested_and_documented():
    import inspect
    source = inspect.getsource(inspect.getmodule(test_cross_doc_growth))
    for name, r in engine.RULES.items():
        assert f'"{name}"' in source, f"rule {name} has no test"
        assert r.doc and r.title


def test_finding_requires_refs_and_known_severity():
    with pytest.raises(ValueError):
        engine.Finding("x", "bad", [engine.Ref("000", "1.1", "000-1.1-01")], {}, "", "", "")
    with pytest.raises(ValueError):
        engine.Finding("x", "unclear", [], {}, "", "", "")
