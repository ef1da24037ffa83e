"""The claims ledger: every number the two seed documents state, with its verbatim quote."""
from __future__ import annotations

import pandas as pd

from growthpath import datapackage, provenance

DISPLAY_COLUMNS = {"claim_id": "Ledger id", "metric": "Metric", "period": "Period", "value": "Value",
                   "unit": "Unit", "kind": "Kind", "quote_zh": "Quote (原文)"}


def load() -> pd.DataFrame:
    """The validated claims ledger (data/claims/claims.csv)."""
    return datapackage.read_table("claims")


def sections() -> pd.DataFrame:
    return datapackage.read_table("sections")


def pick(claims: pd.DataFrame, **where: str) -> pd.Series:
    """The one claim matching every column=value given; a clear error if none or several match."""
    mask = pd.Series(True, index=claims.index)
    for column, value in where.items():
        mask &= claims[column].astype(str) == str(value)
    found = claims[mask]
    if len(found) != 1:
        ids = ", ".join(found["claim_id"]) or "none"
        raise LookupError(f"expected exactly one claim with {where}, found {len(found)} ({ids})")
    provenance.note(found["claim_id"])
    return found.iloc[0]


def in_sections(claims: pd.DataFrame, doc: str, sections: list[str] | str) -> pd.DataFrame:
    sections = [sections] if isinstance(sections, str) else list(sections)
    return claims[(claims["doc"] == doc) & claims["section"].isin(sections)]


def table(claims: pd.DataFrame) -> pd.DataFrame:
    """The reader-facing claims table: id, metric, period, value, unit, kind, Simplified-Chinese quote."""
    out = claims[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS)
    out["Value"] = [f"{v:g}" for v in claims["value"]]
    out["Metric"] = out["Metric"].str.replace("_", " ")
    return out.reset_index(drop=True)


def load_file(path) -> pd.DataFrame:
    """An analyst's own ledger (same columns as data/claims/claims.csv), validated against the
    claims schema with located errors."""
    return datapackage.read_external_table("claims", path)


def chart_frame(claims: pd.DataFrame, doc: str, labels: dict[str, str], section: str | None = None) -> pd.DataFrame:
    """The plan's figures for a chart: one row per metric (label, value, unit, claim_id), in the
    order given. Each metric must identify exactly one claim of the document (and section)."""
    rows = []
    for metric, label in labels.items():
        where = {"doc": doc, "metric": metric} | ({"section": section} if section else {})
        c = pick(claims, **where)
        rows.append({"label": label, "value": float(c["value"]), "unit": c["unit"], "claim_id": c["claim_id"]})
    return pd.DataFrame(rows)


def as_probability(claim: pd.Series, reading: str = "value") -> float:
    """A claimed percentage as a probability: `value` → v / 100, `complement` → 1 − v / 100 (e.g. a
    stated churn read as retention); `raw` keeps the number as stated (hours, days)."""
    if reading == "raw":
        return float(claim["value"])
    value = float(claim["value"]) / (100 if claim["unit"] == "%" else 1)
    return 1 - value if reading == "complement" else value


def check_sourced(frame: pd.DataFrame, claims: pd.DataFrame, label: str, columns=("baseline", "target"),
                  reading_column: str | None = None) -> list:
    """Problems (file, row, column) where a parameter table's value disagrees with the ledger claim its
    `<column>_source` names; 'assumption' sources are skipped. `reading_column` optionally names a
    column holding 'value' or 'complement' per row (see `as_probability`)."""
    from growthpath.datapackage import Problem

    indexed = claims.set_index("claim_id")
    problems = []
    for i, row in frame.reset_index(drop=True).iterrows():
        for col in columns:
            source = row[f"{col}_source"]
            if source == "assumption":
                continue
            if source not in indexed.index:
                problems.append(Problem(label, f"unknown claim id {source!r}", row=int(i) + 2, column=f"{col}_source"))
                continue
            reading = row[reading_column] if reading_column else "value"
            want = as_probability(indexed.loc[source], reading)
            if abs(float(row[col]) - want) > 1e-9:
                problems.append(Problem(label, f"{row[col]:g} differs from claim {source} "
                                               f"({indexed.loc[source, 'value']:g} {indexed.loc[source, 'unit']}, read as {reading}: {want:g})",
                                        row=int(i) + 2, column=col))
    return problems


def reading_values(frame: pd.DataFrame, key: str, which: str, overrides: dict | None, what: str) -> dict[str, float]:
    """Name → value from a sourced parameter table's `baseline` or `target` column, with an analyst's
    `overrides` applied; unknown names are an error listing the known ones (`what` names them)."""
    if which not in ("baseline", "target"):
        raise ValueError("which must be 'baseline' or 'target'")
    values = dict(zip(frame[key], frame[which].astype(float)))
    unknown = sorted(set(overrides or {}) - set(values))
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown}; known: {', '.join(values)}")
    return {**values, **(overrides or {})}


def period_months(claims: pd.DataFrame, claim_id: str) -> float:
    """The length of a claim's stated period in months (`18 months`, `2 years`), for time-bound claims."""
    import re

    period = str(claims.set_index("claim_id").at[claim_id, "period"])
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(months?|years?)\s*", period)
    if not m:
        raise ValueError(f"claim {claim_id}: period {period!r} is not a duration like '18 months'")
    return float(m.group(1)) * (12 if m.group(2).startswith("year") else 1)
