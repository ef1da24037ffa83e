"""Official statistics (NBS, CNNIC, MOFCOM, company filings) with their verification grades.

Analysis uses grades in `USED_GRADES`; other rows are shown only with their grade as a label."""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pandas as pd

from growthpath import paths
from growthpath.data import datapackage, provenance

USED_GRADES = ("yes", "yes-secondary")
GRADE_RANK = {"yes": 0, "yes-secondary": 1, "derived": 2, "estimate-unofficial": 3, "UNVERIFIED": 4, "not found": 5}


RESOURCE = "official_statistics"


def load(whole: bool = False) -> pd.DataFrame:
    """The validated tidy table data/official/statistics.csv.

    For the runner's cache a chapter depends on the series it selects (`observations`, `series_rows` record
    each one: appending a row of one series re-runs only the chapters that read that series), not on
    the file. A chapter that uses the table as a whole (lists every row) passes `whole=True`."""
    return datapackage.read_table(RESOURCE, record=whole)


def series_info() -> pd.DataFrame:
    return datapackage.read_table("official_series")


def record_series(series_id: str) -> None:
    """Note that the running chapter read the rows of `series_id` (dependency
    `data/official/statistics.csv#series_id=<id>`, hashed as that series' rows)."""
    series_id = str(series_id)
    _READ.add([series_id])
    target = os.environ.get(datapackage.DEPS_ENV)
    if not target:
        return
    # a simulation selects the same series thousands of times: write each once per dependency file
    # (forgotten when the file is replaced or truncated)
    ino, size, done = _WRITTEN.get(target, (None, 0, set()))
    try:
        stat = os.stat(target)
    except OSError:
        stat = None
    if stat is None or stat.st_ino != ino or stat.st_size < size:
        done = set()
    elif series_id in done:
        return
    datapackage.record_rows(_path(str(paths.data_dir())), "series_id", series_id)
    stat = os.stat(target)
    _WRITTEN[target] = (stat.st_ino, stat.st_size, done | {series_id})


_WRITTEN: dict[str, tuple] = {}  # dependency file → (inode, size after our last line, series written to it)
_READ = provenance.Collector()  # the series read inside open `capture_series` blocks


def capture_series():
    """The series read inside the block (`record_series`), for a result cached across processes (the
    audit's findings) to record them again when it is reused: `renote(stats, ids, series)`."""
    return _READ.capture()


@functools.lru_cache(maxsize=8)
def _path(data_dir: str) -> Path:
    return Path(data_dir) / datapackage.resource(RESOURCE)["path"]


def series_rows(stats: pd.DataFrame, series_id: str) -> pd.DataFrame:
    """Every row of one series (any grade, with or without a value), in file order; recorded as read."""
    record_series(series_id)
    return stats[stats["series_id"] == series_id]


def renote(stats: pd.DataFrame, ids, series=()) -> None:
    """A cached result reused: note the ids it had noted (`provenance.note`) and record as read the series
    it read (`series`, from `capture_series`) and those of the official observations among the ids, as if
    it had just been computed."""
    ids = [str(i) for i in ids]
    provenance.note(ids)
    for series_id in dict.fromkeys([*map(str, series), *stats.loc[stats["obs_id"].isin(ids), "series_id"]]):
        record_series(series_id)


def observations(stats: pd.DataFrame, series_id: str, grades=USED_GRADES) -> pd.DataFrame:
    """Rows of one series with a value and an accepted grade, oldest first."""
    record_series(series_id)  # before any LookupError: the series' first row must re-run the chapter
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
    return float(observation(stats, series_id, period, grades)["value_canonical"])


def observation(stats: pd.DataFrame, series_id: str, period: str, grades=USED_GRADES) -> pd.Series:
    """The best-graded accepted observation of a series for one period (its row, with `obs_id`)."""
    rows = observations(stats, series_id, grades)
    rows = rows[rows["period"] == period]
    if rows.empty:
        raise LookupError(f"{series_id!r} has no accepted observation for {period!r}")
    return rows.sort_values("grade", key=lambda g: g.map(GRADE_RANK)).iloc[0]


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


GRADE_WORDS = {"yes": "checked at the publisher", "yes-secondary": "checked through a repost or report",
               "derived": "derived from checked figures", "estimate-unofficial": "an unofficial estimate",
               "UNVERIFIED": "unverified", "not found": "not found at any source"}


def grade_words(row) -> str:
    """An observation's verification grade as the book prints it: 'checked through a repost or report; low quality'."""
    note = row.get("grade_note")
    return GRADE_WORDS.get(row["grade"], f"grade {row['grade']}") + (f"; {note}" if isinstance(note, str) and note.strip() else "")


