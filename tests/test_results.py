"""Results files: every glued value of every scenario equals the committed golden copy (within the
stated tolerances), two runs give identical files, headline figures are recomputed independently,
and provenance is recorded for each value."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO, copy_project, data_rows, rooted

SCENARIOS = ["base", "optimistic", "pessimistic"]


# ----------------------------------------------------------------------------- comparison logic
def rec(chapter, key, value):
    return {"chapter": chapter, "key": key, "value": value, "unit": "", "source": ""}


def test_values_within_tolerance_are_the_same():
    from growthpath.publish import results

    golden = [rec("01", "a", 1.0), rec("01", "b", "text"), rec("02", "c", 3)]
    same = [rec("01", "a", 1.0 + 1e-9), rec("01", "b", "text"), rec("02", "c", 3)]
    assert results.compare(golden, same) == []


def test_changes_additions_and_removals_are_reported_with_chapter_key_old_and_new():
    from growthpath.publish import results

    golden = [rec("01", "a", 1.0), rec("01", "b", "old"), rec("02", "gone", 5)]
    current = [rec("01", "a", 1.01), rec("01", "b", "new"), rec("03", "fresh", 7)]
    changes = results.compare(golden, current)
    assert [(c.kind, c.chapter, c.key, c.old, c.new) for c in changes] == [
        ("changed", "01", "a", 1.0, 1.01), ("changed", "01", "b", "old", "new"),
        ("removed", "02", "gone", 5, None), ("added", "03", "fresh", None, 7)]
    report = results.diff_report("base", changes)
    assert "changed  01 :: a: 1.0 -> 1.01" in report and "growthpath results --update" in report


def test_booleans_and_numbers_are_not_confused():
    from growthpath.publish import results

    assert not results.same(1, True) and results.same(2, 2.0) and not results.same("2", 2)


def test_results_command_fails_with_a_diff_then_update_accepts(project):
    from typer.testing import CliRunner

    from growthpath.publish import results
    from growthpath.cli import app

    for name in SCENARIOS:
        results.write(name, [rec("01_background", "x", 1.0)])
        results.update(name)
    results.write("base", [rec("01_background", "x", 2.0)])
    runner = CliRunner()
    failed = runner.invoke(app, ["results"])
    assert failed.exit_code == 1
    assert "changed  01_background :: x: 1.0 -> 2.0" in failed.output
    assert runner.invoke(app, ["results", "--update", "--scenario", "base"]).exit_code == 0
    assert runner.invoke(app, ["results"]).exit_code == 0


def test_results_command_names_a_missing_file_and_an_unknown_scenario(project):
    from typer.testing import CliRunner

    from growthpath.cli import app

    runner = CliRunner()
    missing = runner.invoke(app, ["results", "--scenario", "base"])
    assert missing.exit_code == 2 and "results/base.json does not exist" in missing.output
    unknown = runner.invoke(app, ["results", "--scenario", "nope"])
    assert unknown.exit_code == 2 and "unknown scenario 'nope'" in unknown.output


# ----------------------------------------------------------------------------- the real runs
@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_glued_value_equals_the_golden_copy(executed, scenario):
    from growthpath.publish import results

    with rooted(executed["root"]):
        current = results.load(results.results_path(scenario))
    golden = results.load(REPO / "results" / "golden" / f"{scenario}.json")
    changes = results.compare(golden, current)
    assert not changes, results.diff_report(scenario, changes)


def test_golden_copies_hold_computed_values_only():
    from growthpath.publish import results

    for name in SCENARIOS:
        golden = results.load(REPO / "results" / "golden" / f"{name}.json")
        assert golden and not [r["key"] for r in golden if r["key"].startswith("claim_")], name


def test_ledger_copies_are_not_compared_with_the_golden_copy():
    from growthpath.publish import results

    golden = [rec("01", "a", 1.0)]
    assert results.compare(golden, [rec("01", "a", 1.0), rec("01", "claim_000_1_1_01", 3.0)]) == []
    assert [c.key for c in results.compare(golden, [rec("01", "a", 2.0)])] == ["a"]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_glued_claim_value_equals_the_ledger(executed, scenario):
    """The ledger's values glued for the prose (`claim_…`, left out of the golden copies) are the values and
    units of data/claims/claims.csv, read here with the standard library; each chapter glues the claims of
    the chapters it discusses, and at least one."""
    from growthpath.data import values
    from growthpath.publish import results

    ledger = {values.claim_key(r["claim_id"]): r for r in data_rows("claims/claims.csv")}
    with rooted(executed["root"]):
        records = [r for r in results.load(results.results_path(scenario)) if results.is_ledger_copy(r)]
    chapters = {p.stem for p in (REPO / "chapters").glob("0[1-8]_*.ipynb")}
    assert len(chapters) == 8 and {r["chapter"] for r in records} == chapters
    english = [r for r in records if r["key"].endswith("_en")]      # the same figure in English (¥7 trillion)
    for r in records:
        if r in english:
            row = ledger[r["key"].removesuffix("_en")]
            assert r["value"] == values.in_english(float(row["value"]), row["unit"]) and r["data_ids"] == row["claim_id"], r["key"]
            continue
        row = ledger[r["key"]]
        assert (r["value"], r["unit"], r["source"], r["data_ids"]) == (float(row["value"]), row["unit"], "ledger", row["claim_id"]), \
            (r["chapter"], r["key"])
    assert english and all(values.in_english(float(ledger[k]["value"]), ledger[k]["unit"]) is None
                           for k in {r["key"] for r in records} - {r["key"].removesuffix("_en") for r in english} if k in ledger)


def without_stills(cells: list[dict]) -> list[dict]:
    """Cells without the PNGs `growthpath build --pdf` adds to the book's (base) charts for print."""
    return [{**cell, "outputs": [{**out, "data": {k: v for k, v in out.get("data", {}).items() if k != "image/png"}}
                                 for out in cell.get("outputs", [])]} for cell in cells]


