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


def one_shot_ceiling(K: float) -> float:
    """Users per seed user the one-shot model approaches: 1 / (1 − K) when K < 1, inf otherwise."""
    if K < 0:
        raise ValueError("K must be ≥ 0")
    return 1 / (1 - K) if K < 1 else float("inf")


def fit_growth(K: float, multiple: float, months: float) -> dict[str, float]:
    """How a viral coefficient K could multiply users by `multiple` in `months`, in both regimes (no churn):

    - `ceiling`: the one-shot limit in users per seed user (`one_shot_ceiling`);
    - `one_shot_days`: the cycle length if each user invites once (nan when the ceiling is below `multiple`);
    - `persistent_days`: the cycle length if every user keeps inviting;
    - `k_min`, `k_max`: the one-shot K that fits at all, from 1 − 1/multiple (approached as cycles get
      short) to multiple − 1 (a single cycle of `months`)."""
    if multiple <= 1 or K <= 0 or months <= 0:
        raise ValueError("multiple must exceed 1, K and months be positive")
    return {"K": float(K), "ceiling": one_shot_ceiling(K), "one_shot_days": implied_cycle_days(K, multiple, months),
            "persistent_days": implied_cycle_days(K, multiple, months, "persistent"),
            "k_min": 1 - 1 / multiple, "k_max": multiple - 1.0}


def referral_case(invites: float, conversion: float, multiple: float, months: float, rate: str) -> dict:
    """A referral case stated as invitations per user (a "fission index") and a growth `multiple` over
    `months`, read as K = invites × conversion (`rate` says whose conversion, for the sentences).

    Returns `fit_growth`'s numbers for that K, `every_days` (the one-shot cycle if every invitation
    converted), `cycles` (persistent cycles in `months`), and two sentences generated from the numbers:
    `verdict` (which reading fits) and `box` (the finding in one line)."""
    K = k_factor(invites, conversion)
    fit = fit_growth(K, multiple, months)
    out = {**fit, "every_days": fit_growth(k_factor(invites, 1.0), multiple, months)["one_shot_days"],
           "cycles": months * DAYS_PER_MONTH / fit["persistent_days"]}
    stated = f'at {rate}, "one invites {invites:g}" is K = {K:.2f}'
    if fit["ceiling"] < multiple:  # one round of invitations per user cannot get there
        out["verdict"] = (
            f"Below 1, such a K stops referral growth by itself if each user invites once: users approach 1/(1 − K) = "
            f"{fit['ceiling']:.1f} times the starting number whatever the cycle length, not {multiple:g} times. The figures fit only "
            f"if every user keeps inviting: at K = {K:.2f} per cycle, users grow {multiple:g}-fold in {months:g} months with "
            f"cycles of {fit['persistent_days']:.0f} days, each user bringing {K:.2f} new users about every "
            f"{fit['persistent_days'] / DAYS_PER_MONTH:.0f} months for the whole period.")
        out["box"] = (f"**Fits one reading only:** {stated}. One round of invitations per user stops at {fit['ceiling']:.1f} times "
                      f"the users; {multiple:g}-fold growth in {months:g} months needs every user to keep inviting, with cycles of "
                      f"{fit['persistent_days']:.0f} days. The plan states no conversion and no cycle for the case, so it is "
                      "unverifiable rather than contradictory.")
    else:
        out["verdict"] = (f"If each user invites once, K = {K:.2f} gives {multiple:g}-fold growth in {months:g} months with cycles "
                          f"of {fit['one_shot_days']:.0f} days; if every user keeps inviting, with cycles of "
                          f"{fit['persistent_days']:.0f} days.")
        out["box"] = (f"**Fits, given a cycle:** {stated}, which gives {multiple:g}-fold growth in {months:g} months with cycles of "
                      f"{fit['one_shot_days']:.0f} days (each user inviting once). The plan states no cycle, so the case cannot be "
                      "checked.")
    return out


def cap_at(grid: pd.DataFrame, ceiling: float) -> pd.DataFrame:
    """Grid with `shown` (users capped at `ceiling`), a Chinese-unit `label` ("> 11亿" above the
    ceiling) and `over` (whether the model exceeds the ceiling)."""
    over = grid["users"] > ceiling
    return grid.assign(shown=grid["users"].clip(upper=ceiling), over=over,
                       label=np.where(over, "> " + chinese_count(ceiling), grid["users"].map(chinese_count)))
