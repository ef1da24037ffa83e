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


def year_to_date(stats: pd.DataFrame, series_ids, grades=USED_GRADES) -> pd.DataFrame:
    """Year-to-date rows (period `YYYY-MM/MM YTD`) of the given series, oldest first: columns year,
    months (how many months the reading covers), value, series_id, obs_id, period, period_end."""
    frames = []
    for sid in series_ids:
        try:
            frames.append(observations(stats, sid, grades))
        except LookupError:
            continue
    if not frames:
        raise LookupError(f"no year-to-date observations of {list(series_ids)}")
    rows = pd.concat(frames, ignore_index=True)
    parts = rows["period"].str.extract(r"^(\d{4})-(\d{2})/(\d{2}) YTD$")
    rows = rows[parts[0].notna()].copy()
    parts = parts.dropna()
    rows["year"] = parts[0].astype(int)
    rows["months"] = rows["period"].map(months_covered)
    out = rows[["year", "months", "value_canonical", "series_id", "obs_id", "period", "period_end"]]
    return out.rename(columns={"value_canonical": "value"}).sort_values(["period_end", "series_id"]).reset_index(drop=True)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def grade_words(row) -> str:
    """An observation's verification grade as the book prints it: 'grade yes-secondary, low quality'."""
    note = row.get("grade_note")
    return f"grade {row['grade']}" + (f", {note}" if isinstance(note, str) and note.strip() else "")


def months_covered(period: str) -> int:
    """How many months a cumulative period covers: '2023-01/10' and '2026-01/08 YTD' → 10 and 8."""
    import re

    m = re.match(r"^\d{4}-(\d{2})/(\d{2})", period)
    if not m:
        raise ValueError(f"{period!r} is not a cumulative period 'YYYY-MM/MM'")
    return int(m.group(2)) - int(m.group(1)) + 1


def period_words(period: str, short: bool = False) -> str:
    """A published period in words: '2026-01/08 YTD' (or '2026-01/08') → 'January–August 2026' (short:
    'Jan–Aug'), '2024-12' → 'December 2024', '2025' → '2025'."""
    import re

    m = re.fullmatch(r"(\d{4})-(\d{2})/(\d{2})(?: YTD)?", period)
    if m:
        first, last = MONTHS[int(m.group(2)) - 1], MONTHS[int(m.group(3)) - 1]
        return f"{first[:3]}–{last[:3]}" if short else f"{first}–{last} {m.group(1)}"
    m = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if m:
        return f"{MONTHS[int(m.group(2)) - 1]} {m.group(1)}"
    m = re.fullmatch(r"(\d{4})-H([12])", period)
    if m:
        return f"{'first' if m.group(2) == '1' else 'second'} half of {m.group(1)}"
    return period
