"""The 'Rerun this book' appendix, followed to the letter: its ```bash blocks run in order on a copy of
the executed project; afterwards only the chapters that read the changed file have re-run, some of
their glued numbers changed, and every other chapter's numbers are exactly as before."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, copy_project, glued

APPENDIX = REPO / "book" / "rerun.md"
CHANGED = "data/official/statistics.csv"
CHANGED_SERIES = "nbs_online_goods_services_growth_2026"  # the series of the row the appendix appends


def bash_blocks(path: Path) -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_appendix_has_the_walkthrough_steps():
    steps = "\n".join(bash_blocks(APPENDIX))
    for command in ("statistics.csv", "growthpath validate", "growthpath datapackage --refresh", "growthpath run",
                    "growthpath results"):
        assert command in steps, command


@pytest.fixture(scope="module")
def rerun(executed, tmp_path_factory):
    """A copy of the executed base project with its run cache, after the appendix's commands."""
    root = copy_project(tmp_path_factory.mktemp("rerun") / "project")
    shutil.copytree(executed["root"] / "book" / "chapters", root / "book" / "chapters", dirs_exist_ok=True)
    for f in (executed["root"] / "results").glob("*.json"):
        shutil.copy2(f, root / "results" / f.name)
    before = {p.stem: glued(p) for p in sorted((root / "book" / "chapters").glob("[0-9]*.ipynb"))}
    manifest = json.loads((root / "book" / "chapters" / ".manifest.json").read_text(encoding="utf-8"))
    env = {**os.environ, "GROWTHPATH_ROOT": str(root), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    logs = []
    for block in bash_blocks(APPENDIX):
        proc = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=root, env=env, capture_output=True, text=True)
        logs.append((block, proc))
        assert proc.returncode == 0, f"step failed:\n{block}\n{proc.stdout}\n{proc.stderr}"
    after = {p.stem: glued(p) for p in sorted((root / "book" / "chapters").glob("[0-9]*.ipynb"))}
    return {"root": root, "before": before, "after": after, "manifest": manifest, "logs": logs}


def readers_of(manifest: dict, path: str, series: str | None = None) -> set[str]:
    """Chapters whose recorded deps name `path`, or (statistics are recorded per series) its rows of `series`."""
    wanted = {path} | ({f"{path}#series_id={series}"} if series else set())
    return {chapter for chapter, entry in manifest.items() if wanted & set(entry["deps"])}


@pytest.mark.slow
def test_validate_names_the_changed_file_before_the_refresh(rerun):
    first_validate = next(p for b, p in rerun["logs"] if "growthpath validate || true" in b)
    assert first_validate.returncode == 0  # `|| true` in the appendix; the command itself failed:
    assert "statistics.csv" in first_validate.stderr and "md5" in first_validate.stderr.lower()


@pytest.mark.slow
def test_only_the_chapters_that_read_the_file_rerun(rerun):
    run_log = next(p for b, p in rerun["logs"] if b.strip() == "growthpath run")
    ran = set(re.findall(r"ran (\S+) in", run_log.stdout + run_log.stderr))
    readers = readers_of(rerun["manifest"], CHANGED, CHANGED_SERIES)
    # the results pages read results/base.json, which the re-run chapters rewrite
    pages = readers_of(rerun["manifest"], "results/base.json")
    assert readers and ran == readers | pages, (sorted(ran), sorted(readers | pages))
    assert set(rerun["manifest"]) - ran, "every chapter re-ran: nothing was cached"


@pytest.mark.slow
def test_affected_numbers_changed_and_the_others_did_not(rerun):
    readers = readers_of(rerun["manifest"], CHANGED, CHANGED_SERIES) | readers_of(rerun["manifest"], "results/base.json")
    for chapter, values in rerun["before"].items():
        if chapter not in readers:
            assert rerun["after"][chapter] == values, chapter
    # the newest reading becomes the nowcast, and the outlook and the probabilities follow it …
    assert rerun["after"]["01_background"]["nowcast_pct"] == 5.0 != rerun["before"]["01_background"]["nowcast_pct"]
    assert rerun["after"]["01_background"]["base_mean"] == pytest.approx(rerun["after"]["01_background"]["anchor_value"] * 1.05)
    assert rerun["after"]["03_targets"]["share_needed"] < rerun["before"]["03_targets"]["share_needed"]
    assert rerun["after"]["08_outcomes"]["sc_p_gmv"] == rerun["after"]["03_targets"]["p_gmv"]
    # … while the anchor, the last published year, does not move
    assert rerun["after"]["01_background"]["anchor_year"] == rerun["before"]["01_background"]["anchor_year"] == 2025
    assert rerun["after"]["01_background"]["anchor_value"] == rerun["before"]["01_background"]["anchor_value"]


@pytest.mark.slow
def test_results_command_lists_what_moved(rerun):
    report = next(p for b, p in rerun["logs"] if "growthpath results" in b)
    assert "changed  01_background :: nowcast_pct: 4.6 -> 5.0" in report.stderr
