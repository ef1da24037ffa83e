"""Rows of data/official/statistics.csv validate as data (x-validator "statistics": units, ids, one value
per series and period, period ends), and the runner's cache depends on the series a chapter read, not on
the whole file: appending a year of one series re-runs only the chapters that read that series."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from conftest import REPO

STATS = "data/official/statistics.csv"
FIRST = "nbs_online_retail:2014,nbs_online_retail,2014,2014-12-31,,27898,亿元,27898,亿元,yes,"  # line 2


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, obs_id: str) -> int:
    lines = (root / STATS).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(obs_id + ","))


def problems(root: Path):
    from growthpath.data import datapackage, official  # noqa: F401  (official registers the statistics checks)

    datapackage.refresh_hashes()
    return datapackage.validate(["official_statistics"])


# ----------------------------------------------------------------------------- Task A: the rules
def test_the_real_data_passes_every_rule():
    from growthpath import paths
    from growthpath.data import datapackage, official

    assert datapackage.resource("official_statistics")["x-validator"] == "statistics"
    assert official.row_problems(paths.data_dir() / "official/statistics.csv", STATS) == []
    assert datapackage.validate(["official_statistics"]) == []


# name: (file under data/, old text, new text, obs_id of the line, column, message fragments)
MUTATIONS = {
    "canonical unit not the series'": (
        "official/statistics.csv", FIRST, FIRST.replace("亿元,27898,亿元", "亿人,27898,亿人"), "nbs_online_retail:2014",
        "canonical_unit", ["expected '亿元'", "series 'nbs_online_retail' in official/series.csv", "found '亿人'"]),
    "series changes its canonical unit": (
        "official/series.csv", "Growth of live-commerce online transaction volume,%,", "Growth of live-commerce online transaction volume,pp,",
        "mofcom_live_sales_growth:2025", "canonical_unit", ["expected 'pp'", "series 'mofcom_live_sales_growth'", "found '%'"]),
    "value_canonical not value × factor": (
        "official/statistics.csv", FIRST, FIRST.replace(",27898,亿元,27898,", ",27898,亿元,2789.8,"), "nbs_online_retail:2014",
        "value_canonical", ["expected 27898", "value 27898 × 1", "'亿元' in reference/units.csv", "found '2789.8'"]),
    "unit changed, canonical value not converted": (
        "official/statistics.csv", FIRST, FIRST.replace(",27898,亿元,27898,", ",2.7898,万亿元,2.7898,"), "nbs_online_retail:2014",
        "value_canonical", ["expected 27898", "× 10000", "'万亿元'", "found '2.7898'"]),
    "unit not in units.csv": (
        "official/statistics.csv", FIRST, FIRST.replace(",27898,亿元,", ",27898,亿圆,"), "nbs_online_retail:2014",
        "unit", ["expected a unit listed in reference/units.csv", "found '亿圆'"]),
    "unit of another dimension": (
        "official/statistics.csv", FIRST, FIRST.replace(",27898,亿元,", ",27898,亿人,"), "nbs_online_retail:2014",
        "canonical_unit", ["expected '亿人'", "unit '亿人' converts to '亿人'", "found '亿元'"]),
    "value without value_canonical": (
        "official/statistics.csv", FIRST, FIRST.replace(",27898,亿元,27898,", ",27898,亿元,,"), "nbs_online_retail:2014",
        "value_canonical", ["both given or both empty", "value '27898'", "value_canonical ''"]),
    "obs_id names another period": (
        "official/statistics.csv", FIRST, FIRST.replace("nbs_online_retail:2014,", "nbs_online_retail:2041,"),
        "nbs_online_retail:2041", "obs_id", ["expected 'nbs_online_retail:2014'", "found 'nbs_online_retail:2041'"]),
    "obs_id suffix on the only row of a period": (
        "official/statistics.csv", FIRST, FIRST.replace("nbs_online_retail:2014,", "nbs_online_retail:2014:1,"),
        "nbs_online_retail:2014:1", "obs_id", ["expected 'nbs_online_retail:2014'", "only when the series has several rows"]),
    "obs_id without suffix where the period has several rows": (
        "official/statistics.csv", "nbs_online_retail:2018:2,", "nbs_online_retail:2018,", "nbs_online_retail:2018",
        "obs_id", ["expected 'nbs_online_retail:2018:<n>'", "has 2 rows for period '2018'", "found 'nbs_online_retail:2018'"]),
    "two used values for one series and period": (
        "official/statistics.csv", "nbs_online_retail:2018:2,nbs_online_retail,2018,2018-12-31,,90065,亿元,90065,亿元,UNVERIFIED,",
        "nbs_online_retail:2018:2,nbs_online_retail,2018,2018-12-31,,90065,亿元,90065,亿元,yes,", "nbs_online_retail:2018:2",
        "grade", ["one row per series and period", "found a second one, 'yes'", "line 18 is the first"]),
    "period_end not the end of the year": (
        "official/statistics.csv", FIRST, FIRST.replace(",2014-12-31,", ",2014-06-30,"), "nbs_online_retail:2014",
        "period_end", ["expected 2014-12-31", "period '2014'", "found '2014-06-30'"]),
    "period_end not the end of the month": (
        "official/statistics.csv", "cnnic_rural_penetration:2024-12:1,cnnic_rural_penetration,2024-12,2024-12-31,",
        "cnnic_rural_penetration:2024-12:1,cnnic_rural_penetration,2024-12,2024-12-01,", "cnnic_rural_penetration:2024-12:1",
        "period_end", ["expected 2024-12-31", "found '2024-12-01'"]),
}


@pytest.mark.parametrize("case", list(MUTATIONS))
def test_each_rule_fires_located_on_a_mutated_copy(project, case):
    rel, old, new, obs_id, column, fragments = MUTATIONS[case]
    edit(project / "data" / rel, old, new)
    found = problems(project)
    assert len(found) == 1, [str(p) for p in found]
    p = found[0]
    assert (p.file, p.row, p.column) == (STATS, line_of(project, obs_id), column), str(p)
    text = str(p)
    assert f"{STATS}, line {p.row}, column '{column}'" in text and f"obs {obs_id}:" in text
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def test_a_not_found_row_needs_no_unit_but_a_value_does(project):
    """Rows graded 'not found' carry no value and may leave the units empty; a value needs them."""
    five = "nbs_physical_online_retail:2014,nbs_physical_online_retail,2014,2014-12-31,,,,,,not found,"
    assert five in (project / STATS).read_text(encoding="utf-8")
    edit(project / STATS, five, five.replace(",,,,,,not found,", ",,4400,亿元,4400,,not found,"))
    found = problems(project)
    assert [p.column for p in found] == ["canonical_unit", "canonical_unit"], [str(p) for p in found]


@pytest.mark.parametrize("value,canonical,ok", [
    ("2.78984", "27898", True),     # rounded to the digits written
    ("2.78984", "27898.4", True),
    ("2.78984", "27899", False),    # 0.6 off: more than the rounding of an integer
    ("2.7898", "27898.000000001", True),  # float noise within 1e-9 relative
    ("2.7898", "27898.1", False),
])
def test_tolerance_is_relative_plus_the_rounding_written(project, value, canonical, ok):
    edit(project / STATS, FIRST, FIRST.replace(",27898,亿元,27898,", f",{value},万亿元,{canonical},"))
    assert (problems(project) == []) == ok


def test_units_csv_decides_the_conversion(project):
    """value_canonical is value × units.csv's factor: a wrong factor there flags every row that uses it."""
    path = project / "data/reference/units.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("million,亿人,0.01,", "million,亿人,0.1,"), encoding="utf-8")
    found = problems(project)
    assert [(p.column, p.row) for p in found] == [("value_canonical", line_of(project, "pdd_active_buyers:2020")),
                                                    ("value_canonical", line_of(project, "pdd_active_buyers:2021"))]


