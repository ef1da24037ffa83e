"""Each audit rule on small synthetic ledgers: a case where it must fire and one where it must not."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.audit import registry
from growthpath.audit import rules, worked  # noqa: F401

COLS = ["claim_id", "doc", "section", "metric", "entity", "period", "kind", "value", "unit", "value_canonical",
        "canonical_unit", "quote", "quote_zh", "entity_id", "entity_type", "programme", "scope", "form", "of_whole",
        "subject", "baseline_ref"]
FACTORS = {"%": ("%", 1), "万亿元": ("亿元", 1e4), "亿元": ("亿元", 1), "元/人": ("元/人", 1), "亿人": ("亿人", 1),
           "个百分点": ("pp", 1), "倍": ("×", 1), "元": ("元", 1), "天": ("天", 1), "分钟": ("小时", 1 / 60),
           "次/月": ("次/月", 1)}


def claim(cid, metric, value, unit, period="", kind="observed", entity="industry", quote="", doc=None, section=None,
          entity_id=None, entity_type=None, programme="", scope=None, form=None, of_whole="", subject=None, baseline_ref=""):
    """One synthetic claim; structure columns default to the market's own figure of `metric`."""
    doc = doc or cid[:3]
    section = section or cid.split("-")[1]
    cu, factor = FACTORS[unit]
    market = entity.startswith("industry")
    entity_id = entity_id or ("market" if market else entity.lower().replace(" ", "_"))
    entity_type = entity_type or ("market" if market else "platform")
    form = form or {"target": "target_level", "forecast": "forecast_level"}.get(kind, "level")
    return dict(zip(COLS, [cid, doc, section, metric, entity, period, kind, value, unit, value * factor, cu,
                           quote or f"q{cid}", quote or f"q{cid}", entity_id, entity_type, programme,
                           scope or ("market" if market else "company"), form, of_whole, subject or metric, baseline_ref]))


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


def run(rule, claims, official=(), seeds=None, facts=None):
    ctx = registry.Context(pd.DataFrame(claims, columns=COLS), stats(official), FAMILIES, RELATIONS, BOUNDS,
                         facts=facts, seeds=seeds)
    r = registry.RULES[rule]
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


def test_same_subject_different_values():
    a = claim("000-1.4-01", "repurchase", 28, "%", quote="行业平均复购率为28%")
    b = claim("000-2.3-01", "repurchase", 35, "%", quote="行业复购率35%")
    found = run("same_subject_different_values", [a, b])
    assert len(found) == 1 and found[0].severity == "contradiction"
    # same figure once in 万亿元 and once in 亿元: equal, no finding
    obs = [claim("000-1.1-01", "market_size", 3.2, "万亿元", "2020"), claim("000-3.1-01", "market_size", 32000, "亿元", "2020")]
    assert run("same_subject_different_values", obs) == []
    # different entities, scopes, stages or years are never compared
    assert run("same_subject_different_values", [a, claim("000-2.3-01", "repurchase", 35, "%", entity="Pinduoduo")]) == []
    assert run("same_subject_different_values", [a, claim("000-2.3-01", "repurchase", 35, "%", scope="gen_z")]) == []
    assert run("same_subject_different_values", [claim("000-3.1-01", "m", 5, "万亿元", "2026", "target"),
                                                 claim("000-1.1-01", "m", 4, "万亿元", "2026")]) == []
    assert run("same_subject_different_values", [claim("000-1.1-01", "m", 5, "万亿元", "2023"),
                                                 claim("000-1.2-01", "m", 4, "万亿元", "2024")]) == []
    # two programmes of one firm, or two phases of the plan, are different initiatives
    firm = dict(entity="Pinduoduo", subject="share_conversion", entity_type="platform")
    assert run("same_subject_different_values", [claim("000-4.1-01", "x", 23, "%", programme="砍一刀", **firm),
                                                 claim("000-4.2-01", "x", 15, "%", programme="百亿补贴", **firm)]) == []
    phase = dict(entity="plan", entity_id="plan", entity_type="plan", scope="project", subject="phase_duration", form="duration")
    assert run("same_subject_different_values", [claim("004-5.1b-01", "p1", 3, "%", programme="phase 1", **phase),
                                                 claim("004-5.1b-03", "p2", 6, "%", programme="phase 2", **phase)]) == []


def test_same_subject_one_initiative_named_two_ways():
    """One campaign whose ledger name is longer in one place ('… campaign') is still one initiative; two
    programmes that share a word are not."""
    brand = dict(entity="Brand", entity_type="case", scope="programme", subject="duplicate_reach", form="share")   # named: one firm
    a = claim("000-2.5-02", "dup", 30, "%", programme="cross-platform marketing", **brand)
    b = claim("000-6.4-02", "dup", 45, "%", programme="cross-platform marketing campaign", **brand)
    assert [f.severity for f in run("same_subject_different_values", [a, b])] == ["contradiction"]
    other = claim("000-6.4-02", "dup", 45, "%", programme="private-domain marketing", **brand)
    assert run("same_subject_different_values", [a, other]) == []


