"""Resources and returns (Chapter 7): the plans' allocations, an investment calculator and the unit
economics a budget must buy.

The plan sets return floors without defining ROI. Both readings are computed: *gross* (returns ÷
cost ≥ floor) and *net* ((returns − cost) ÷ cost ≥ floor). Returns are gross profit in 亿元 a year,
received at the end of each year; a recurring cost is paid at the start of each year."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from growthpath.data import claims as claims_mod, datapackage
from growthpath.data.datapackage import DataError
from growthpath.markup import and_list

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
    """The plan's spending cases with amount (亿元), the outcome it reports and `floor_source`, the return
    floor the plan sets for the funding phase the case illustrates (empty where it sets none)."""
    frame = datapackage.read_table("investments")
    c = claims.set_index("claim_id")
    if "floor_source" not in frame:
        frame = frame.assign(floor_source="")
    frame = frame.assign(floor_source=frame["floor_source"].fillna("").astype(str).str.strip())
    floors = set(frame["floor_source"]) - {""}
    unknown = sorted((set(frame["investment_source"]) | set(frame["outcome_source"]) | floors) - set(c.index))
    if unknown:
        raise LookupError(f"data/reference/investments.csv cites unknown claim id(s) {unknown}")
    out = frame.assign(amount=c.loc[frame["investment_source"], "value_canonical"].to_numpy().astype(float),
                       amount_unit=c.loc[frame["investment_source"], "canonical_unit"].to_numpy(),
                       outcome=[f"{c.loc[i, 'metric'].replace('_', ' ')} {c.loc[i, 'value']:g} {c.loc[i, 'unit']}" for i in frame["outcome_source"]])
    if set(out["amount_unit"]) != {"亿元"}:
        raise ValueError(f"investment amounts must be in 亿元, found {sorted(set(out['amount_unit']))}")
    return out


def period_years(claims: pd.DataFrame, claim_id: str) -> int:
    """The years a claim's stated period spans: a duration (`5 years`, `36 months`) or an inclusive
    range of calendar years (`2024-2026` is 3). Horizons of return floors are read this way, not typed."""

    period = str(claims.set_index("claim_id").at[claim_id, "period"]).strip()
    span = re.fullmatch(r"((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)", period)
    if span:
        first, last = int(span.group(1)), int(span.group(2))
        if last < first:
            raise ValueError(f"claim {claim_id}: period {period!r} ends before it starts")
        return last - first + 1
    months = claims_mod.period_months(claims, claim_id)
    if months % 12:
        raise ValueError(f"claim {claim_id}: period {period!r} is not a whole number of years")
    return int(months // 12)


def requirements(frame: pd.DataFrame, floors: dict[str, tuple[float, int]], rate: float, *, npv_years: int,
                 floor_labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Per case, the annual return (亿元) each floor requires: floors maps a label to (ROI floor,
    years); both ROI readings, plus NPV ≥ 0 over `npv_years` at `rate` (no default: the horizon is the
    caller's, read from a claim's period or the assumption register). With `floor_labels` (claim id →
    label), a column names the floor the plan attaches to each case's own funding phase."""
    if npv_years < 1:
        raise ValueError("npv_years must be at least 1")
    rows = []
    for r in frame.itertuples():
        row = {"case": r.case, "amount (亿元)": r.amount, "per year": "yes" if r.recurring else "no"}
        if floor_labels is not None:
            own = getattr(r, "floor_source", "") or ""
            row["the plan's floor for its phase"] = floor_labels.get(own, own) if own else "none stated"
        for label, (floor, years) in floors.items():
            for reading in ("gross", "net"):
                row[f"{label}, {reading}"] = required_return(r.amount, years, floor, r.recurring, reading)
        row[f"NPV ≥ 0 in {npv_years} y"] = break_even_return(r.amount, npv_years, rate, r.recurring)
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- unit economics
def share_levers(share_now: float, share_target: float) -> dict[str, float]:
    """The two ways a cost's share of order value can fall from `share_now` to `share_target` (shares in
    (0, 1]): at an unchanged order value the cost per order must fall by `cost_cut`; at an unchanged
    cost per order the order value must rise by `order_value_rise` (both as fractions). Neither needs the
    order value itself, which is what makes them usable when a plan gives only the shares."""
    if not 0 < share_target <= 1 or not 0 < share_now <= 1:
        raise ValueError("shares must lie in (0, 1]")
    return {"cost_cut": 1 - share_target / share_now, "order_value_rise": share_now / share_target - 1}


def per_user_needed(budget: float, users: float) -> float:
    """元 per user a budget (亿元) must return when spread over `users` (亿人): the CAC saving per
    new user, or the LTV gain per existing user, at which it pays back."""
    if users <= 0:
        raise ValueError("users must be positive")
    return budget / users


