"""The bad-input matrix: every way an analyst can feed the book broken data or wrong parameters gives
one clear message (file, row, column or parameter; what was expected; what was found), a non-zero
exit, no traceback, and leaves the last good book (executed chapters and _build/html) untouched.

Data cases are checked the way an analyst meets them: edit, `growthpath datapackage --refresh`, then
`growthpath validate` (or `growthpath run`, which validates each file before reading it). Unknown
extra columns fail rather than warn, so a misspelt column is never silently ignored."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from growthpath.cli import app

SMALL = Path(__file__).parent / "fixtures" / "orders_small.csv"
MAPPING = "orders_columns={customer_id: buyer, date: paid_at, amount: gmv}"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line)


def drop_column(path: Path, name: str) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = rows[0].index(name)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def orders_file(root: Path, line: int, column: str, value: str) -> str:
    """A copy of the small order log with one cell replaced; returns its path relative to root."""
    rows = SMALL.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    cells = rows[line - 1].split(",")
    cells[header.index(column)] = value
    rows[line - 1] = ",".join(cells)
    (root / "my_orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return "my_orders.csv"


R = "data/reference"
VALIDATE = ["validate"]
# name: (mutation(root) -> extra CLI args or None, command, refresh hashes first, message fragments)
CASES = {
    "missing file": (lambda r: (r / R / "risks.csv").unlink(), VALIDATE, False,
                     ["data/reference/risks.csv", "file not found"]),
    "empty file": (lambda r: (r / R / "risks.csv").write_text("", encoding="utf-8"), VALIDATE, True,
                   ["data/reference/risks.csv", "file is empty"]),
    "renamed column": (lambda r: edit(r / R / "risks.csv", "likelihood,impact", "likelyhood,impact"), VALIDATE, True,
                       ["risks.csv", "column 'likelihood'", "expected column 'likelihood', found 'likelyhood'"]),
    "missing column": (lambda r: drop_column(r / R / "risks.csv", "basis"), VALIDATE, True,
                       ["risks.csv", "column 'basis'", "found no such column"]),
    "extra unknown column (fails)": (lambda r: edit(r / R / "risks.csv", "impact,basis", "impact,basis,owner"), VALIDATE, True,
                                     ["risks.csv", "column 'owner'", "unknown extra column 'owner'"]),
    "wrong type": (lambda r: edit(r / R / "units.csv", "万亿元,亿元,10000", "万亿元,亿元,lots"), VALIDATE, True,
                   ["units.csv", "line", "column 'factor'", "expected", "found 'lots'"]),
    "negative amount": (lambda r: edit(r / R / "allocations.csv", "recommendation algorithms,35", "recommendation algorithms,-35"),
                        VALIDATE, True, ["allocations.csv", "line 2", "column 'share'", "minimum 0", "found '-35'"]),
    "share above 100 %": (lambda r: edit(r / R / "allocations.csv", "recommendation algorithms,35", "recommendation algorithms,135"),
                          VALIDATE, True, ["allocations.csv", "line 2", "column 'share'", "maximum 100", "found '135'"]),
    "impossible date": (lambda r: edit(r / "data/official/statistics.csv", "2014,2014-12-31", "2014,2014-02-30"), VALIDATE, True,
                        ["statistics.csv", "line 2", "column 'period_end'", "found '2014-02-30'"]),
    "duplicate key": (lambda r: append(r / "data/claims/claims.csv",
                                       (r / "data/claims/claims.csv").read_text(encoding="utf-8").splitlines()[1] + "\n"),
                      VALIDATE, True, ["claims.csv", "line 614", "claim_id", "duplicate"]),
    "unknown unit": (lambda r: edit(r / "data/claims/claims.csv", ",3,%,3,%,", ",3,furlongs,3,%,"), VALIDATE, True,
                     ["claims.csv", "line 2", "furlongs", "units"]),
    "non-UTF-8 encoding": (lambda r: (r / R / "risks.csv").write_bytes((r / R / "risks.csv").read_text(encoding="utf-8").encode("gb18030")),
                           VALIDATE, True, ["risks.csv", "line 2", "not valid UTF-8", "save the file as UTF-8"]),
    "stray quote": (lambda r: append(r / R / "risks.csv", 'R99,000,6.1,policy and compliance,"unclosed,x,,3,3,x\n'),
                    VALIDATE, True, ["risks.csv", "line 22", "never closed"]),
    "stray delimiter": (lambda r: edit(r / R / "risks.csv", "\nR02,", "\nR02,,"), VALIDATE, True,
                        ["risks.csv", "line 3", "more cells than the header"]),
    "data changed, md5 stale": (lambda r: append(r / R / "risks.csv", ""), VALIDATE, False, []),
    "md5 no longer matches": (lambda r: edit(r / R / "risks.csv", "R01,", "R1,"), VALIDATE, False,
                              ["risks.csv", "md5 is", "datapackage.json records", "growthpath datapackage --refresh"]),
    "malicious YAML": (lambda r: (r / "data/scenarios.yml").write_text(
                           "defaults: !!python/object/apply:os.system ['touch pwned']\nscenarios: {}\n", encoding="utf-8"),
                       VALIDATE, True, ["data/scenarios.yml", "not valid YAML"]),
    "unknown scenario": (None, ["run", "--scenario", "utopia"], False, ["unknown scenario 'utopia'", "valid scenarios: base"]),
    "unknown parameter": (None, ["run", "-p", "nonsense=1"], False, ["no chapter of this run has a parameter 'nonsense'", "the parameters are"]),
    "parameter of the wrong type": (None, ["run", "-p", "ci_level=high"], False, ["ci_level", "expects float", "high"]),
    "parameter out of range": (None, ["run", "-p", "ci_level=1.5"], False, ["ci_level", "[0.5, 1)", "1.5"]),
    "orders: wrong column mapping": (lambda r: ["run", "-c", "2", "-p", f"orders_path={orders_file(r, 2, 'gmv', '1')}",
                                                "-p", "orders_columns={customer_id: nobody}"], None, False,
                                     ["my_orders.csv", "nobody", "not in the file", "buyer, paid_at, gmv"]),
    "orders: negative amount": (lambda r: ["run", "-c", "2", "-p", f"orders_path={orders_file(r, 3, 'gmv', '-80')}", "-p", MAPPING],
                                None, False, ["my_orders.csv", "line 3", "column 'amount'", "negative amount", "'-80'"]),
    "orders: non-numeric amount": (lambda r: ["run", "-c", "2", "-p", f"orders_path={orders_file(r, 4, 'gmv', 'lots')}", "-p", MAPPING],
                                   None, False, ["my_orders.csv", "line 4", "column 'amount'", "not a number", "'lots'"]),
    "orders: impossible date": (lambda r: ["run", "-c", "4", "-p", f"clv_orders_path={orders_file(r, 2, 'paid_at', '2024-02-30')}",
                                           "-p", "clv_" + MAPPING], None, False,
                                ["my_orders.csv", "line 2", "column 'date'", "not a valid date", "'2024-02-30'"]),
}
# an edit that leaves the bytes as they were is not an error: the matrix must not flag it
CASES.pop("data changed, md5 stale")
# order logs as analysts have them: checked by `growthpath run` before any kernel starts (orders.load, orders.model_problems)
ORDERS_HEADER = "customer_id,date,amount\n"


def order_log(root: Path, content: str | bytes, name: str = "my_orders.csv") -> str:
    """An order log written into the project; returns its name for -p orders_path=…"""
    (root / name).write_bytes(content if isinstance(content, bytes) else (ORDERS_HEADER + content).encode("utf-8"))
    return name


def run_orders(content: str | bytes, name: str = "my_orders.csv"):
    return lambda r: ["run", "-c", "2", "-p", f"orders_path={order_log(r, content, name)}"]


ORDER_CASES = {
    "orders: ambiguous day/month": (run_orders("a,01/02/2024,10\nb,03/04/2024,12\n"), None, False,
                                    ["my_orders.csv", "line 2", "column 'date'", "ambiguous dates", "'01/02/2024' (line 2)",
                                     "'03/04/2024' (line 3)", "orders_date_format to '%d/%m/%Y' (day first) or '%m/%d/%Y'"]),
    "orders: day-first and month-first mixed": (run_orders("a,05/06/2024,10\nb,31/03/2024,12\nc,03/31/2024,9\n"), None, False,
                                                ["my_orders.csv", "line 3", "column 'date'", "mixes day-first and month-first dates",
                                                 "'31/03/2024' (line 3)", "'03/31/2024' (line 4)"]),
    "orders: time without a date": (run_orders("a,2024-03-31,10\nb,10:30,12\n"), None, False,
                                    ["my_orders.csv", "line 3", "column 'date'", "a time without a date", "found '10:30'"]),
    "orders: two-digit year": (run_orders("a,31/03/24,10\n"), None, False,
                               ["my_orders.csv", "line 2", "column 'date'", "two-digit year", "four-digit years", "found '31/03/24'"]),
    "orders: header only": (run_orders(""), None, False, ["my_orders.csv", "no order lines: the file has a header but no rows"]),
    "orders: one customer": (run_orders("x,2024-01-01,10\nx,2024-03-01,12\n"), None, False,
                             ["my_orders.csv", "column 'customer_id'", "only 1 customer(s) ('x')", "need at least 5"]),
    "orders: everyone buys once": (run_orders("".join(f"c{i},2024-0{i + 1}-01,10\n" for i in range(6))), None, False,
                                   ["my_orders.csv", "column 'customer_id'", "no repeat buyer", "each of the 6 customers bought on one day"]),
    "orders: every amount zero": (run_orders("".join(f"c{i},2024-0{m}-01,0\n" for i in range(6) for m in (1, 3))), None, False,
                                  ["my_orders.csv", "column 'amount'", "every amount is 0 (12 lines)"]),
    "orders: a PDF named .csv": (run_orders(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), None, False,
                                 ["my_orders.csv", "appears to be a PDF document (despite its .csv extension)", "CSV UTF-8 or .xlsx"]),
    "orders: an .xls workbook": (run_orders(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "my_orders.xls"), None, False,
                                 ["my_orders.xls", "appears to be an Excel 97-2003 workbook (.xls)", "save it as .xlsx or CSV UTF-8"]),
    "orders: blank line and quoted line break counted": (run_orders('a,2024-01-01,10\n\n"b\nc",2024-01-02,12\nd,2024-01-03,-5\n'),
                                                         None, False, ["my_orders.csv", "line 6", "column 'amount'", "negative amount",
                                                                       "found '-5'"]),
    "orders: calibration_end outside the log": (lambda r: ["run", "-c", "4", "-p", f"clv_orders_path={orders_file(r, 2, 'gmv', '120.5')}",
                                                           "-p", "clv_" + MAPPING], None, False,
                                                ["my_orders.csv", "column 'date'", "calibration_end 1997-09-30 is outside the data",
                                                 "the log runs from 2024-01-03 to 2024-06-10"]),
}
CASES.update(ORDER_CASES)
# official statistics: what the schema cannot say (x-validator "statistics" in data/datapackage.json)
ST = "data/official/statistics.csv"
ST_ROW = "nbs_online_retail:2014,nbs_online_retail,2014,2014-12-31,,27898,亿元,27898,亿元,yes,"  # line 2
STATS_CASES = {
    "statistics: canonical unit not the series'": (
        lambda r: edit(r / ST, ST_ROW, ST_ROW.replace("亿元,27898,亿元", "亿人,27898,亿人")), VALIDATE, True,
        ["statistics.csv", "line 2", "column 'canonical_unit'", "expected '亿元'", "official/series.csv", "found '亿人'"]),
    "statistics: canonical value not converted": (
        lambda r: edit(r / ST, ST_ROW, ST_ROW.replace(",27898,亿元,27898,", ",2.7898,万亿元,2.7898,")), VALIDATE, True,
        ["statistics.csv", "line 2", "column 'value_canonical'", "expected 27898", "units.csv", "found '2.7898'"]),
    "statistics: unit not in units.csv": (
        lambda r: edit(r / ST, ST_ROW, ST_ROW.replace(",27898,亿元,", ",27898,亿圆,")), VALIDATE, True,
        ["statistics.csv", "line 2", "column 'unit'", "units.csv", "found '亿圆'"]),
    "statistics: obs_id not series:period": (
        lambda r: edit(r / ST, ST_ROW, ST_ROW.replace("nbs_online_retail:2014,", "nbs_online_retail:2041,")), VALIDATE, True,
        ["statistics.csv", "line 2", "column 'obs_id'", "expected 'nbs_online_retail:2014'", "found 'nbs_online_retail:2041'"]),
    "statistics: two used values for one period": (
        lambda r: edit(r / ST, "90065,亿元,90065,亿元,UNVERIFIED,", "90065,亿元,90065,亿元,yes,"), VALIDATE, True,
        ["statistics.csv", "line 20", "column 'grade'", "one row per series and period", "found a second one, 'yes'"]),
    "statistics: period_end not the period's end": (
        lambda r: edit(r / ST, ST_ROW, ST_ROW.replace(",2014-12-31,", ",2014-06-30,")), VALIDATE, True,
        ["statistics.csv", "line 2", "column 'period_end'", "expected 2014-12-31", "found '2014-06-30'"]),
}
CASES.update(STATS_CASES)


def scenarios_edit(old: str, new: str):
    return lambda r: edit(r / "data" / "scenarios.yml", old, new)


SCENARIO_CASES = {  # data/scenarios.yml: strict, every parameter against its declaration (growthpath.data.params)
    "scenarios: duplicated name": (scenarios_edit("  optimistic:", "  pessimistic:\n    description: x\n    justification: y\n  optimistic:"),
                                   VALIDATE, True, ["scenarios.yml", "line 34", "'scenarios.pessimistic' is defined twice"]),
    "scenarios: name that is a path": (scenarios_edit("  optimistic:", "  ../../etc:"), VALIDATE, True,
                                       ["scenarios.yml", "line 24", "'../../etc'", "becomes a file name"]),
    "scenarios: misspelt parameter": (scenarios_edit("nowcast_adjustment: best_revision", "nowcast_adjustmnt: best_revision"),
                                      VALIDATE, True, ["line 30", "unknown parameter 'nowcast_adjustmnt'", "did you mean 'nowcast_adjustment'"]),
    "scenarios: value out of range": (scenarios_edit("  ci_level: 0.95", "  ci_level: 2"), VALIDATE, True,
                                      ["line 13", "'ci_level' = 2.0", "a number in [0.5, 1)"]),
    "scenarios: unknown key": (scenarios_edit("    justification: >-\n      The best", "    justificaton: >-\n      The best"),
                               VALIDATE, True, ["scenarios.yml", "justificaton", "Extra inputs are not permitted"]),
    "scenarios: scenario set as a parameter": (scenarios_edit("nowcast_adjustment: best_revision", "scenario: base"), VALIDATE, True,
                                               ["line 30", "--scenario NAME"]),
    "parameter: misspelt on the command line": (None, ["run", "-p", "ci_levle=0.9"], False,
                                                ["'ci_levle'", "did you mean 'ci_level'"]),
    "parameter: scenario set with -p": (None, ["run", "-p", "scenario=optimistic"], False, ["--scenario NAME"]),
    "parameter: a date that is not one": (None, ["run", "-c", "4", "-p", "calibration_end=1997-02-30"], False,
                                          ["'calibration_end' = '1997-02-30'", "a date like 1997-09-30"]),
    "parameter: unknown encoding": (None, ["run", "-c", "2", "-p", "orders_encoding=klingon"], False,
                                    ["'orders_encoding' = 'klingon'", "an encoding name"]),
    "orders: file not found (relative to the folder the user is in)": (None, ["run", "-c", "2", "-p", "orders_path=nowhere.csv"],
                                                                       False, ["nowhere.csv", "file not found"]),
}
CASES.update(SCENARIO_CASES)


@pytest.fixture
def last_good_book(project):
    """Sentinels standing for the last good executed chapters and HTML book."""
    chapters, html = project / "book" / "chapters", project / "_build" / "html"
    chapters.mkdir(parents=True, exist_ok=True)
    html.mkdir(parents=True, exist_ok=True)
    files = {chapters / "02_problem_definition.ipynb": "last good chapter", html / "index.html": "<p>last good book</p>"}
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return files


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gives_one_clear_message_and_keeps_the_book(project, last_good_book, case):
    mutate, command, refresh, fragments = CASES[case]
    extra = mutate(project) if mutate else None
    if refresh:
        assert CliRunner().invoke(app, ["datapackage", "--refresh"]).exit_code == 0
    result = CliRunner().invoke(app, command or extra)
    first, _, output = result.output.partition("\n")
    assert first == f"project: {project}", result.output  # every command names the project it acts on
    assert result.exit_code != 0, output
    assert output.startswith("error:"), output
    for fragment in fragments:
        assert fragment in output, (fragment, output)
    assert "Traceback" not in output and len(output.splitlines()) <= 25, output
    for path, text in last_good_book.items():
        assert path.read_text(encoding="utf-8") == text, path
    assert not (project / "pwned").exists()


def test_the_matrix_covers_every_case_the_issue_names():
    assert len(CASES) >= 53  # data files, statistics rows, order logs, scenarios and parameters


def test_no_code_path_evaluates_data_or_loads_yaml_unsafely():
    """Static check of the package: no eval/exec/pickle, YAML only through safe_load."""
    import re

    package = Path(__file__).resolve().parents[1] / "growthpath"
    offenders = []
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\beval\(", r"\bexec\(", r"\bpickle\b", r"yaml\.load\(", r"yaml\.unsafe_load", r"yaml\.full_load"):
            if re.search(pattern, text):
                offenders.append(f"{path.name}: {pattern}")
    assert not offenders
