"""The customer lifecycle as an absorbing Markov chain (one step = one month).

Stages: potential → new → growing → mature → declining, and churned (absorbing). The monthly
transition probabilities and orders per month by stage come from `data/reference/lifecycle.csv`
(each tied to a ledger claim, or to an assumption of the register `data/reference/assumptions.csv` as
`assumption:<id>`, whose value the register sets); probability not assigned to a listed move
stays where `REMAINDER` says. With Q the transient block of the transition matrix, the fundamental
matrix N = (I − Q)⁻¹ gives expected months in each stage, hence lifetime, the steady-state mix of a
population fed by a constant inflow of potential users, and (discounted) lifetime value."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.data import assumptions, claims as claims_mod, datapackage
from growthpath.data.datapackage import DataError

STAGES = ("potential", "new", "growing", "mature", "declining")
STATES = STAGES + ("churned",)
ACTIVE = ("new", "growing", "mature", "declining")
# where the probability not assigned to a listed move goes: unactivated new customers are at risk
REMAINDER = {"potential": "potential", "new": "declining", "growing": "growing", "mature": "mature", "declining": "declining"}
RESOURCE = "lifecycle"
WHERE = "data/reference/lifecycle.csv"
COLUMNS = ("baseline", "target")


def load_parameters(claims: pd.DataFrame | None = None, register: assumptions.Register | None = None) -> pd.DataFrame:
    """The validated parameter table. Every value sourced `assumption:<id>` is taken from the assumption
    `register` (the project's register when None; a register with overrides gives a sensitivity run),
    and the value typed in the table must equal the register's own; when `claims` is given, every value
    sourced from a claim must equal that claim (a percentage read as a probability). Disagreements are
    located problems (file, row, column)."""
    frame = datapackage.read_table(RESOURCE)
    frame, problems = assumptions.apply(frame, assumptions.load() if register is None else register, COLUMNS, WHERE)
    if claims is not None:
        problems += claims_mod.check_sourced(frame, claims, WHERE)
    if problems:
        raise DataError(problems)
    return frame


def is_assumed(parameters: pd.DataFrame) -> pd.Series:
    """Rows whose baseline and target both come from the assumption register (not from the plan)."""
    return parameters[[f"{c}_source" for c in COLUMNS]].apply(
        lambda col: col.map(lambda s: assumptions.source_id(s) is not None)).all(axis=1)


def rates(parameters: pd.DataFrame, which: str = "baseline", overrides: dict | None = None) -> dict[str, float]:
    """Parameter name → value for the `baseline` or `target` column, with `overrides` applied."""
    return claims_mod.reading_values(parameters, "parameter", which, overrides, "lifecycle parameter")


def case_targets(parameters: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    """Parameters whose `target` is not a target of the plan: it comes from a ledger claim of another kind
    than `target` (a platform's case, an observed figure) while the baseline has a different source. The
    plan sets no target for them; `plan_targets` holds them at baseline and a chapter shows them apart."""
    kinds = claims.set_index("claim_id")["kind"]
    return [r.parameter for r in parameters.itertuples()
            if r.target_source != r.baseline_source and assumptions.source_id(r.target_source) is None
            and r.target_source in kinds.index and kinds[r.target_source] != "target"]


def plan_targets(parameters: pd.DataFrame, claims: pd.DataFrame, overrides: dict | None = None) -> dict[str, float]:
    """The target reading with only the plan's own targets: `rates(parameters, "target", overrides)` with
    every `case_targets` parameter at its baseline value."""
    base, goal = rates(parameters, "baseline", overrides), rates(parameters, "target", overrides)
    return {**goal, **{name: base[name] for name in case_targets(parameters, claims)}}


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


def case_reading(parameters: pd.DataFrame, claims: pd.DataFrame, base: dict[str, float], order_value: float,
                 monthly_discount: float = 0.0) -> dict:
    """The `case_targets` applied on their own to the baseline, each at its claim's value: the rates, the
    transition matrix `P`, the share of potential users who ever become customers (`reach_base`,
    `reach_case`), the change in a new customer's value (`ltv_change`), and sentences generated from those
    numbers: `note` (what the target column holds), `text` (what the cases would do) and `item` (a finding)."""
    sources = parameters.set_index("parameter")["target_source"]
    cases = {p: claims_mod.pick(claims, claim_id=sources[p], scope=("platform", "case")) for p in case_targets(parameters, claims)}
    with_cases = {**base, **{p: claims_mod.as_probability(c) for p, c in cases.items()}}
    P0, P = transition_matrix(parameters, base), transition_matrix(parameters, with_cases)
    ltv = [float(lifetime_value(m, value_per_month(parameters, r, order_value), monthly_discount)["new"])
           for m, r in ((P0, base), (P, with_cases))]
    out = {"cases": cases, "rates": with_cases, "P": P, "reach_base": share_ever_reaching(P0, "new"),
           "reach_case": share_ever_reaching(P, "new"), "ltv_change": ltv[1] - ltv[0]}
    if not cases:
        return {**out, "note": "every target is one the plan sets.", "item": "**Targets:** every target of the chain is one the plan sets.",
                "text": "Every lever in the chain moves to a target the plan sets."}
    named = "; ".join(f"the {claims_mod.as_probability(c):.0%} {p} of the {c['entity']} case ({c['claim_id']})" for p, c in cases.items())
    levers = " and ".join(cases)
    reach = ("raise" if out["reach_case"] > out["reach_base"] + 5e-3 else "lower" if out["reach_case"] < out["reach_base"] - 5e-3
             else "leave") + f" the share of potential users who ever become customers ({out['reach_base']:.0%} → {out['reach_case']:.0%})"
    value = ("leave a new customer's value unchanged" if abs(out["ltv_change"]) < 0.5
             else f"change a new customer's value by {out['ltv_change']:+,.0f} 元")
    return {**out,
            "note": f"the plan sets no {levers} target, so the target reading keeps the baseline; lifecycle.csv's target column "
                    f"holds {named}, shown apart below.",
            "text": f"The plan sets no {levers} target: {named} is a platform's result, not a plan target. Applied on its own to "
                    f"the baseline, it would {reach} and {value}" + (": conversion acts before a customer exists." if
                    set(cases) == {"conversion"} and abs(out["ltv_change"]) < 0.5 else "."),
            "item": f"**A platform's case, not a plan target:** {named} is shown apart; the chain's target reading keeps the "
                    f"baseline, because the plan sets no {levers} target."}


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
