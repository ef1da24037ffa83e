"""The PDF edition: pages, embedded CJK fonts, one image per chart, a complete table of contents,
and no markup leaking into the text."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("xelatex") is None or shutil.which("pdffonts") is None,
                                 reason="xelatex/poppler not installed (make test installs them)")]


@pytest.fixture(scope="module")
def pdf(built) -> Path:
    assert built["pdf"] is not None and built["pdf"].exists()
    return built["pdf"]


def tool(*args) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def chart_count(folder: Path) -> int:
    n = 0
    for nb in folder.glob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            n += sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
    return n


def test_page_count(pdf):
    pages = int(re.search(r"Pages:\s+(\d+)", tool("pdfinfo", str(pdf))).group(1))
    assert 40 <= pages <= 400


def test_cjk_fonts_embedded(pdf):
    fonts = tool("pdffonts", str(pdf)).splitlines()[2:]
    cjk = [l for l in fonts if "CJK" in l]
    assert cjk and all(l.split()[-5] == "yes" for l in cjk)  # the 'emb' column


def test_one_image_per_chart(pdf, built):
    images = [l for l in tool("pdfimages", "-list", str(pdf)).splitlines()[2:] if l.split()[2] == "image"]
    assert len(images) == chart_count(built["root"] / "book" / "chapters")


def test_toc_lists_every_chapter(pdf, built):
    toc = tool("pdftotext", "-f", "1", "-l", "4", str(pdf), "-")
    titles = []
    for nb in sorted((built["root"] / "book" / "chapters").glob("*.ipynb")):
        first = json.loads(nb.read_text(encoding="utf-8"))["cells"][0]["source"]
        titles.append(re.search(r"^# (.+)$", "".join(first), re.M).group(1))
    flat = " ".join(toc.replace("\u2019", "'").split())
    for title in titles + ["Appendix: data and sources", "References"]:
        assert " ".join(title.split())[:30] in flat, title


def test_chinese_text_and_no_markup_leaks(pdf):
    text = tool("pdftotext", str(pdf), "-")
    assert "社交电商" in text
    for leak in ("\\\\begin", ":::", "```", "<div", "{glue", "{cite", "{ref", "{{", "</", "&lt;", "\\\\textbf"):
        assert leak not in text, leak


def test_no_character_is_missing_from_the_fonts(built):
    log = Path(built["pdf"]).with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", log)))
    assert not missing, missing


def test_a_title_page_then_a_contents_page_and_no_empty_chapter(pdf, built):
    from growthpath.publish import edition

    pages = tool("pdftotext", "-layout", str(pdf), "-").split("\f")
    title = " ".join(pages[0].split())
    ed = edition.current()
    assert ed.title.partition(":")[0] in title and f"Edition {ed.version}" in title
    assert "How to cite this edition" in title and ed.data_hash in title
    assert pages[1].split()[0] == "Contents"  # the contents page is titled as such, not after the first part
    words = [" ".join(p.split()) for p in pages]
    # a chapter page holding nothing but its heading (and running header/footer) is an empty chapter
    empty = [i + 1 for i, text in enumerate(words) if text and len(text.split()) <= 12 and i > 2]
    assert empty == [], empty


def test_the_summary_fits_on_two_pages_and_quotes_hug_their_chinese(pdf):
    """The decision memo is at most two printed pages; a curly quote around Chinese has no space inside it (xeCJK
    would put one between a Western quote mark and a CJK character)."""
    pages = tool("pdftotext", "-layout", str(pdf), "-").split("\f")
    start = next(i for i, p in enumerate(pages) if i > 1 and re.search(r"^\s*Executive summary\s*$", p, re.M))
    end = next(i for i, p in enumerate(pages) if i > start and re.search(r"^\s*1\. Background: [^\d]*$", p, re.M))
    assert end - start <= 2, f"the executive summary takes {end - start} pages"
    text = "\n".join(pages)
    assert re.findall(r"“[\u4e00-\u9fff][^”\n]{0,20}”", text), "no quoted Chinese found: the check would be empty"
    assert re.findall(r".{0,12}(?:“ [\u4e00-\u9fff]|[\u4e00-\u9fff] ”|[\u4e00-\u9fff]” [\u4e00-\u9fff]).{0,12}", text) == []


def main_matter_pages(contents: str) -> int:
    """Pages from the executive summary to the page before Appendix A, read off the contents pages."""
    start = int(re.search(r"Executive summary[ .]*?(\d+)\s*$", contents, re.M).group(1))
    end = int(re.search(r"Appendix A\.[^\n]*?(\d+)\s*$", contents, re.M).group(1))
    return end - start


def test_main_matter_pages_are_read_off_the_contents():
    contents = "Executive summary                 4\n  The answer . . . 4\n8. Outcomes   100\nAppendix A. Audit of the plan's numbers   110\n"
    assert main_matter_pages(contents) == 106


def test_the_main_matter_is_at_most_110_pages(pdf):
    assert main_matter_pages(tool("pdftotext", "-layout", "-f", "1", "-l", "4", str(pdf), "-")) <= 110


def figures_before_verdicts(text: str, chapter_figures: list[list[int]]) -> list[str]:
    """Chapters (in order, each with the numbers of its figures) whose figures print after the chapter's closing
    'Verdict on each section' heading in the PDF's text."""
    verdicts = [m.start() for m in re.finditer(r"^\s*Verdict on each section\s*$", text, re.M)]
    late = []
    for k, figures in enumerate(chapter_figures):
        for n in figures:
            caption = re.search(rf"Fig\. {n}: ", text)
            if caption is None or k >= len(verdicts) or caption.start() > verdicts[k]:
                late.append(f"chapter {k + 1}: Fig. {n}")
    return late


