"""What a print referee reads: table columns as wide as their units, no spaces inside Chinese, a clean bibliography,
no web-only instructions, and no machine names in reader-facing text."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"


def test_a_unit_or_a_short_chinese_term_sets_its_columns_width():
    """A unit (万亿元, 个百分点, 比值(1:x)) or a short term (百亿补贴) is one word for print widths, in a cell or in a header,
    so its column is at least that wide and never breaks it; a long Chinese quote still may wrap between any two
    characters. Control: a quote's longest word is far shorter than the quote."""
    import pandas as pd

    from growthpath.markup import display_len
    from growthpath.publish import page

    quote = "到2026年社交电商用户总数突破10亿大关，下沉市场用户占比提升至45%，较当前水平提高12个百分点"
    frame = pd.DataFrame({"id": ["000-3.1-03"] * 3, "metric": ["target total of social-commerce users " * 2] * 3,
                          "value": ["10", "12", "1.4"], "unit": ["万亿元", "个百分点", "比值(1:x)"],
                          "who": ["Pinduoduo 百亿补贴", "Douyin", "Kuaishou"], "GMV (万亿元)": ["3.2", "1.2", "4.5"],
                          "quote": [quote] * 3})
    widths, wide = page.print_widths(frame)
    pad = page.CELL_PAD[wide]
    room = dict(zip(frame.columns, (w / 10 - pad for w in widths)))
    assert room["unit"] >= display_len("比值(1:x)") and room["unit"] >= display_len("个百分点")
    assert room["who"] >= display_len("百亿补贴") and room["GMV (万亿元)"] >= display_len("(万亿元)")
    assert max(map(display_len, page.unbroken(quote))) <= display_len("12个百分点") < display_len(quote) / 5


def test_every_unit_of_the_units_table_is_one_word_in_print():
    import pandas as pd

    from growthpath.publish import page

    units = pd.read_csv(REPO / "data" / "reference" / "units.csv", dtype=str)["unit"].map(page.simplified)
    for unit in units:
        assert page.unbroken(unit) == [unit] or not re.search(f"[{CJK}]", unit) or len(unit) > page.UNIT_LONGEST, unit
    annotated = "个百分点(原文:个百分比)"      # a unit with a note: the unit whole, the note may wrap (it overran its column)
    assert annotated in set(units) and page.unbroken(annotated)[0] == "个百分点" and len(page.unbroken(annotated)) > 2


def test_a_justified_line_never_spreads_chinese_characters_apart():
    """The PDF preamble gives the gaps between Chinese characters a small stretch next to a Latin space's (~0.17 em):
    xeCJK's default let a justified line spread a term in an English sentence (社 会 消 费 品 in a reference)."""
    import yaml

    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    preamble = config["sphinx"]["config"]["latex_elements"]["preamble"]
    glue = re.search(r"\\xeCJKsetup\{CJKglue=\{\\hskip 0pt plus ([\d.]+)em\}\}", preamble)
    assert glue and float(glue.group(1)) <= 0.03


