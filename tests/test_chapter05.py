"""Chapter 5 (the same under every scenario): glued numbers equal an independent recomputation from data/."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from scipy.stats import norm

from conftest import claim_value as claim, data_rows as rows, glued

NB = "05_implementation.ipynb"
SCENARIOS = ["base", "optimistic", "pessimistic"]


def register() -> dict[str, float]:
    return {r["id"]: float(r["value"]) for r in rows("reference/assumptions.csv")}


def register_range(key: str) -> tuple[float, float]:
    r = next(r for r in rows("reference/assumptions.csv") if r["id"] == key)
    return float(r["low"]), float(r["high"])


def sample_size(p1: float, p2: float, alpha: float, power: float) -> int:
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    return math.ceil(2 * (z / (2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))) ** 2)


def expected():
    A = register()
    stages = rows("reference/funnel.csv")
    e2e_base = math.prod(float(r["baseline"]) for r in stages)
    e2e_target = math.prod(float(r["target"]) for r in stages)
    aov0, aov1 = claim("000-3.3-08"), claim("000-3.3-09")  # the whole market's order value (§3.3)
    s0, s1 = claim("000-2.1-13"), claim("000-3.3-03")      # logistics, % of the lower-tier order value
    margin = A["gross_margin_pct"]
    m, icc = A["cluster_size"], A["icc"]
    de = 1 + (m - 1) * icc
    plan = rows("reference/experiments.csv")
    users, cluster = [], None
    for r in plan:
        if r["unit"] == "platform":
            continue
        n = sample_size(claim(r["baseline_source"]) / 100, claim(r["target_source"]) / 100, A["power_alpha"], A["power_target"])
        if r["unit"] == "cluster":
            cluster = cluster or {"cl_n_ind": n, "cl_users": math.ceil(n * de), "cl_groups": math.ceil(math.ceil(n * de) / m)}
            n = math.ceil(n * de)
        users.append(n)
    lo, hi = register_range("gross_margin_pct")
    return {"e2e_base": e2e_base, "e2e_target": e2e_target, "conv_base": 1e4 * e2e_base, "conv_target": 1e4 * e2e_target,
            "e2e_rel": 100 * (e2e_target / e2e_base - 1),
            "lift_g": A["funnel_lift_pp"], "rel_lift_g": A["funnel_relative_lift_pct"],
            "logi_cost_cut": 100 * (1 - s1 / s0), "logi_aov_rise": 100 * (s0 / s1 - 1),
            "market_aov_rise": 100 * (aov1 / aov0 - 1), "logi_share_if_market": s0 * aov0 / aov1,
            "contrib_base": margin - s0, "contrib_target": margin - s1,
            "margin_g": A["gross_margin_pct"], "margin_lo": lo, "margin_hi": hi,
            "orig_points": claim("000-3.2-05") - claim("000-3.2-04"), "mig_gap": claim("000-3.2-14") - claim("000-2.5-09"),
            "seq_months": 21, "cum_months": 12,
            "alpha_g": A["power_alpha"], "power_g": A["power_target"], "icc_g": icc, "m_g": m, "de_g": de, **cluster,
            "n_user": sum(r["unit"] == "user" for r in plan), "n_cluster": sum(r["unit"] == "cluster" for r in plan),
            "n_platform": sum(r["unit"] == "platform" for r in plan), "largest_n": max(users)}


def test_the_logistics_levers_do_not_depend_on_the_order_value():
    """Independent of the notebook: the plan gives logistics only as a share of a lower-tier order value it never
    states (000-2.1-13, 000-3.3-03), so the book states the two levers as ratios; they hold at any order value."""
    s0, s1 = claim("000-2.1-13") / 100, claim("000-3.3-03") / 100
    cut, rise = 1 - s1 / s0, s0 / s1 - 1
    for value in (50.0, 180.0, 1234.5):  # arbitrary lower-tier order values
        assert value * s0 * (1 - cut) / value == pytest.approx(s1)       # cheaper logistics, same order
        assert value * s0 / (value * (1 + rise)) == pytest.approx(s1)    # same logistics, larger order
    ledger = {r["claim_id"]: r for r in rows("claims/claims.csv")}
    assert "lower-tier" in ledger["000-2.1-13"]["entity"] and "lower-tier" in ledger["000-3.3-03"]["entity"]
    assert "lower-tier" not in ledger["000-3.3-08"]["entity"]  # the order value is the whole market's


def test_chapter5_prose_follows_the_seed():
    """§5.2: 30日沉默用戶激活率達25% names who is silent (for 30 days), not a reactivation window; §5.1: the
    originality target equals a platform's figure, which is not shown to be its source."""
    import json

    nb = json.loads((Path(__file__).resolve().parents[1] / "chapters" / NB).read_text(encoding="utf-8"))
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "「30日沉默用户」" in prose and "within a month" not in prose
    assert "Borrowed target" not in prose and "becomes the industry's target" not in prose


def test_the_funnel_is_joining_times_paying():
    """Independent of the notebook: by the seed's definitions the funnel is joined (000-5.2-04) × join→pay (000-2.4-07)."""
    want = expected()
    assert want["e2e_base"] == pytest.approx(claim("000-5.2-04") / 100 * claim("000-2.4-07") / 100, rel=1e-12)
    assert want["e2e_target"] == pytest.approx(claim("000-5.2-04") / 100 * claim("000-3.2-09") / 100, rel=1e-12)


@pytest.mark.slow
def test_chapter5_numbers(executed):
    # the chapter reads no scenario parameter: it runs once, and the other scenarios reuse it (tests/test_results.py)
    values = glued(Path(executed["base"]) / NB)
    want = expected()
    largest = want.pop("largest_n")
    assert f"({largest:,} users per arm" in values["largest_test"]
    if largest == want["cl_users"]:  # the largest test randomises groups: its group count is stated too
        assert f"{want['cl_groups']:,} groups of {want['m_g']:,.0f} per arm" in values["largest_test"]
    for key, value in want.items():
        assert values[key] == pytest.approx(value, rel=1e-9), key
    # verdicts generated from the values: the migration target against stated willingness (§2.5 不足25%)
    gap = claim("000-3.2-14") - claim("000-2.5-09")
    assert gap > 0 and f"more than {gap:g} points above" in values["mig_verdict"] and "Ambitious" in values["mig_bullet"]
    assert "contradict" not in values["mig_bullet"]
    # the originality target equals Xiaohongshu's figure; the ledger does not show it was taken from it
    assert "equals Xiaohongshu's own figure (000-6.3-19" in values["orig_source"] and "becomes" not in values["orig_source"]
    within = want["logi_share_if_market"] <= claim("000-3.3-03")
    assert ("within the target" if within else "still above the target") in values["logi_if_market"]
    assert "margin" in values["margin_verdict"] and values["contrib_target"] > values["contrib_base"]


@pytest.mark.slow
def test_scenarios_do_not_change_chapter5(executed):
    runs = {s: glued(Path(executed[s]) / NB) for s in SCENARIOS}
    assert runs["base"] == runs["optimistic"] == runs["pessimistic"]
