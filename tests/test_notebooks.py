"""Source notebooks: no outputs, one literal parameters cell, short cells, thin narrative."""
from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "chapters").glob("*.ipynb"))


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_chapters_exist():
    assert [p.name for p in NOTEBOOKS][:1] == ["01_background.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_source_notebook_holds_no_outputs(path):
    for cell in cells(path):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_near_the_top(path):
    tagged = [i for i, c in enumerate(cells(path)) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0] <= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_short(path):
    sizes = [len([l for l in "".join(c["source"]).splitlines() if l.strip()]) for c in cells(path) if c["cell_type"] == "code"]
    assert statistics.median(sizes) <= 10, sizes
    assert max(sizes) <= 25, sizes


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_logic_in_notebooks(path):
    """Narrative calls the package: no function or class definitions, no file reads in a chapter."""
    for cell in cells(path):
        src = "".join(cell["source"])
        if cell["cell_type"] == "code":
            assert "def " not in src and "class " not in src and "open(" not in src and "read_csv" not in src


PAGES = NOTEBOOKS + sorted((REPO / "book").glob("*.md"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_number_typed_by_hand_in_prose(path):
    """Every figure in the prose is glued; growthpath.lint documents the few allowed kinds."""
    from growthpath import lint

    found = lint.unglued_numbers(path)
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize("text, flagged", [
    ("Sales grew 12.5 % in 2023.", ["12.5"]),
    ("It reached {glue:text}`x:.1f` % in 2019–2025 (§3.1, Chapter 4).", []),
    ("Seed 000 and 004 say \"增长30%\"; 5G and SHA-256 are names; a Double 11 sale.", []),
    ("the top 20 % hold", ["20"]),
    ("K = 1 and 100 % of funding, baseline = 100", []),
    ("$n = 2(z/h)^2$ users and `n = 3` in code", []),
    ("1. **First step** with 7 days", ["7"]),
])
def test_the_lint_flags_hand_typed_numbers_only(tmp_path, text, flagged):
    from growthpath import lint

    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    assert [u.number for u in lint.unglued_numbers(page)] == flagged


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["base", "optimistic", "pessimistic"])
def test_executed_chapters_print_no_warnings(executed, scenario):
    """A warning (a deprecation, a failed fit, a local path) printed by a chapter would reach the page.
    A chapter reused from another scenario is that scenario's notebook (tests/test_results.py): read once."""
    for path in sorted(Path(executed[scenario]).glob("[0-9]*.ipynb")):
        if executed["outcomes"][scenario][path.stem] == "reused":
            continue
        for cell in cells(path):
            for out in cell.get("outputs", []):
                assert not (out.get("output_type") == "stream" and out.get("name") == "stderr"), (path.name, "".join(out["text"])[:300])
