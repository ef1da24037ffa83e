"""Official statistics: grades respected, best grade per year, growth rates only as published."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.data import official


def _stats(rows):
    cols = ["series_id", "period", "value_canonical", "canonical_unit", "grade", "qualifier", "obs_id", "period_end", "value"]
    df = pd.DataFrame(rows, columns=cols[:6])
    df["obs_id"] = df["series_id"] + ":" + df["period"]
    df["period_end"] = pd.to_datetime(df["period"].str[:4] + "-12-31")
    df["value"] = df["value_canonical"]
    return df


def test_annual_prefers_official_grade_and_drops_unverified():
    s = _stats([("x", "2018", 9.0, "亿元", "yes-secondary", ">"), ("x", "2018", 9.0065, "亿元", "UNVERIFIED", ""),
                ("x", "2019", 10.0, "亿元", "yes", ""), ("x", "2019", 10.5, "亿元", "yes-secondary", "")])
    out = official.annual(s, "x")
    assert out["value"].tolist() == [9.0, 10.0]
    assert out["grade"].tolist() == ["yes-secondary", "yes"]


def test_annual_window_and_missing_series():
    s = _stats([("x", str(y), float(y), "亿元", "yes", "") for y in range(2014, 2026)])
    assert official.annual(s, "x", first_year=2019, last_year=2021)["year"].tolist() == [2019, 2020, 2021]
    with pytest.raises(LookupError):
        official.annual(s, "missing")


def test_real_series_are_what_the_notes_say():
    s = official.load()
    retail = official.annual(s, "nbs_online_retail").set_index("year")["value"]
    assert retail[2025] == 159722 and retail[2019] == 106324
    assert 2026 not in retail.index  # the 2026 series break is a different series
    growth = official.annual(s, "nbs_online_retail_growth").set_index("year")["value"]
    assert growth[2025] == 8.6 and growth[2024] == 7.2  # published matched-scope rates, not level ratios
    assert official.value_at(s, "census_population", "2020-11-01") == pytest.approx(14.11778724)
    share = official.annual(s, "nbs_physical_share_of_retail").set_index("year")["value"]
    assert share.idxmax() == 2023 and 2018 not in share.index  # 2018 share is UNVERIFIED


def test_grade_words_adds_the_note_only_when_there_is_one():
    from growthpath.data import official

    assert official.grade_words({"grade": "yes-secondary", "grade_note": "low quality"}) == (
        "checked through a repost or report; low quality")
    assert official.grade_words({"grade": "yes", "grade_note": float("nan")}) == "checked at the publisher"
    assert official.grade_words({"grade": "yes", "grade_note": " "}) == "checked at the publisher"
    assert set(official.GRADE_WORDS) == set(official.GRADE_RANK)      # every grade the data uses has words


def test_months_covered_and_words_of_a_cumulative_period():
    from growthpath.data import official

    assert official.months_covered("2023-01/10") == 10 and official.months_covered("2026-01/08 YTD") == 8
    assert official.period_words("2023-01/10") == "January–October 2023"
    with pytest.raises(ValueError):
        official.months_covered("2023-10")


def test_a_source_note_names_publisher_and_period_not_ids():
    from growthpath.data import official

    stats = official.load()
    note = "cnnic_online_shoppers:2023-12 → cnnic_online_shoppers:2024-12 (not_an_id:2020 kept)"
    assert official.cited_in_words(stats, note) == "CNNIC, December 2023 → CNNIC, December 2024 (not_an_id:2020 kept)"
