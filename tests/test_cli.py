"""The CLI: help everywhere, clear errors, non-zero exits, nothing overwritten on bad input."""
from __future__ import annotations

import subprocess

import pytest
import typer.main
from typer.testing import CliRunner

from conftest import REPO
from growthpath.cli import app

cli = CliRunner()
COMMANDS = sorted(typer.main.get_command(app).commands)  # every command the CLI has, not a list kept by hand


def test_the_command_list_is_the_clis():
    assert {"run", "build", "validate", "datapackage", "results", "clean", "audit", "params"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = cli.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_short_help_and_version():
    from importlib.metadata import version

    assert cli.invoke(app, ["-h"]).exit_code == 0 and "Usage" in cli.invoke(app, ["-h"]).output
    assert cli.invoke(app, ["run", "-h"]).exit_code == 0
    result = cli.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"growthpath {version('growthpath')}"


def test_validate_ok():
    result = cli.invoke(app, ["validate"])
    assert result.exit_code == 0 and "valid" in result.output


def test_validate_reports_located_problem(project):
    path = project / "data" / "reference" / "units.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("万亿元,亿元,10000", "万亿元,亿元,lots"), encoding="utf-8")
    result = cli.invoke(app, ["validate"])
    assert result.exit_code == 2  # bad input: exit code 2, as every user-facing error
    assert "data/reference/units.csv" in result.output


@pytest.mark.parametrize("args,message", [
    (["run", "--chapter", "nope"], "valid chapters"),
    (["run", "--scenario", "utopia"], "valid scenarios"),
    (["run", "-p", "nonsense=1"], "has a parameter 'nonsense'"),
    (["run", "-c", "1", "-p", "nonsense=1"], "chapter 01_background has no parameter 'nonsense'"),
    (["run", "-p", "ci_level=high"], "expects float"),
    (["run", "--jobs", "0"], "--jobs"),
    (["run", "-c", "1", "-p", "scenario=optimistic"], "chosen with --scenario"),   # not a parameter: it names the results
])
def test_run_rejects_bad_input_and_keeps_outputs(project, args, message):
    out = project / "book" / "chapters"
    out.mkdir(parents=True, exist_ok=True)
    sentinel = out / "01_background.ipynb"
    sentinel.write_text("last good", encoding="utf-8")
    result = cli.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert sentinel.read_text(encoding="utf-8") == "last good"
    assert "Traceback" not in result.output


def test_build_is_skipped_when_nothing_it_reads_changed(project, monkeypatch):
    import subprocess

    from growthpath.publish import build

    calls = []

    def fake_sphinx(builder, staging):
        calls.append(builder)
        (staging / "_build" / "html").mkdir(parents=True)
        (staging / "_build" / "html" / "index.html").write_text("<html></html>", encoding="utf-8")
        return subprocess.CompletedProcess([], 0, "", "")

    monkeypatch.setattr(build, "sphinx_build", fake_sphinx)
    (project / "book" / "chapters" / "01_background.ipynb").write_text("{}", encoding="utf-8")
    first = CliRunner().invoke(app, ["build"])
    second = CliRunner().invoke(app, ["build"])
    assert first.exit_code == second.exit_code == 0 and calls == ["html"]
    assert "HTML book up to date" in second.output
    (project / "book" / "intro.md").write_text("# changed\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["build"]).exit_code == 0 and calls == ["html", "html"]
    assert CliRunner().invoke(app, ["build", "--force"]).exit_code == 0 and calls == ["html", "html", "html"]


def test_clean_removes_outputs_only_and_matches_make_clean(project):
    """`growthpath clean` and `make clean` (here without a venv, so through its fallback) leave the same
    files: every source, and every file git tracks even where outputs live (.gitkeep, a tracked file in _build/)."""
    import os
    import sys

    chapters = project / "book" / "chapters"
    made = [chapters / "01_background.ipynb", chapters / ".manifest.json", chapters / "_failed" / "x.ipynb",
            chapters / ".run-1" / "x.ipynb", project / "_build" / "html" / "index.html"]
    tracked = [chapters / ".gitkeep", project / "_build" / "notes" / "tracked.txt"]

    def outputs():
        for path in made + tracked:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("{}", encoding="utf-8")

    def files():  # not counting the lock the command itself takes
        return {p.relative_to(project) for p in project.rglob("*") if (p.is_file() or p.is_symlink()) and ".git" not in p.parts
                and not p.name.startswith(".growthpath.lock")}

    subprocess.run(["git", "init", "-q", str(project)], check=True)
    outputs()
    subprocess.run(["git", "-C", str(project), "add", *map(str, tracked)], check=True)
    kept_tracked = {p.relative_to(project) for p in tracked}
    # everything but the outputs, and in _build/ only what git tracks (the project's copy of the caches goes too)
    expected = {p for p in files() - {p.relative_to(project) for p in made} if p.parts[0] != "_build" or p in kept_tracked}
    result = cli.invoke(app, ["clean"])
    assert result.exit_code == 0, result.output
    after_cli = files()
    outputs()
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHON": sys.executable}
    make = subprocess.run(["make", "-f", str(REPO / "Makefile"), "-C", str(project), "clean"], env=env,
                          capture_output=True, text=True)
    assert make.returncode == 0, make.stderr
    assert after_cli == files() == expected and not any(p.exists() for p in made)
    make_clean = subprocess.run(["make", "-n", "clean"], cwd=REPO, capture_output=True, text=True).stdout
    assert "growthpath clean" in make_clean and "paths.clean(" in make_clean  # one implementation, both ways


def test_a_ctrl_c_a_library_wrapped_is_still_a_ctrl_c():
    """DuckDB turns a Ctrl-C that lands in a Python callback into its own error (InvalidInputException '... failed:
    KeyboardInterrupt'), or into "Query interrupted"; the CLI exits 130 with one line for these, never a traceback.
    Control: an ordinary error, with or without a cause, is not a Ctrl-C."""
    from growthpath.cli import is_ctrl_c

    def wrapped(inner: BaseException, outer: Exception) -> Exception:
        try:
            try:
                raise inner
            except BaseException as e:
                raise outer from e
        except Exception as e:
            return e

    assert is_ctrl_c(wrapped(KeyboardInterrupt(), ValueError("counting the rows failed")))
    assert is_ctrl_c(RuntimeError("Query interrupted"))
    assert is_ctrl_c(ValueError("counting the rows of the object failed: KeyboardInterrupt: "))
    assert not is_ctrl_c(wrapped(OSError("disk full"), ValueError("counting the rows failed")))
    assert not is_ctrl_c(RuntimeError("Query failed"))


def test_messages_count_in_words_never_with_a_parenthesised_plural():
    from growthpath.markup import plural

    assert (plural(1, "chapter"), plural(3, "chapter"), plural(0, "problem")) == ("1 chapter", "3 chapters", "0 problems")
    assert plural(2, "analysis", "analyses") == "2 analyses" and plural(1200, "line") == "1,200 lines"
