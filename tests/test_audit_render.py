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
    assert table.startswith("::::{container} gp-findings-print\n:::{list-table}") and table.count("\n* - ") == 3   # header + two
    contradiction, unclear = table.index("* - Contradiction"), table.index("* - Unclear")
    assert contradiction < unclear                                                        # severest first
    assert "  - Evil \\| pipe \\<b\\>x\\</b\\>." in table and "  - 004-2.3-02" in table     # escaped
    assert f"  - {{ref}}`Appendix A <{boxes.finding_label(f)}>`" in table
    assert boxes.findings_table([]) == ""   # the lead sentence says no finding touches the sections


def test_repeats_of_one_rule_share_a_row_but_contradictions_never_do():
    def make(rule, severity, claim):
        return registry.Finding(rule, severity, [registry.Ref("000", "1.1", claim)], {}, "f", "r", f"{claim} message.")

    repeats = [make("times_ambiguity", "unclear", f"000-1.1-0{k}") for k in range(1, 4)]
    pair = [make("known_facts", "unclear", f"000-1.1-0{k}") for k in (4, 5)]
    contradictions = [make("part_exceeds_whole", "contradiction", f"000-1.1-0{k}") for k in (6, 7, 8)]
    table = boxes.findings_table(repeats + pair + contradictions)
    assert table.count("\n* - ") == 1 + 1 + 2 + 3                 # header, one grouped row, the pair, each contradiction
    assert "N times or N+1 times: 3 findings" in table and "000-1.1-01 message." not in table
    assert "000-1.1-04 message." in table and "000-1.1-06 message." in table
    assert "  - 000-1.1-01, 000-1.1-02, 000-1.1-03" in table
    assert all(f"`{k} <{boxes.finding_label(f)}>`" in table for k, f in enumerate(repeats, 1))


def test_a_shared_row_names_a_few_claims_and_counts_the_rest():
    many = [registry.Finding("duplicated_passage", "unclear", [registry.Ref("000", "6.3", f"000-6.3-{2 * k:02d}"),
                                                                registry.Ref("000", "6.3", f"000-6.3-{2 * k + 1:02d}")],
                             {}, "f", "r", "m.") for k in range(1, 5)]
    table = boxes.findings_table(many)
    assert "  - 000-6.3-02, 000-6.3-03, 000-6.3-04, 000-6.3-05, 000-6.3-06 and 3 more\n" in table


def test_a_verdict_quotes_a_finding_up_to_its_first_colon_outside_brackets_and_adds_one_full_stop():
    from growthpath.audit.verdicts import _first_sentence

    assert _first_sentence("A part exceeds its whole (000 §1.1, §3.4: 25.3 % × 15): 4.5 > 3.9.") == \
        "A part exceeds its whole (000 §1.1, §3.4: 25.3 % × 15)"
    assert _first_sentence("The rate rises to 40 %.") == "The rate rises to 40 %"
    assert _first_sentence("“清朗: 2023” is a campaign: not Douyin's.") == "“清朗: 2023” is a campaign"


def test_arithmetic_inputs_read_as_words_not_python():
    from growthpath.audit import worked

    assert worked.plain({"kol_decision_weight": 38.0, "koc_share": 52.0}) == "KOL weight in purchase decisions 38, KOC share 52"
    assert worked.plain(["social_commerce_users", "gmv_target"]) == "social-commerce users, overall GMV target"
    assert worked.plain(True) == "yes" and worked.plain("000-1.1-06") == "000-1.1-06"   # an id stays as it is


def arithmetic_of(rule, inputs, formula="f", result="r"):
    return boxes.arithmetic(registry.Finding(rule, "unclear", [registry.Ref("000", "1.1", "000-1.1-01")], inputs,
                                             formula, result, "m."))


# how today's boxes read before this rendering: an internal key, then ' = '
KEY_VALUE = r"\b[a-z_]+ = "