def test_same_subject_growth_per_year_vs_cumulative():
    """22 % a year over 2024–2026 is +49 % (two years) or +82 % (three) in total: 82 % agrees, 120 % does not."""
    annual = claim("000-3.1-01", "g", 22, "%", "2024-2026", "target", form="target_growth", quote="年均增长22%")
    ok = claim("000-8.1-01", "g", 82, "%", "2024-2026", "target", form="target_growth", quote="较当前增长82%")
    assert run("same_subject_different_values", [annual, ok]) == []
    bad = claim("000-8.1-01", "g", 120, "%", "2024-2026", "target", form="target_growth", quote="较当前增长120%")
    found = run("same_subject_different_values", [annual, bad])
    assert len(found) == 1 and "22 % a year is 48.8 % or 81.6 % over 2024–2026, against the stated 120 %" in found[0].message


def test_same_subject_level_vs_share_of_whole():
    share = claim("000-1.1-01", "live_share", 38, "%", "2023", subject="live_gmv", form="share", of_whole="market_gmv")
    whole = claim("000-1.1-02", "size", 10, "万亿元", "2023", subject="market_gmv")
    part = claim("000-1.5-01", "live", 4.9, "万亿元", "2023", subject="live_gmv")
    found = run("same_subject_different_values", [share, whole, part])   # 38 % × 10 万亿 = 3.8 万亿, not 4.9
    assert len(found) == 1 and "3.8" in found[0].result.replace(",", "") or "38,000" in found[0].result
    assert run("same_subject_different_values", [share, whole, claim("000-1.5-01", "live", 3.8, "万亿元", "2023", subject="live_gmv")]) == []


def test_target_arithmetic():
    share = claim("000-3.1-01", "live_share", 50, "%", "2026", "target", subject="live_gmv", form="target_share", of_whole="market_gmv")
    whole = claim("000-3.1-02", "gmv_t", 8, "万亿元", "2026", "target", subject="market_gmv")
    now = claim("000-1.1-01", "live", 4.9, "万亿元", "2023", subject="live_gmv")
    found = run("target_arithmetic", [share, whole, now])   # 50 % × 8 = 4 万亿 < 4.9 万亿 today: the part must shrink
    assert len(found) == 1 and found[0].severity == "implausible"
    grow = claim("000-1.1-01", "live", 3.0, "万亿元", "2023", subject="live_gmv")
    assert run("target_arithmetic", [share, whole, grow]) == []
    other = claim("000-3.2-01", "live_t", 6, "万亿元", "2026", "target", subject="live_gmv")
    assert [f.severity for f in run("target_arithmetic", [share, whole, other])] == ["contradiction"]   # 4 vs 6 万亿
    assert run("target_arithmetic", [share, whole, claim("000-3.2-01", "live_t", 4.1, "万亿元", "2026", "target", subject="live_gmv")]) == []


def test_driver_tree():
    gmv = claim("000-3.1-01", "gmv_t", 6, "万亿元", "2026", "target", subject="social_commerce_gmv")
    users = claim("000-8.1-01", "users_t", 10, "亿人", "2026", "target", subject="social_commerce_users")
    aov = claim("000-3.3-01", "aov_t", 100, "元", "2026", "target", subject="aov")
    found = run("driver_tree", [gmv, users, aov])    # 60,000 亿元 ÷ (10 亿 × 100 元) = 60 orders a user a year
    assert len(found) == 1 and found[0].severity == "unclear" and found[0].inputs["orders_per_user_year"] == 60
    freq = claim("000-2.2-01", "freq", 1.5, "次/月", subject="purchase_frequency")   # 18 a year: 60 is 3.3× that
    assert [f.severity for f in run("driver_tree", [gmv, users, aov, freq])] == ["implausible"]
    assert run("driver_tree", [gmv, users, aov, claim("000-2.2-01", "freq", 4, "次/月", subject="purchase_frequency")]) == []


def test_multiplier_vs_baseline():
    avg = claim("000-2.3-01", "rep", 28, "%", quote="行业平均复购率为28%", subject="repurchase_rate")
    case = dict(entity="Brand", entity_type="case", subject="repurchase_rate")
    level = claim("000-7.1-01", "rep_case", 60, "%", quote="复购率达60%,是行业平均的1.8倍", **case)
    mult = claim("000-7.1-02", "rep_x", 1.8, "倍", quote="复购率达60%,是行业平均的1.8倍", form="multiplier", baseline_ref="000-2.3-01", **case)
    found = run("multiplier_vs_baseline", [avg, level, mult])    # 60 ÷ 28 = 2.14×, not 1.8×: the average is another sentence's
    assert len(found) == 1 and found[0].severity == "unclear" and "2.14×" in found[0].result
    stated = {**mult, "baseline_ref": "stated: 28"}                 # the same sentence gives the average: both cannot hold
    assert [f.severity for f in run("multiplier_vs_baseline", [level, stated])] == ["contradiction"]
    elsewhere = claim("000-7.2-01", "rep_case", 60, "%", quote="该品牌复购率达60%", **case)
    assert [f.severity for f in run("multiplier_vs_baseline", [avg, elsewhere, mult])] == ["unclear"]   # maybe another year
    gap = claim("000-2.3-03", "gap", 17, "个百分点", quote="较传统电商平台(45%)低17个百分点", form="multiplier", baseline_ref="000-2.3-02")
    base45 = claim("000-2.3-02", "trad", 45, "%", quote="较传统电商平台(45%)低17个百分点", entity="traditional", subject="repurchase")
    ours = claim("000-2.3-01", "rep", 28, "%", quote="较传统电商平台(45%)低17个百分点", subject="repurchase")
    assert run("multiplier_vs_baseline", [{**gap, "subject": "repurchase"}, base45, ours]) == []   # 45 − 17 = 28
    wrong = {**ours, "value": 20, "value_canonical": 20}
    assert len(run("multiplier_vs_baseline", [{**gap, "subject": "repurchase"}, base45, wrong])) == 1
    level_ok = claim("000-7.1-01", "rep_case", 50.4, "%", quote="复购率达60%,是行业平均的1.8倍", **case)
    assert run("multiplier_vs_baseline", [avg, level_ok, mult]) == []
    higher = claim("000-7.1-02", "rep_x", 1.8, "倍", quote="复购率达60%,高1.8倍", form="multiplier", baseline_ref="stated: 21.4", **case)
    same_sentence = claim("000-7.1-01", "rep_case", 60, "%", quote="复购率达60%,高1.8倍", **case)
    assert run("multiplier_vs_baseline", [same_sentence, higher]) == []   # 高1.8倍 may be 2.8×: 21.4 × 2.8 ≈ 60


