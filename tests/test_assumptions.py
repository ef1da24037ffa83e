"""The assumption register: validated, the one place assumptions are set (the lint finds any typed in
code), read by the code that uses it, and honest about its bases where they come from data."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, data_rows

PACKAGE = sorted((REPO / "growthpath").rglob("*.py"))
NOTEBOOKS = sorted((REPO / "chapters").glob("*.ipynb"))


def register_rows():
    return data_rows("reference/assumptions.csv")


def test_every_assumption_has_a_range_a_basis_and_chapters():
    from growthpath.data import assumptions

    frame = assumptions.table()
    assert len(frame) == len(register_rows()) >= 30
    assert ((frame["low"] <= frame["value"]) & (frame["value"] <= frame["high"])).all()
    assert frame["basis"].str.len().gt(20).all() and frame["label"].str.len().gt(10).all()
    chapters = {p.stem for p in NOTEBOOKS}
    for row in frame.itertuples():
        assert set(row.chapters.split()) <= chapters, row.id


def test_a_value_outside_its_range_is_a_located_error():
    from growthpath.data import assumptions

    frame = pd.DataFrame([{"id": "a", "value": 5.0, "low": 1.0, "high": 4.0}, {"id": "b", "value": 2.0, "low": 3.0, "high": 1.0}])
    problems = [str(p) for p in assumptions.check(frame)]
    assert problems == ["data/reference/assumptions.csv, line 2, column 'value': value 5 lies outside its range 1–4",
                        "data/reference/assumptions.csv, line 3, column 'low': range low 3 is above high 1"]
    assert assumptions.check(frame.iloc[:0]) == []


def test_the_register_records_what_is_read_and_applies_overrides():
    from growthpath.data import assumptions

    A = assumptions.load()
    assert A["gross_margin_pct"] == 30.0 and A.read == ["gross_margin_pct"]
    B = assumptions.resolve(A, gross_margin_pct=25, icc=None)
    assert B["gross_margin_pct"] == 25.0 and B["icc"] == A["icc"] and B.read == ["gross_margin_pct", "icc"]
    with pytest.raises(KeyError, match="unknown assumption"):
        A.with_overrides(nonsense=1)


def test_a_table_cell_backed_by_an_assumption_is_filled_from_the_register_and_checked():
    from growthpath.data import assumptions

    A = assumptions.load()
    frame = pd.DataFrame([{"p": 0.2, "p_source": "assumption:shock_cac_probability"}, {"p": 0.5, "p_source": "000-1.1-01"},
                          {"p": 0.3, "p_source": "assumption:no_such_id"}, {"p": 0.9, "p_source": "assumption:shock_fine_probability"}])
    out, problems = assumptions.apply(frame, A.with_overrides(shock_cac_probability=0.35), ["p"], "x.csv")
    assert out["p"].tolist()[:2] == [0.35, 0.5]
    assert [str(p) for p in problems] == ["x.csv, line 4, column 'p_source': unknown assumption 'no_such_id' (see data/reference/assumptions.csv)",
                                          "x.csv, line 5, column 'p': 0.9 differs from assumption shock_fine_probability (0.2 in data/reference/assumptions.csv)"]


# ----------------------------------------------------------------------------- nothing typed in code
def test_no_assumption_is_typed_in_package_or_chapter_code():
    from growthpath.data import assumptions
    from growthpath.publish import lint

    ids = list(assumptions.table()["id"])
    found = [str(t) for where, src in lint.code_sources(PACKAGE + NOTEBOOKS) for t in lint.typed_assumptions(src, where, ids)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("code,names", [
    ("gross_margin_pct = 30.0", ["gross_margin_pct"]),
    ("GROSS_MARGIN_PCT = 30", ["GROSS_MARGIN_PCT"]),
    ("def f(x, icc=0.02):\n    return x", ["icc"]),
    ("def f(*, icc=-0.5):\n    return 1", ["icc"]),
    ("plan(C, icc=0.02)", ["icc"]),
    ("gross_margin_pct = None", []),
    ("gross_margin_pct = A['gross_margin_pct']", []),
    ("other = 30.0\nf(alpha=0.05)", []),
])
def test_the_lint_finds_assumptions_typed_in_code(code, names):
    from growthpath.publish import lint

    assert [t.name for t in lint.typed_assumptions(code, "x.py", ["gross_margin_pct", "icc"])] == names


def test_every_assumption_is_read_somewhere():
    """No orphan rows: each id appears as a string in the package or in a chapter's code."""
    from growthpath.publish import lint

    code = "\n".join(src for _, src in lint.code_sources(PACKAGE + NOTEBOOKS))
    shocks = (REPO / "data" / "reference" / "shocks.csv").read_text(encoding="utf-8")
    lifecycle = (REPO / "data" / "reference" / "lifecycle.csv").read_text(encoding="utf-8")
    missing = [r["id"] for r in register_rows() if f'"{r["id"]}"' not in code and f"'{r['id']}'" not in code
               and f"assumption:{r['id']}" not in shocks + lifecycle and f"{r['id']} = None" not in code]
    assert not missing


