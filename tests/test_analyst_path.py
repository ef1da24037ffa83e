"""The analyst's path (issue 20, parts 1–3): which project a command acts on, parameters declared once,
strict scenarios, and runs that cannot mix."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from growthpath import paths
from growthpath.data import params, scenarios
from growthpath.publish import runner
from growthpath.cli import app

REPO = Path(__file__).resolve().parents[1]


def invoke(*args):
    return CliRunner().invoke(app, list(args))


# ----------------------------------------------------------------------------- 1. which project
@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """A folder that is not a project, with a `_build/` a careless `clean` would delete."""
    folder = tmp_path / "not-a-project"
    (folder / "_build").mkdir(parents=True)
    (folder / "_build" / "keep.txt").write_text("mine", encoding="utf-8")
    monkeypatch.delenv("GROWTHPATH_ROOT", raising=False)
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("command", [["run"], ["build"], ["validate"], ["clean"], ["datapackage"], ["audit"],
                                     ["results"], ["params"]])
def test_a_folder_that_is_not_a_project_is_refused_in_one_line(elsewhere, command):
    result = invoke(*command)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error:"), result.output
    assert f"{elsewhere} is not inside a growthpath project" in result.output
    assert (elsewhere / "_build" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_root_override_must_name_a_project(elsewhere, monkeypatch):
    monkeypatch.setenv("GROWTHPATH_ROOT", str(elsewhere))
    result = invoke("clean")
    assert result.exit_code == 2 and f"GROWTHPATH_ROOT={elsewhere} is not a growthpath project" in result.output
    assert (elsewhere / "_build" / "keep.txt").exists()


def test_the_project_is_found_from_a_subfolder_and_named_first(project, monkeypatch):
    monkeypatch.delenv("GROWTHPATH_ROOT")
    monkeypatch.chdir(project / "chapters")
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"project: {project}"


def test_a_relative_path_parameter_is_read_from_the_folder_the_user_is_in(project):
    sub = project / "mine"
    sub.mkdir()
    (sub / "orders.csv").write_text("buyer,paid_at,gmv\nA,2024-01-02,10\nB,2024-01-03,-5\n", encoding="utf-8")
    import os

    os.chdir(sub)  # the fixture restores the working directory
    result = invoke("run", "-c", "2", "-p", "orders_path=orders.csv",
                    "-p", "orders_columns={customer_id: buyer, date: paid_at, amount: gmv}")
    assert result.exit_code == 2, result.output
    assert "mine/orders.csv" in result.output and "line 3" in result.output  # shown relative to the project


def test_project_path_is_relative_to_the_project_inside_it_and_absolute_outside(project, tmp_path):
    assert runner.project_path(str(project / "data" / "x.csv")) == "data/x.csv"
    outside = tmp_path / "outside.csv"
    assert runner.project_path(str(outside)) == str(outside)


def test_kernels_import_the_package_the_runner_hashes(tmp_path, monkeypatch):
    """A decoy `growthpath` in the kernel's folder and on the user's PYTHONPATH is not what a chapter
    imports: kernels import the copy this process runs (the one `package_digest` hashes)."""
    from jupyter_client.manager import start_new_kernel

    decoy = tmp_path / "decoy"
    (decoy / "growthpath").mkdir(parents=True)
    (decoy / "growthpath" / "__init__.py").write_text("raise ImportError('decoy imported')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(decoy))
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(decoy), env=runner.kernel_env("1"))
    seen: list = []
    try:
        kc.execute_interactive("import growthpath; print(growthpath.__file__)", timeout=60, output_hook=seen.append)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    printed = "".join(m["content"].get("text", "") for m in seen if m["msg_type"] == "stream").strip()
    assert Path(printed).parent == paths.package_home() / "growthpath", seen


# ----------------------------------------------------------------------------- 2. parameters declared once
@pytest.mark.parametrize("notebook", sorted((REPO / "chapters").glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_parameters_cell_matches_the_declaration(notebook):
    cell = params.declared(notebook)
    number = notebook.stem[:2]
    assert set(cell) - set(params.RESERVED) == {n for n in params.FIELDS if number in params.chapters_of(n)}
    for name, default in cell.items():
        if name not in params.RESERVED:
            assert default == params.FIELDS[name].default and type(default) is type(params.FIELDS[name].default), name


def test_every_declared_default_is_valid_and_reaches_a_chapter_from_the_command_line():
    params.check(params.defaults())
    for name, f in params.FIELDS.items():
        raw = json.dumps(f.default) if not isinstance(f.default, str) else f.default
        planned = runner.plan(None, "base", {name: raw})  # the CLI's path: parse, coerce, check
        assert any(name in resolved for _, resolved in planned), name


def test_params_command_prints_the_reference():
    result = invoke("params", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["parameter"] for r in rows] == list(params.FIELDS)
    ci = next(r for r in rows if r["parameter"] == "ci_level")
    assert ci["valid values"] == "a number in [0.5, 1)" and ci["default"] == "0.95" and ci["chapters"].startswith("01")
    assert "did you mean 'ci_level'" in invoke("params", "ci_levl").output


@pytest.mark.parametrize("edit,fragments", [
    (lambda t: t.replace("  optimistic:", "  pessimistic:\n    description: x\n    justification: y\n  optimistic:"),
     ["line 34", "'scenarios.pessimistic' is defined twice", "first on line 24"]),
    (lambda t: t.replace("  optimistic:", "  ../elsewhere:"), ["line 24", "'../elsewhere'", "becomes a file name"]),
    (lambda t: t.replace("nowcast_adjustment: best_revision", "nowcast_ajustment: best_revision"),
     ["line 30", "unknown parameter 'nowcast_ajustment'", "did you mean 'nowcast_adjustment'"]),
    (lambda t: t.replace("nowcast_adjustment: best_revision", "nowcast_adjustment: best"), ["line 30", "'best'", "'none'"]),
    (lambda t: t.replace("nowcast_adjustment: best_revision", "scenario: other"), ["line 30", "--scenario NAME"]),
    (lambda t: t.replace("  ci_level: 0.95", "  ci_level: 1.95"), ["line 13", "[0.5, 1)"]),
    (lambda t: t.replace("  ci_level: 0.95", "  ci_level: 0.95\n  colour: red"), ["line 14", "unknown parameter 'colour'"]),
])
def test_the_scenario_file_is_validated_strictly(project, edit, fragments):
    path = project / "data" / "scenarios.yml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert invoke("datapackage", "--refresh").exit_code == 0
    result = invoke("validate")
    assert result.exit_code != 0
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)


def test_a_scenario_may_set_one_parameter(project):
    path = project / "data" / "scenarios.yml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  faster_users:\n"
        "    description: Users move to social commerce faster.\n"
        "    justification: A test of partial parameter sets.\n"
        "    params:\n"
        "      user_share_gain_pp: 4\n"), encoding="utf-8")
    # one command: the scenario file is validated on every run, not pinned by a hash to refresh
    result = invoke("run", "--scenario", "faster_users", "--dry-run")
    assert result.exit_code == 0 and "writes _build/runs/faster_users/" in result.output, result.output
    planned = dict(runner.plan(None, "faster_users", {}))
    got = {ch.name: r.get("user_share_gain_pp") for ch, r in planned.items() if "user_share_gain_pp" in r}
    assert got == {"03_targets": 4.0, "06_risk": 4.0, "08_outcomes": 4.0}
    assert all(r.get("ci_level", 0.95) == 0.95 for r in planned.values())  # the rest: declared defaults


# ----------------------------------------------------------------------------- 3. runs that cannot mix
def test_only_a_plain_base_run_writes_the_book(project):
    book = paths.book_chapters_dir()
    assert runner.output_for("base", {}) == book
    assert runner.output_for("pessimistic", {}) == project / "_build" / "runs" / "pessimistic"
    custom = runner.output_for("base", {"ci_level": "0.9"})
    assert custom.parent == project / "_build" / "runs" and custom.name.startswith("base-custom-")
    assert custom != runner.output_for("base", {"ci_level": "0.8"})
    assert runner.results_file("base", custom) == custom / "results-base.json"


def test_a_run_with_overrides_leaves_the_book_and_its_results_alone(project):
    result = invoke("run", "-c", "7", "-p", "discount_rate_pct=10")
    assert result.exit_code == 0, result.output
    assert not (project / "book" / "chapters" / "07_resources.ipynb").exists()
    assert not (project / "results" / "base.json").exists()
    line = next(l for l in result.output.splitlines() if l.startswith("executed chapters:"))
    assert "_build/runs/base-custom-" in line and "not the book's edition" in line
    folder = project / line.split()[2].rstrip("/")
    nb = json.loads((folder / "07_resources.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["growthpath"]["parameters"]["discount_rate_pct"] == 10.0


def test_a_second_run_is_refused_while_one_holds_the_project(project):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pathlib import Path
        from growthpath import osutil
        with osutil.project_lock(Path({str(project)!r}), "growthpath run"):
            print("held", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in (["run", "-c", "7"], ["build"], ["clean"]):
            started = time.perf_counter()
            result = invoke(*command)
            assert result.exit_code == 2, result.output
            assert f"`growthpath run`, pid {holder.pid}" in result.output and "nothing was changed" in result.output
            assert time.perf_counter() - started < 5
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert invoke("validate").exit_code == 0  # the lock died with its holder


@pytest.mark.parametrize("delay", [1.5, 3.5, 6.0])  # checking the order logs; the fork server importing; chapters executing
def test_ctrl_c_stops_a_run_within_two_seconds_in_one_line(project, delay):
    import os
    import signal

    exe = Path(sys.executable).with_name("growthpath")
    proc = subprocess.Popen([str(exe), "run", "--force", "-c", "1", "-c", "4"], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    time.sleep(delay)
    started = time.perf_counter()
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    output, _ = proc.communicate(timeout=30)
    assert time.perf_counter() - started < 2, output
    assert proc.returncode == 130, output
    assert output.strip().splitlines() == [f"project: {project}", "interrupted; published book unchanged"], output
    assert not list((project / "book" / "chapters").glob(".run-*"))
    alive = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert not alive, alive  # no kernel, worker or fork server outlives the run


def test_an_error_echoes_no_long_value_and_fits_on_a_screen(project):
    path = project / "data" / "reference" / "risks.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = [",".join(["R9" + str(i), "x" * 5000] + [""] * (len(header) - 2)) for i in range(40)]
    path.write_text("\n".join(lines + bad) + "\n", encoding="utf-8")
    assert invoke("datapackage", "--refresh").exit_code == 0
    result = invoke("validate")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.output.splitlines()) <= 25, result.output
    assert "x" * 201 not in result.output and "(5,000 characters)" in result.output, result.output
