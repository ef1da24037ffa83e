"""Sample sizes for tests of a conversion-type rate (two independent proportions), via statsmodels
(`NormalIndPower` on Cohen's effect size h = 2·asin√p₂ − 2·asin√p₁), and the experiment plan of Chapter 5.

Who can be randomised decides the design. A metric of single users (activation, repurchase) gets an
A/B test with `sample_size_per_arm` users per arm. An intervention delivered to a whole group (a WeChat
group run as a private-domain community) must randomise groups: buyers in one group see the same offers,
so their outcomes are correlated and each arm needs the individual sample size times the design effect
DE = 1 + (m − 1)·ICC (m members per group, ICC the intra-cluster correlation). A platform-wide rate
(content originality, lower-tier coverage, an algorithm's accuracy) has no control group on the same
platform at all: it is evaluated by other means, stated per initiative in data/reference/experiments.csv.

The significance level, power, ICC and group size are assumptions: left at None they are read from the
assumption register (data/reference/assumptions.csv: power_alpha, power_target, icc, cluster_size)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

UNITS = ("user", "cluster", "platform")


def _check(p: float, name: str) -> None:
    if not 0 < p < 1:
        raise ValueError(f"{name} must be a proportion strictly between 0 and 1, got {p!r}")


def _register(register=None):
    from growthpath.data import assumptions

    return register if register is not None else assumptions.load()


def conventions(alpha: float | None = None, power: float | None = None, register=None) -> tuple[float, float]:
    """(alpha, power): the values given, or the register's `power_alpha` and `power_target`."""
    if alpha is None or power is None:
        reg = _register(register)
        alpha = reg["power_alpha"] if alpha is None else alpha
        power = reg["power_target"] if power is None else power
    return float(alpha), float(power)


def sample_size_per_arm(baseline: float, target: float, alpha: float | None = None, power: float | None = None,
                        alternative: str = "two-sided") -> int:
    """Users needed in each arm to detect a move from `baseline` to `target` (proportions) when users
    are randomised one by one; `alpha` and `power` default to the register's conventions."""
    alpha, power = conventions(alpha, power)
    _check(baseline, "baseline")
    _check(target, "target")
    _check(alpha, "alpha")
    _check(power, "power")
    if baseline == target:
        raise ValueError("baseline and target are equal: no effect to detect")
    h = abs(proportion_effectsize(target, baseline))
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative=alternative)
    return int(math.ceil(n))


def design_effect(cluster_size: float, icc: float) -> float:
    """DE = 1 + (m − 1)·ICC: how many times more people a group-randomised trial needs than a
    user-randomised one for the same power."""
    if cluster_size < 1:
        raise ValueError(f"cluster_size must be at least 1, got {cluster_size!r}")
    if not 0 <= icc <= 1:
        raise ValueError(f"icc must be in [0, 1], got {icc!r}")
    return 1 + (cluster_size - 1) * icc


def cluster_sample_size(baseline: float, target: float, cluster_size: float, icc: float,
                        alpha: float | None = None, power: float | None = None) -> dict[str, float]:
    """For a trial that randomises whole groups of `cluster_size` members: the individual sample size,
    the design effect, users per arm (= ⌈n × DE⌉) and groups per arm (= ⌈users / m⌉)."""
    n = sample_size_per_arm(baseline, target, alpha, power)
    de = design_effect(cluster_size, icc)
    users = int(math.ceil(n * de - 1e-9))
    return {"n_individual": n, "design_effect": de, "users_per_arm": users,
            "groups_per_arm": int(math.ceil(users / cluster_size - 1e-9))}


def requirements(rows: pd.DataFrame, alpha: float | None = None, power: float | None = None) -> pd.DataFrame:
    """For a frame with `label`, `baseline`, `target` (proportions): Cohen's h and users per arm
    (user-level randomisation)."""
    alpha, power = conventions(alpha, power)
    out = rows.copy()
    out["cohen_h"] = [abs(proportion_effectsize(t, b)) for b, t in zip(rows["baseline"], rows["target"])]
    out["n_per_arm"] = [sample_size_per_arm(b, t, alpha, power) for b, t in zip(rows["baseline"], rows["target"])]
    return out


