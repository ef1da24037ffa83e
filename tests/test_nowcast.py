"""The anchored outlook's pieces against hand computations."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from growthpath.models import nowcast


def test_revisions_pair_full_years_with_readings_after_the_same_months():
    full = pd.DataFrame({"year": [2022, 2023, 2024], "value": [4.0, 11.0, 7.2]})
    ytd = pd.DataFrame({"year": [2022, 2023, 2024, 2024], "months": [8, 8, 8, 6], "value": [3.7, 12.1, 8.9, 9.8]})
    r = nowcast.revisions(full, ytd, 8)
    assert r["revision"].round(6).tolist() == [0.3, -1.1, -1.7]
    assert nowcast.rms(r["revision"]) == pytest.approx(math.sqrt((0.09 + 1.21 + 2.89) / 3))
    with pytest.raises(ValueError):
        nowcast.rms([])


def test_adjustments_and_level():
    revs = [-5.6, 0.3, -1.1, -1.7]
    assert nowcast.adjustment(revs, "none") == 0.0
    assert nowcast.adjustment(revs, "best_revision") == pytest.approx(0.3)
    assert nowcast.adjustment(revs, "mean_revision") == pytest.approx(-2.025)
    assert nowcast.adjustment([], "mean_revision") == 0.0    # nothing on record: no shift
    with pytest.raises(ValueError, match="unknown nowcast adjustment"):
        nowcast.adjustment(revs, "median")
    lv = nowcast.level(100.0, 5.0, 1.0, 0.95)
    assert lv["mean"] == pytest.approx(105.0) and lv["upper"] - lv["mean"] == pytest.approx(1.959964, rel=1e-6)


def test_local_level_needs_consecutive_years():
    with pytest.raises(ValueError, match="consecutive"):
        nowcast.local_level([2014, 2015, 2017, 2018, 2019], [1, 2, 3, 4, 5], 1, 0.95)
    with pytest.raises(ValueError, match="at least 5"):
        nowcast.local_level([2014, 2015], [1, 2], 1, 0.95)
