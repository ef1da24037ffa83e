"""Official statistics (NBS, CNNIC, MOFCOM, company filings) with their verification grades.

Analysis uses grades in `USED_GRADES`; other rows are shown only with their grade as a label."""
from __future__ import annotations

import pandas as pd

from growthpath import datapackage, provenance

USED_GRADES = ("yes", "yes-secondary")
GRADE_RANK = {"yes": 0, "yes-secondary": 1, "derived": 2, "estimate-unofficial": 3, "UNVERIFIED": 4, "not found": 5}


def load() -> pd.DataFrame:
    """The validated tidy table data/official/statistics.csv."""
    return datapackage.read_table("official_statistics")


def series_info() -> pd.DataFrame:
    return datapackage.read_table("official_series")


def observations(stats: pd.DataFrame, series_id: str, grades=USED_GRADES) -> pd.DataFrame:
    """Rows of one series with a value and an accepted grade, oldest first."""
    rows = stats[(stats["series_id"] == series_id) & stats["grade"].isin(grades) & stats["value"].notna()]
    if rows.empty:
        raise LookupError(f"no observations of {series_id!r} with grades {list(grades)}")
    provenance.note(rows["obs_id"])
    return rows.sort_values("period_end").reset_index(drop=True)


def annual(stats: pd.DataFrame, series_id: str, grades=USED_GRADES, first_year: int | None = None,
           last_year: int | None = None) -> pd.DataFrame:
    """One value per calendar year (the best-graded row), columns year, value, grade, qualifier, obs_id."""
    rows = observations(stats, series_id, grades)
    rows = rows[rows["period"].str.fullmatch(r"\d{4}")].copy()
    rows["year"] = rows["period"].astype(int)
    rows["rank"] = rows["grade"].map(GRADE_RANK)
    rows = rows.sort_values(["year", "rank"]).drop_duplicates("year")
    if first_year is not None:
        rows = rows[rows["year"] >= first_year]
    if last_year is not None:
        rows = rows[rows["year"] <= last_year]
    return rows[["year", "value_canonical", "canonical_unit", "grade", "qualifier", "obs_id"]].rename(
        columns={"value_canonical": "value", "canonical_unit": "unit"}).reset_index(drop=True)


def latest(stats: pd.DataFrame, series_id: str, grades=USED_GRADES) -> pd.Series:
    """The most recent accepted observation of a series."""
    return observations(stats, series_id, grades).iloc[-1]


def value_at(stats: pd.DataFrame, series_id: str, period: str, grades=USED_GRADES) -> float:
    rows = observations(stats, series_id, grades)
    rows = rows[rows["period"] == period]
    if rows.empty:
        raise LookupError(f"{series_id!r} has no accepted observation for {period!r}")
    return float(rows.sort_values("grade", key=lambda g: g.map(GRADE_RANK)).iloc[0]["value_canonical"])