def test_validation_is_redone_when_units_change(project):
    """units.csv is part of what validating statistics.csv read: its stamp depends on it."""
    from growthpath.data import datapackage

    before = datapackage._validation_key("official_statistics")
    with open(project / "data/reference/units.csv", "a", encoding="utf-8") as fh:
        fh.write("码,码,1,count,yards\n")
    assert datapackage._validation_key("official_statistics") != before


@pytest.mark.parametrize("period,end", [
    ("2024", dt.date(2024, 12, 31)), ("2024-02", dt.date(2024, 2, 29)), ("2023-02", dt.date(2023, 2, 28)),
    ("2026-01/08 YTD", dt.date(2026, 8, 31)), ("2023-01/10", dt.date(2023, 10, 31)), ("2026-H1", dt.date(2026, 6, 30)),
    ("2025-H2", dt.date(2025, 12, 31)), ("2024-Q2", dt.date(2024, 6, 30)), ("2022-Q4", dt.date(2022, 12, 31)),
    ("2020-11-01", dt.date(2020, 11, 1)), ("2024-2025", None), ("12m to 2022-04", None), ("unknown", None),
    ("2022, 2023, 2024", None),
])
def test_period_end_of_each_published_form(period, end):
    from growthpath.data import official

    assert official.period_end_of(period) == end