def test_two_statements_read_as_what_is_compared_and_two_figures_with_units():
    import re

    line = arithmetic_of("same_subject_different_values",
                         {"subject": "users_reached_repeatedly", "entity": "unnamed_brand_cross_platform_marketing",
                          "scope": "programme", "form": "share", "time": "", "a": 30.0, "a_unit": "%", "b": 45.0, "b_unit": "%"})
    assert "Compared: the share of users reached repeatedly, for an unnamed brand, cross-platform marketing (某品牌), " \
           "in the scope of one programme, undated." in line
    assert "The first figure: 30 \\%; the second figure: 45 \\%." in line
    assert not re.search(KEY_VALUE, line) and "unit" not in line
    assert re.search(KEY_VALUE, "subject = users reached repeatedly; a unit = %")   # the control: the old box is caught


def test_growth_between_two_values_names_each_figure_and_glosses_a_chinese_unit_once():
    line = arithmetic_of("growth_vs_endpoints", {"start": 35.0, "end": 89.0, "unit": "元/人", "period": "2021-2023",
                                                 "stated_rate_pct": 22.0, "endpoints_entity": "unnamed head platform",
                                                 "rate_entity": "industry"})
    assert ("The unnamed head platform's value at the start of 2021-2023: 35 元/人 (yuan per user); at its end: 89 元/人; "
            "the stated annual growth, for the industry: 22 \\%.") in line
    assert "pct" not in line and "entity" not in line


def test_an_official_bound_reads_by_its_publisher_and_name_and_a_large_sum_also_in_english():
    line = arithmetic_of("bounds_official", {"reading": 130882.0, "unit": "亿元", "bound_series": "nbs_online_retail",
                                             "bound": 154264.0, "bound_period": "2023"})
    assert ("The plan's figure: 130,882 亿元 (¥13.1 trillion); the bound, NBS's national online retail sales (goods and "
            "services), 2023: 154,264 亿元 (¥15.4 trillion).") in line
    assert "nbs" not in line and "series" not in line


def test_parts_of_a_whole_carry_their_unit_each():
    line = arithmetic_of("shares_sum", {"parts": {"payment_market_share (Alipay)": 67.0, "payment_market_share (WeChat Pay)": 53.0}})
    assert "The shares: payment market share (Alipay) 67 \\%, payment market share (WeChat Pay) 53 \\%." in line


def test_an_input_without_declared_words_still_reads_as_words_but_is_reported():
    from growthpath.audit import worked

    f = registry.Finding("my_rule", "unclear", [registry.Ref("000", "1.1", "000-1.1-01")], {"new_ratio_pct": 2.0}, "f", "r", "m.")
    assert worked.unnamed_inputs(f) == ["new_ratio_pct"]
    assert "New ratio pct: 2." in boxes.arithmetic(f)


def test_a_findings_heading_names_what_its_rule_checks():
    from growthpath.audit import boxes

    assert boxes.rule_title("shares_sum") == "Shares of one whole that do not add up to 100 %"
    assert boxes.rule_title("no_such_rule") == "no such rule"          # an analyst's own rule still reads as words


def test_the_section_lead_counts_in_words_for_none_one_two_and_many():
    from growthpath.audit import _of_them

    assert _of_them(0, 0) == "so none is listed here"
    assert (_of_them(0, 1), _of_them(1, 1)) == ("and it is not a contradiction", "and it is a contradiction")
    assert (_of_them(0, 2), _of_them(2, 2), _of_them(1, 2)) == (
        "neither of them a contradiction", "both of them contradictions", "1 of them a contradiction")
    assert (_of_them(0, 5), _of_them(3, 3), _of_them(2, 5)) == (
        "none of them a contradiction", "all 3 of them contradictions", "2 of them contradictions")


def test_a_shared_row_of_the_findings_table_says_where_each_of_its_findings_is():
    from growthpath import audit

    group = [f for f in audit.published(audit.run()) if f.rule == "duplicated_passage"][:3]
    assert len(group) == 3
    row = boxes.findings_table(group)
    for f in group:
        doc, sections = f.refs[0].doc, sorted({r.section for r in f.refs}, key=lambda s: [int(p) for p in s.rstrip("b").split(".")])
        assert f"{doc} " + " and ".join(f"§{s}" for s in sections) in row
    assert "each set out in Appendix A" not in row