def _observation(stats: pd.DataFrame, obs_id: str) -> tuple[pd.Series, pd.Series]:
    """An observation's row and its series' row (publisher, English name)."""
    row = stats[stats["obs_id"] == obs_id]
    if row.empty:
        raise KeyError(f"no observation {obs_id!r} in data/official/statistics.csv")
    row = row.iloc[0]
    return row, series_info().set_index("series_id").loc[row["series_id"]]


def obs_words(stats: pd.DataFrame, obs_id: str, short: bool = False) -> str:
    """An observation as a reader names it: 'mofcom_live_sales_growth:2025' → 'MOFCOM's growth of
    live-commerce online transaction volume, 2025 (checked through a repost or report)' (short: 'MOFCOM's published
    figure, 2025')."""
    row, series = _observation(stats, obs_id)
    when = period_words(str(row["period"]))
    if short:
        return f"{series['publisher']}'s published figure, {when}"
    return f"{_named(series, when)} ({grade_words(row)})"


def series_words(series_id: str, period: str) -> str:
    """A series at a period as a reader names it: ('nbs_online_retail', '2023') → 'NBS's national online retail
    sales (goods and services), 2023'."""
    return _named(series_info().set_index("series_id").loc[series_id], period_words(str(period)))


def _named(series: pd.Series, when: str) -> str:
    name = series["name_en"][:1].lower() + series["name_en"][1:]
    return f"{series['publisher']}'s {name}, {when}"


def cited_in_words(stats: pd.DataFrame, text: str) -> str:
    """A source note with each observation id it names replaced by its publisher and period
    ('cnnic_online_shoppers:2023-12 → …' → 'CNNIC, December 2023 → …'); other words are kept."""
    ids = set(stats["obs_id"])

    def words(m: re.Match) -> str:
        if m.group(0) not in ids:
            return m.group(0)
        row, series = _observation(stats, m.group(0))
        return f"{series['publisher']}, {period_words(str(row['period']))}"

    return re.sub(r"[a-z0-9_]+:[0-9][0-9A-Za-z/\-]*(?: YTD)?", words, str(text))


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


# ----------------------------------------------------------------------------- row rules (x-validator "statistics")
REL_TOL = 1e-9


def period_end_of(period: str):
    """The last day of a period as published (a `datetime.date`), or None for a form without one (a span
    of years, a list of years, '12m to 2022-04', 'unknown'). ValueError for a recognised form that names
    no real period ('2024-13', '2024-Q5', '2024-10/03')."""
    import calendar
    import datetime as dt
    import re

    def month_end(year: int, month: int) -> dt.date:
        if not 1 <= month <= 12:
            raise ValueError(f"month {month:02d} does not exist")
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    if m := re.fullmatch(r"(\d{4})", period):
        return dt.date(int(m.group(1)), 12, 31)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        return month_end(int(m.group(1)), int(m.group(2)))
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", period):
        return dt.date(*map(int, m.groups()))
    if m := re.fullmatch(r"(\d{4})-(\d{2})/(\d{2})(?: YTD)?", period):
        if int(m.group(3)) < int(m.group(2)):
            raise ValueError("the months run backwards")
        month_end(int(m.group(1)), int(m.group(2)))
        return month_end(int(m.group(1)), int(m.group(3)))
    if m := re.fullmatch(r"(\d{4})-H([12])", period):
        return month_end(int(m.group(1)), 6 * int(m.group(2)))
    if m := re.fullmatch(r"(\d{4})-Q(\d)", period):
        if not 1 <= int(m.group(2)) <= 4:
            raise ValueError(f"quarter {m.group(2)} does not exist")
        return month_end(int(m.group(1)), 3 * int(m.group(2)))
    return None


def _csv_records(path: Path) -> list[tuple[int, dict]]:
    """(physical line where the record starts, row as a dict of strings) for every row of a CSV file."""
    import csv
    import io

    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    header, out, end = None, [], 0
    for cells in reader:
        start, end = end + 1, reader.line_num
        if not cells:
            continue
        if header is None:
            header = cells
            continue
        out.append((start, dict(zip(header, cells + [""] * (len(header) - len(cells))))))
    return out