def curve(baselines, relative_lifts, alpha: float | None = None, power: float | None = None) -> pd.DataFrame:
    """Users per arm against relative lift (e.g. 0.1 = +10 %) for each baseline rate."""
    alpha, power = conventions(alpha, power)
    rows = [{"baseline": b, "lift": lift, "n_per_arm": sample_size_per_arm(b, b * (1 + lift), alpha, power)}
            for b in baselines for lift in relative_lifts if b * (1 + lift) < 1]
    return pd.DataFrame(rows)


def minimum_detectable_lift(baseline: float, n_per_arm: int, alpha: float | None = None, power: float | None = None) -> float:
    """Smallest relative lift detectable with `n_per_arm` users per arm."""
    alpha, power = conventions(alpha, power)
    _check(baseline, "baseline")
    h = NormalIndPower().solve_power(nobs1=n_per_arm, alpha=alpha, power=power, ratio=1.0)
    target = np.sin(np.arcsin(np.sqrt(baseline)) + h / 2) ** 2
    return float(target / baseline - 1)


def _labelled(rates, labels) -> list[str]:
    """'25 %', or '25 % (stated willingness, survey)' where the plan's figure is not what the column
    heading says (a survey answer for a baseline, a second channel for a target)."""
    labels = [""] * len(rates) if labels is None else ["" if pd.isna(x) else str(x).strip() for x in labels]
    return [f"{100 * r:g} %" + (f" ({x})" if x else "") for r, x in zip(rates, labels)]


def experiment_plan(claims: pd.DataFrame, alpha: float | None = None, power: float | None = None,
                    register=None) -> pd.DataFrame:
    """One row per initiative in data/reference/experiments.csv: metric, unit of randomisation,
    baseline and target (from their ledger claims) and what it takes to evaluate the move.

    - `user` rows: users per arm of an A/B test (design effect 1, no groups);
    - `cluster` rows: users per arm = ⌈n × DE⌉ and groups per arm = ⌈users / m⌉, with m and the ICC
      from the register (`cluster_size`, `icc`);
    - `platform` rows: no sample size (nothing can be randomised on one platform); the `evaluation`
      column says how the move would be evaluated instead.
    Sizes are nullable integers (<NA> where they do not apply)."""
    from growthpath.data import datapackage
    from growthpath.data.datapackage import DataError, Problem

    reg = _register(register)
    alpha, power = conventions(alpha, power, reg)
    plan = datapackage.read_table("experiments")
    bad = [Problem("data/reference/experiments.csv", f"unit {u!r} is not one of {', '.join(UNITS)}", row=i + 2, column="unit")
           for i, u in enumerate(plan["unit"]) if u not in UNITS]
    if bad:
        raise DataError(bad)
    value = claims.set_index("claim_id")["value"]
    missing = sorted((set(plan["baseline_source"]) | set(plan["target_source"])) - set(value.index))
    if missing:
        raise LookupError(f"data/reference/experiments.csv cites unknown claim id(s) {missing}")
    base, target = value[plan["baseline_source"]].to_numpy() / 100, value[plan["target_source"]].to_numpy() / 100
    m, icc = (reg["cluster_size"], reg["icc"]) if (plan["unit"] == "cluster").any() else (None, None)
    n_ind, de, users, groups = [], [], [], []
    for unit, b, t in zip(plan["unit"], base, target):
        if unit == "platform":
            n_ind.append(pd.NA), de.append(np.nan), users.append(pd.NA), groups.append(pd.NA)
        elif unit == "user":
            n = sample_size_per_arm(b, t, alpha, power)
            n_ind.append(n), de.append(1.0), users.append(n), groups.append(pd.NA)
        else:
            c = cluster_sample_size(b, t, m, icc, alpha, power)
            n_ind.append(c["n_individual"]), de.append(c["design_effect"]), users.append(c["users_per_arm"])
            groups.append(c["groups_per_arm"])
    return pd.DataFrame({"initiative": plan["initiative"], "section": plan["section"], "metric": plan["metric"],
                         "unit": plan["unit"],
                         "baseline": _labelled(base, plan.get("baseline_label")), "target": _labelled(target, plan.get("target_label")),
                         "n if users were independent": pd.array(n_ind, dtype="Int64"),
                         "design effect": de,
                         "users per arm": pd.array(users, dtype="Int64"),
                         "groups per arm": pd.array(groups, dtype="Int64"),
                         "evaluation": plan["evaluation"],
                         "claims": plan["baseline_source"] + " → " + plan["target_source"]})
