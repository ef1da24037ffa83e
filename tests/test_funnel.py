"""The private-domain funnel, logistics arithmetic, the programme timeline and the experiment plan."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath import claims, economics, funnel, programme
from growthpath.datapackage import DataError
from growthpath.models import power


def test_funnel_is_a_product_and_relative_lifts_are_equal():
    rates = {"a": 0.5, "b": 0.2, "c": 0.1}
    assert funnel.end_to_end(rates) == pytest.approx(0.01)
    c = funnel.counts(rates, 1000)
    assert list(c["people"]) == pytest.approx([1000, 500, 100, 10])
    s = funnel.sensitivity(rates, points=5, relative=0.1, reached=1000)
    rel = s[s["lift"].str.contains("relative")]["change"]
    assert rel.to_numpy() == pytest.approx([1.0, 1.0, 1.0])  # +10 % of 10 buyers, at any stage
    pts = s[s["lift"].str.contains("points")].set_index("stage")["change"]
    assert pts["c"] > pts["b"] > pts["a"]  # absolute gains count most where the rate is lowest


def test_one_at_a_time_and_caps():
    base, target = {"a": 0.5, "b": 0.1}, {"a": 0.5, "b": 0.2}
    out = funnel.one_at_a_time(base, target, 100).set_index("stage")
    assert out.loc["a", "change"] == 0 and out.loc["b", "change"] == pytest.approx(5)
    assert funnel.sensitivity({"a": 0.99}, points=5)["converted"].max() == pytest.approx(10_000)


def test_book_funnel_rates_come_from_their_claims():
    C = claims.load()
    f = funnel.load(C)
    retained = f.set_index("stage").loc["retained"]
    assert retained["reading"] == "complement" and retained["baseline"] == pytest.approx(1 - 0.45)
    with pytest.raises(ValueError, match="unknown funnel stage"):
        funnel.rates(f, "baseline", {"nope": 0.5})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        funnel.rates(f, "baseline", {"join": 1.5})


def test_a_funnel_rate_that_disagrees_with_its_claim_is_located(project):
    from growthpath import datapackage
    path = project / "data" / "reference" / "funnel.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("group,0.35,0.35", "group,0.36,0.35"), encoding="utf-8")
    datapackage.refresh_hashes()
    with pytest.raises(DataError) as err:
        funnel.load(claims.load())
    text = str(err.value)
    assert "funnel.csv" in text and "baseline" in text and "000-5.2-04" in text


def test_logistics_arithmetic():
    assert economics.logistics_per_order(180, 0.28) == pytest.approx(50.4)
    assert economics.contribution_per_order(250, 0.20, 0.30) == pytest.approx(25.0)
    with pytest.raises(ValueError):
        economics.contribution_per_order(100, 0.2, 1.5)


def test_programme_readings():
    bars, marks = programme.phases_004(claims.load(), "2024-01-01")
    seq = bars[bars["reading"] == "004 read sequential"]
    cum = bars[bars["reading"] == "004 read cumulative"]
    assert seq["end"].max() == pd.Timestamp("2025-10-01") and cum["end"].max() == pd.Timestamp("2025-01-01")
    assert (seq["start"].iloc[1:].to_numpy() == seq["end"].iloc[:-1].to_numpy()).all()  # back to back
    assert len(marks) == 6


def test_experiment_plan_uses_the_power_function():
    plan = power.experiment_plan(claims.load())
    row = plan.set_index("initiative").loc["Private-domain operations"]
    assert row["users per arm"] == power.sample_size_per_arm(0.052, 0.08)
    assert plan["users per arm"].min() > 0
