"""Resources and returns (Chapter 7): the plans' allocations, an investment calculator and the unit
economics a budget must buy.

The plan sets return floors without defining ROI. Both readings are computed: *gross* (returns ÷
cost ≥ floor) and *net* ((returns − cost) ÷ cost ≥ floor). Returns are gross profit in 亿元 a year,
received at the end of each year; a recurring cost is paid at the start of each year."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath import claims as claims_mod, datapackage
from growthpath.datapackage import DataError

SEPARATE = "stated separately"  # marks a share given on the same base but outside the split


# ----------------------------------------------------------------------------- allocations
def allocations(claims: pd.DataFrame) -> pd.DataFrame:
    """Allocation shares (percent), each checked against its ledger claim."""
    frame = datapackage.read_table("allocations")
    problems = claims_mod.check_sourced(frame.assign(reading="raw"), claims, "data/reference/allocations.csv",
                                        columns=("share",), reading_column="reading")
    if problems:
        raise DataError(problems)
    return frame


def allocation_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """Per allocation: the split's sum, and the sum including shares stated separately on the same base."""
    split = frame[~frame["base"].str.contains(SEPARATE)].groupby("allocation", sort=False)["share"].sum()
    whole = frame.groupby("allocation", sort=False)["share"].sum()
    return pd.DataFrame({"allocation": split.index, "split_sum": split.to_numpy(), "with_separate": whole.reindex(split.index).to_numpy()})


# ----------------------------------------------------------------------------- calculator
def npv(cashflows, rate: float) -> float:
    """Net present value of yearly cash flows, the first at time 0."""
    if rate <= -1:
        raise ValueError("rate must exceed -100 %")
    flows = np.asarray(cashflows, dtype=float)
    return float(np.sum(flows / (1 + rate) ** np.arange(len(flows))))


def cashflows(cost: float, annual_return: float, years: int, recurring: bool = False) -> np.ndarray:
    """Flows for years 0..years: the cost at the start of the first (or every) year, returns at year ends."""
    if years < 1 or cost < 0:
        raise ValueError("need years ≥ 1 and cost ≥ 0")
    flows = np.zeros(years + 1)
    flows[1:] += annual_return
    flows[:years if recurring else 1] -= cost
    return flows


def payback_years(cost: float, annual_return: float) -> float:
    """Years until the returns of a one-off cost cover it (inf if never)."""
    return float("inf") if annual_return <= 0 else cost / annual_return


def roi(cost: float, annual_return: float, years: int, recurring: bool = False, reading: str = "gross") -> float:
    """Undiscounted ROI over `years` in the gross or net reading."""
    total_cost = cost * (years if recurring else 1)
    gains = annual_return * years
    if reading not in ("gross", "net"):
        raise ValueError("reading must be 'gross' or 'net'")
    return gains / total_cost if reading == "gross" else gains / total_cost - 1


def required_return(cost: float, years: int, floor: float, recurring: bool = False, reading: str = "gross") -> float:
    """Annual return (same unit as cost) at which ROI over `years` just meets `floor`."""
    total_cost = cost * (years if recurring else 1)
    return (floor if reading == "gross" else 1 + floor) * total_cost / years


def break_even_return(cost: float, years: int, rate: float, recurring: bool = False) -> float:
    """Annual return that makes NPV zero over `years` at discount `rate`."""
    annuity = np.sum(1 / (1 + rate) ** np.arange(1, years + 1))
    present_cost = cost * (np.sum(1 / (1 + rate) ** np.arange(years)) if recurring else 1.0)
    return float(present_cost / annuity)


def cases(claims: pd.DataFrame) -> pd.DataFrame:
    """The plan's spending cases with amount (亿元) and the outcome it reports."""
    frame = datapackage.read_table("investments")
    c = claims.set_index("claim_id")
    unknown = sorted((set(frame["investment_source"]) | set(frame["outcome_source"])) - set(c.index))
    if unknown:
        raise LookupError(f"data/reference/investments.csv cites unknown claim id(s) {unknown}")
    out = frame.assign(amount=c.loc[frame["investment_source"], "value_canonical"].to_numpy().astype(float),
                       amount_unit=c.loc[frame["investment_source"], "canonical_unit"].to_numpy(),
                       outcome=[f"{c.loc[i, 'metric'].replace('_', ' ')} {c.loc[i, 'value']:g} {c.loc[i, 'unit']}" for i in frame["outcome_source"]])
    if set(out["amount_unit"]) != {"亿元"}:
        raise ValueError(f"investment amounts must be in 亿元, found {sorted(set(out['amount_unit']))}")
    return out


def requirements(frame: pd.DataFrame, floors: dict[str, tuple[float, int]], rate: float, npv_years: int = 3) -> pd.DataFrame:
    """Per case, the annual return (亿元) each floor requires: floors maps a label to (ROI floor,
    years); both ROI readings, plus NPV ≥ 0 over `npv_years` at `rate`."""
    rows = []
    for r in frame.itertuples():
        row = {"case": r.case, "amount (亿元)": r.amount, "per year": "yes" if r.recurring else "no"}
        for label, (floor, years) in floors.items():
            for reading in ("gross", "net"):
                row[f"{label}, {reading}"] = required_return(r.amount, years, floor, r.recurring, reading)
        row[f"NPV ≥ 0 in {npv_years} y"] = break_even_return(r.amount, npv_years, rate, r.recurring)
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- unit economics
def per_user_needed(budget: float, users: float) -> float:
    """元 per user a budget (亿元) must return when spread over `users` (亿人): the CAC saving per
    new user, or the LTV gain per existing user, at which it pays back."""
    if users <= 0:
        raise ValueError("users must be positive")
    return budget / users