@pytest.mark.parametrize("period", ["2024-13", "2024-Q5", "2024-10/03 YTD", "2024-00"])
def test_a_period_that_does_not_exist_is_an_error(period):
    from growthpath.data import official

    with pytest.raises(ValueError):
        official.period_end_of(period)


# ----------------------------------------------------------------------------- Task B: series-level dependencies
NEW_YEAR = ("nbs_online_retail:2026,nbs_online_retail,2026,2026-12-31,,170000,亿元,170000,亿元,yes,example,EXAMPLE ROW,"
            "全国网上零售额,National Bureau of Statistics of China (国家统计局),example,2027-01,https://www.stats.gov.cn/,example\n")


def append_new_year(root: Path) -> None:
    with open(root / STATS, "a", encoding="utf-8") as fh:
        fh.write(NEW_YEAR)


def dep(series: str) -> str:
    return f"{STATS}#series_id={series}"


def test_a_series_dependency_hashes_the_header_and_that_series_rows(project):
    from growthpath.data import datapackage

    text = (project / STATS).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    mine = "".join([lines[0], *(l for l in lines[1:] if l.split(",")[1] == "nbs_online_retail")])
    assert datapackage.dep_digest(dep("nbs_online_retail")) == hashlib.sha256(mine.encode()).hexdigest()
    assert datapackage.dep_digest(STATS) == hashlib.sha256(text.encode()).hexdigest()  # a plain line: the whole file
    assert datapackage.dep_digest(dep("no_such_series")) == hashlib.sha256(lines[0].encode()).hexdigest()
    assert datapackage.dep_digest("data/nothing.csv#series_id=x") == datapackage.dep_digest("data/nothing.csv") == "missing"


def test_a_quoted_cell_over_several_lines_stays_in_its_row(project):
    from growthpath.data import datapackage

    path = project / "data" / "multi.csv"
    path.write_text('id,series_id,quote\n1,a,"one\ntwo, a"\n2,b,x\n', encoding="utf-8")
    a = datapackage.dep_digest("data/multi.csv#series_id=a")
    assert a == hashlib.sha256('id,series_id,quote\n1,a,"one\ntwo, a"\n'.encode()).hexdigest()
    path.write_text('id,series_id,quote\n1,a,"one\ntwo, a"\n2,b,changed\n', encoding="utf-8")
    assert datapackage.dep_digest("data/multi.csv#series_id=a") == a


def test_loading_records_the_series_read_not_the_file(project, monkeypatch):
    from growthpath.data import official

    deps = project / "deps.txt"
    deps.write_text("")
    monkeypatch.setenv("GROWTHPATH_DEPS_FILE", str(deps))
    stats = official.load()
    recorded = set(deps.read_text().split())
    assert STATS not in recorded and "data/official/series.csv" in recorded  # validation read the series table
    official.annual(stats, "nbs_online_retail")
    with pytest.raises(LookupError):
        official.observations(stats, "wechat_channels_gmv_growth")  # no value yet: its first one must re-run the chapter
    official.series_rows(stats, "kuaishou_gmv")
    assert {l for l in deps.read_text().split() if l.startswith(STATS)} == {
        dep("nbs_online_retail"), dep("wechat_channels_gmv_growth"), dep("kuaishou_gmv")}
    official.load(whole=True)  # a chapter that lists the whole table depends on the whole file
    assert STATS in deps.read_text().split()