def test_a_late_figure_is_caught():
    text = "Fig. 1: a\nVerdict on each section\nFig. 3: c\nFig. 2: b\nVerdict on each section\nFig. 4: d\n"
    assert figures_before_verdicts(text, [[1], [2, 3]]) == []
    assert figures_before_verdicts(text, [[1], [2, 3, 4]]) == ["chapter 2: Fig. 4"]


def test_every_figure_prints_inside_its_chapter(pdf, built):
    """A chapter's figures print before its closing verdict section (Sphinx's figure_align H): none floats pages away
    into the next section. The figures of each chapter are read off its HTML page."""
    pages = sorted((built["html"] / "book" / "chapters").glob("0[1-8]_*.html"))
    chapter_figures = [[int(n) for n in re.findall(r'<span class="caption-number">Fig\. (\d+) </span>', p.read_text(encoding="utf-8"))]
                       for p in pages]
    assert len(pages) == 8 and sum(map(len, chapter_figures)) >= 40
    assert figures_before_verdicts(tool("pdftotext", "-layout", str(pdf), "-"), chapter_figures) == []


PAGE_NUMBER = re.compile(r"^(?:\d+|[ivxlc]+)$")


def _words(text: str) -> str:
    return " ".join(text.split())


def stale_marks(pages: list[str]) -> list[tuple[int, str]]:
    """(page, mark) of each page whose running foot names a heading its chapter has not printed by then (such as the
    contents' "Contents" on the book's printed page 1). A chapter starts on a page whose foot has no mark (Sphinx's
    plain style) and where the page numbers turn from roman to arabic; a page without a number (the title page) is
    left out."""
    stale, start, roman = [], 0, None
    for n, page in enumerate(pages):
        lines = [_words(line) for line in page.splitlines() if line.strip()]
        number = lines[-1].rsplit(" ", 1)[-1] if lines else ""
        if not PAGE_NUMBER.match(number):
            continue
        mark = lines[-1][: -len(number)].strip()
        if not mark or number.isdigit() == roman:
            start = n
        roman = not number.isdigit()
        shown = " ".join(" ".join(_words(line) for line in p.strip().splitlines()[:-1]) for p in pages[start:n + 1])
        if mark and mark not in shown:
            stale.append((n + 1, mark))
    return stale


