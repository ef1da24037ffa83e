"""Parameters, scenarios and the runner's cache, without starting a kernel."""
from __future__ import annotations

import json

import pytest

from growthpath import paths
from growthpath.data import params, scenarios
from growthpath.publish import runner
from growthpath.data.params import ParameterError


def chapter():
    return runner.select(["background"])[0]


def test_declared_parameters_are_literals():
    declared = params.declared(chapter().source)
    assert declared == {"scenario": "base", "nowcast_adjustment": "none", "ytd_revision_sd_pp": None, "forecast_year": 2026, "ci_level": 0.95}


def test_select_by_name_short_name_and_number():
    assert runner.select(["01_background"]) == runner.select(["background"]) == runner.select(["1"])
    with pytest.raises(runner.RunError, match="valid chapters: 01_background"):
        runner.select(["nope"])


def test_scenarios_load_and_merge_defaults():
    assert {"base", "optimistic", "pessimistic"} <= set(scenarios.names())
    p = scenarios.params("pessimistic")
    assert p["seed"] == 20261122 and p["nowcast_adjustment"] == "mean_revision"
    with pytest.raises(scenarios.ScenarioError, match="valid scenarios: base"):
        scenarios.params("utopia")


def test_resolve_merges_scenario_then_overrides():
    r = runner.resolve(chapter(), "optimistic", {"ci_level": "0.9", "ytd_revision_sd_pp": "2"})
    assert r == {"forecast_year": 2026, "ci_level": 0.9, "nowcast_adjustment": "best_revision", "ytd_revision_sd_pp": 2.0, "scenario": "optimistic"}
    assert "seed" not in r  # only declared parameters reach a chapter


@pytest.mark.parametrize("overrides,message", [
    ({"ci_level": "high"}, "expects float"),
    ({"forecast_year": "2026.5"}, "expects 2026"),
    ({"ci_level": "1.5"}, "expected a number in"),
    ({"forecast_year": "2027"}, "the plan's targets are for 2026"),
    ({"nowcast_adjustment": "best"}, "'none' \\(the latest year-to-date reading\\)"),
    ({"ytd_revision_sd_pp": "wide"}, "expects float or null: percentage points in \\[0, 10\\] \\(default: the register value ytd_revision_sd_pp\\)"),
])
def test_bad_parameters_fail_clearly(overrides, message):
    with pytest.raises(ParameterError, match=message):
        runner.resolve(chapter(), "base", overrides)


def test_plan_collects_errors_before_running():
    with pytest.raises(runner.RunError, match="no chapter of this run has a parameter 'nonsense'"):
        runner.plan(None, "base", {"nonsense": "1"})
    planned = dict(runner.plan(None, "base", {"ci_level": "0.9"}))  # applies where declared, nowhere else
    assert {ch.name for ch, r in planned.items() if r.get("ci_level") == 0.9} == {"01_background", "03_targets", "06_risk", "08_outcomes",
                                                                                  "95_assumptions"}
    with pytest.raises(runner.RunError, match="key=value"):
        runner.parse_overrides(["novalue"])


def test_bad_scenario_file_is_reported(project):
    (project / "data" / "scenarios.yml").write_text("defaults: {}\nscenarios:\n  optimistic:\n    description: x\n    justification: y\n",
                                                    encoding="utf-8")
    from growthpath.data import datapackage
    datapackage.refresh_hashes()
    with pytest.raises(scenarios.ScenarioError, match="'base' is required"):
        scenarios.load()


def test_fingerprint_tracks_notebook_params_data_and_package(project):
    ch = runner.select(["background"])[0]
    deps = ["data/claims/claims.csv"]
    base = runner.fingerprint(ch, {"a": 1}, deps, "pkg")
    assert runner.fingerprint(ch, {"a": 2}, deps, "pkg") != base
    assert runner.fingerprint(ch, {"a": 1}, deps, "pkg2") != base
    assert runner.fingerprint(ch, {"a": 1}, deps, "pkg") == base
    (project / "data" / "claims" / "claims.csv").write_text("changed", encoding="utf-8")
    assert runner.fingerprint(ch, {"a": 1}, deps, "pkg") != base
    # a file the chapter never read does not matter
    before = runner.fingerprint(ch, {"a": 1}, deps, "pkg")
    (project / "data" / "reference" / "units.csv").write_text("changed", encoding="utf-8")
    assert runner.fingerprint(ch, {"a": 1}, deps, "pkg") == before


def test_damaged_manifest_means_rerun(tmp_path):
    (tmp_path / runner.MANIFEST).write_text("{broken", encoding="utf-8")
    assert runner.load_manifest(tmp_path) == {}
    runner.save_manifest(tmp_path, {"x": {"hash": "h"}})
    assert json.loads((tmp_path / runner.MANIFEST).read_text())["x"]["hash"] == "h"