def test_initiative_outcomes():
    who = dict(entity="JD", entity_type="platform", programme="推荐系统", subject="conversion_rate", form="effect")
    a = claim("000-6.4-01", "conv_a", 5, "个百分点", quote="转化率仅提升5个百分点", **who)
    b = claim("000-7.3-01", "conv_b", 15, "%", quote="使转化率提升15%", **who)
    c = claim("000-7.3-01", "conv_b", 15, "%", quote="使转化率提升15%", **{**who, "programme": "直播"})
    found = run("initiative_outcomes", [a, b])      # +5 points = +15 % only from a 33 % start; no level stated: unclear
    assert [f.severity for f in found] == ["unclear"] and found[0].inputs["implied_start_pct"] == 33.33
    market = [claim("000-2.4-01", "cv", 5.2, "%", subject="conversion_rate"), claim("000-2.4-02", "cv2", 18, "%", subject="conversion_rate")]
    assert [f.severity for f in run("initiative_outcomes", [a, b] + market)] == ["unclear"]   # other firms' rates do not tell
    own = [claim("000-2.4-01", "cv", 5.2, "%", entity="JD", entity_type="platform", subject="conversion_rate")]
    assert [f.severity for f in run("initiative_outcomes", [a, b] + own)] == ["implausible"]   # its own 5.2 % is far from 33 %
    d = claim("000-7.3-02", "conv_c", 12, "个百分点", quote="转化率提升12个百分点", **who)
    assert [f.severity for f in run("initiative_outcomes", [a, d])] == ["contradiction"]
    e = claim("000-7.3-02", "conv_c", 5, "%", quote="转化率提升5%", **who)
    assert "percentage points" in run("initiative_outcomes", [a, e])[0].message
    assert run("initiative_outcomes", [a, {**c, "unit": "个百分点", "canonical_unit": "pp"}]) == []   # another programme


def test_recycled_evidence():
    a = claim("000-1.3-01", "conv", 8.7, "%", quote="使转化率达8.7%", entity="Douyin", subject="conversion_rate")
    b = claim("000-6.2-01", "conv", 8.7, "%", quote="使转化率达8.7%", entity="Kuaishou", subject="conversion_rate")
    found = run("recycled_evidence", [a, b])
    assert len(found) == 1 and found[0].severity == "implausible"
    same_case = claim("000-6.2-01", "conv", 8.7, "%", quote="使转化率达8.7%", entity="Douyin", subject="conversion_rate")
    assert run("recycled_evidence", [a, same_case]) == []                # one case told twice is a duplicated passage
    market = claim("000-6.2-01", "conv", 8.7, "%", quote="行业转化率8.7%", subject="conversion_rate")
    assert run("recycled_evidence", [a, market]) == []                   # the market's figure is not a case's evidence
    round_other = claim("000-6.2-01", "conv", 10, "%", quote="退货率降至10%", entity="Kuaishou", subject="return_rate")
    assert run("recycled_evidence", [claim("000-1.3-01", "r", 10, "%", quote="库存降低10%", entity="Douyin", subject="return_rate"), round_other]) == []


def test_recycled_evidence_growth_and_effect_are_one_change():
    """A firm's growth in a year and another firm's growth credited to a programme are one kind of result."""
    a = claim("000-3.4-13", "g", 12.7, "%", "2023", quote="2023年用户增速达12.7%", entity="Douyin", subject="users", form="growth_rate")
    b = claim("000-7.3-09", "e", 12.7, "%", quote="实现用户增长12.7%", entity="Pinduoduo", subject="users", form="effect")
    assert [f.severity for f in run("recycled_evidence", [a, b])] == ["implausible"]
    # a whole percentage matches by chance too often: without near-identical words it is no evidence of reuse
    a28 = claim("000-3.4-13", "g", 28, "%", "2023", quote="2023年用户增速达28%", entity="Douyin", subject="users", form="growth_rate")
    b28 = claim("000-7.3-09", "e", 28, "%", quote="通过高价值商品补贴实现用户增长28%", entity="Pinduoduo", subject="users", form="effect")
    assert run("recycled_evidence", [a28, b28]) == []


