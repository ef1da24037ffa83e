"""The customer lifecycle as an absorbing Markov chain (one step = one month).

Stages: potential → new → growing → mature → declining, and churned (absorbing). The monthly
transition probabilities and orders per month by stage come from `data/reference/lifecycle.csv`
(each tied to a ledger claim or marked as an assumption); probability not assigned to a listed move
stays where `REMAINDER` says. With Q the transient block of the transition matrix, the fundamental
matrix N = (I − Q)⁻¹ gives expected months in each stage, hence lifetime, the steady-state mix of a
population fed by a constant inflow of potential users, and (discounted) lifetime value."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath import claims as claims_mod, datapackage
from growthpath.datapackage import DataError

STAGES = ("potential", "new", "growing", "mature", "declining")
STATES = STAGES + ("churned",)
ACTIVE = ("new", "growing", "mature", "declining")
# where the probability not assigned to a listed move goes: unactivated new customers are at risk
REMAINDER = {"potential": "potential", "new": "declining", "growing": "growing", "mature": "mature", "declining": "declining"}
RESOURCE = "lifecycle"


def load_parameters(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The validated parameter table; when `claims` is given, every value sourced from a claim must
    equal that claim (a percentage read as a probability)."""
    frame = datapackage.read_table(RESOURCE)
    if claims is not None:
        problems = claims_mod.check_sourced(frame, claims, "data/reference/lifecycle.csv")
        if problems:
            raise DataError(problems)
    return frame


def rates(parameters: pd.DataFrame, which: str = "baseline", overrides: dict | None = None) -> dict[str, float]:
    """Parameter name → value for the `baseline` or `target` column, with `overrides` applied."""
    return claims_mod.reading_values(parameters, "parameter", which, overrides, "lifecycle parameter")


def transition_matrix(parameters: pd.DataFrame, values: dict[str, float]) -> pd.DataFrame:
    """Row-stochastic matrix over `STATES` from the transition rows of `parameters`."""
    P = pd.DataFrame(0.0, index=list(STATES), columns=list(STATES))
    for row in parameters[parameters["kind"] == "transition"].itertuples():
        P.loc[row.from_state, row.to_state] += values[row.parameter]
    for stage in STAGES:
        rest = 1 - P.loc[stage].sum()
        if rest < -1e-12 or (P.loc[stage] < 0).any():
            raise ValueError(f"stage {stage!r}: monthly transition probabilities must be ≥ 0 and sum to at most 1, "
                             f"got {P.loc[stage].sum():.3f}")
        P.loc[stage, REMAINDER[stage]] += max(rest, 0.0)
    P.loc["churned", "churned"] = 1.0
    return P


def fundamental(P: pd.DataFrame, discount: float = 1.0) -> pd.DataFrame:
    """N = (I − d·Q)⁻¹: expected (discounted) months in each transient stage, by starting stage."""
    Q = P.loc[list(STAGES), list(STAGES)].to_numpy()
    N = np.linalg.inv(np.eye(len(STAGES)) - discount * Q)
    return pd.DataFrame(N, index=list(STAGES), columns=list(STAGES))


def expected_lifetime(P: pd.DataFrame) -> pd.Series:
    """Expected months as a customer (in any active stage) before churning, by starting stage."""
    return fundamental(P)[list(ACTIVE)].sum(axis=1).rename("months")


def steady_state_mix(P: pd.DataFrame, entry: str = "potential") -> pd.Series:
    """Share of each stage in a population fed by a constant inflow into `entry` (stock ∝ N[entry])."""
    stock = fundamental(P).loc[entry]
    return (stock / stock.sum()).rename("share")


def lifetime_value(P: pd.DataFrame, value_per_month: dict[str, float], monthly_discount: float = 0.0) -> pd.Series:
    """Expected discounted value from each starting stage until churn: (I − dQ)⁻¹ v with
    d = 1 / (1 + monthly_discount)."""
    if not 0 <= monthly_discount < 1:
        raise ValueError("monthly_discount must be in [0, 1)")
    v = np.array([value_per_month.get(s, 0.0) for s in STAGES])
    return pd.Series(fundamental(P, 1 / (1 + monthly_discount)).to_numpy() @ v, index=list(STAGES), name="ltv")


def value_per_month(parameters: pd.DataFrame, values: dict[str, float], order_value: float) -> dict[str, float]:
    """Spend per month in each stage: orders per month × order value."""
    rows = parameters[parameters["kind"] == "orders_per_month"]
    return {r.from_state: values[r.parameter] * order_value for r in rows.itertuples()}


def share_ever_reaching(P: pd.DataFrame, stage: str, start: str = "potential") -> float:
    """Probability that a customer starting in `start` ever reaches `stage` (first-passage)."""
    states = [s for s in STAGES if s != stage]
    Q = P.loc[states, states].to_numpy()
    b = P.loc[states, stage].to_numpy()
    h = np.linalg.solve(np.eye(len(states)) - Q, b)
    return 1.0 if start == stage else float(dict(zip(states, h))[start])


def lever_effects(parameters: pd.DataFrame, base: dict[str, float], target: dict[str, float], order_values: tuple[float, float],
                  monthly_discount: float = 0.0, start: str = "new") -> pd.DataFrame:
    """LTV from `start` when one lever at a time moves from baseline to target (order value
    included), against the all-baseline and all-target values."""
    def ltv(values, aov):
        P = transition_matrix(parameters, values)
        return float(lifetime_value(P, value_per_month(parameters, values, aov), monthly_discount)[start])

    reference = ltv(base, order_values[0])
    rows = [{"lever": name, "ltv": ltv({**base, name: target[name]}, order_values[0])}
            for name in parameters["parameter"] if not np.isclose(base[name], target[name])]
    rows.append({"lever": "order value", "ltv": ltv(base, order_values[1])})
    out = pd.DataFrame(rows)
    out["change"] = out["ltv"] - reference
    total = pd.DataFrame([{"lever": "all baseline", "ltv": reference, "change": 0.0},
                          {"lever": "all target", "ltv": ltv(target, order_values[1]), "change": ltv(target, order_values[1]) - reference}])
    return pd.concat([out.sort_values("change", ascending=False), total], ignore_index=True)
