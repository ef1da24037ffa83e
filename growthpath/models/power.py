"""Sample sizes for A/B tests of a conversion-type rate (two independent proportions), via statsmodels
(`NormalIndPower` on Cohen's effect size h = 2·asin√p₂ − 2·asin√p₁)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize


def _check(p: float, name: str) -> None:
    if not 0 < p < 1:
        raise ValueError(f"{name} must be a proportion strictly between 0 and 1, got {p!r}")


def sample_size_per_arm(baseline: float, target: float, alpha: float = 0.05, power: float = 0.8,
                        alternative: str = "two-sided") -> int:
    """Users needed in each arm to detect a move from `baseline` to `target` (proportions)."""
    _check(baseline, "baseline")
    _check(target, "target")
    _check(alpha, "alpha")
    _check(power, "power")
    if baseline == target:
        raise ValueError("baseline and target are equal: no effect to detect")
    h = abs(proportion_effectsize(target, baseline))
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative=alternative)
    return int(math.ceil(n))


def requirements(rows: pd.DataFrame, alpha: float = 0.05, power: float = 0.8) -> pd.DataFrame:
    """For a frame with `label`, `baseline`, `target` (proportions): Cohen's h and users per arm."""
    out = rows.copy()
    out["cohen_h"] = [abs(proportion_effectsize(t, b)) for b, t in zip(rows["baseline"], rows["target"])]
    out["n_per_arm"] = [sample_size_per_arm(b, t, alpha, power) for b, t in zip(rows["baseline"], rows["target"])]
    return out


def curve(baselines, relative_lifts, alpha: float = 0.05, power: float = 0.8) -> pd.DataFrame:
    """Users per arm against relative lift (e.g. 0.1 = +10 %) for each baseline rate."""
    rows = [{"baseline": b, "lift": lift, "n_per_arm": sample_size_per_arm(b, b * (1 + lift), alpha, power)}
            for b in baselines for lift in relative_lifts if b * (1 + lift) < 1]
    return pd.DataFrame(rows)


def minimum_detectable_lift(baseline: float, n_per_arm: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest relative lift detectable with `n_per_arm` users per arm."""
    _check(baseline, "baseline")
    h = NormalIndPower().solve_power(nobs1=n_per_arm, alpha=alpha, power=power, ratio=1.0)
    target = np.sin(np.arcsin(np.sqrt(baseline)) + h / 2) ** 2
    return float(target / baseline - 1)


def experiment_plan(claims: pd.DataFrame, alpha: float = 0.05, power: float = 0.8) -> pd.DataFrame:
    """One row per initiative in data/reference/experiments.csv: metric, baseline and target (from
    their ledger claims) and the users per arm to detect the move."""
    from growthpath import datapackage

    plan = datapackage.read_table("experiments")
    value = claims.set_index("claim_id")["value"]
    missing = sorted((set(plan["baseline_source"]) | set(plan["target_source"])) - set(value.index))
    if missing:
        raise LookupError(f"data/reference/experiments.csv cites unknown claim id(s) {missing}")
    base, target = value[plan["baseline_source"]].to_numpy() / 100, value[plan["target_source"]].to_numpy() / 100
    return pd.DataFrame({"initiative": plan["initiative"], "section": plan["section"], "metric": plan["metric"],
                         "baseline": [f"{100 * b:g} %" for b in base], "target": [f"{100 * t:g} %" for t in target],
                         "users per arm": [sample_size_per_arm(b, t, alpha, power) for b, t in zip(base, target)],
                         "claims": plan["baseline_source"] + " → " + plan["target_source"]})