@pytest.mark.slow
def test_a_chapter_that_reads_no_scenario_parameter_runs_once_and_is_reused(executed):
    """Under `run_scenarios` the first scenario runs every chapter; each later one reuses exactly the
    chapters whose resolved parameters are the same under every scenario (pages built from the results
    files excepted: those files differ). A reused notebook is the executed one, naming its own scenario and
    saying the page does not depend on it; its values are in that scenario's results file too."""
    from growthpath.publish import results, runner

    order = list(executed["outcomes"])
    first, later = order[0], order[1:]
    with rooted(executed["root"]):
        chapters = runner.discover()
        alike = {ch.name for ch in chapters if not runner.reads_results(ch)
                 and all(runner.resolve(ch, name, {}) == runner.resolve(ch, first, {}) for name in order)}
        records = {name: results.load(results.results_path(name)) for name in order}
    assert {"02_problem_definition", "04_theory", "92_ledger"} <= alike and "01_background" not in alike
    assert set(executed["outcomes"][first].values()) == {"ran"}
    for name in later:
        assert {c for c, status in executed["outcomes"][name].items() if status == "reused"} == alike, name
        for chapter in alike:
            copy, source = (json.loads((executed[n] / f"{chapter}.ipynb").read_text(encoding="utf-8")) for n in (name, first))
            assert copy["metadata"]["growthpath"]["scenario"] == name, (name, chapter)
            assert without_stills(copy["cells"]) == without_stills(source["cells"]), (name, chapter)
            shown = [r for r in records[name] if r["chapter"] == chapter]
            assert shown and shown == [r for r in records[first] if r["chapter"] == chapter], (name, chapter)
            if chapter != "92_ledger":  # the ledger has no parameters box
                assert "This page does not depend on the scenario" in json.dumps(copy["cells"], ensure_ascii=False), chapter


@pytest.mark.slow
def test_two_runs_from_the_same_inputs_give_identical_results(executed, tmp_path):
    """A second, independent base run (fresh copy, no cache) writes a byte-identical results file."""
    from growthpath.publish import results, runner

    root = copy_project(tmp_path / "again")
    with rooted(root):
        outcomes = runner.run(scenario="base", jobs=2)
        assert all(o.status == "ran" for o in outcomes), [(o.chapter, o.message) for o in outcomes]
        again = results.results_path("base").read_bytes()
    with rooted(executed["root"]):
        first = results.results_path("base").read_bytes()
    assert again == first


def unnamed(records: list[dict]) -> list[str]:
    """Glued values that name no id they were computed from, or no package function that computed them (a ledger
    claim's own value names its claim id only)."""
    return [f"{r['chapter']}::{r['key']}" for r in records
            if not r["data_ids"] or not (r["computed_by"] or r["key"].startswith("claim_"))]


def test_a_value_with_no_id_or_no_function_is_reported():
    records = [{"chapter": "c", "key": "a", "data_ids": "000-1.1-01", "computed_by": ["growthpath.x.f"]},
               {"chapter": "c", "key": "b", "data_ids": "", "computed_by": ["growthpath.x.f"]},
               {"chapter": "c", "key": "claim_000_1_1_01", "data_ids": "000-1.1-01", "computed_by": []},
               {"chapter": "c", "key": "d", "data_ids": "assumption:icc", "computed_by": []}]
    assert unnamed(records) == ["c::b", "c::d"]


@pytest.mark.slow
def test_every_glued_value_records_its_provenance(executed):
    """Every value names the ids it was computed from (data, register rows, parameters, or the assumptions it rests on)
    and the package function that computed it; known cases name exactly their function and their inputs."""
    from growthpath.publish import results

    with rooted(executed["root"]):
        records = results.load(results.results_path("base"))
    assert unnamed(records) == []
    by_key = {(r["chapter"], r["key"]): r for r in records}
    clv = by_key["04_theory", "clv_mean"]
    assert clv["computed_by"] == ["growthpath.analysis.ch04_theory.value_values"]
    assert clv["data_ids"] == "orders:orders_cdnow_sample, parameter:calibration_end, parameter:holdout_end, parameter:clv_horizon_weeks"
    assert by_key["01_background", "base_mean"]["computed_by"] == ["growthpath.analysis.ch01_background.outlook"]
    assert "assumption:ytd_revision_sd_pp" in by_key["01_background", "base_mean"]["data_ids"].split(", ")
    assert by_key["04_theory", "luckin_multiple"]["data_ids"].split(", ") == ["000-4.2-04", "000-4.2-05"]


