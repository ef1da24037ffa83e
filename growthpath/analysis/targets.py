"""The plan's 2026 targets: baseline → target for each KPI (data/reference/targets.csv), the change
they imply, and the audit's verdict on the claims involved."""
from __future__ import annotations

import pandas as pd

from growthpath.data import datapackage
from growthpath.audit.registry import period_year, published
from growthpath.models.trend import cagr

SEVERITY_RANK = {"contradiction": 0, "implausible": 1, "unclear": 2}


def spec() -> pd.DataFrame:
    return datapackage.read_table("targets")


def _one(claims: pd.DataFrame, metric: str, *, latest: bool) -> pd.Series:
    rows = claims[(claims["doc"] == "000") & (claims["metric"] == metric)].copy()
    if rows.empty:
        raise LookupError(f"no claim with metric {metric!r} in seed 000")
    rows["year"] = rows["period"].map(period_year)
    rows = rows.dropna(subset=["year"]).sort_values(["year", "claim_id"])
    if rows.empty:
        raise LookupError(f"claims with metric {metric!r} carry no year")
    return rows.iloc[-1 if latest else 0]


def table(claims: pd.DataFrame, findings=(), spec_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per target: baseline (value, year), target (value, year), change, implied compound
    change per year, and the worst audit severity among the published findings citing either claim."""
    rows = []
    for t in (spec() if spec_frame is None else spec_frame).itertuples():
        base = _one(claims, t.baseline_metric, latest=True)
        goal = _one(claims, t.target_metric, latest=True)
        years = int(goal["year"] - base["year"])
        ids = {base["claim_id"], goal["claim_id"]}
        severities = sorted({f.severity for f in published(findings) if ids & {r.claim_id for r in f.refs}}, key=SEVERITY_RANK.get)
        rows.append({"target_id": t.target_id, "label": t.label, "dimension": t.dimension, "better": t.better,
                     "baseline": float(base["value"]), "baseline_year": int(base["year"]),
                     "target": float(goal["value"]), "target_year": int(goal["year"]), "unit": goal["unit"],
                     "change": float(goal["value"] - base["value"]),
                     "change_pct": float(100 * (goal["value"] / base["value"] - 1)),
                     "cagr_pct": float(100 * cagr(base["value"], goal["value"], years)) if years > 0 else float("nan"),
                     "direction_ok": (goal["value"] > base["value"]) == (t.better == "higher"),
                     "audit": severities[0] if severities else "no finding",
                     "claim_ids": f"{base['claim_id']}, {goal['claim_id']}"})
    return pd.DataFrame(rows)
