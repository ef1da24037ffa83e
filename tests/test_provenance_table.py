"""Appendix D's table (growthpath.publish.places, appendix_tables.provenance_table, appendices.provenance_table): one row
per number a reader sees in the prose, found by the page, section and words around it, its value exactly as the page
prints it (checked against the chapters' own Markdown and, in the slow test, the executed notebooks' glued values), a
row for each figure a glued sentence prints, a figure named by its number, and no internal name in what print shows."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, glued, rooted
from growthpath.publish import appendices, appendix_tables, places

ROLE = re.compile(r"\{glue:(text|md)\}`(?:[^`:]+\.ipynb::)?([^`]+)`")
NUMBER = re.compile(r"[−+-]?\d[\d,]*(?:\.\d+)?(?: ?%| ?[\u4e00-\u9fff]+(?:/[\u4e00-\u9fff])?)?")   # a number as printed, with its unit
ANALYST_COLUMNS = ("glue key", "computed by", "data ids")


def golden_records() -> list[dict]:
    return json.loads((REPO / "results" / "golden" / "base.json").read_text(encoding="utf-8"))


def as_printed(value, spec: str) -> str:
    """A number as a {glue:text} role with `spec` prints it (myst-nb coerces to the spec's type), with the book's
    '4.2 %' spacing: written here independently of the package."""
    if spec and spec[-1] in "eEfFgGn%":
        value = float(value)
    elif spec and spec[-1] in "dxXob":
        value = int(value)
    text = format(value, spec) if spec and spec[-1] != "s" else str(value)
    return re.sub(r"(\d)%", r"\1 %", text)


def first_role(markdown: str, keys: tuple[str, ...]) -> tuple[str, str] | None:
    """(key, format spec) of the first {glue:text} role of any of `keys` in a page's Markdown."""
    for m in ROLE.finditer(markdown):
        key, _, spec = m.group(2).rpartition(":") if m.group(1) == "text" and ":" in m.group(2) else (m.group(2), "", "")
        if key in keys:
            return key, spec
    return None


def markdown_of(chapter: str, folder: Path) -> str:
    cells = json.loads((folder / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


# ----------------------------------------------------------------------------- where a value is printed
PAGE = """# 2. Problem definition

(sec-000-2-2)=
## 2.2 Why users do not stay

Some words first. Of first-time buyers, within {glue:text}`km_days:d` days {glue:text}`km_repeat:.1%` have bought
again ({numref}`fig-km`; {cite:p}`fader2005`). {glue:text}`n_touch:s` §2.2 ({ref}`sec-000-2-2`).

- Holds: {glue:text}`gmv:,.0f` 亿元 is ¥{glue:text}`gmv_en` in $\\alpha$ terms.
"""


def test_a_value_is_found_where_it_is_first_printed_as_the_page_prints_it():
    values = {"02_x": {"km_days": 365, "km_repeat": 0.29234, "n_touch": "1 finding touches", "gmv": 167068.7,
                       "gmv_en": "16.7 trillion"}}
    found = places.first_places(PAGE, "02_x", values, places.labels(PAGE) | {"fig-km": "Fig. 14"})
    repeat = found["02_x", "km_repeat"]
    assert (repeat.title, repeat.section, repeat.shown) == ("Chapter 2", "§2.2", "29.2 %")
    assert repeat.excerpt == "Of first-time buyers, within 365 days 29.2 % have bought again (Fig. 14)."   # no citation
    assert found["02_x", "km_days"].shown == "365"
    assert found["02_x", "gmv"].shown == "167,069 亿元"                    # the unit typed after it is part of it
    assert "¥16.7 trillion in α terms" in found["02_x", "gmv"].excerpt    # other roles filled in, math as text
    assert found["02_x", "n_touch"].excerpt.endswith("§2.2 (§2.2).")      # a reference by the heading it names
    assert found["02_x", "km_days"].order < found["02_x", "km_repeat"].order


def test_a_long_sentence_is_cut_around_the_value():
    words = " ".join(f"w{i}" for i in range(30))
    text = f"## 1.1 A\n\n{words} {{glue:text}}`x:.2f` {words}. Next sentence."
    place = places.first_places(text, "01_a", {"01_a": {"x": 1.234}}, {})["01_a", "x"]
    assert place.excerpt.startswith("… ") and place.excerpt.endswith(" …") and "1.23" in place.excerpt
    assert len(place.excerpt.split()) == places.WORDS_BEFORE + places.WORDS_AFTER + 3
    assert "Next" not in place.excerpt


def test_a_figure_is_named_by_its_number_in_a_reference_and_in_its_caption():
    """A reference to a figure and a number in a figure's caption name the figure as the book numbers it ('Fig. 3'),
    never a bare '(Figure)'; the sentence around 'Fig. 3' is not cut at its full stop."""
    text = ("# 1. A\n\n## 1.1 B\n\nThe interval is {glue:text}`lo:.1f` to {glue:text}`hi:.1f` % ({numref}`fig-x`); "
            "{numref}`Fig. %s <fig-x>` shows {glue:text}`n:d` paths.\n\n:::{gp-caption} fig-x\n"
            "The outlook, with {glue:text}`k:d` draws.\n:::\n\nAfter the figure.")
    found = places.first_places(text, "01_a", {"01_a": {"lo": 1.0, "hi": 2.0, "n": 5, "k": 300}}, {"fig-x": "Fig. 3"})
    assert found["01_a", "lo"].excerpt == "The interval is 1.0 to 2.0 % (Fig. 3); Fig. 3 shows …"   # 'Fig. 3' one word
    assert found["01_a", "n"].excerpt.endswith("Fig. 3 shows 5 paths.")
    caption = found["01_a", "k"]
    assert (caption.section, caption.excerpt) == ("§1.1, Fig. 3", "The outlook, with 300 draws.")
    assert [b[2] for b in places.blocks(text)] == ["", "fig-x", ""]      # the prose, the caption, the prose after it


def test_figures_are_numbered_through_the_book_as_sphinx_numbers_them():
    labels = places.figure_labels()
    numbers = [int(v.removeprefix("Fig. ")) for v in labels.values()]
    assert len(labels) >= 40 and numbers == list(range(1, len(labels) + 1))
    assert labels["fig-market-vs-nbs"] == "Fig. 1"       # the first chart of Chapter 1


# ----------------------------------------------------------------------------- which values are rows
def test_a_glued_sentence_gives_a_row_for_each_figure_it_prints():
    """A computed sentence the prose prints (the summary's ranked priorities) gives a row per figure in it, with the
    sentence's provenance and the words around that figure; ids, years and sections in it are not figures."""
    records = [{"chapter": "08_o", "key": "prio_1", "value": "from 5.2 % to the plan's 8.0 % for 2025 (000-3.2-09; "
                "Chapter 5): +192,000 元 of lifetime order value per 10,000 reached, +54 % on today's.", "source": "ledger"},
               {"chapter": "08_o", "key": "note", "value": "1 finding touches it", "source": "ledger"}]
    markdown = ("(executive-summary)=\n# Executive summary\n\n## Priorities\n\n"
                "1. **Joined** {glue:text}`chapters/08_o.ipynb::prio_1:s` {glue:text}`chapters/08_o.ipynb::note:s`\n")
    found = places.first_places(markdown, "summary", appendix_tables.glued_values(records), {})
    table = appendix_tables.provenance_table(records, found)
    assert list(table.frame["value"]) == ["5.2 %", "8.0 %", "+192,000 元", "10,000", "+54 %"]
    assert set(table.frame["glue key"]) == {"08_o::prio_1"} and set(table.frame["source"]) == {"ledger"}
    row = table.frame.iloc[2]
    assert row["where it appears"] == ("Priorities: … plan's 8.0 % for 2025 (000-3.2-09; Chapter 5): +192,000 元 of "
                                        "lifetime order value per 10,000 …")
    assert (table.unprinted, table.words) == (0, 1)          # `note` prints no figure (1 is a constant)


def test_figures_in_a_sentence_are_the_numbers_the_prose_lint_would_flag():
    from growthpath.publish import lint

    text = "in 2023, 17–20 % less (000-3.2-09, 000 §3.2, Chapter 5) from 2024-01-01: +192,000 元, -6.9, 0.0 %, 1 case, “增长58%”"
    assert [text[a:b] for a, b in lint.figures_in(text)] == ["17", "20", "+192,000", "-6.9", "0.0"]



def test_only_printed_numbers_are_rows_and_their_english_wording_folds_into_them():
    records = [{"chapter": "01_a", "key": k, "value": v} for k, v in
               [("base_mean", 167068.7), ("base_mean_en", "¥16.7 trillion"), ("n_touch", "1 finding touches"),
                ("hidden", 3.5), ("claim_000_1_1_01", 7.0), ("year", 2026)]]
    markdown = ("# 1. A\n\n## 1.1 B\n\nThe outlook is {glue:text}`base_mean_en` ({glue:text}`base_mean:,.0f` 亿元) "
                "in {glue:text}`year:d`; {glue:text}`n_touch:s` it, and {glue:text}`claim_000_1_1_01:g` 万亿元.")
    found = places.first_places(markdown, "01_a", appendix_tables.glued_values(records), {})
    table = appendix_tables.provenance_table(records, found)
    assert list(table.frame["glue key"]) == ["base_mean", "year"]
    assert list(table.frame["value"]) == ["¥16.7 trillion", "2026"]       # its first place: the English wording
    assert (table.unprinted, table.words) == (1, 1)                       # `hidden`; `n_touch` (the ledger's left out)


# ----------------------------------------------------------------------------- the book's table
@pytest.fixture(scope="module")
def book_table():
    records = golden_records()
    return records, appendices.provenance_table(records)


def sentence_keys(records: list[dict]) -> set[str]:
    """The table's glue keys (`key`, `chapter::key`) of computed sentences."""
    return {k for r in records if isinstance(r["value"], str) for k in (r["key"], f"{r['chapter']}::{r['key']}")}


def number_rows(frame):
    """The rows of glued numbers (not of the figures a glued sentence prints)."""
    return frame[~frame["glue key"].isin(sentence_keys(golden_records()))]


def test_every_number_of_the_golden_run_is_a_row_or_counted(book_table):
    records, args = book_table
    table = appendix_tables.provenance_table(records)
    values = appendix_tables.glued_values(records)
    numbers = [r for r in records if appendix_tables.is_number(r["value"]) and not appendix_tables.english_of(r, values)]
    assert len(number_rows(table.frame)) + table.unprinted == len(numbers)
    assert len(table.frame) > 250 and f"The {len(table.frame)} numbers" in args["caption"]


def test_every_figure_the_summary_prints_is_a_row(book_table):
    """Each figure the executive summary prints, a glued number's or one inside a glued sentence ('+192,000 元' of the
    ranked priorities), is a row placed in the summary, unless a chapter printed it first or it is the plan's own."""
    records, args = book_table
    values = appendix_tables.glued_values(records)
    markdown = places.page_markdown(REPO / "book" / "summary.md")
    frame = args["frame"]
    rows = {(key, value) for key, value in zip(frame["glue key"], frame["value"])}
    first = places.book_places(values)
    missing = []
    for m in places.GLUE_ROLE.finditer(markdown):
        r = places.role(*m.groups())
        chapter, value = places.owner(r, "summary"), values.get(places.owner(r, "summary"), {}).get(r.key)
        if r.key.startswith("claim_") or value is None or not isinstance(value, str) or r.key.endswith("_en"):
            continue
        sentence = places.printed(value, r)
        for a, b in places.sentence_figures(sentence):
            if (f"{chapter}::{r.key}", sentence[a:b]) not in rows and (r.key, sentence[a:b]) not in rows:
                missing.append((r.key, sentence[a:b]))
        assert first[chapter, r.key].page in ("summary", chapter)
    assert missing == []
    assert (frame["chapter"] == "Executive summary").sum() > 20


def test_no_excerpt_names_a_figure_without_its_number(book_table):
    _, args = book_table
    labels = set(places.figure_labels().values())
    where = " ".join(args["frame"]["where it appears"])
    assert not re.search(r"\bFigure\b|\(Fig\.?\)", where)
    named = set(re.findall(r"Fig\. \d+", where))
    assert named and named <= labels


def printed_numbers(records: list[dict]) -> list[tuple[dict, "places.Place"]]:
    """(record, where it is first printed) of each glued number the table lists, in its order."""
    values = appendix_tables.glued_values(records)
    found = places.book_places(values)
    listed = [(r, appendix_tables.first_printed(r, found)) for r in records if appendix_tables.is_number(r["value"])
              and not r["key"].startswith("claim_") and not appendix_tables.english_of(r, values)]
    return sorted(((r, p) for r, p in listed if p), key=lambda rp: appendix_tables.reading_order(rp[1]))


def page_text(place: "places.Place", folder: Path) -> str:
    summary = place.page == "summary"
    return (REPO / "book" / "summary.md").read_text(encoding="utf-8") if summary else markdown_of(place.page, folder)


def test_each_row_shows_its_value_as_the_chapter_text_formats_it(book_table):
    records, args = book_table
    shown = printed_numbers(records)
    numbers = number_rows(args["frame"])
    assert list(numbers["value"]) == [p.shown for _, p in shown]
    for (record, place), row in zip(shown, numbers.to_dict("records")):
        key, spec = first_role(page_text(place, REPO / "chapters"), (record["key"], record["key"] + "_en"))
        value = record["value"] if key == record["key"] else next(r["value"] for r in records if (r["chapter"], r["key"]) == (record["chapter"], key))
        assert row["value"].startswith(as_printed(value, spec)), (row, spec)
        assert row["value"] in row["where it appears"], row


def test_no_row_is_a_sentence_fragment(book_table):
    _, args = book_table
    for value in args["frame"]["value"]:
        assert NUMBER.fullmatch(value) or value.startswith(("¥", "US$")) or value.endswith(("million", "billion", "trillion")), value


def test_print_shows_no_internal_name(book_table):
    records, args = book_table
    assert set(args["print_columns"]).isdisjoint(ANALYST_COLUMNS)
    assert set(ANALYST_COLUMNS) <= set(args["frame"].columns)        # kept for analysts on screen
    keys = {r["key"] for r in records if "_" in r["key"]}
    printed = args["frame"][list(args["print_columns"])]
    for cell in printed.to_numpy().ravel():
        assert not keys & set(re.findall(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", cell)), cell
        assert not re.search(r"\banalysis\.|\bpublish\.|\{|\}|\$|\x00", cell), cell


# ----------------------------------------------------------------------------- the executed book
@pytest.mark.slow
def test_each_row_equals_the_executed_chapter_value(executed):
    """Read back from the executed notebooks: every row's value is its key's glued value in the format of the page's
    first role of it."""
    from growthpath.publish import results

    folder = Path(executed["base"])
    with rooted(executed["root"]):
        shown = printed_numbers(results.load(results.results_path("base")))
    assert len(shown) > 250
    for record, place in shown:
        values = glued(folder / f"{record['chapter']}.ipynb")
        key, spec = first_role(page_text(place, folder), (record["key"], record["key"] + "_en"))
        assert place.shown.startswith(as_printed(values[key], spec)), (record["chapter"], key, place.shown)


# ----------------------------------------------------------------------------- the built HTML
FIGURE_TEXT = re.compile(r"[−+-]?\d[\d,]*(?:\.\d+)?")
SCALES = {"million": (0.01,), "billion": (10.0,), "trillion": (10_000.0, 1.0)}   # English wording → 亿 (and 万亿)


def glued_figures(html: str) -> list[tuple[str, str]]:
    """(figure, the word after it) of each figure a page's glued text shows: a glued number whole, and each figure a
    glued sentence prints (`lint.figures_in`)."""
    from bs4 import BeautifulSoup

    from growthpath.publish import lint

    found = []
    for span in BeautifulSoup(html, "html.parser").select("span.pasted-text"):
        if span.find_parent("span", class_="pasted-text"):
            continue
        text = " ".join(span.get_text().split())
        spans = [(0, len(text))] if FIGURE_TEXT.fullmatch(text) else lint.figures_in(text)
        found += [(text[a:b], (text[b:].split() or [""])[0]) for a, b in spans]
    return found


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


def is_listed(figure: str, after: str, listed: list[str]) -> bool:
    """Is the figure one of `listed` (the values of a table, as printed), allowing for a different rounding where the
    page prints it again and for its English wording ('1.13 billion' is 11.3 亿)?"""
    value = _number(figure)
    candidates = [value] + [value * k for k in SCALES.get(after.strip(".,;)"), ())]
    for text in listed:
        other = _number(text)
        tolerance = 0.5 * 10 ** -min(_decimals(figure), _decimals(text)) + 1e-9
        if any(abs(c - other) <= max(tolerance, 0.005 * abs(other) if c != value else 0) for c in candidates):
            return True
    return False


def unlisted_figures(html_dir: Path) -> dict[str, list[str]]:
    """{page: figures its glued text shows that neither Appendix D lists nor, as the plan's own numbers, Appendix B}."""
    from bs4 import BeautifulSoup

    chapters = html_dir / "book" / "chapters"
    table = max(BeautifulSoup((chapters / "94_provenance.html").read_text(encoding="utf-8"), "html.parser").find_all("table"),
                key=lambda t: len(t.find_all("tr")))
    column = [th.get_text(strip=True) for th in table.find("tr").find_all(["th", "td"])].index("value")
    rows = [m.group() for tr in table.find_all("tr")[1:] if (cells := tr.find_all("td"))
            and (m := FIGURE_TEXT.search(cells[column].get_text()))]
    ledger = FIGURE_TEXT.findall(BeautifulSoup((chapters / "92_ledger.html").read_text(encoding="utf-8"), "html.parser").get_text())
    assert len(rows) > 250 and len(ledger) > 250
    missing = {}
    for page in [html_dir / "book" / "summary.html", *sorted(chapters.glob("*.html"))]:
        if page.stem != "94_provenance":
            figures = glued_figures(page.read_text(encoding="utf-8"))
            missing[page.stem] = [f for f, after in figures if not is_listed(f, after, rows) and not is_listed(f, after, ledger)]
    return {page: figures for page, figures in missing.items() if figures}


def test_a_figure_is_listed_at_another_rounding_or_in_english():
    assert is_listed("0.803", "", ["0.80"]) and is_listed("1.13", "billion", ["11.3"]) and is_listed("2,000", "亿元", ["2000"])
    assert not is_listed("+192,000", "元", ["192", "19.2"]) and not is_listed("0.9", "", ["0.80"])


@pytest.mark.slow
def test_every_glued_figure_the_html_shows_has_a_row(built):
    """Every figure visible in the glued text of the built HTML summary and chapters, a glued number's or one inside a
    glued sentence, is listed in Appendix D (or, the plan's own, in Appendix B)."""
    assert unlisted_figures(built["html"]) == {}