def test_duplicated_passage():
    same = [claim("000-2.1-01", "x", 1, "%", quote="同一句话"), claim("000-6.3-01", "x", 1, "%", quote="同一句话")]
    found = run("duplicated_passage", same)
    assert len(found) == 1 and found[0].inputs["sections"] == "2.1, 6.3"
    assert run("duplicated_passage", [claim("000-2.1-01", "x", 1, "%", quote="一"), claim("000-6.3-01", "x", 1, "%", quote="二")]) == []
    other_entity = [same[0], claim("000-6.3-01", "x", 1, "%", quote="同一句话", entity="Douyin")]
    assert run("duplicated_passage", other_entity) == []                 # same words, another company: recycled evidence


def test_cross_doc_conflict():
    a = claim("000-3.4-01", "acc_target", 85, "%", "2026", "target", subject="algorithm_accuracy")
    b = claim("004-1.2-01", "acc", 92, "%", "2026", "target", subject="algorithm_accuracy")
    assert [f.severity for f in run("cross_doc_conflict", [a, b])] == ["unclear"]   # two authors' targets: choose one
    seen = [claim("000-1.1-01", "m", 4, "万亿元", "2024", subject="gmv"), claim("004-1.2-01", "m", 5.7, "万亿元", "2024", subject="gmv")]
    assert [f.severity for f in run("cross_doc_conflict", seen)] == ["contradiction"]   # two observations of one year
    later = claim("004-1.2-01", "acc", 92, "%", "2025", "target", subject="algorithm_accuracy")
    found = run("cross_doc_conflict", [a, later])
    assert found[0].severity == "unclear" and "000: 2026; 004: 2025" in found[0].message
    history = [claim("000-1.1-01", "m", 2000, "亿元", "2016", subject="gmv"), claim("004-1.2-01", "m", 5.7, "万亿元", "2024", subject="gmv")]
    assert run("cross_doc_conflict", history) == []                     # eight years apart: a history, not a conflict
    assert run("cross_doc_conflict", [a, claim("004-1.2-01", "acc", 86, "%", "2026", "target", subject="algorithm_accuracy")]) == []
    assert run("cross_doc_conflict", [a, claim("004-1.2-01", "acc", 92, "%", "2026", "target", subject="algorithm_accuracy", scope="gen_z")]) == []


def test_words_vs_numbers():
    seeds = {"000": "复购周期为65天,远低于合理水平的30天。用户日均使用时长从48分钟提升至32分钟。成本从20元降至12元。"}
    rows = [claim("000-2.3-01", "cycle", 65, "天", quote="复购周期为65天"), claim("000-2.2-01", "t", 48, "分钟", quote="从48分钟提升至32分钟"),
            claim("000-2.2-02", "c", 20, "元/人", quote="成本从20元降至12元")]
    found = run("words_vs_numbers", rows, seeds=seeds)
    assert sorted(f.result for f in found) == ["65 远低于 (far below) 30", "提升 from 48 to 32"]
    assert all(f.severity == "unclear" for f in found)      # the sentence contradicts itself: its author must say which part


def test_known_facts():
    facts = pd.DataFrame([
        ("f1", "ownership", "88VIP is Alibaba's membership", "Alibaba", "88VIP", "alibaba", "contradiction", "src", "2018", "http://x", ""),
        ("f2", "regulation", "crypto payments are illegal in mainland China", "illegal", "BNB支付", "", "implausible", "PBoC", "2021", "http://y", ""),
    ], columns=registry.FACT_COLUMNS)
    seeds = {"000": "支付宝“88VIP”打通淘宝。天猫“88VIP”会员增长。", "004": "28%的Z世代尝试过BNB支付。"}
    rows = [claim("000-5.3-01", "a", 95, "%", quote="支付宝“88VIP”打通淘宝", entity="Ant", entity_id="ant_group", programme="88VIP"),
            claim("000-5.3-02", "b", 20, "%", quote="天猫“88VIP”会员增长", entity="Alibaba", entity_id="alibaba", programme="88VIP"),
            claim("004-2.3-01", "c", 28, "%", quote="28%的Z世代尝试过BNB支付", entity="Z", entity_type="segment")]
    found = run("known_facts", rows, seeds=seeds, facts=facts)
    assert sorted((f.inputs["fact"], [r.claim_id for r in f.refs][0]) for f in found) == [("f1", "000-5.3-01"), ("f2", "004-2.3-01")]


def test_one_number_two_meanings():
    two = [claim("000-1.1-01", "share_of_retail", 25.3, "%", "2023"), claim("000-8.1-01", "user_pen", 25.3, "%", "current (2023)")]
    assert len(run("one_number_two_meanings", two)) == 1
    ranged = [claim("000-2.1-01", "share_of_retail", 25.3, "%", "2021-2023"), claim("000-8.1-01", "user_pen", 25.3, "%", "2023")]
    assert len(run("one_number_two_meanings", ranged)) == 1  # a range ending in the same year counts
    round_numbers = [claim("000-1.1-01", "share_of_retail", 25, "%", "2023"), claim("000-8.1-01", "user_pen", 25, "%", "2023")]
    assert run("one_number_two_meanings", round_numbers) == []


