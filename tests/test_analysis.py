"""Chapter 1 analysis functions on small hand-made ledgers with known answers."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.data import official
from growthpath.analysis import market, platforms, policy, population


PLATFORMS = ("WeChat", "Douyin", "Kuaishou", "Pinduoduo", "Xiaohongshu")


def ledger(rows):
    """A hand-made ledger; whose figure each row is follows its entity (one named platform, else the market)."""
    cols = ["claim_id", "doc", "section", "metric", "entity", "period", "kind", "value", "unit", "value_canonical", "canonical_unit"]
    frame = pd.DataFrame(rows, columns=cols)
    one_platform = frame["entity"].map(lambda e: "+" not in e and e.startswith(PLATFORMS))
    frame["entity_type"] = one_platform.map({True: "platform", False: "market"})
    frame["scope"] = one_platform.map({True: "company", False: "market"})
    return frame


def stats(rows):
    df = pd.DataFrame(rows, columns=["series_id", "period", "value_canonical", "grade", "publisher"])
    df["value"], df["qualifier"], df["canonical_unit"] = df["value_canonical"], "", "亿元"
    df["obs_id"] = df["series_id"] + ":" + df["period"]
    df["title"] = "a source"
    df["period_end"] = pd.to_datetime(df["period"].str[:4] + "-12-31")
    return df


def test_implied_online_retail():
    c = ledger([("000-1.1-01", "000", "1.1", "market_size", "", "2020", "observed", 2, "万亿元", 20000, "亿元"),
                ("000-1.1-02", "000", "1.1", "share_of_online_retail", "", "2020", "observed", 20, "%", 20, "%"),
                ("000-1.1-03", "000", "1.1", "share_of_online_retail", "", "2030", "forecast", 40, "%", 40, "%")])
    s = stats([("nbs_online_retail", "2020", 50000, "yes", "NBS")])
    out = market.implied_online_retail(c, s)
    assert len(out) == 1  # 2030 has no market size and no NBS figure
    assert out.iloc[0]["implied_online_retail"] == pytest.approx(100000)
    assert out.iloc[0]["ratio_to_nbs"] == pytest.approx(2.0)


def test_platform_verdicts():
    c = ledger([("000-1.5-01", "000", "1.5", "gmv", "WeChat mini-program e-commerce", "2023", "observed", 4.5, "万亿元", 45000, "亿元"),
                ("000-1.5-02", "000", "1.5", "gmv", "Douyin e-commerce", "2023", "observed", 3.2, "万亿元", 32000, "亿元"),
                ("000-1.5-03", "000", "1.5", "gmv", "Kuaishou e-commerce", "2023", "observed", 1.2, "万亿元", 12000, "亿元"),
                ("000-1.5-04", "000", "1.5", "combined_market_share", "WeChat+Douyin+Kuaishou", "2023", "observed", 50, "%", 50, "%")])
    s = stats([("wechat_miniprogram_gmv", "2019", 8000, "yes-secondary", "Tencent"),
               ("douyin_gmv_estimate", "2023", 22000, "estimate-unofficial", "media"),
               ("kuaishou_gmv", "2023", 10000, "yes", "Kuaishou")])
    out = platforms.compare(c, s, tolerance=0.05).set_index("platform")["verdict"]
    assert out.to_dict() == {"WeChat": "unverifiable", "Douyin": "unverifiable", "Kuaishou": "does not hold"}
    s.loc[s["series_id"] == "kuaishou_gmv", "value_canonical"] = 11800
    assert platforms.compare(c, s, tolerance=0.05).set_index("platform").at["Kuaishou", "verdict"] == "holds"
    assert platforms.compare(c, s, tolerance=0.01).set_index("platform").at["Kuaishou", "verdict"] == "does not hold"
    implied = platforms.implied_market(c)
    assert implied["sum_gmv"] == 89000 and implied["implied_market"] == pytest.approx(178000)


def test_policy_year_check():
    p = pd.DataFrame({"name_zh": ["甲", "乙", "丙", "丁"], "name_en": list("abcd"), "plan_year": pd.array([2019, 2020, None, 2023], dtype="Int64"),
                      "date_adopted": pd.to_datetime(["2018-08-31", "2018-08-31", "2021-08-20", None]),
                      "date_effective": pd.to_datetime(["2019-01-01", "2019-01-01", "2021-11-01", None]), "grade": ["yes"] * 4})
    assert policy.check_years(p)["verdict"].tolist() == ["holds", "does not hold", "no year given", "unverifiable"]


def test_genz_checks_on_real_ledger():
    from growthpath.data import claims

    c, s = claims.load(), official.load()
    g = population.genz_check(c, s)
    assert g["implied_population"] == pytest.approx(2.6 / 0.19)
    assert population.genz_age_band(c, 2025) == {"cohort_min_age": 15, "cohort_max_age": 30, "band_min": 18, "band_max": 30}