# ----------------------------------------------------------------------------- bases that come from data
def test_the_revision_spread_and_its_range_match_the_data_they_cite():
    """ytd_revision_sd_pp: value = RMS of full-year minus January–August growth 2022–2024, high = the same with
    2021, low = the smallest revision seen (one decimal, as written in the register)."""
    stats = {r["obs_id"]: float(r["value"]) for r in data_rows("official/statistics.csv") if r["value"]}
    revs = {y: stats[f"nbs_online_retail_growth:{y}"] - stats[f"nbs_online_retail_growth_ytd:{y}-01/08 YTD"] for y in range(2021, 2025)}
    rms = lambda ys: math.sqrt(sum(revs[y] ** 2 for y in ys) / len(ys))
    row = next(r for r in register_rows() if r["id"] == "ytd_revision_sd_pp")
    assert float(row["value"]) == round(rms([2022, 2023, 2024]), 1)
    assert float(row["high"]) == round(rms([2021, 2022, 2023, 2024]), 1)
    assert float(row["low"]) == round(min(abs(v) for v in revs.values()), 1)


def test_the_assumed_share_gain_is_the_plans_own_share_pace():
    claims = {r["claim_id"]: float(r["value"]) for r in data_rows("claims/claims.csv")}
    row = next(r for r in register_rows() if r["id"] == "user_share_gain_pp")
    assert float(row["value"]) == round((claims["000-1.1-07"] - claims["000-1.1-05"]) / 3, 1)


# ----------------------------------------------------------------------------- sensitivity
def test_a_headline_that_reads_no_assumption_is_labelled_as_data_only():
    from growthpath.data import assumptions, claims, official
    from growthpath.analysis import sensitivity

    ctx = sensitivity.Context(claims.load(), official.load(), n_sims=2000)
    data_only = sensitivity.Headline("x", "k", "a count of claims", "claims", lambda c, r: float(len(c.claims)))
    reads = sensitivity.Headline("x", "m", "margin", "%", lambda c, r: r["gross_margin_pct"] * 2)
    summary, long = sensitivity.summary(ctx, assumptions.load(), [data_only, reads])
    assert summary.set_index("key").loc["k", "moves most"] == "none: data and the plan only"
    assert summary.set_index("key").loc["m", ["lowest", "highest"]].tolist() == [30.0, 90.0]
    assert long[long["key"] == "m"]["assumption"].tolist() == ["gross_margin_pct"]


@pytest.mark.slow
def test_sensitivity_base_values_equal_the_chapters(executed):
    from conftest import glued
    from growthpath.data import assumptions, claims, official
    from growthpath.analysis import sensitivity

    ctx = sensitivity.Context(claims.load(), official.load())
    A = assumptions.load()
    for h in sensitivity.HEADLINES:
        values = glued(Path(executed["base"]) / f"{h.chapter}.ipynb")
        assert float(h.compute(ctx, A.with_overrides())) == pytest.approx(values[h.key], rel=1e-9, abs=1e-12), (h.chapter, h.key)


def test_the_run_parameters_box_says_when_an_analyst_leaves_the_registers_range():
    from growthpath.data import assumptions
    from growthpath.publish import page

    A = assumptions.load()
    low, high = A.range("user_share_gain_pp")
    shown = page.run_parameters({"user_share_gain_pp": high + 4, "share_sd_pp": None}, register=A, scenario="base")._repr_markdown_()
    assert f"range {low:g}–{high:g}: outside it" in shown.replace("\\", "")
    assert f"{A['share_sd_pp']:g} (assumption register)" in shown
    inside = page.run_parameters({"user_share_gain_pp": low}, register=A, scenario="base")._repr_markdown_()
    assert "inside it" in inside.replace("\\", "")


def test_the_run_parameters_box_says_not_set_for_an_empty_value():
    from growthpath.publish import page

    shown = page.run_parameters({"orders_path": "", "orders_columns": {}, "cohort_freq": "M"})._repr_markdown_().replace("\\", "")
    assert shown.count("not set (the default)") == 2 and "`cohort_freq` = M" in shown and "{}" not in shown


def test_assumptions_named_in_prose_are_the_registers_names():
    """Prose names an assumption by its register name in italics, next to a pointer to the register (Appendix F):
    each such name must be one of the register's, so a reader finds it there. Control: a made-up name is caught."""
    import json
    import re

    from growthpath import paths
    from growthpath.data import assumptions

    names = set(assumptions.table()["name"])
    pointer = re.compile(r"((?:\*[^*\n]+\*(?: and the | of the | in )?)+)[^*\n]{0,12}?(?:in \{ref\}`Appendix F|of the assumption register)")

    def named(text):
        return [n for m in pointer.finditer(text) for n in re.findall(r"\*([^*\n]+)\*", m.group(1))]

    found = []
    for nb in sorted((paths.root() / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        found += [(nb.stem, n) for c in cells if c["cell_type"] == "markdown" for n in named("".join(c["source"]))]
    assert len(found) >= 5, found
    assert [f for f in found if f[1] not in names] == []
    assert named("the *made-up spread* in {ref}`Appendix F <x>`") == ["made-up spread"]