def test_one_number_two_meanings_within_one_case():
    """One tool given the same 2.3× for two measures in two sections; not another programme, not a round figure."""
    tool = dict(entity="ByteDance", entity_type="platform", scope="programme", programme="巨量引擎")
    roi = claim("000-1.3-02", "roi", 2.3, "倍", quote="广告ROI较传统电商提高2.3倍", subject="marketing_roi", form="multiplier", **tool)
    conv = claim("000-7.1-03", "conv", 2.3, "倍", quote="算法升级可使转化率提升2.3倍", subject="conversion_rate", form="effect", **tool)
    found = run("one_number_two_meanings", [roi, conv])
    assert [f.severity for f in found] == ["unclear"] and "marketing roi" in found[0].message.lower()
    other_tool = {**conv, "programme": "星图"}
    assert run("one_number_two_meanings", [roi, other_tool]) == []
    round_pair = [{**roi, "value": 50, "value_canonical": 50, "unit": "%", "canonical_unit": "%"},
                  {**conv, "value": 50, "value_canonical": 50, "unit": "%", "canonical_unit": "%"}]
    assert run("one_number_two_meanings", round_pair) == []


def test_one_number_two_meanings_segment_baseline():
    """The plan's starting value for a segment's KPI equal to another figure for that segment, even a whole percent."""
    seg = dict(scope="lower_tier")
    start = claim("000-3.3-01", "cov", 68, "%", "current (2023)", quote="覆盖率需从当前的68%提升至85%", subject="coverage", **seg)
    target = claim("000-3.3-02", "cov_t", 85, "%", "2026", "target", quote="覆盖率需从当前的68%提升至85%", subject="coverage",
                   baseline_ref="000-3.3-01", **seg)
    pen = claim("000-2.1-10", "pen", 68, "%", quote="互联网用户渗透率达68%", subject="netizens", form="share", **seg)
    found = run("one_number_two_meanings", [start, target, pen])
    assert [f.severity for f in found] == ["unclear"] and {r.claim_id for r in found[0].refs} == {"000-3.3-01", "000-2.1-10"}
    # the whole market has too many figures for a whole-percent match to mean anything; nor does a figure no target starts from
    market = [{**r, "scope": "market"} for r in (start, target, pen)]
    assert run("one_number_two_meanings", market) == []
    assert run("one_number_two_meanings", [start, pen]) == []


def test_pp_difference():
    rows = [claim("000-2.3-01", "rate_a", 28, "%"), claim("000-2.3-02", "rate_b", 45, "%", quote="较传统电商平台(45%)低17个百分点"),
            claim("000-2.3-03", "gap", 17, "个百分点", quote="较传统电商平台(45%)低17个百分点")]
    assert run("pp_difference", rows) == []
    rows[2] = claim("000-2.3-03", "gap", 12, "个百分点", quote="较传统电商平台(45%)低12个百分点")
    rows[1] = claim("000-2.3-02", "rate_b", 45, "%", quote="较传统电商平台(45%)低12个百分点")
    found = run("pp_difference", rows)
    assert found[0].result == "17 pp" and worked.unnamed_inputs(found[0]) == []


def test_percent_or_points():
    rows = [claim("000-5.2-01", "conversion_increase", 15, "%", quote="使转化率提升15%")]
    assert len(run("percent_or_points", rows)) == 1
    # only where both readings are plausible: a 47 % drop is relative, a 15-point rise from 90 % leaves 0–100 %
    assert run("percent_or_points", [claim("000-5.2-01", "x", 47, "%", quote="使流失率下降47%")]) == []
    high = [claim("000-5.2-01", "x", 15, "%", quote="转化率为90%,使转化率提升15%"), claim("000-5.2-02", "lvl", 90, "%", quote="转化率为90%,使转化率提升15%")]
    assert run("percent_or_points", high) == []
    assert run("percent_or_points", [claim("000-5.2-01", "x", 30, "%", quote="使转化率提升至30%")]) == []  # a level
    assert run("percent_or_points", [claim("000-5.2-01", "x", 30, "%", quote="使效率提升30%")]) == []      # not a rate


def test_times_ambiguity():
    assert run("times_ambiguity", [claim("000-6.2-01", "x", 10, "倍", quote="使系统承载能力提升10倍")])[0].result == "×10 or ×11"
    assert run("times_ambiguity", [claim("000-1.3-01", "x", 1.8, "倍", quote="复购率提升至行业平均水平的1.8倍")]) == []
    for words in ("增长3倍", "高3倍", "高出3倍", "提高3倍", "翻3倍"):
        assert len(run("times_ambiguity", [claim("000-6.2-01", "x", 3, "倍", quote=f"销量{words}")])) == 1, words
    assert run("times_ambiguity", [claim("000-6.2-01", "x", 3, "倍", quote="销量是行业平均的3倍")]) == []


def test_bounds_official():
    official = [("netizens", "2023-12", 10.92), ("netizens", "2025-12", 11.25)]
    past = run("bounds_official", [claim("000-1.1-01", "users", 11.5, "亿人", "2023")], official)
    assert past[0].severity == "contradiction"
    future = run("bounds_official", [claim("000-3.1-01", "users", 11.7, "亿人", "2026", "target")], official)
    # a later year's target above the latest count is not impossible: it says how fast the bound must grow
    assert future[0].severity == "unclear" and "2025-12" in future[0].message
    assert "growth of at least 4.0% a year" in future[0].message   # 11.7 / 11.25 over one year
    assert run("bounds_official", [claim("000-3.1-01", "users", 5, "亿人", "2026", "target")], official) == []


def test_rate_outside_range():
    found = run("rate_outside_range", [claim("000-1.1-01", "repurchase_rate", 120, "%")])
    assert len(found) == 1 and worked.unnamed_inputs(found[0]) == []
    assert run("rate_outside_range", [claim("000-1.1-01", "market_growth_yoy", 120, "%")]) == []