# ----------------------------------------------------------------------------- headlines
def headlines():
    return yaml.safe_load((REPO / "results" / "headlines.yml").read_text(encoding="utf-8"))


def mentioned_keys(test_file: Path) -> list[re.Pattern]:
    """Patterns for every string literal and f-string in a test module (f-string fields match anything)."""
    patterns = []
    for node in ast.walk(ast.parse(test_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            patterns.append(re.compile(re.escape(node.value)))
        elif isinstance(node, ast.JoinedStr):
            parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in node.values]
            patterns.append(re.compile("".join(parts)))
    return patterns


@pytest.mark.parametrize("chapter", list(headlines()))
def test_every_headline_figure_is_recomputed_by_its_chapter_test(chapter):
    """Each headline key of chapter NN is named in tests/test_chapterNN.py, whose tests compare the
    glued value with a recomputation from data/ (or, where stated there, with another chapter's value
    that is itself recomputed)."""
    test_file = REPO / "tests" / f"test_chapter{chapter[:2]}.py"
    assert test_file.exists(), f"{test_file.name} is missing"
    patterns = mentioned_keys(test_file)
    missing = [k for k in headlines()[chapter] if not any(p.fullmatch(k) for p in patterns)]
    assert not missing, f"{test_file.name} does not check {missing}"


def test_every_headline_exists_in_the_golden_results():
    golden = json.loads((REPO / "results" / "golden" / "base.json").read_text(encoding="utf-8"))
    keys = {(r["chapter"], r["key"]) for r in golden}
    missing = [(c, k) for c, ks in headlines().items() for k in ks if (c, k) not in keys]
    assert not missing


def test_headlines_file_is_validated(project):
    from growthpath.publish import appendix_tables

    (project / "results").mkdir(exist_ok=True)
    (project / "results" / "headlines.yml").write_text("01_background:\n  x: {label: X, colour: red}\n", encoding="utf-8")
    with pytest.raises(appendix_tables.HeadlineError, match=r"results/headlines.yml: 01_background.x"):
        appendix_tables.headlines()


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_headlines_name_what_they_compute_and_their_sentences_hold(executed, scenario):
    """Each headline's label names the year and kind of quantity its key computes (as the chapter declares
    when it glues it), each `holds` statement is true, and each printed sentence is the template filled in."""
    from growthpath.publish import appendix_tables, results

    with rooted(executed["root"]):
        records = results.load(results.results_path(scenario))
    spec = appendix_tables.headlines()
    assert not appendix_tables.label_problems(spec, records)
    assert not appendix_tables.statement_problems(spec, records)


def test_the_label_check_catches_a_mislabelled_headline():
    """The labels of an earlier edition: a 2023 figure labelled 2020, a projection labelled a ceiling."""
    from growthpath.publish import appendix_tables

    spec = {"01": {"a": appendix_tables.Headline(label="Plan's implied 2020 online retail vs NBS", year=2020, quantity="share"),
                   "b": appendix_tables.Headline(label="Online shoppers, fitted ceiling", year=2026, quantity="projection")}}
    records = [{"chapter": "01", "key": "a", "value": 84.8, "year": 2023, "kind": "share"},
               {"chapter": "01", "key": "b", "value": 9.7, "year": 2026, "kind": "projection"}]
    problems = appendix_tables.label_problems(spec, records)
    assert any("the label says 2020, the chapter glued year 2023" in p for p in problems)
    assert any("does not say it is a projection" in p for p in problems) and any("calls a projection a ceiling" in p for p in problems)
    fixed = {"01": {"a": appendix_tables.Headline(label="Plan's implied 2023 market as a share of NBS", year=2023, quantity="share"),
                    "b": appendix_tables.Headline(label="Online shoppers, 2026 projection", year=2026, quantity="projection")}}
    assert appendix_tables.label_problems(fixed, records) == []


def test_a_false_statement_or_a_changed_sentence_is_reported():
    from growthpath.publish import appendix_tables

    h = appendix_tables.Headline(label="x", sentence="P is {p:.0%} ({words}).", holds="words == likelihood(p)")
    good = [{"chapter": "c", "key": "p", "value": 0.95}, {"chapter": "c", "key": "words", "value": "almost certain"},
            {"chapter": "c", "key": "headline_p", "value": "P is 95 % (almost certain)."}]
    assert appendix_tables.statement_problems({"c": {"p": h}}, good) == []
    bad = [dict(r) for r in good]
    bad[0]["value"] = 0.5
    bad[2]["value"] = "P is 50 % (almost certain)."
    assert appendix_tables.statement_problems({"c": {"p": h}}, bad) == ["c.p: 'words == likelihood(p)' does not hold"]
    typed = [dict(r) for r in good]
    typed[2]["value"] = "P is nearly certain."
    assert appendix_tables.statement_problems({"c": {"p": h}}, typed) == ["c.p: the printed sentence is not the one in results/headlines.yml"]