def test_a_stale_running_mark_is_caught():
    pages = ["Title\nHow to cite: 2026-12-02.", "Contents\nAbout this book 2\n i",
             "Book title\nThis book takes a plan.\nContents 1", "About this book\nText\n 2",
             "Book title\nThe two documents\nmore\nThe two documents 3", "Book title\nstill more\nThe two documents 4"]
    assert stale_marks(pages) == [(3, "Contents")]
    assert stale_marks(pages[:2] + pages[3:]) == []


def test_every_running_mark_names_a_heading_of_its_chapter(pdf):
    """The title page has no running head or foot; every other page's foot names the section it is in, never the
    contents' "Contents" (the book's printed page 1 did)."""
    pages = tool("pdftotext", "-layout", str(pdf), "-").split("\f")
    assert not any(PAGE_NUMBER.match(_words(line)) for line in pages[0].splitlines()[-3:])   # no page number
    assert "Contents" not in _words(pages[0])
    assert stale_marks(pages) == []


def box_titles(tex: str) -> list[str]:
    """The title of every box (admonition) in the LaTeX source, as plain text."""
    titles = set()
    for title in re.findall(r"\\begin\{sphinxadmonition\}\{\w+\}\{(.*)\}\s*$", tex, re.M):
        title = re.sub(r"\\[A-Za-z]+\*?", "", title.replace(r"\sphinxhyphen{}", "-"))
        titles.add(_words(title.replace("{", "").replace("}", "").replace("\\", "")))
    return sorted(titles)


def orphaned_box_titles(pages: list[str], titles: list[str], least: int = 2) -> list[tuple[int, str]]:
    """(page, title) of each box whose title is followed on its page by fewer than `least` lines (the running foot
    not counted): a title bar left at the foot of a page, its body on the next."""
    found = []
    for n, page in enumerate(pages, 1):
        lines = [_words(line) for line in page.splitlines() if line.strip()][1:-1]    # no running head, no foot
        for i, line in enumerate(lines):
            title = next((t for t in titles if len(line) >= min(len(t), 20) and t.startswith(line[:40])), None)
            if title is None:
                continue
            last, joined = i, line
            while len(joined) < len(title) and last + 1 < len(lines):      # a long title wraps
                last += 1
                joined += " " + lines[last]
            if joined.startswith(title) and len(lines) - last - 1 < least:
                found.append((n, title))
    return found


def test_an_orphaned_box_title_is_caught():
    titles = ["Unclear: Stated growth rate vs the start and end values it describes", "Contradiction: one quantity"]
    page = ("Book title\nSee: 000 §3.4\nUnclear: Stated growth rate vs the start and end\nvalues it describes\n"
            "Findings by problem 112")
    assert orphaned_box_titles([page], titles) == [(1, titles[0])]
    kept = "Book title\nContradiction: one quantity\n000 gives\nArithmetic.\nFindings by problem 113"
    assert orphaned_box_titles([kept], titles) == []


def test_no_box_title_ends_a_page(pdf):
    """A box's title bar stays with its first lines (\\gpKeepBoxHead before every box): Appendix A's findings left
    eight titles at the foot of a page, their body on the next."""
    titles = box_titles(pdf.with_suffix(".tex").read_text(encoding="utf-8"))
    assert len(titles) >= 20
    assert orphaned_box_titles(tool("pdftotext", "-layout", str(pdf), "-").split("\f"), titles) == []


TEXT_RIGHT = 524.5     # the right edge of the text block in PDF points (A4, Sphinx's margins: lines end at 523.3)
WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def past_the_text_block(bbox_html: str, right: float = TEXT_RIGHT) -> list[tuple[int, str]]:
    """(page, word) of each word `pdftotext -bbox` places beyond the text block's right edge: a cell's text that runs
    off the page (a ledger quote with no break point, a column wider than the page)."""
    return [(n, m.group(3)) for n, page in enumerate(bbox_html.split("<page ")[1:], 1)
            for m in WORD_BOX.finditer(page) if float(m.group(2)) > right]


