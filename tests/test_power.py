"""Sample sizes match Cohen's (1988) table and the closed-form normal approximation."""
from __future__ import annotations

import math

import pytest
from scipy.stats import norm

from growthpath.models import power


def test_cohens_table_value():
    # Cohen (1988), Table 6.4.1: h = 0.20, two-sided α = 0.05, power 0.80 → n = 392 per group
    p1 = 0.5
    p2 = math.sin(math.asin(math.sqrt(p1)) + 0.1) ** 2  # h = 2·asin√p2 − 2·asin√p1 = 0.2
    assert power.sample_size_per_arm(p1, p2) in (392, 393)


def test_closed_form():
    p1, p2, a, b = 0.052, 0.08, 0.05, 0.8
    h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
    n = 2 * ((norm.ppf(1 - a / 2) + norm.ppf(b)) / h) ** 2
    assert power.sample_size_per_arm(p1, p2, a, b) == math.ceil(n)


def test_minimum_detectable_lift_inverts_sample_size():
    lift = power.minimum_detectable_lift(0.05, 10_000)
    assert power.sample_size_per_arm(0.05, 0.05 * (1 + lift)) == pytest.approx(10_000, abs=1)


def test_curve_falls_with_effect_size():
    c = power.curve([0.05], [0.05, 0.1, 0.5])
    assert list(c["n_per_arm"]) == sorted(c["n_per_arm"], reverse=True)


@pytest.mark.parametrize("args", [(0, 0.1), (0.1, 0.1), (0.1, 1.2), (0.1, 0.2, 0.0)])
def test_invalid_inputs(args):
    with pytest.raises(ValueError):
        power.sample_size_per_arm(*args)


# ----------------------------------------------------------------------------- conventions and clusters
def test_alpha_and_power_default_to_the_register():
    from growthpath.data import assumptions

    A = assumptions.load()
    assert power.conventions() == (A["power_alpha"], A["power_target"])
    assert power.sample_size_per_arm(0.052, 0.08) == power.sample_size_per_arm(0.052, 0.08, A["power_alpha"], A["power_target"])
    assert power.conventions(None, None, A.with_overrides(power_target=0.9)) == (A["power_alpha"], 0.9)
    assert power.conventions(0.01, 0.95) == (0.01, 0.95)  # explicit values win (chapter 4 passes them positionally)


def test_design_effect_by_hand():
    # DE = 1 + (m − 1)·ICC: 200 members and ICC 0.02 → 1 + 199 × 0.02 = 4.98
    assert power.design_effect(200, 0.02) == pytest.approx(4.98)
    assert power.design_effect(1, 0.3) == 1.0  # groups of one are users
    p1, p2, a, b, m, icc = 0.052, 0.08, 0.05, 0.8, 200, 0.02
    h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
    n = math.ceil(2 * ((norm.ppf(1 - a / 2) + norm.ppf(b)) / h) ** 2)
    users = math.ceil(n * (1 + (m - 1) * icc))
    got = power.cluster_sample_size(p1, p2, m, icc, a, b)
    assert (got["n_individual"], got["users_per_arm"], got["groups_per_arm"]) == (n, users, math.ceil(users / m))
    assert got["users_per_arm"] > got["n_individual"]
    with pytest.raises(ValueError):
        power.design_effect(0, 0.02)
    with pytest.raises(ValueError):
        power.design_effect(200, 1.5)


def _plan(**overrides):
    from growthpath.data import assumptions, claims

    A = assumptions.load().with_overrides(**overrides)
    return power.experiment_plan(claims.load(), register=A), A


def test_platform_rows_get_no_sample_size():
    plan, _ = _plan()
    platform = plan[plan["unit"] == "platform"]
    assert len(platform) and platform["users per arm"].isna().all() and platform["groups per arm"].isna().all()
    assert platform["n if users were independent"].isna().all()
    assert platform["evaluation"].str.startswith("Not an experiment").all()
    users = plan[plan["unit"] == "user"]
    assert (users["users per arm"] == users["n if users were independent"]).all() and users["groups per arm"].isna().all()


def test_a_cluster_row_never_gets_a_per_user_n():
    """A group-randomised row must carry users per arm = ⌈n × DE⌉ and ⌈users / m⌉ groups, never the
    sample size of an A/B test that randomises users one by one."""
    plan, A = _plan()
    cluster = plan[plan["unit"] == "cluster"]
    assert len(cluster)
    de = 1 + (A["cluster_size"] - 1) * A["icc"]
    for _, row in cluster.iterrows():
        b, t = float(row["baseline"].rstrip(" %")) / 100, float(row["target"].rstrip(" %")) / 100
        n = power.sample_size_per_arm(b, t, A["power_alpha"], A["power_target"])
        assert row["users per arm"] != n
        assert row["users per arm"] == math.ceil(n * de)
        assert row["groups per arm"] == math.ceil(row["users per arm"] / A["cluster_size"])
        assert row["design effect"] == pytest.approx(de)
    # the ICC and the group size move the cluster rows only
    wider, _ = _plan(icc=A.range("icc")[1])
    assert (wider.loc[cluster.index, "users per arm"] > cluster["users per arm"]).all()
    same = plan["unit"] != "cluster"
    assert wider.loc[same, "users per arm"].equals(plan.loc[same, "users per arm"])


def test_group_interventions_are_cluster_rows():
    """Private-domain initiatives act on whole WeChat groups: experiments.csv must not give them a user unit."""
    import csv

    from conftest import REPO

    with open(REPO / "data" / "reference" / "experiments.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["unit"] for r in rows} <= set(power.UNITS)
    assert all(r["unit"] == "cluster" for r in rows if r["initiative"].startswith("Private-domain"))


def test_a_baseline_that_is_not_the_rate_now_says_what_it_is():
    """A survey's stated willingness or a second channel printed as 'baseline → target' would read as a
    before-and-after: the table must carry the label from experiments.csv."""
    plan, _ = _plan()
    row = plan.set_index("initiative").loc["Cross-platform migration"]
    assert "willingness" in row["baseline"] and row["baseline"].startswith("25 %")
    assert power._labelled([0.05], None) == ["5 %"]
