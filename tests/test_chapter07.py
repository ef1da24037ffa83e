"""Chapter 7 under every scenario: glued numbers equal a recomputation from the CSVs."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import claim_value as claim, data_rows as rows, glued

SCENARIOS = ["base", "optimistic", "pessimistic"]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chapter7_numbers(executed, scenario):
    v = glued(Path(executed[scenario]) / "07_resources.ipynb")
    funding = [r for r in rows("reference/allocations.csv") if r["allocation"] == "Funding by phase"]
    assert v["funding_total"] == sum(float(r["share"]) for r in funding)
    floor = claim("000-7.3-06")
    assert v["req_gross"] == pytest.approx(100 * floor / 3) and v["req_net"] == pytest.approx(100 * (1 + floor) / 3)
    annuity = sum(1.08 ** -t for t in (1, 2, 3))
    assert v["req_npv"] == pytest.approx(100 / annuity)
    base = claim("000-3.1-03") / (1 + claim("000-8.1-02") / 100)
    assert v["users_base"] == pytest.approx(base)
    assert v["per_new_user"] == pytest.approx(1 / claim("000-3.2-01"))
    assert v["per_base_user"] == pytest.approx(1 / base)
    assert "20.0 元 per new user" in v["largest_case"]  # 50亿元 ÷ 2.5亿 new users
