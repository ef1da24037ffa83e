"""What a new analyst's own log must not slip past (found by an independent first-use review): a
misspelt column the book reads is an error, other unused columns are named; lines repeated exactly
are flagged with the first copy's line; a problem met by several chapters is reported once; paths
printed are usable from the analyst's own folder; parameter types read right."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from growthpath.data import orders, params
from growthpath.cli import app
from growthpath.data.datapackage import DataError


def log(tmp_path, rows=None, **extra) -> Path:
    rows = rows or [(f"c{i % 12}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", 10.0 + i) for i in range(60)]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount"]).assign(**extra)
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_misspelt_column_the_book_reads_is_an_error(tmp_path):
    path = log(tmp_path, quantty=1)
    with pytest.raises(DataError) as err:
        orders.read(path)
    assert "'quantty' looks like a misspelt 'quantity'" in str(err.value) and "orders_columns" in str(err.value)


def test_other_unused_columns_are_named_not_refused(tmp_path):
    read = orders.read(log(tmp_path, order_id="x", sku="y"))
    assert read.ignored == ("order_id", "sku") and list(read.frame.columns) == ["customer_id", "date", "amount"]


def test_lines_repeated_exactly_are_flagged_with_the_first_copy(tmp_path):
    rows = [(f"c{i % 12}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", 10.0 + i) for i in range(60)]
    read = orders.read(log(tmp_path, rows + rows[5:8]))
    checked = orders.model_problems(read.frame, read.label, lines=read.lines)
    repeated = [str(w) for w in checked.warnings if "repeat an earlier line" in str(w)]
    assert len(repeated) == 1 and repeated[0].startswith(f"{read.label}, line 62") and "3 line(s)" in repeated[0], checked.warnings
    clean = orders.read(log(tmp_path, rows))
    assert not [w for w in orders.model_problems(clean.frame, clean.label, lines=clean.lines).warnings if "repeat an earlier line" in str(w)]


def test_a_problem_several_chapters_meet_is_reported_once_and_paths_work_from_elsewhere(project, tmp_path, monkeypatch):
    mine = log(tmp_path, [(f"c{i}", "2024-01-01", 5.0) for i in range(40)])   # nobody buys twice
    args = ["run", "-c", "2", "-c", "4", "-p", f"orders_path={mine}", "-p", f"clv_orders_path={mine}"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.output.count("no repeat buyer") == 1, result.output
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(home)
    result = CliRunner().invoke(app, ["run", "-c", "7", "-p", "discount_rate_pct=9", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"writes {project.resolve()}/_build/runs/" in result.output, result.output


@pytest.mark.parametrize("name, kind", [("orders_columns", "mapping"), ("nowcast_adjustment", "choice"),
                                        ("calibration_end", "date"), ("repurchase_days", "list of int")])
def test_parameter_types_read_right(name, kind):
    assert params.type_name(name) == kind
