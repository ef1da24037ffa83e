"""The gap between the online retail the plan's two targets imply and the outlook, split into slower growth
and NBS's level restatements, recomputed from data/official/statistics.csv with the csv module."""
from __future__ import annotations

import pytest

from conftest import data_rows as rows


def _published(series_id: str) -> dict[int, float]:
    out = {}
    for r in rows("official/statistics.csv"):
        if r["series_id"] == series_id and r["period"].isdigit() and r["value_canonical"] and r["grade"] in ("yes", "yes-secondary"):
            out.setdefault(int(r["period"]), float(r["value_canonical"]))
    return out


def test_levels_and_rates_disagree_as_published():
    from growthpath.data import official
    from growthpath.analysis import market

    levels, rates = _published("nbs_online_retail"), _published("nbs_online_retail_growth")
    lv = market.levels_vs_rates(official.load(), 2023, 2025)
    assert lv["level_growth_pct"] == pytest.approx(100 * (levels[2025] / levels[2023] - 1))
    assert lv["rate_growth_pct"] == pytest.approx(100 * ((1 + rates[2024] / 100) * (1 + rates[2025] / 100) - 1))
    assert lv["rate_growth_pct"] > lv["level_growth_pct"] + 5      # the break the book must not read as slower growth


def test_the_gap_splits_into_its_two_parts_and_the_words_follow_the_numbers():
    from growthpath.data import official
    from growthpath.analysis import market

    stats = official.load()
    gap = market.target_gap(stats, 200_000, 167_069, anchor_year=2025)
    assert gap["slower_growth"] + gap["level_restatement"] == pytest.approx(gap["gap"])
    assert gap["level_restatement"] > gap["slower_growth"] > 0
    assert market.target_gap_short(gap).startswith("63% of the gap comes from NBS's restated levels")
    fast = market.target_gap(stats, 180_000, 167_069, anchor_year=2025)     # a plan path below the chained one
    assert "growth faster than that path makes up" in market.target_gap_sentence(fast)
    assert "slower growth" not in market.target_gap_short(fast)