# ----------------------------------------------------------------------------- the plan's floors, in words
def floor_label(claim: pd.Series, years: int | None = None) -> str:
    """`ROI ≥ 1.5 in 3 y` for a floor with a horizon (years from the claim's period); `marketing ROI ≥ 1:3`
    for a floor stated as 1:x without one."""
    if years is not None:
        return f"ROI ≥ {claim['value']:g} in {years} y"
    return f"marketing ROI ≥ 1:{claim['value']:g}" if "1:x" in str(claim["unit"]) else f"marketing ROI ≥ {claim['value']:g}"


def phase_floors_text(cases_frame: pd.DataFrame, labels: dict[str, str], phases: dict[str, str]) -> str:
    """Which spending cases illustrate the phase each floor belongs to (from investments.csv floor_source):
    `<floor> (<claim>) to <phase> (<cases>); …`, then the cases whose phase has no floor."""
    def named(ids) -> str:
        return and_list(cases_frame.loc[cases_frame["floor_source"].isin(ids), "case"])

    parts = [f"{labels[cid]} ({cid}) to {phase} ({named([cid])})" for cid, phase in phases.items()]
    rest = cases_frame.loc[~cases_frame["floor_source"].isin(list(phases)), "section"].unique()
    tail = f". The {', '.join(s.split()[-1] for s in rest)} cases ({named([''])}) have none." if len(rest) else "."
    return "; ".join(parts) + tail


def reserve_reading(sums: pd.DataFrame, reserve: pd.Series, first_phase: pd.Series) -> dict:
    """The funding phases and a reserve stated beside them: their sums, the first phase's share of all
    funding if the reserve is set aside first, and a sentence that presents the wording as ambiguous
    (inside or beside the phases) rather than as a contradiction."""
    row = sums.set_index("allocation").loc["Funding by phase"]
    phases, total = float(row["split_sum"]), float(row["with_separate"])
    beside = first_phase["value"] * (100 - reserve["value"]) / 100
    if phases == 100 and reserve["value"] > 0:
        text = (f"Funding is ambiguous rather than contradictory. Its phases take {phases:g} %, and the plan adds "
                f"「{reserve['quote_zh']}」 ({reserve['claim_id']}) without saying whether the reserve sits inside the phases or "
                "beside them. Inside, each phase holds part of its money back. Beside, the phase shares are of the money "
                f"left after the reserve, so the {first_phase['period']} phase is {beside:g} % of all funding rather than "
                f"{first_phase['value']:g} %. Only read as shares of one total would phases and reserve come to {total:g} %, "
                "a reading the text does not force.")
    else:
        text = f"The funding phases take {phases:g} % and the reserve {reserve['value']:g} % ({total:g} % together)."
    return {"phase_sum": phases, "total": total, "first_beside": beside, "text": text}


def compare_floors(first: pd.Series, second: pd.Series) -> dict:
    """Two floors for the same ROI stated in different sections (claims): the ratio of the higher to the
    lower, whether reading one as gross and the other as net (gross = 1 + net) reconciles them, and the
    sentence, bullet and one-word verdict the book prints."""
    a, b = float(first["value"]), float(second["value"])
    ratio = max(a, b) / min(a, b)
    reconciled = bool({a, 1 + a} & {b, 1 + b})
    ids = f"{first['claim_id']}, {second['claim_id']}"
    if a == b:
        return {"ratio": ratio, "reconciled": True, "short": "agrees",
                "text": f"§{first['section']} and §{second['section']} give the same marketing-ROI floor, {a:g} ({ids}).",
                "bullet": f"**One marketing floor:** §{first['section']} and §{second['section']} agree on {a:g}."}
    high, low = (first, second) if a > b else (second, first)
    text = (f"§{first['section']} sets the marketing ROI at 「{first['quote_zh']}」 ({first['claim_id']}, {first['period']}), "
            f"§{second['section']} at 「{second['quote_zh']}」 ({second['claim_id']}, {second['period']}): §{high['section']}'s "
            f"floor is {ratio:g} times §{low['section']}'s. Neither section defines ROI or refers to the other, and "
            + ("reading one as gross and the other as net would reconcile them." if reconciled
               else "no mix of the gross and net readings makes them equal.")
            + " The plan does not say which floor governs marketing spending.")
    bullet = (f"**Two marketing floors:** {floor_label(first)} in §{first['section']} ({first['claim_id']}) and "
              f"{floor_label(second)} in §{second['section']} ({second['claim_id']}); the plan does not say which governs.")
    return {"ratio": ratio, "reconciled": reconciled, "short": "differs", "text": text, "bullet": bullet}
