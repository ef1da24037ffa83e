"""Whose figure is it: every ledger entity is typed (data/reference/entities.csv), and `claims.pick(scope=...)`
refuses a platform's or a case's figure where the market's is asked for."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from growthpath.data import claims, datapackage

REPO = Path(__file__).resolve().parents[1]
PICKERS = {"claims", "claims_mod"}  # module names chapters and package modules import growthpath.data.claims as


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    return claims.load()


# ----------------------------------------------------------------------------- the entity table
def test_every_claim_names_a_typed_entity(ledger):
    types = claims.entity_types()
    assert set(ledger["entity_id"]) <= set(types), "every entity_id is a row of data/reference/entities.csv"
    stale = sorted(set(types) - set(ledger["entity_id"]))
    assert not stale, f"entities.csv rows no ledger claim uses: {stale}"
    assert set(types.values()) <= set(claims.ENTITY_TYPES)
    assert (ledger["entity_type"] == ledger["entity_id"].map(types)).all()


def test_entity_types_match_the_schema_enum():
    for name in ("entities", "claims"):
        field = next(f for f in datapackage.resource(name)["schema"]["fields"] if f["name"] == "entity_type")
        assert sorted(field["constraints"]["enum"]) == sorted(claims.ENTITY_TYPES)
    assert claims.SCOPES == [*claims.ENTITY_TYPES, "any"]


def test_claims_declare_the_entity_and_subject_foreign_keys():
    fks = datapackage.resource("claims")["schema"].get("foreignKeys", [])
    assert {"fields": ["entity_id"], "reference": {"resource": "entities", "fields": ["entity_id"]}} in fks
    assert {"fields": ["subject"], "reference": {"resource": "subjects", "fields": ["subject"]}} in fks


def test_a_new_unknown_entity_id_is_a_located_validation_error(project):
    path = project / "data" / "claims" / "claims.csv"
    text = path.read_text(encoding="utf-8")
    old = "000-3.4-13,000,3.4,3,user_growth,Douyin e-commerce,bytedance,"
    assert old in text
    path.write_text(text.replace(old, "000-3.4-13,000,3.4,3,user_growth,Douyin e-commerce,douyin_new,", 1), encoding="utf-8")
    datapackage.refresh_hashes()
    problems = datapackage.validate(["claims"])
    row = text[: text.index(old)].count("\n") + 1
    assert any(p.row == row and "referenced table" in p.message for p in problems), [str(p) for p in problems]


def test_structure_rules_name_file_row_and_column(project):
    """What the schema cannot say: an entity_type its entity does not have, a share without its whole,
    a baseline_ref that does not resolve — each reported with file, line and column."""
    import csv

    path = project / "data" / "claims" / "claims.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {r["claim_id"]: i for i, r in enumerate(rows)}
    share = next(r for r in rows if r["form"] == "share")
    rows[by_id["000-3.4-13"]]["entity_type"] = "market"
    share["of_whole"] = ""
    rows[by_id["000-1.1-01"]]["baseline_ref"] = "000-9.9-99"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    datapackage.refresh_hashes()
    found = {(p.row, p.column) for p in datapackage.validate(["claims"])}
    assert (by_id["000-3.4-13"] + 2, "entity_type") in found
    assert (rows.index(share) + 2, "of_whole") in found
    assert (by_id["000-1.1-01"] + 2, "baseline_ref") in found


def test_every_row_carries_the_structure(ledger):
    for column in ("entity_id", "entity_type", "scope", "form", "subject"):
        assert (ledger[column].str.strip() != "").all(), column
    shares = ledger["form"].isin(["share", "target_share", "forecast_share"])
    assert (ledger.loc[shares, "of_whole"] != "").all() and (ledger.loc[~shares, "of_whole"] == "").all()


def test_entity_type_of_a_claim_and_a_frame(ledger):
    douyin = ledger.set_index("claim_id").loc["000-3.4-13"].copy()
    douyin["claim_id"] = "000-3.4-13"
    assert claims.entity_type(douyin) == "platform"
    types = claims.entity_type(ledger)
    assert len(types) == len(ledger) and types.notna().all()
    assert types[ledger["claim_id"] == "000-1.1-04"].item() == "market"


# ----------------------------------------------------------------------------- pick(scope=...)
def test_market_scope_refuses_douyins_user_growth(ledger):
    with pytest.raises(claims.ScopeError) as info:
        claims.pick(ledger, scope="market", doc="000", section="3.4", metric="user_growth")
    assert "claim 000-3.4-13 is Douyin e-commerce's figure (platform), not the market's" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_market_scope_accepts_an_industry_claim(ledger):
    c = claims.pick(ledger, scope="market", doc="000", section="1.1", metric="market_size", period="2020")
    assert c["claim_id"] == "000-1.1-04" and c["entity"] == "industry (China social e-commerce)"
    assert claims.pick(ledger, scope=("market", "plan"), doc="000", section="3.1", metric="gmv_target")["value"] == 7


def test_a_case_is_refused_as_the_market(ledger):
    cases = ledger[claims.entity_type(ledger) == "case"]
    assert len(cases) > 50
    for _, row in cases.iterrows():
        with pytest.raises(claims.ScopeError, match=rf"claim {row['claim_id']} .*\(case\), not the market's"):
            claims.require_scope(row, "market")
    # the head platform's CAC, pick()ed as the market's
    with pytest.raises(claims.ScopeError, match=r"000-2\.1-03 is unnamed head platform's figure \(case\)"):
        claims.pick(ledger, scope="market", doc="000", section="2.1", metric="cac_end")


def test_scope_tuples_any_and_unknown_scopes(ledger):
    where = dict(doc="000", section="3.4", metric="user_growth")
    assert claims.pick(ledger, scope="platform", **where)["claim_id"] == "000-3.4-13"
    assert claims.pick(ledger, scope=("market", "platform"), **where)["claim_id"] == "000-3.4-13"
    assert claims.pick(ledger, scope="any", **where)["claim_id"] == "000-3.4-13"
    with pytest.raises(TypeError, match="scope"):
        claims.pick(ledger, **where)  # every pick must say whose figure it wants
    with pytest.raises(claims.ScopeError, match="not the market's or a segment's"):
        claims.pick(ledger, scope=("market", "segment"), **where)
    with pytest.raises(ValueError, match="unknown scope"):
        claims.pick(ledger, scope="markets", **where)


def test_chart_frame_passes_the_scope(ledger):
    labels = {"kol_decision_weight": "KOL", "koc_decision_weight": "KOC"}
    frame = claims.chart_frame(ledger, "004", labels, scope="segment")
    assert list(frame["claim_id"]) == ["004-2.1-01", "004-2.1-02"]
    with pytest.raises(claims.ScopeError, match="000-1.5-05 is Xiaohongshu's figure"):
        claims.chart_frame(ledger, "000", {"mau": "Xiaohongshu MAU"}, section="1.5", scope="market")
    with pytest.raises(claims.ScopeError, match="not the market's"):
        claims.chart_frame(ledger, "000", {"user_growth": "x"}, scope={"user_growth": "market"})


# ----------------------------------------------------------------------------- call sites
def _code_units():
    """(label, source) of every chapter code cell and every package module."""
    for nb in sorted((REPO / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                src = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in src.splitlines())
                yield f"chapters/{nb.name} cell {i}", src
    for py in sorted((REPO / "growthpath").rglob("*.py")):
        yield str(py.relative_to(REPO)), py.read_text(encoding="utf-8")


def _rebinds_pick(tree: ast.AST) -> bool:
    """True when the code binds the bare name `pick` to something of its own (a lambda, say)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "pick" for t in targets):
                return True
    return False