def test_paths_follow_the_root_override(project):
    assert paths.root() == project
    assert paths.relative(project / "data" / "x.csv") == "data/x.csv"


@pytest.mark.parametrize("overrides,message", [
    ({"cohort_freq": "Q"}, "'M' \\(monthly\\)"),
    ({"repurchase_days": "[30, -1]"}, "positive whole days"),
    ({"orders_columns": "{client: x}"}, "mapping of customer_id"),
    ({"orders_columns": "[1, 2]"}, "expects a mapping of customer_id"),
    ({"top_share_pct": "0"}, "percentage"),
])
def test_chapter2_parameters_are_validated(overrides, message):
    with pytest.raises(ParameterError, match=message):
        runner.resolve(runner.select(["problem_definition"])[0], "base", overrides)


def test_chapter2_accepts_a_column_mapping():
    r = runner.resolve(runner.select(["2"])[0], "base", {"orders_columns": "{customer_id: buyer, date: paid_at, amount: gmv}"})
    assert r["orders_columns"] == {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"}


def test_parameters_left_at_none_are_assumptions_in_the_register():
    """A chapter parameter declared as None takes its value from data/reference/assumptions.csv: its name
    must be a register id, or the run could neither resolve nor show it."""
    from growthpath.data import assumptions

    ids = set(assumptions.table()["id"])
    for ch in runner.discover():
        for name, default in params.declared(ch.source).items():
            if default is None:
                assert name in ids or params.DERIVED.get(name) in ids, f"{ch.name}: parameter {name!r} is None but is not an assumption id"


def test_a_chapter_that_reads_no_scenario_parameter_resolves_alike_under_every_scenario():
    """The runner may reuse a chapter's executed copy across scenarios only when nothing it reads differs:
    chapters that declare `scenario` or a parameter a scenario sets get different parameters per scenario."""
    every = scenarios.names()
    set_by_scenarios = {k for name in every for k in scenarios.params(name)
                        if len({json.dumps(scenarios.params(n).get(k)) for n in every}) > 1}
    for ch in runner.discover():
        declared = params.declared(ch.source)
        resolved = [runner.resolve(ch, name, {}) for name in every]
        alike = all(r == resolved[0] for r in resolved)
        assert alike == ("scenario" not in declared and not set_by_scenarios & set(declared)), ch.name
    independent = [ch.name for ch in runner.discover() if "scenario" not in params.declared(ch.source)]
    assert {"02_problem_definition", "04_theory", "92_ledger"} <= set(independent) and "01_background" not in independent


def reusable_copy(project, scenario: str, chapter, resolved: dict, deps: list[str]):
    """An executed copy of `chapter` in `scenario`'s folder, recorded as run with `resolved` and `deps`."""
    folder = runner.scenario_dir(scenario)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{chapter.name}.ipynb").write_text("{}", encoding="utf-8")
    entry = {"hash": runner.fingerprint(chapter, resolved, deps, paths.package_digest()), "deps": deps,
             "scenario": scenario, "parameters": resolved, "results": {}}
    runner.save_manifest(folder, {chapter.name: entry})
    return folder, entry


def test_an_executed_copy_is_reused_only_when_every_input_is_the_same(project):
    ch = runner.select(["problem_definition"])[0]
    package, base = paths.package_digest(), runner.scenario_dir("base")
    resolved = runner.resolve(ch, "optimistic", {})
    folder, entry = reusable_copy(project, "optimistic", ch, resolved, ["data/claims/claims.csv"])
    found = runner.same_run_elsewhere(ch, runner.resolve(ch, "base", {}), base, package)
    assert found is not None and found.folder == folder and found.entry == entry
    assert runner.same_run_elsewhere(ch, resolved, folder, package) is None          # never from its own folder
    changed = runner.resolve(ch, "base", {"top_share_pct": "20"})
    assert runner.same_run_elsewhere(ch, changed, base, package) is None             # a parameter changed
    assert runner.same_run_elsewhere(ch, resolved, base, "another package") is None  # the code changed
    assert runner.same_run_elsewhere(ch, resolved, base, package, made=set()) is None  # --force: only this run's copies
    assert runner.same_run_elsewhere(ch, resolved, base, package, made={(folder.resolve(), ch.name, entry["hash"])}) is not None
    (project / "data" / "claims" / "claims.csv").write_text("changed", encoding="utf-8")
    assert runner.same_run_elsewhere(ch, resolved, base, package) is None            # a file it read changed


def test_a_chapter_that_reads_the_scenario_is_never_reused(project):
    ch = runner.select(["background"])[0]
    reusable_copy(project, "optimistic", ch, runner.resolve(ch, "optimistic", {}), [])
    assert runner.same_run_elsewhere(ch, runner.resolve(ch, "base", {}), runner.scenario_dir("base"), paths.package_digest()) is None
