"""Findings as the book shows them: escaped text, stable labels, links only where a target exists."""
from __future__ import annotations

import pandas as pd

from growthpath.audit import engine, render


def finding(message="A message.", quote="“<script>alert(1)</script> *bold* {ref}`x`”"):
    f = engine.Finding("shares_sum", "contradiction", [engine.Ref("004", "2.3", "004-2.3-02")], {"parts": 2.0},
                       "a + b", "120 %", message)
    claims = pd.DataFrame({"claim_id": ["004-2.3-02"], "quote_zh": [quote]})
    return f, claims


def test_data_text_is_escaped():
    f, claims = finding(message="Evil <b>{ref}`x`</b> *text*.")
    md = render.admonition(f, claims, link_sections=set())
    assert "<script>" not in md and "<b>" not in md and "{ref}`x`" not in md
    assert "\\<script\\>" in md and "\\*bold\\*" in md


def test_section_links_only_where_labels_exist():
    f, claims = finding()
    assert "{ref}`004 §2.3 <sec-004-2-3>`" in render.admonition(f, claims, link_sections={"sec-004-2-3"})
    plain = render.admonition(f, claims, link_sections=set())
    assert "004 §2.3" in plain and "<sec-004-2-3>" not in plain


def test_labels_are_stable_and_unique():
    f, _ = finding()
    assert render.finding_label(f) == render.finding_label(f)
    assert render.finding_label(f).startswith("finding-shares-sum-004-2-3-02-")
    g = engine.Finding("shares_sum", "contradiction", [engine.Ref("004", "2.3", "004-2.3-02"), engine.Ref("004", "2.3", "004-2.3-03")],
                       {}, "", "", "x.")
    assert render.finding_label(f) != render.finding_label(g)


def test_unclear_findings_collapse_and_severities_order():
    f, claims = finding()
    u = engine.Finding("times_ambiguity", "unclear", [engine.Ref("004", "2.3", "004-2.3-02")], {}, "f", "r", "m.")
    md = render.findings_markdown([u, f], claims)
    assert md.index("Contradiction") < md.index("Unclear") and "dropdown" in md
    assert "nothing to flag" in render.findings_markdown([], claims)


def test_chapter_labels_found_in_sources():
    labels = render.available_section_labels()
    assert {"sec-000-1-1", "sec-004-1-2", "sec-000-1-5"} <= labels