def test_every_rule_is_tested_and_documented():
    import inspect
    source = inspect.getsource(inspect.getmodule(test_cross_doc_conflict))
    for name, r in registry.RULES.items():
        assert f'"{name}"' in source, f"rule {name} has no test"
        assert r.doc and r.title


def test_finding_requires_refs_and_known_severity():
    with pytest.raises(ValueError):
        registry.Finding("x", "bad", [registry.Ref("000", "1.1", "000-1.1-01")], {}, "", "", "")
    with pytest.raises(ValueError):
        registry.Finding("x", "unclear", [], {}, "", "", "")


def test_an_undated_rise_is_hedged_in_the_message_and_the_arithmetic_alike():
    """000 §2.1: '2021-2023年…CAC年均增长22%，某头部平台CAC从35元/人升至89元/人' dates the industry rate, not the
    platform's rise; the ledger writes the rise's years in parentheses, as its own reading. The finding may then say
    'if the rise spans 2021-2023', in its message and in its worked arithmetic alike, never 'the start of 2021-2023'
    as a fact; and one entity's undated rise cannot contradict its own rate."""
    rate = claim("000-2.1-01", "cac_annual_growth", 22, "%", "2021-2023", entity="industry")
    undated = [claim("000-2.1-02", "cac_start", 35, "元/人", "(2021-2023)", entity="unnamed head platform"),
               claim("000-2.1-03", "cac_end", 89, "元/人", "(2021-2023)", entity="unnamed head platform")]
    [f] = run("growth_vs_endpoints", [rate] + undated)
    hedge = "if the rise spans 2021-2023"
    assert f.inputs["assumed"] == {"period": hedge} and hedge in f.message and "no years of its own" in f.message
    text = worked.worked(f)
    assert hedge in text and "start of 2021-2023" not in text, text
    own = [claim("000-2.1-01", "cac_annual_growth", 22, "%", "2021-2023", entity="unnamed head platform")] + undated
    [g] = run("growth_vs_endpoints", own)
    assert g.severity == "unclear" and hedge in g.message and hedge in worked.worked(g)
    dated = [claim("000-2.1-02", "cac_start", 35, "元/人", "2021-2023", entity="unnamed head platform"),
             claim("000-2.1-03", "cac_end", 89, "元/人", "2021-2023", entity="unnamed head platform")]
    [h] = run("growth_vs_endpoints", [rate] + dated)   # years the text gives: stated as such
    assert "assumed" not in h.inputs and "if the rise" not in h.message.lower() and "start of 2021-2023" in worked.worked(h)


def test_a_year_the_ledger_infers_is_never_shown_as_stated():
    """Any rule's year input that every cited claim has only as the ledger's reading ('current (2023)': the text says
    当前) carries the same hedge in the message and in the worked arithmetic."""
    assert registry.period_inferred("current (2023)") and registry.period_inferred("(2021-2023)")
    assert not registry.period_inferred("2023") and not registry.period_inferred("2024-2026") and not registry.period_inferred("")
    assert registry.period_range("(2021-2023)") == (2021, 2023) and registry.period_year("(2023)") == 2023
    claims = pd.DataFrame([claim("000-3.3-10", "cac", 89, "元/人", "current (2023)"), claim("000-1.1-01", "cac", 89, "元/人", "2023")],
                          columns=COLS)
    f = registry.Finding("one_number_two_meanings", "unclear", [registry.Ref("000", "3.3", "000-3.3-10")],
                         {"value": 89, "unit": "元/人", "year": 2023}, "f", "r", "The figure 89 元/人 is used twice.")
    [g] = registry.read_years([f], claims)
    hedge = "2023 is the ledger's reading of “current”: the text gives no year"
    assert g.inputs["assumed"] == {"year": hedge} and hedge[:1].upper() + hedge[1:] in g.message
    assert f"the year: 2023 ({hedge})" in worked.worked(g)
    stated = registry.Finding("one_number_two_meanings", "unclear", [registry.Ref("000", "3.3", "000-3.3-10"),
                              registry.Ref("000", "1.1", "000-1.1-01")], {"year": 2023}, "f", "r", "m.")
    assert registry.read_years([stated], claims) == [stated]   # one cited claim states 2023


@pytest.mark.parametrize("quote, n, readings", [
    ("较行业平均的3.2倍", 3.2, (3.2,)), ("使会员复购率达普通用户的3.2倍", 3.2, (3.2,)), ("销量是行业平均的3倍", 3, (3,)),
    ("复购率提升至行业平均水平的1.8倍", 1.8, (1.8,)), ("达3倍", 3, (3,)), ("在三年内翻番至72%", 2, (2,)),
    ("较普通用户高3.5倍", 3.5, (3.5, 4.5)), ("广告ROI较传统电商提高2.3倍", 2.3, (2.3, 3.3)), ("较2024年增长3.2倍", 3.2, (3.2, 4.2)),
    ("使订单处理效率提升8倍", 8, (8, 9)), ("高出3倍", 3, (3, 4)), ("提高了3倍", 3, (3, 4))])