def _markdown_texts():
    """Every Markdown source a reader sees: the chapters' Markdown cells and figure captions, and book/*.md."""
    for path in sorted((REPO / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                yield path.name, "".join(cell["source"])
            caption = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption")
            if caption:
                yield path.name, caption
    for path in sorted((REPO / "book").glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")


def test_no_source_line_breaks_between_two_chinese_characters():
    """xeCJK keeps a space typed between Chinese characters (CJKspace): a line break there would print as one."""
    found = [(name, m.group()) for name, text in _markdown_texts()
             for m in re.finditer(f"[{CJK}]\\s*\\n\\s*[{CJK}]", text)]
    bib = (REPO / "references.bib").read_text(encoding="utf-8")
    found += [("references.bib", m.group()) for m in re.finditer(f"[{CJK}]\\s*\\n\\s*[{CJK}]", bib)]
    assert not found, found


WEB_ONLY = re.compile(r"\b(hover|click|tap|type any|scroll)\w*", re.I)
ONLY_HTML = re.compile(r"^(`{3,}|:{3,})\{only\} html\n.*?^\1$", re.M | re.S)


def test_print_never_tells_a_reader_to_hover_click_or_type():
    """The PDF prints every caption and every Markdown cell except an `{only} html` block: an instruction to hover,
    click or type goes in such a block, or a caption says what the HTML edition shows. Control: the block is removed."""
    found = [(name, m.group()) for name, text in _markdown_texts() for m in WEB_ONLY.finditer(ONLY_HTML.sub("", text))]
    assert not found, found
    ledger = "".join(c for _, c in _markdown_texts() if "claims ledger" in c)
    assert WEB_ONLY.search(ledger) and not WEB_ONLY.search(ONLY_HTML.sub("", ledger))


def test_headline_labels_name_no_parameter():
    """A headline label is prose (Appendix C prints it): no snake_case parameter name; the top buyers' share names
    the share the run uses by default."""
    from growthpath.data import params
    from growthpath.publish import appendix_tables

    labels = [h.label for keys in appendix_tables.headlines().values() for h in keys.values()]
    assert not [label for label in labels if re.search(r"\b[a-z]+(?:_[a-z0-9]+)+\b", label)]
    top = appendix_tables.headlines()["02_problem_definition"]["top_share_orders"].label
    assert f"top {params.defaults()['top_share_pct']:g} % of buyers" in top


def test_chapters_are_named_as_a_reader_sees_them():
    from growthpath.publish import appendix_tables, page, sphinxext

    assert appendix_tables.chapter_label("01_background") == "Chapter\u00a01"    # a no-break space: one word in print
    assert appendix_tables.chapter_label("93_scenarios") == "Appendix\u00a0C"
    assert "Chapter\u00a01" in page.unbroken("Chapter\u00a01")
    assert sphinxext.chapter_numbers("01, 03, 95") == "1, 3, E"


def test_run_parameters_in_print_set_names_in_code_and_values_plain():
    from growthpath.publish import page

    shown = page.run_parameters({"nowcast_adjustment": "none", "repurchase_days": [30, 90, 180, 365],
                                 "ci_level": 0.9})._repr_markdown_()
    assert "`nowcast_adjustment` = none" in shown and "`repurchase_days` = 30, 90, 180, 365" in shown
    assert "`ci_level` = 0.9" in shown and not re.search(r"[\"\[\]]", shown)


@pytest.fixture(scope="module")
def bibliography() -> str:
    """references.bib formatted as the book formats it (growthpath.publish.sphinxext's style), as plain text."""
    from pybtex.database import parse_file

    from growthpath.publish import sphinxext

    style = sphinxext._bibliography_style()()
    entries = parse_file(str(REPO / "references.bib")).entries
    return "\n".join(e.text.render_as("text") for e in style.format_entries(entries.values()))


@pytest.mark.parametrize("name", ["Generation Z", "China", "HKEX", "FY2019", "Open Chinese Convert", "OpenCC", "December",
                                  "Counting Your Customers", "Pareto/NBD", "CDNOW", "Python", "Markov", "Jupyter Book",
                                  "Seventh National Population Census", "Gamma-Gamma"])
def test_the_bibliography_keeps_proper_nouns_capitalised(bibliography, name):
    assert name in bibliography


def test_the_bibliography_has_no_bare_edition_number_and_shows_a_doi_as_its_address(bibliography):
    """'2 edition' is not English; a DOI shown as `doi:…` linked to its address got a footnote holding the address in
    print (latex_show_urls): shown as the address itself it has none."""
    assert not re.search(r"\b\d+ edition", bibliography) and "second edition" in bibliography
    assert "https://doi.org/10.1016/j.jclinepi.2003.12.013" in bibliography and "doi:" not in bibliography


def test_a_unit_or_a_short_term_never_breaks_in_a_print_cell():
    """Width alone does not keep a term whole: LaTeX fills a line and breaks Chinese anywhere ("Pinduoduo 百亿补 / 贴",
    "GMV (万亿 / 元)"), so print cells join a term's characters (a word joiner, \\nobreak in the PDF preamble); a long
    quote keeps a break point between the characters of its long runs. Control: the HTML is untouched."""
    import pandas as pd

    from growthpath.publish import page

    frame = pd.DataFrame({"case": ["Pinduoduo 百亿补贴"], "GMV (万亿元)": ["4.9 万亿元"], "unit": ["比值(1:x)"],
                          "quote": ["到2026年社交电商用户总数突破10亿大关"]})
    table = page.table(frame)
    shown = table._repr_markdown_()
    j = page.WORD_JOINER
    assert f"百{j}亿{j}补{j}贴" in shown and f"GMV ({j}万{j}亿{j}元{j})" in shown and f"比{j}值{j}(1:x)" in shown
    assert f"4.9\u00a0万{j}亿{j}元" in shown and "社交电商用户总数" in shown
    assert j not in table._repr_html_()


def test_chinese_text_in_a_cell_breaks_where_it_meets_latin_but_never_inside_a_figure():
    """xeCJK puts no break point where Chinese meets Latin (CJKecglue is empty), and a short Chinese run in a quote
    was held as a term: '抖音电商GMV突破3.2万亿元' and '“内容制作40%+流量投放35%+转化激励25%”' had no break point at all
    and ran past the page. A cell of Chinese text now breaks between its characters, where it meets Latin and after
    '+' (a zero-width space, a break point in print), never inside a figure and its unit. Control: a short term in
    English ('Pinduoduo 百亿补贴') stays whole."""
    from growthpath.publish import page

    zw, j = "\u200b", page.WORD_JOINER
    shown = page.joined("抖音电商GMV突破3.2万亿元")
    assert shown == f"抖音电商{zw}GMV{zw}突破{zw}3.2{j}万{j}亿{j}元"
    assert page.joined("“内容制作40%+流量投放35%+转化激励25%”").count(zw) == 5
    assert page.unbroken("头部20%用户贡献80%的互动量") == ["头", "部", "20%", "用", "户", "贡", "献", "80%", "的", "互", "动", "量"]
    assert page.joined("Pinduoduo 百亿补贴") == f"Pinduoduo 百{j}亿{j}补{j}贴" and page.joined("(汉服KOL+健身KOC)").count(zw) == 3
    assert page.is_chinese("实现社会ROI达1.5") and not page.is_chinese("GMV (万亿元)")
    assert page.joined("搜索验证(Search)占35%").count(zw) == 3      # 40 % Chinese is Chinese text: it ran off the page


def test_a_figure_and_its_unit_are_tied_wherever_they_stand():
    """'49,000 亿元', '41.9 %', 'range 5–20 %', '+54 %' in a sentence: a no-break space, and word joiners inside a
    Chinese unit; a ledger id next to a unit is no figure. sphinxext._tie_units applies it to every text of the PDF."""
    from growthpath.publish import page

    j = page.WORD_JOINER
    assert page.tie_units("GMV of 49,000 亿元, 7 万亿元") == f"GMV of 49,000\u00a0亿{j}元, 7\u00a0万{j}亿{j}元"
    assert page.tie_units("grew 41.9 % (range 5–20 %; +54 %)") == f"grew 41.9\u00a0% (range 5–{j}20\u00a0%; +54\u00a0%)"
    assert page.tie_units("000-3.1-09 万亿元") == f"000-3.1-09 万{j}亿{j}元"
    cell = page.table(__import__("pandas").DataFrame({"basis": ["an even chance; range 5–20 %."]}))._repr_markdown_()
    assert f"5–{j}20\u00a0\\%" in cell


def test_an_id_shown_in_print_is_one_word_and_its_column_holds_it():
    """A snake_case name up to ID_LONGEST (scorecard_on_track_p, (ytd_revision_sd_pp)) gets no break point at its
    underscores and its column is as wide as it; a longer hyphenated word breaks after its hyphen
    (recommendation-algorithm printed as 'recommendation-algorit'). Appendix E's parameter reference takes its widths
    from its content: its 'chapters' column ran past the margin."""
    import pandas as pd

    from growthpath.markup import display_len
    from growthpath.publish import page, sphinxext

    for name in ["scorecard_on_track_p", "shock_cac_probability", "register (ytd_revision_sd_pp)"]:
        assert page.breakable(name) == name
    assert page.breakable("recommendation-algorithm") == "recommendation-\u200balgorithm"
    assert page.breakable("000-3.1-06") == "000-3.1-06"
    frame = pd.DataFrame({"id": ["scorecard_on_track_p", "shock_cac_probability"], "name": ["on-track threshold"] * 2,
                          "basis": ["An even chance: more likely than not, a sentence of a good many words. " * 3] * 2})
    widths, wide = page.print_widths(frame)
    assert widths[0] / 10 - page.CELL_PAD[wide] >= display_len("shock_cac_probability")
    header = ["parameter", "meaning and valid values", "default", "chapters"]
    rows = [["user_share_gain_pp_longer", "Yearly gain in the share of online shoppers. " * 3, "register (ytd_revision_sd_pp)",
             "1, 3, 6, 8, E"]]
    widths = sphinxext.reference_widths(header, rows)
    unit = sum(widths) / page.PRINT_CHARS[False]        # the widths are relative: characters of the line
    assert widths[3] / unit >= len("chapters") + 1 and widths[2] / unit >= len("(ytd_revision_sd_pp)")
    assert widths[0] / unit >= len(rows[0][0]) * sphinxext.CODE_WIDTH


def test_a_table_too_wide_even_at_its_words_is_set_smaller_still():
    """A table whose longest words alone take more than the line at \\footnotesize (the scorecard's ten columns:
    'Live-commerce' ran past its column) is set in \\scriptsize (gp-wider, _config.yml); a merely wide one stays
    gp-wide. Control: the preamble defines the class."""
    import pandas as pd
    import yaml

    from growthpath.publish import page

    crowded = pd.DataFrame({f"column {i}": ["pessimistic probability"] for i in range(11)})
    wide = pd.DataFrame({f"column {i}": ["considerable"] for i in range(7)})
    assert page.table(crowded)._repr_markdown_().startswith("::::{container} gp-wide gp-wider\n")
    assert page.table(wide)._repr_markdown_().startswith("::::{container} gp-wide\n")
    preamble = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["latex_elements"]["preamble"]
    assert "\\newenvironment{sphinxclassgp-wider}" in preamble
