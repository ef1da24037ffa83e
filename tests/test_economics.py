"""Unit-economics helpers against hand-computed values."""
from __future__ import annotations

import pytest

from growthpath import claims, economics


def test_cac_endpoints_vs_stated_rate():
    r = economics.endpoints_vs_rate(claims.load(), "000", "2.1", "cac")
    assert (r["start"], r["end"], r["stated_pct"]) == (35, 89, 22)
    assert r["implied_pct"][2] == pytest.approx(100 * ((89 / 35) ** 0.5 - 1))
    assert r["end_at_stated"][2] == pytest.approx(35 * 1.22 ** 2)


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