def test_one_reading_of_n_times_per_wording(quote, n, readings):
    """是/达/至/较…的N倍 is N× (the ratio itself); 提高/增长/高 N倍 is N× or (N+1)×. Both rules read the words alike:
    `times_ambiguity` flags exactly the wordings `multiplier_vs_baseline` reads two ways."""
    from growthpath.audit import readings as rd, relate

    assert rd.times_readings(quote, n) == readings
    row = claim("000-4.2-11", "x", n, "倍", quote=quote, form="multiplier")
    assert sorted(relate.multiplier_readings(None, row).values()) == list(readings)
    assert len(run("times_ambiguity", [row])) == (len(readings) == 2)


def test_a_multiple_of_the_average_is_read_one_way_against_its_baseline():
    """'裂变转化率提升至8%，较行业平均的3.2倍' against a stated average of 2.5 %: 8 ÷ 2.5 = 3.2×, no finding; against 1.9 %
    (the 4.2× reading) a finding that names 3.2× only."""
    plan = dict(entity="industry (fission optimization)", subject="share_conversion_rate")
    level = claim("000-4.2-10", "fission_rate", 8, "%", quote="可使裂变转化率提升至8%,较行业平均的3.2倍", **plan)
    mult = claim("000-4.2-11", "fission_x", 3.2, "倍", quote="较行业平均的3.2倍", form="multiplier", baseline_ref="stated: 2.5", **plan)
    mult["quote_zh"] = mult["quote"] = "可使裂变转化率提升至8%,较行业平均的3.2倍"
    assert run("multiplier_vs_baseline", [level, mult]) == []
    [f] = run("multiplier_vs_baseline", [level, {**mult, "baseline_ref": "stated: 1.9"}])
    assert f.result.endswith("vs 3.2×") and "times more" not in f.result + f.message and "or 4.2×" not in f.message


def test_a_baseline_of_another_quantity_from_another_sentence_is_not_related():
    """§4.1's '远高于行业平均的8%' is the industry's potential-user conversion (潜在用户转化率, any channel); §4.2's
    '裂变转化率…较行业平均的3.2倍' is against the industry's fission conversion: a baseline_ref from another sentence
    of another subject is not the multiple's baseline."""
    avg = claim("000-4.1-02", "potential_avg", 8, "%", quote="远高于行业平均的8%", subject="potential_user_conversion_rate")
    plan = dict(entity="industry (fission optimization)", subject="share_conversion_rate")
    level = claim("000-4.2-10", "fission_rate", 8, "%", quote="可使裂变转化率提升至8%", **plan)
    mult = claim("000-4.2-11", "fission_x", 3.2, "倍", quote="较行业平均的3.2倍", form="multiplier", baseline_ref="000-4.1-02", **plan)
    assert run("multiplier_vs_baseline", [avg, level, mult]) == []
    same = {**avg, "subject": "share_conversion_rate"}        # a baseline of the same quantity is still checked
    assert len(run("multiplier_vs_baseline", [same, level, mult])) == 1


# ----------------------------------------------------------------------------- referee's points (audit2)
def test_an_unnamed_firm_in_two_sentences_is_unclear_not_a_contradiction():
    """某品牌 in two sections may be two brands: two values of 'its' figure contradict each other only if they are one.
    Where the other sentence credits the first value to someone else (行业数据显示,30%…), the message says so."""
    case = dict(entity="unnamed brand", entity_id="unnamed_brand_campaign", entity_type="case", scope="programme", form="share",
                subject="duplicate_reach_users")
    a = claim("000-2.5-02", "dup", 30, "%", quote="某品牌跨平台营销中,30%的用户重复触达率造成资源浪费", **case)
    b = claim("000-6.4-02", "dup", 45, "%", quote="行业数据显示,30%的用户重复触达造成资源浪费,某品牌跨平台营销中,重复触达用户占比达45%", **case)
    industry = claim("000-6.4-01", "dup_ind", 30, "%", quote=b["quote"], form="share", subject="duplicate_reach_users")
    found = run("same_subject_different_values", [a, b, industry])
    assert [f.severity for f in found] == ["unclear"]
    assert "may be two firms" in found[0].message and "to the market" in found[0].message
    named = [{**r, "entity": "Brand", "entity_id": "brand"} for r in (a, b)]
    assert [f.severity for f in run("same_subject_different_values", named)] == ["contradiction"]


def test_a_percent_change_is_checked_in_points_of_the_change():
    """目标CAC从89元/人降至60元/人 is −32.6 %, not the −35 % the same sentence credits to 私域裂变模式: a ratio within 10 %
    of 0.65 hid it. Credited to one named means of the KPI, the cut may be that means' own: unclear."""
    q = "目标CAC从89元/人降至60元/人,通过私域裂变模式使获客成本降低35%"
    plan = dict(entity="plan", entity_id="plan", entity_type="plan", scope="market", subject="cac")
    base = claim("000-3.3-10", "cac_baseline", 89, "元/人", quote=q, **plan)
    goal = claim("000-3.3-11", "cac_target", 60, "元/人", "2026", kind="target", quote=q, programme="KPI体系", baseline_ref="000-3.3-10", **plan)
    cut = claim("000-3.3-12", "cac_cut", 35, "%", "2026", kind="target", quote=q, form="target_effect", programme="KPI体系 – 私域裂变模式",
                baseline_ref="000-3.3-10", **plan)
    found = run("multiplier_vs_baseline", [base, goal, cut])
    assert len(found) == 1 and found[0].severity == "unclear" and "-32.6 %" in found[0].result and "私域裂变模式" in found[0].message
    same_programme = {**cut, "programme": "KPI体系"}
    assert [f.severity for f in run("multiplier_vs_baseline", [base, goal, same_programme])] == ["contradiction"]
    assert run("multiplier_vs_baseline", [base, goal, {**same_programme, "value": 32.6, "value_canonical": 32.6}]) == []


