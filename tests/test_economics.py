"""Unit-economics helpers against hand-computed values."""
from __future__ import annotations

import pytest

from growthpath.data import claims
from growthpath.analysis import economics


def test_cac_endpoints_vs_stated_rate():
    r = economics.endpoints_vs_rate(claims.load(), "000", "2.1", "cac")
    assert (r["start"], r["end"], r["stated_pct"]) == (35, 89, 22)
    assert r["implied_pct"][2] == pytest.approx(100 * ((89 / 35) ** 0.5 - 1))
    assert r["end_at_stated"][2] == pytest.approx(35 * 1.22 ** 2)
    # an industry rate and one platform's endpoints: two scopes, compared only as such
    assert (r["rate_entity"], r["endpoints_entity"], r["same_scope"]) == ("industry", "unnamed head platform", False)
    assert r["multiple"] == pytest.approx(89 / 35) and r["stated_multiple"][3] == pytest.approx(1.22 ** 3)
    stated, ends = economics.index_paths(r)
    assert stated["value"].tolist() == pytest.approx([100, 122, 148.84]) and stated["year"].tolist() == [2021, 2022, 2023]
    assert ends["value"].tolist() == pytest.approx([100, 100 * 89 / 35]) and ends["year"].tolist() == [2021, 2023]
    assert economics.pace_phrase(r["implied_pct"], r["stated_pct"]) == "far faster than"


def test_pace_phrase_and_monthly_rates():
    assert economics.pace_phrase({2: 30.0, 3: 25.0}, 22) == "faster than"
    assert economics.pace_phrase({2: 30.0, 3: 15.0}, 22) == "about as fast as"
    assert economics.pace_phrase({2: 20.0, 3: 16.0}, 22) == "slower than"
    assert economics.pace_phrase({2: 10.0, 3: 8.0}, 22) == "far slower than"
    m = economics.monthly_equivalent_pct(8.0)
    assert (1 + m / 100) ** 12 == pytest.approx(1.08) and m == pytest.approx(0.6434, abs=1e-4)
    assert economics.monthly_equivalent_pct(0.0) == 0.0
    with pytest.raises(ValueError):
        economics.monthly_equivalent_pct(-100)


def test_path_and_changes():
    p = economics.path(100, 10, 2020, 2022)
    assert p["value"].tolist() == pytest.approx([100, 110, 121])
    assert economics.annual_change_pp(42, 28, 3) == pytest.approx(-14 / 3)
    assert economics.ltv_cac(1200, 89) == pytest.approx(13.483, abs=1e-3)
    with pytest.raises(ValueError):
        economics.ltv_cac(1, 0)
    assert economics.lorenz_point(15, 58, "x") == {"customers": 0.15, "revenue": 0.58, "label": "x"}
    with pytest.raises(ValueError):
        economics.lorenz_point(150, 58, "x")
