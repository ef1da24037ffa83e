"""Source notebooks: no outputs, one literal parameters cell, short cells, thin narrative."""
from __future__ import annotations

import json
import re
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
def test_code_cells_call_the_package_and_glue_what_it_returns(path):
    """No loops, comprehensions, conditionals, lambdas or inline data tables in a chapter's code cells (its parameters
    cell holds papermill's defaults and is not checked)."""
    from growthpath.publish import lint

    found = lint.notebook_logic(path)
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize("code, flagged", [
    ("book.glue_all(problem_definition.cac(claims))", []),
    ("for k in keys:\n    book.glue(k, v)", ["a loop"]),
    ("x = [v for v in values]", ["a comprehension"]),
    ("y = a if b else c", ["a conditional"]),
    ("f = lambda x: x", ["a lambda"]),
    ("t = {'a': 1}", ["an inline table (a dict)"]),
    ("book.run_parameters(scenario, {})", []),
    ("t = [1, 2, 3, 4]", ["an inline table (a long or nested list)"]),
    ("t = [('000', '2.1')]", ["an inline table (a long or nested list)"]),
    ("pd.DataFrame(rows)", ["an inline table (a DataFrame)"]),
    ("chart(colors=[theme.A, theme.B, theme.C, theme.D])", []),
    ("ok = x and y", ["a conditional (and/or)"]),
    ("%time run()\nbook.table(frame)", []),
    ("rows = pd.read_csv('data/x.csv')", ["a file read"]),
    ("def f():\n    pass", ["a definition"]),
])
def test_the_cell_check_flags_logic_only(code, flagged):
    from growthpath.publish import lint

    assert [f.what for f in lint.cell_logic(code, "cell")] == flagged


PAGES = NOTEBOOKS + sorted((REPO / "book").glob("*.md"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_number_typed_by_hand_in_prose(path):
    """Every figure in the prose is glued; growthpath.publish.lint documents the few allowed kinds."""
    from growthpath.publish import lint

    found = lint.unglued_numbers(path)
    assert not found, "\n".join(map(str, found))


def test_no_number_typed_into_the_sentences_the_analysis_layer_writes():
    """Glued sentences, labels and axis titles come from growthpath/analysis: the literal parts of their
    templates hold no figure (the values in them are computed)."""
    from growthpath.publish import lint

    modules = sorted((REPO / "growthpath" / "analysis").glob("*.py"))
    found = [u for m in modules for u in lint.unglued_in_templates(m.read_text(encoding="utf-8"), m.name)]
    assert len(modules) > 20 and not found, "\n".join(map(str, found))


def test_the_template_check_flags_a_typed_figure_and_nothing_else():
    from growthpath.publish import lint

    source = ('"""A docstring with 12 in it."""\n'
              'import re\n'
              'def f(x, n):\n'
              '    if n < 0:\n'
              '        raise ValueError(f"n must be at least 1, got {n}")\n'
              '    re.sub(r"\\d{4} of the year", "", x)\n'
              '    a = f"grew {x:.1f} % a year in 2019–2023, above the 35 % of the plan"\n'
              '    return a, "the top 20 % of buyers", f"{n:,.0f} users in §2.1"\n')
    assert [(u.cell, u.number) for u in lint.unglued_in_templates(source, "m.py")] == [(7, "35"), (8, "20")]


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
    from growthpath.publish import lint

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
                assert not object_repr(out), (path.name, "".join(cell["source"])[:200])


def object_repr(output: dict) -> bool:
    """An output a page would show as a Python object's repr ('<IPython.core.display.Markdown object>'): nothing richer
    than that text, e.g. an empty Markdown."""
    data = output.get("data", {})
    rich = [k for k, v in data.items() if k != "text/plain" and "".join(v).strip()]
    return not rich and bool(re.fullmatch(r"<[\w.]+ object(?: at 0x[0-9a-f]+)?>", "".join(data.get("text/plain", "")).strip()))


def test_an_empty_markdown_output_is_caught():
    assert object_repr({"data": {"text/markdown": [""], "text/plain": ["<IPython.core.display.Markdown object>"]}})
    assert not object_repr({"data": {"text/markdown": ["A table"], "text/plain": ["<IPython.core.display.Markdown object>"]}})
    assert not object_repr({"data": {"text/plain": ["0.25"]}})


def test_the_lint_reads_figure_captions(tmp_path):
    from growthpath.publish import lint

    cells = [{"cell_type": "code", "source": ["chart()"], "outputs": [], "execution_count": None,
              "metadata": {"mystnb": {"figure": {"caption": "A 95 % band; index, 2021 = 100.", "name": "fig-x"}}}}]
    page = tmp_path / "page.ipynb"
    page.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert [u.number for u in lint.unglued_numbers(page)] == ["95"]
