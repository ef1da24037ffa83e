"""The laws and rules the plan cites: the year the plan gives against the official dates."""
from __future__ import annotations

import pandas as pd

from growthpath.data import datapackage


def load() -> pd.DataFrame:
    return datapackage.read_table("policies")


def timeline(policies: pd.DataFrame) -> pd.DataFrame:
    """Long frame for a timeline chart: one row per (policy, event) with a date.

    The plan gives only years; they are placed at 1 July of that year and labelled as such."""
    rows = []
    for p in policies.itertuples():
        label = p.name_zh
        if pd.notna(p.plan_year):
            rows.append({"policy": label, "event": "year the plan gives (mid-year)", "date": pd.Timestamp(int(p.plan_year), 7, 1)})
        for col, event in (("date_adopted", "adopted / issued"), ("date_effective", "in force / published")):
            value = getattr(p, col)
            if pd.notna(value):
                rows.append({"policy": label, "event": event, "date": value})
    return pd.DataFrame(rows)


def check_years(policies: pd.DataFrame) -> pd.DataFrame:
    """Per policy: does the plan's year match the year the rule took effect (or was adopted)?"""
    out = []
    for p in policies.itertuples():
        official_years = {d.year for d in (p.date_adopted, p.date_effective) if pd.notna(d)}
        if pd.isna(p.plan_year):
            verdict = "no year given"
        elif not official_years:
            verdict = "unverifiable"
        else:
            verdict = "holds" if int(p.plan_year) in official_years else "does not hold"
        out.append({"policy": p.name_zh, "English name": p.name_en, "plan year": "" if pd.isna(p.plan_year) else int(p.plan_year),
                    "official dates": ", ".join(str(d.date()) for d in (p.date_adopted, p.date_effective) if pd.notna(d)) or "not found",
                    "source grade": p.grade, "verdict": verdict})
    return pd.DataFrame(out)
