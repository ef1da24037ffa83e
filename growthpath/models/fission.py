"""Social fission (裂变, referral growth) as a branching process.

Each user sends `invites` invitations per cycle, each converting with probability `conversion`, so
the viral coefficient is K = invites × conversion new users per user per cycle. Two regimes:

- *one-shot* (the usual K-factor model): a user invites only in the cycle after joining, so each
  generation is K times the last and users after n cycles are seed · (1 + K + … + Kⁿ): bounded by
  seed / (1 − K) when K < 1, exponential when K > 1;
- *persistent*: every user keeps inviting each cycle (Yunji-style membership quotas) and a share
  `churn` leaves per cycle, so users grow by (1 + K − churn) per cycle.

Time is continuous in months: n = months × 30.4375 / cycle_days cycles (fractional cycles interpolate
geometrically)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

DAYS_PER_MONTH = 365.25 / 12


def k_factor(invites: float, conversion: float) -> float:
    if invites < 0 or not 0 <= conversion <= 1:
        raise ValueError("invites must be ≥ 0 and conversion in [0, 1]")
    return invites * conversion


def cycles(months, cycle_days: float) -> np.ndarray:
    if cycle_days <= 0:
        raise ValueError("cycle_days must be positive")
    return np.asarray(months, dtype=float) * DAYS_PER_MONTH / cycle_days


def one_shot_users(seed: float, K: float, n) -> np.ndarray:
    """Cumulative users after n cycles, seed · Σₖ₌₀ⁿ Kᵏ (n may be fractional)."""
    n = np.asarray(n, dtype=float)
    if np.isclose(K, 1.0):
        return seed * (n + 1)
    with np.errstate(over="ignore"):  # K > 1 over many cycles: inf is the honest answer
        return seed * (1 - K ** (n + 1)) / (1 - K)


def persistent_users(seed: float, K: float, n, churn: float = 0.0) -> np.ndarray:
    """Users after n cycles when everyone keeps inviting and `churn` leave each cycle."""
    if not 0 <= churn < 1:
        raise ValueError("churn must be in [0, 1)")
    with np.errstate(over="ignore"):
        return seed * (1 + K - churn) ** np.asarray(n, dtype=float)


def growth_curves(seed: float, ks, cycle_days: float, months: int, regime: str = "one-shot") -> pd.DataFrame:
    """Users month by month for each K (long frame: month, K, users)."""
    grid = np.arange(0, months + 1)
    n = cycles(grid, cycle_days)
    fn = one_shot_users if regime == "one-shot" else persistent_users
    return pd.concat([pd.DataFrame({"month": grid, "K": k, "users": fn(seed, k, n)}) for k in ks], ignore_index=True)


def users_grid(seed: float, ks, cycle_days_list, months: float, regime: str = "one-shot") -> pd.DataFrame:
    """Users after `months` over a K × cycle-time grid (long frame: K, cycle_days, users)."""
    fn = one_shot_users if regime == "one-shot" else persistent_users
    rows = [{"K": k, "cycle_days": d, "users": float(fn(seed, k, cycles(months, d)))} for k in ks for d in cycle_days_list]
    return pd.DataFrame(rows)


def implied_k(multiple: float, n_cycles: float, regime: str = "one-shot") -> float:
    """The K that multiplies users by `multiple` in `n_cycles` cycles (no churn)."""
    if multiple <= 1 or n_cycles <= 0:
        raise ValueError("multiple must exceed 1 and n_cycles be positive")
    if regime == "persistent":
        return multiple ** (1 / n_cycles) - 1
    return optimize.brentq(lambda k: one_shot_users(1.0, k, n_cycles) - multiple, 0.0, multiple)


def months_to_reach(seed: float, K: float, cycle_days: float, level: float, regime: str = "persistent", churn: float = 0.0) -> float:
    """Months until users first reach `level` (inf when they never do)."""
    if level <= seed:
        return 0.0
    if regime == "persistent":
        g = 1 + K - churn
        return float("inf") if g <= 1 else float(np.log(level / seed) / np.log(g) * cycle_days / DAYS_PER_MONTH)
    if K < 1 and seed / (1 - K) <= level:
        return float("inf")
    n = optimize.brentq(lambda x: one_shot_users(seed, K, x) - level, 0.0, 1e6)
    return float(n * cycle_days / DAYS_PER_MONTH)


def chinese_count(n: float) -> str:
    """A head count in the units Chinese sources use: 1.2万 (10⁴), 3.4亿 (10⁸), 5.6万亿 (10¹²)."""
    for unit, size in (("万亿", 1e12), ("亿", 1e8), ("万", 1e4)):
        if abs(n) >= size:
            value = n / size
            return f"{value:,.0f}{unit}" if value >= 100 else f"{value:.1f}{unit}"
    return f"{n:,.0f}"


def implied_cycle_days(K: float, multiple: float, months: float, regime: str = "one-shot") -> float:
    """The cycle length at which viral coefficient K multiplies users by `multiple` in `months`."""
    if multiple <= 1 or K <= 0:
        raise ValueError("multiple must exceed 1 and K be positive")
    if regime == "persistent":
        n = np.log(multiple) / np.log(1 + K)
    else:
        if K < 1 and 1 / (1 - K) <= multiple:
            return float("nan")  # never gets there
        n = optimize.brentq(lambda x: one_shot_users(1.0, K, x) - multiple, 0.0, 1e6)
    return float(months * DAYS_PER_MONTH / n)


def cap_at(grid: pd.DataFrame, ceiling: float) -> pd.DataFrame:
    """Grid with `shown` (users capped at `ceiling`), a Chinese-unit `label` ("> 11亿" above the
    ceiling) and `over` (whether the model exceeds the ceiling)."""
    over = grid["users"] > ceiling
    return grid.assign(shown=grid["users"].clip(upper=ceiling), over=over,
                       label=np.where(over, "> " + chinese_count(ceiling), grid["users"].map(chinese_count)))
