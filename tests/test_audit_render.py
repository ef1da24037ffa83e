"""Findings as the book shows them: escaped text, stable labels, links only where a target exists."""
from __future__ import annotations

import pandas as pd

from growthpath.audit import registry, boxes


def finding(message="A message.", quote="“<script>alert(1)</script> *bold* {ref}`x`”"):
    f = registry.Finding("shares_sum", "contradiction", [registry.Ref("004", "2.3", "004-2.3-02")], {"parts": 2.0},
                       "a + b", "120 %", message)
    claims = pd.DataFrame({"claim_id": ["004-2.3-02"], "quote_zh": [quote]})
    return f, claims


def test_data_text_is_escaped():
    f, claims = finding(message="Evil <b>{ref}`x`</b> *text*.")
    md = boxes.admonition(f, claims, link_sections=set())
    assert "<script>" not in md and "<b>" not in md and "{ref}`x`" not in md
    assert "\\<script\\>" in md and "\\*bold\\*" in md


def test_section_links_only_where_labels_exist():
    f, claims = finding()
    assert "{ref}`004 §2.3 <sec-004-2-3>`" in boxes.admonition(f, claims, link_sections={"sec-004-2-3"})
    plain = boxes.admonition(f, claims, link_sections=set())
    assert "004 §2.3" in plain and "<sec-004-2-3>" not in plain


def test_labels_are_stable_and_unique():
    f, _ = finding()
    assert boxes.finding_label(f) == boxes.finding_label(f)
    assert boxes.finding_label(f).startswith("finding-shares-sum-004-2-3-02-")
    g = registry.Finding("shares_sum", "contradiction", [registry.Ref("004", "2.3", "004-2.3-02"), registry.Ref("004", "2.3", "004-2.3-03")],
                       {}, "", "", "x.")
    assert boxes.finding_label(f) != boxes.finding_label(g)


def test_unclear_findings_collapse_and_severities_order():
    f, claims = finding()
    u = registry.Finding("times_ambiguity", "unclear", [registry.Ref("004", "2.3", "004-2.3-02")], {}, "f", "r", "m.")
    md = boxes.findings_markdown([u, f], claims)
    assert md.index("Contradiction") < md.index("Unclear") and "dropdown" in md
    assert "nothing to flag" in boxes.findings_markdown([], claims)


def test_chapter_labels_found_in_sources():
    labels = boxes.available_section_labels()
    assert {"sec-000-1-1", "sec-004-1-2", "sec-000-1-5"} <= labels


def test_a_chapter_shows_its_findings_as_one_table_linking_the_appendix():
    f, _ = finding(message="Evil | pipe <b>x</b>.")
    u = registry.Finding("times_ambiguity", "unclear", [registry.Ref("004", "2.3", "004-2.3-02")], {}, "f", "r", "m.")
    table = boxes.findings_table([u, f])
    assert table.startswith(":::{list-table}") and table.count("\n* - ") == 3          # a header row and two findings
    contradiction, unclear = table.index("* - Contradiction"), table.index("* - Unclear")
    assert contradiction < unclear                                                        # severest first
    assert "  - Evil \\| pipe \\<b\\>x\\</b\\>." in table and "  - 004-2.3-02" in table     # escaped
    assert f"  - {{ref}}`Appendix A <{boxes.finding_label(f)}>`" in table
    assert "nothing to flag" in boxes.findings_table([])