def test_one_template_sentence_credited_to_two_studies_is_recycled():
    """The same distinctive figure in one template sentence, credited to two sources on two subjects."""
    src = dict(entity_type="source", scope="other", form="effect")
    a = claim("004-5.4b-07", "out", 6.7, "倍", quote="根据哈佛大学研究,当时间分配符合“二八定律”时,整体产出可提升6.7倍,这为时间管理提供了理论支持",
              entity="Harvard", subject="overall_output", **src)
    b = claim("004-7.4-05", "roi", 6.7, "倍", quote="根据麦肯锡研究,当ROI符合“帕累托法则”时,整体投资回报可提升6.7倍,这为投资决策提供了科学依据",
              entity="McKinsey", subject="marketing_roi", **src)
    found = run("recycled_evidence", [a, b])
    assert [f.severity for f in found] == ["implausible"] and "studies" in found[0].message
    assert "overall output" in found[0].message and "ROI" in found[0].message      # both figures named
    other = {**b, "quote": "某平台整体投资回报提升6.7倍", "quote_zh": "某平台整体投资回报提升6.7倍"}
    assert run("recycled_evidence", [a, other]) == []                          # no shared template: no finding


def test_one_programme_word_for_word_credited_to_two_firms():
    """网易考拉 and 京喜 both run '沉睡用户专属优惠券+个性化商品推荐', with 18 % and 25 %: unclear, not a contradiction."""
    a = claim("000-4.1-12", "recall", 18, "%", quote="使30日流失用户召回率达18%", entity="NetEase", programme="沉睡用户专属优惠券+个性化商品推荐",
              subject="dormant_user_reactivation_rate")
    b = claim("000-5.2-09", "act", 25, "%", quote="使30日沉默用户激活率达25%", entity="JD", programme="京喜 (沉睡用户专属优惠券+个性化商品推荐)",
              subject="dormant_user_reactivation_rate")
    found = run("recycled_evidence", [a, b])
    assert [f.severity for f in found] == ["unclear"] and "沉睡用户专属优惠券+个性化商品推荐" in found[0].message
    generic = [{**a, "programme": "会员体系"}, {**b, "programme": "会员体系升级"}]
    assert run("recycled_evidence", generic) == []                             # a short generic name is no template


def test_two_industry_averages_for_one_compared_quantity():
    """§4.1 sets 砍一刀's 23 % against an industry average of 8 %; §4.2's 8 % is 3.2× an industry average (2.5 %)."""
    q1 = "拼多多“砍一刀”模式通过社交关系链实现潜在用户转化率23%,远高于行业平均的8%"
    q2 = "可使裂变转化率提升至8%,较行业平均的3.2倍"
    case = claim("000-4.1-01", "conv", 23, "%", quote=q1, entity="Pinduoduo", entity_type="platform", subject="share_conversion_rate")
    avg = claim("000-4.1-02", "avg", 8, "%", quote=q1, entity="industry average", subject="potential_user_conversion_rate")
    plan = dict(entity="plan", entity_id="plan", entity_type="plan", scope="market", subject="share_conversion_rate")
    level = claim("000-4.2-10", "fission", 8, "%", quote=q2, **plan)
    mult = claim("000-4.2-11", "fission_x", 3.2, "倍", quote=q2, form="multiplier",
                 baseline_ref="named: industry average fission conversion (no value)", **plan)
    found = run("industry_averages", [case, avg, level, mult])
    assert [f.severity for f in found] == ["unclear"] and "2.5 %" in found[0].message and "8.0 %" in found[0].message
    assert run("industry_averages", [case, avg, {**level, "value": 25.6, "value_canonical": 25.6}, mult]) == []   # 25.6 ÷ 3.2 = 8


def test_penetration_base_above_the_population():
    """A user penetration beside the plan's own user count: count ÷ rate is the base, whatever base is meant; above
    the country's population it cannot be. §8.1: 10 亿 users at 35 % means 28.6 亿 people."""
    families = pd.concat([FAMILIES, pd.DataFrame([("users_target", "", "users", "level")], columns=FAMILIES.columns)])
    relations = pd.concat([RELATIONS, pd.DataFrame([("user_penetration", "share_of_series", "netizens", "users")],
                                                   columns=RELATIONS.columns)])
    plan = dict(entity="industry", entity_id="plan", entity_type="plan", scope="market", subject="users")
    users = claim("000-8.1-01", "users_target", 10, "亿人", "2026", kind="target", form="target_count", **plan)
    pen = claim("000-8.1-06", "user_pen", 35, "%", "2026", kind="target", form="target_share", of_whole="netizens", **plan)

    def run_pen(rows):
        ctx = registry.Context(pd.DataFrame(rows, columns=COLS), stats([("census_population", "2020-11-01", 14.12)]),
                               families, relations, BOUNDS)
        r = registry.RULES["penetration_base"]
        return r.func(ctx, **r.defaults)

    found = run_pen([users, pen])
    assert [f.severity for f in found] == ["contradiction"] and "28.57 亿人" in found[0].message
    assert run_pen([users, {**pen, "value": 80, "value_canonical": 80}]) == []    # 12.5 亿 people: below the population