def row_problems(path: Path, label: str) -> list[datapackage.Problem]:
    """What the table schema of data/official/statistics.csv cannot say, each a located problem:
    - canonical_unit is the series' own (official/series.csv);
    - value_canonical is value × the factor of its unit (reference/units.csv), that unit converting to the
      row's canonical_unit, within 1e-9 relative or the rounding of the digits written;
    - obs_id is `<series_id>:<period>`, or `<series_id>:<period>:<n>` (n = 1, 2, …) when the series has
      several rows for the period, of which at most one has a grade the analysis uses (USED_GRADES);
    - period_end is the last day of the period (a year, month, month-to-month span, half or quarter, or a day)."""
    data = paths.data_dir()
    series_unit = {r["series_id"]: r.get("canonical_unit", "")
                   for _, r in _csv_records(data / datapackage.resource("official_series")["path"])}
    units = {}
    for _, r in _csv_records(data / datapackage.resource("units")["path"]):
        try:
            units[r["unit"]] = (r["canonical_unit"], float(r["factor"]))
        except (KeyError, ValueError):  # units.csv's own validation reports it
            continue
    records = _csv_records(path)
    counts: dict[tuple[str, str], int] = {}
    for _, r in records:
        counts[r["series_id"], r["period"]] = counts.get((r["series_id"], r["period"]), 0) + 1
    problems: list[datapackage.Problem] = []
    used: dict[tuple[str, str], int] = {}
    for line, r in records:
        def bad(column: str, message: str) -> None:
            problems.append(datapackage.Problem(label, f"obs {r['obs_id']}: {message}", line, column))

        sid, period = r["series_id"], r["period"]
        # obs_id
        n = counts[sid, period]
        base = f"{sid}:{period}"
        if n == 1 and r["obs_id"] != base:
            bad("obs_id", f"expected {base!r} (<series_id>:<period>; a ':<n>' suffix only when the series has several "
                          f"rows for the period), found {r['obs_id']!r}")
        elif n > 1 and not (r["obs_id"].startswith(base + ":") and _positive(r["obs_id"][len(base) + 1:])):
            bad("obs_id", f"expected '{base}:<n>' (n = 1, 2, …: series {sid!r} has {n} rows for period {period!r}), "
                          f"found {r['obs_id']!r}")
        # one used value per series and period
        if r["grade"] in USED_GRADES:
            if (sid, period) in used:
                bad("grade", f"expected one row per series and period with a grade the analysis uses ({', '.join(USED_GRADES)}), "
                             f"found a second one, {r['grade']!r} (line {used[sid, period]} is the first for {sid!r} "
                             f"{period!r}); grade the alternate otherwise (derived, UNVERIFIED, …)")
            else:
                used[sid, period] = line
        # units
        value, canonical, unit, cu = r["value"].strip(), r["value_canonical"].strip(), r["unit"], r["canonical_unit"]
        expected_cu = series_unit.get(sid)
        if expected_cu is not None and cu != expected_cu and (cu or value or canonical):
            bad("canonical_unit", f"expected {expected_cu!r} (the canonical_unit of series {sid!r} in official/series.csv), "
                                  f"found {cu!r}")
        if bool(value) != bool(canonical):
            bad("value_canonical" if value else "value",
                f"expected value and value_canonical both given or both empty, found value {value!r} and "
                f"value_canonical {canonical!r}")
        elif value:
            if unit not in units:
                bad("unit", f"expected a unit listed in reference/units.csv, found {unit!r}")
            elif units[unit][0] != cu:
                bad("canonical_unit", f"expected {units[unit][0]!r} (unit {unit!r} converts to {units[unit][0]!r} in "
                                      f"reference/units.csv), found {cu!r}")
            else:
                factor = units[unit][1]
                want, got, tol = float(value) * factor, float(canonical), _rounding(canonical)
                if not abs(got - want) <= REL_TOL * abs(want) + tol:
                    bad("value_canonical", f"expected {want:.10g} (value {value} × {factor:g}, the factor of {unit!r} in "
                                           f"reference/units.csv), found {canonical!r}")
        # period_end
        try:
            end = period_end_of(period)
        except ValueError as exc:
            bad("period", f"expected a real period, found {period!r} ({exc})")
            continue
        if end is not None and r["period_end"] != end.isoformat():
            bad("period_end", f"expected {end.isoformat()} (the last day of period {period!r}), found {r['period_end']!r}")
    return problems


def _positive(text: str) -> bool:
    return text.isascii() and text.isdigit() and not text.startswith("0")


def _rounding(written: str) -> float:
    """Half a unit of the last digit written ('7.884' → 0.0005; '27898' → 0.5): a value rounded to the
    digits shown is within it."""
    from decimal import Decimal, InvalidOperation

    try:
        exponent = Decimal(written).as_tuple().exponent
    except InvalidOperation:
        return 0.0
    return 0.5 * 10.0 ** exponent if isinstance(exponent, int) else 0.0


datapackage.register_validator("statistics", row_problems)