def overfull_boxes(log: str, least: float = 1.0) -> list[str]:
    """The text of each line LaTeX set wider than its box (a table cell's column, the text block) by `least` points or
    more, as the log shows it: text running past a table's border or cut by the next column."""
    found = re.findall(r"^Overfull \\hbox \(([\d.]+)pt too wide\) in paragraph at lines \d+--\d+\n(.*(?:\n.*)?)", log, re.M)
    return [re.sub(r"\\TU/[^ ]*?/\d+ ?|\[\]|\|", "", text).replace("\n", "") for pt, text in found if float(pt) >= least]


def test_text_past_a_column_or_the_page_is_caught():
    bbox = ('<page width="595" height="842"><word xMin="72" yMin="1" xMax="523.30" yMax="9">edge</word></page>'
            '<page width="595" height="842"><word xMin="470" yMin="1" xMax="598.4" yMax="9">“内容制作40%+流量投放35%+转化激励25</word></page>')
    assert past_the_text_block(bbox) == [(2, "“内容制作40%+流量投放35%+转化激励25")]
    log = ("Overfull \\hbox (94.34506pt too wide) in paragraph at lines 15257--15260\n[]|\\TU/LatinModernRoman(0)/m/n/9 “\\TU/"
           "NotoSerifCJKSC(0)/m/n/9 内容制作\\TU/LatinModernRoman(0)/m/n/9 40%+|\n []\n"
           "Overfull \\hbox (0.63727pt too wide) in paragraph at lines 7856--7859\n\\TU/NotoSerifCJKSC(0)/m/n/9 升|\n")
    assert overfull_boxes(log) == ["“内容制作40%+ "]


def test_no_text_runs_past_a_table_column_or_the_page(pdf):
    """Every cell's text stays inside its column and every line inside the text block: Chinese text in a cell breaks
    between its characters and where it meets Latin (page.joined), a long hyphenated word after its hyphen, and each
    column is at least as wide as its longest word (page.print_widths). The edition of 2026-12-02 had 112 words past
    the text block on 31 pages (the ledger's quotes in Appendix B, Table 62) and 154 lines overfull by 1 pt or more."""
    assert past_the_text_block(tool("pdftotext", "-bbox", str(pdf), "-")) == []
    assert overfull_boxes(pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")) == []


FIGURE_END = re.compile(r"(?:^|[\s(（])[−+\-]?\d[\d,]*(?:\.\d+)?(?:[–-]\d[\d,]*(?:\.\d+)?)?$")
UNIT_START = re.compile(r"^(?:%|pp\b|个百分点|万亿元|亿元|万元|亿人|万人|万亿|亿|万|元|倍)")


def number_unit_breaks(layout: str) -> list[tuple[str, str]]:
    """(end of a line, start of the next) in `pdftotext -layout` text wherever a line ends in a figure and the next
    starts with its unit ("41.9" / "%"), or a line ends in 亿 or 万亿 and the next starts with 元 ("49,000 亿" / "元")."""
    found = []
    for page in layout.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for a, b in zip(lines, lines[1:]):
            end, start = a.split()[-1], b.split()[0]
            if (FIGURE_END.search(end) and UNIT_START.match(start)) or (re.search("(?:亿|万亿)$", end) and start.startswith("元")):
                found.append((end, start))
    return found


def test_a_figure_parted_from_its_unit_is_caught():
    layout = ("the market was 49,000 亿\n元 in 2023 and grew 41.9\n% a year, range 5–20\n%; and +54\n%.\f"
              "000-3.1-09\n万亿元 observed\n  2024    7\n  rows\n")
    assert number_unit_breaks(layout) == [("亿", "元"), ("41.9", "%"), ("5–20", "%;"), ("+54", "%.")]


def test_no_figure_is_parted_from_its_unit(pdf):
    """A figure and its unit share a line everywhere in print: in running text, glued or typed (sphinxext._tie_units), and
    in a table's sentences (page.joined). The edition of 2026-12-02 parted 68 ("49,000 亿 / 元", "41.9 / %")."""
    assert number_unit_breaks(tool("pdftotext", "-layout", str(pdf), "-")) == []