def unscoped_pick_calls() -> list[tuple[str, int, str]]:
    """(file, line, where-arguments) of every call to claims.pick / claims_mod.pick / pick without scope=."""
    units = list(_code_units())
    notebook_rebinds = {}
    trees = []
    for label, src in units:
        tree = ast.parse(src, filename=label)
        trees.append((label, tree))
        if label.startswith("chapters/"):
            nb = label.split(" cell ")[0]
            notebook_rebinds[nb] = notebook_rebinds.get(nb, False) or _rebinds_pick(tree)
    calls = []
    for label, tree in trees:
        rebinds = notebook_rebinds.get(label.split(" cell ")[0]) if label.startswith("chapters/") else _rebinds_pick(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            is_pick = (isinstance(f, ast.Attribute) and f.attr == "pick" and isinstance(f.value, ast.Name)
                       and f.value.id in PICKERS) or (isinstance(f, ast.Name) and f.id == "pick" and not rebinds)
            if is_pick and not any(k.arg == "scope" for k in node.keywords):
                where = ", ".join(ast.unparse(k) for k in node.keywords)
                calls.append((label, node.lineno, where))
    return sorted(calls)


def test_call_site_scanner_sees_known_calls():
    calls = unscoped_pick_calls()
    files = {c[0] for c in calls}
    if any(f.startswith("growthpath/analysis/population.py") for f in files):
        assert any("z_gen_population" in c[2] for c in calls)
    assert _rebinds_pick(ast.parse("pick = lambda run, t: t\npick('a', 'b')"))  # a local lambda named pick is not claims.pick
    assert not _rebinds_pick(ast.parse("row = claims.pick(C, metric='x', scope='market')"))


def test_every_pick_says_whose_figure_it_wants():
    calls = unscoped_pick_calls()
    listing = "\n".join(f"  {f}, line {line}: pick({where})" for f, line, where in calls)
    print(f"{len(calls)} pick() call(s) without scope=:\n{listing}")
    assert not calls, f"{len(calls)} pick() call(s) without scope=:\n{listing}"
