"""Unit economics and growth arithmetic on the plan's own figures (Chapter 2 and later)."""
from __future__ import annotations

import pandas as pd

from growthpath.data import claims as claims_mod
from growthpath.audit import rules as audit_rules
from growthpath.models.trend import implied_rates_pct

# whom a claim is about, and how a sentence names it (the audit's rules, for chapters' wording)
entity_scope = audit_rules.entity_scope
entity_phrase = audit_rules.entity_phrase


def endpoints_vs_rate(claims: pd.DataFrame, doc: str, section: str, stem: str) -> dict:
    """A stated start/end pair (`<stem>_start`, `<stem>_end`) and stated annual growth
    (`<stem>_annual_growth`): the compound rate the endpoints imply under both readings of the
    span, and where the stated rate would have taken the start value. `same_scope` says whether the
    rate and the endpoints are about one entity in one scope (the ledger's `entity_id` and `scope`): when
    they are not, the comparison is between two scopes, not a check of one series. The span is the
    years of the start and the end value."""
    start = claims_mod.pick(claims, doc=doc, section=section, metric=f"{stem}_start", scope="case")
    end = claims_mod.pick(claims, doc=doc, section=section, metric=f"{stem}_end", scope="case")
    rate = claims_mod.pick(claims, doc=doc, section=section, metric=f"{stem}_annual_growth", scope="market")
    first, last = audit_rules.endpoint_span(start["period"], end["period"])
    implied = implied_rates_pct(start["value"], end["value"], first, last)
    return {"start": float(start["value"]), "end": float(end["value"]), "stated_pct": float(rate["value"]),
            "first_year": first, "last_year": last,
            "implied_pct": implied,
            "end_at_stated": {n: float(start["value"] * (1 + rate["value"] / 100) ** n) for n in implied},
            "multiple": float(end["value"] / start["value"]),
            "stated_multiple": {n: float((1 + rate["value"] / 100) ** n) for n in implied},
            "endpoints_entity": str(start["entity"]), "rate_entity": str(rate["entity"]),
            "same_scope": (start["entity_id"], start["scope"]) == (rate["entity_id"], rate["scope"]),
            "claim_ids": [start["claim_id"], end["claim_id"], rate["claim_id"]]}


def path(start: float, rate_pct: float, first_year: int, last_year: int) -> pd.DataFrame:
    """Yearly values growing at a constant rate from `start` in `first_year`."""
    years = list(range(first_year, last_year + 1))
    return pd.DataFrame({"year": years, "value": [start * (1 + rate_pct / 100) ** (y - first_year) for y in years]})


def index_paths(r: dict, base: float = 100.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An `endpoints_vs_rate` result as an index (first year = `base`): the stated rate's path year by
    year (year, value) and the endpoints placed at the first and last year of their period (year, value),
    which is where they belong only if they span that period."""
    stated = path(base, r["stated_pct"], r["first_year"], r["last_year"])
    ends = pd.DataFrame({"year": [r["first_year"], r["last_year"]], "value": [base, base * r["multiple"]]})
    return stated, ends


def pace_phrase(implied_pct: dict, stated_pct: float) -> str:
    """How a growth rate implied under several readings of a span compares with a (positive) stated
    rate, in words for a sentence: 'far faster than' (every reading at least 1.5 times the stated rate),
    'faster than', 'about as fast as' (the readings straddle it), 'slower than', 'far slower than'."""
    lo, hi = min(implied_pct.values()), max(implied_pct.values())
    if lo > stated_pct:
        return "far faster than" if lo >= 1.5 * stated_pct else "faster than"
    if hi < stated_pct:
        return "far slower than" if hi * 1.5 <= stated_pct else "slower than"
    return "about as fast as"


def monthly_equivalent_pct(yearly_pct: float) -> float:
    """The monthly rate (%) that compounds to `yearly_pct` in twelve months: 100 · ((1 + r)^(1/12) − 1)."""
    if yearly_pct <= -100:
        raise ValueError("a yearly rate must exceed -100 %")
    return 100 * ((1 + yearly_pct / 100) ** (1 / 12) - 1)


def annual_change_pp(first: float, last: float, years: int) -> float:
    """Average change in percentage points per year between two rates."""
    if years <= 0:
        raise ValueError("years must be positive")
    return (last - first) / years


def ltv_cac(ltv: float, cac: float) -> float:
    if cac <= 0:
        raise ValueError("CAC must be positive")
    return ltv / cac


def lorenz_point(top_users_pct: float, value_share_pct: float, label: str) -> dict:
    """A 'top x % of users give y % of value' claim as a point for a Lorenz chart (shares 0–1)."""
    if not (0 < top_users_pct <= 100 and 0 <= value_share_pct <= 100):
        raise ValueError("shares must be percentages")
    return {"customers": top_users_pct / 100, "revenue": value_share_pct / 100, "label": label}


def logistics_per_order(order_value: float, logistics_share: float) -> float:
    """Logistics cost of one order (元) from its value and logistics' share of it."""
    if order_value < 0 or not 0 <= logistics_share <= 1:
        raise ValueError("order value must be ≥ 0 and the logistics share in [0, 1]")
    return order_value * logistics_share


def contribution_per_order(order_value: float, logistics_share: float, gross_margin: float) -> float:
    """Gross margin left after logistics (元 per order): value × (margin − logistics share)."""
    if not 0 <= gross_margin <= 1:
        raise ValueError("gross margin must be a share in [0, 1]")
    return order_value * gross_margin - logistics_per_order(order_value, logistics_share)