def test_a_chapter_depends_on_the_findings_it_shows_not_on_what_the_audit_read(project, monkeypatch):
    """In a chapter, the audit records nothing it reads; `for_places` records the places shown, each hashed as
    its published findings. A new year of nbs_online_retail changes exactly the places whose findings change."""
    import dataclasses
    import shutil

    from growthpath import audit
    from growthpath.data import datapackage
    from growthpath.publish import runner

    deps = project / "deps.txt"
    monkeypatch.setenv("GROWTHPATH_DEPS_FILE", str(deps))
    shutil.rmtree(project / "_build" / ".cache" / "audit", ignore_errors=True)
    for _ in range(2):  # computed, then reused from the cache: the same record
        deps.write_text("")
        F = audit.run(by_place=True)
        assert deps.read_text() == ""
    deps.write_text("")
    assert audit.run() == F and deps.read_text().split() == ["audit:*"]  # a page of all findings depends on all
    deps.write_text("")
    audit.for_places(F, [("000", "1.1"), ("004", "2.1")])
    assert deps.read_text().split() == ["audit:000:1.1", "audit:004:2.1"]

    def shown() -> dict[str, list]:
        monkeypatch.delenv("GROWTHPATH_DEPS_FILE")
        out: dict[str, list] = {}
        for f in audit.published(audit.run()):
            for place in dict.fromkeys(f"{r.doc}:{r.section}" for r in f.refs):
                out.setdefault(place, []).append(dataclasses.asdict(f))
        monkeypatch.setenv("GROWTHPATH_DEPS_FILE", str(deps))
        return out

    places = sorted(set(shown()) | {"000:1.1", "000:9.9"})
    every_before = runner.dep_digest("audit:*")
    before_findings, before = shown(), {p: runner.dep_digest(f"audit:{p}") for p in places}
    append_new_year(project)
    datapackage.refresh_hashes()  # as the analyst does after a deliberate change
    after_findings, after = shown(), {p: runner.dep_digest(f"audit:{p}") for p in places}
    changed = {p for p in places if before[p] != after[p]}
    assert changed == {p for p in places if before_findings.get(p) != after_findings.get(p)}
    assert before["000:9.9"] == after["000:9.9"]  # a place with no findings
    assert (runner.dep_digest("audit:*") != every_before) == bool(changed)


def test_a_new_year_of_one_series_changes_only_the_fingerprints_that_read_it(project, monkeypatch):
    """Deps as the package records them (functions the chapters call, run in-process), then one year of
    nbs_online_retail appended: exactly the dependency lists naming that series, or the whole file, change."""
    from growthpath.data import claims, official
    from growthpath.analysis import platforms, population
    from growthpath.publish import runner

    deps = project / "deps.txt"
    monkeypatch.setenv("GROWTHPATH_DEPS_FILE", str(deps))

    def recorded(call) -> list[str]:
        deps.write_text("")
        call()
        return sorted(set(deps.read_text().split()))

    stats, ledger = official.load(), claims.load()
    lists = {
        "platforms": recorded(lambda: platforms.compare(ledger, stats, tolerance=0.1)),
        "population": recorded(lambda: population.people_scale(ledger, stats)),
        "netizens": recorded(lambda: official.latest(stats, "cnnic_netizens")),
        "levels": recorded(lambda: official.annual(stats, "nbs_online_retail")),
        "share": recorded(lambda: official.value_at(stats, "nbs_online_retail", "2023")),
        "whole table": recorded(lambda: official.load(whole=True)),
        "ledger only": ["data/claims/claims.csv"],
    }
    chapter = runner.select(["background"])[0]
    before = {k: runner.fingerprint(chapter, {}, v, "pkg") for k, v in lists.items()}
    assert before == {k: runner.fingerprint(chapter, {}, v, "pkg") for k, v in lists.items()}  # stable
    append_new_year(project)
    changed = {k for k, v in lists.items() if runner.fingerprint(chapter, {}, v, "pkg") != before[k]}
    readers = {k for k, v in lists.items() if dep("nbs_online_retail") in v or STATS in v}
    assert changed == readers == {"levels", "share", "whole table"}


def test_no_code_selects_statistics_rows_past_the_recording_helpers():
    """Rows of a series are selected through `official` (observations, series_rows), which record the
    series for the runner's cache; a direct filter elsewhere would read rows no dependency names."""
    pattern = re.compile(r"""\[\s*\\?["']series_id\\?["']\s*\]\s*(==|\.isin|\.eq)""")
    offenders = []
    for path in [*(REPO / "growthpath").rglob("*.py"), *(REPO / "chapters").glob("*.ipynb")]:
        if path.name == "official.py":
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{i}")
    assert not offenders
