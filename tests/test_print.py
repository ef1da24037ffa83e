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
    assert max(map(display_len, page.unbroken(quote))) <= display_len("个百分点") < display_len(quote) / 10


def test_every_unit_of_the_units_table_is_one_word_in_print():
    import pandas as pd

    from growthpath.publish import page

    units = pd.read_csv(REPO / "data" / "reference" / "units.csv", dtype=str)["unit"]
    for unit in units:
        assert page.unbroken(unit) == [unit] or not re.search(f"[{CJK}]", unit), unit


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
