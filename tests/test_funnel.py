"""The private-domain funnel, logistics arithmetic, the programme timeline and the experiment plan."""
from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from conftest import REPO, claim_value, data_rows
from growthpath.data import assumptions, claims
from growthpath.analysis import economics, funnel, timelines
from growthpath.data.datapackage import DataError
from growthpath.models import power

# Ledger metrics whose rate, as seed 000 defines it, ends in a paid order, with the seed's own words.
PURCHASE_METRICS = {
    "activation_rate_7d": "激活率(7日內完成首單)",              # §2.1: first order within 7 days
    "activation_rate_7d_target": "激活率(7日內完成首單)",       # §3.2 restates the same rate as a target
    "community_conversion_rate": "社群入群-商品瀏覽-下單支付",     # §2.4: join the group → browse → pay
    "private_domain_conversion_baseline": "社群入群-商品瀏覽-下單支付",  # §3.2 restates the 5.2 % of §2.4
    "private_domain_conversion_target": "社群入群-商品瀏覽-下單支付",
}


def seed_000() -> str:
    return next((REPO / "data" / "seeds").glob("000_*.clean.txt")).read_text(encoding="utf-8")


def test_funnel_is_a_product_and_relative_lifts_are_equal():
    rates = {"a": 0.5, "b": 0.2, "c": 0.1}
    assert funnel.end_to_end(rates) == pytest.approx(0.01)
    c = funnel.counts(rates, 1000)
    assert list(c["people"]) == pytest.approx([1000, 500, 100, 10])
    s = funnel.sensitivity(rates, 1000, points=5, relative=0.1)
    rel = s[s["lift"].str.contains("relative")]["change"]
    assert rel.to_numpy() == pytest.approx([1.0, 1.0, 1.0])  # +10 % of 10 buyers, at any stage
    pts = s[s["lift"].str.contains("points")].set_index("stage")["change"]
    assert pts["c"] > pts["b"] > pts["a"]  # absolute gains count most where the rate is lowest


def test_one_at_a_time_and_caps():
    base, target = {"a": 0.5, "b": 0.1}, {"a": 0.5, "b": 0.2}
    out = funnel.one_at_a_time(base, target, 100).set_index("stage")
    assert out.loc["a", "change"] == 0 and out.loc["b", "change"] == pytest.approx(5)
    assert funnel.sensitivity({"a": 0.99}, 10_000, points=5)["converted"].max() == pytest.approx(10_000)


def test_the_what_if_lifts_come_from_the_register():
    A = assumptions.load()
    s = funnel.sensitivity({"a": 0.5, "b": 0.1}, 100)
    assert set(s["lift"]) == {f"+{A['funnel_lift_pp']:g} points", f"+{A['funnel_relative_lift_pct'] / 100:.0%} relative"}
    moved = funnel.sensitivity({"a": 0.5}, 100, register=A.with_overrides(funnel_lift_pp=A.range("funnel_lift_pp")[1]))
    assert moved.loc[moved["lift"].str.contains("points"), "converted"].item() == pytest.approx(100 * (0.5 + A.range("funnel_lift_pp")[1] / 100))


def test_book_funnel_rates_come_from_their_claims():
    C = claims.load()
    f = funnel.load(C).set_index("stage")
    assert list(f.index) == ["joined", "bought"]
    assert f.loc["joined", "baseline_source"] == "000-5.2-04"
    assert (f.loc["bought", "baseline_source"], f.loc["bought", "target_source"]) == ("000-2.4-07", "000-3.2-09")
    with pytest.raises(ValueError, match="unknown funnel stage"):
        funnel.rates(f.reset_index(), "baseline", {"nope": 0.5})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        funnel.rates(f.reset_index(), "baseline", {"joined": 1.5})


def test_the_purchase_is_counted_once_at_the_last_stage():
    """By each rate's definition in the seed, at most one stage may end in a paid order, and only the last:
    a funnel that multiplies 7-day activation (a first order) by private-domain conversion (join → pay)
    counts the purchase, and the attrition before it, twice."""
    text = seed_000()
    assert all(words in text for words in PURCHASE_METRICS.values())  # the definitions are the seed's own words
    metric = {r["claim_id"]: r["metric"] for r in data_rows("claims/claims.csv")}
    stages = data_rows("reference/funnel.csv")
    buying = [i for i, r in enumerate(stages) if {metric[r["baseline_source"]], metric[r["target_source"]]} & set(PURCHASE_METRICS)]
    assert buying == [len(stages) - 1], [stages[i]["stage"] for i in buying]


def test_end_to_end_is_joining_times_the_join_to_pay_path():
    """reached → joined (000-5.2-04) → paid: the join-to-pay path of 000 §2.4 starts at joining, so the whole
    funnel is the product of those two ledger rates and nothing else."""
    stages = data_rows("reference/funnel.csv")
    joined = claim_value("000-5.2-04") / 100
    assert math.prod(float(r["baseline"]) for r in stages) == pytest.approx(joined * claim_value("000-2.4-07") / 100, rel=1e-12)
    assert math.prod(float(r["target"]) for r in stages) == pytest.approx(joined * claim_value("000-3.2-09") / 100, rel=1e-12)


def test_each_stage_is_defined_in_the_seeds_own_words():
    text = seed_000()
    for r in data_rows("reference/funnel.csv"):
        assert r["definition_zh"] in text, r["stage"]
        ends_in_order = any(w in r["definition_zh"] for w in ("下單", "支付", "首單"))
        assert (r["includes_purchase"] == "true") == ends_in_order, r["stage"]


def test_a_second_purchase_stage_is_located(project):
    from growthpath.data import datapackage
    path = project / "data" / "reference" / "funnel.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["includes_purchase"] = "true"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    datapackage.refresh_hashes()
    with pytest.raises(DataError) as err:
        funnel.load()
    text = str(err.value)
    assert "funnel.csv" in text and "includes_purchase" in text and "joined" in text


def test_a_funnel_rate_that_disagrees_with_its_claim_is_located(project):
    from growthpath.data import datapackage
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
    bars, marks = timelines.phases_004(claims.load(), "2024-01-01")
    seq = bars[bars["reading"] == "004 read sequential"]
    cum = bars[bars["reading"] == "004 read cumulative"]
    assert seq["end"].max() == pd.Timestamp("2025-10-01") and cum["end"].max() == pd.Timestamp("2025-01-01")
    assert (seq["start"].iloc[1:].to_numpy() == seq["end"].iloc[:-1].to_numpy()).all()  # back to back
    assert len(marks) == 6


def test_experiment_plan_uses_the_power_function():
    A = assumptions.load()
    plan = power.experiment_plan(claims.load(), register=A)
    row = plan.set_index("initiative").loc["Private-domain operations"]
    n = power.sample_size_per_arm(0.052, 0.08, A["power_alpha"], A["power_target"])
    assert row["unit"] == "cluster"
    assert row["users per arm"] == math.ceil(n * (1 + (A["cluster_size"] - 1) * A["icc"]))
    assert plan["users per arm"].dropna().min() > 0
