"""Appendix D's table (growthpath.publish.places, appendix_tables.provenance_table, appendices.provenance_table): one row
per number a reader sees in the prose, found by the page, section and words around it, its value exactly as the page
prints it (checked against the chapters' own Markdown and, in the slow test, the executed notebooks' glued values),
no computed words or sentences as rows, and no internal name in what print shows."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, glued, rooted
from growthpath.publish import appendices, appendix_tables, places

ROLE = re.compile(r"\{glue:(text|md)\}`(?:[^`:]+\.ipynb::)?([^`]+)`")
NUMBER = re.compile(r"[−+-]?\d[\d,]*(?:\.\d+)?(?: ?%| ?[\u4e00-\u9fff]+)?")   # a number as printed, with its unit
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
    found = places.first_places(PAGE, "02_x", values, places.labels(PAGE))
    repeat = found["02_x", "km_repeat"]
    assert (repeat.title, repeat.section, repeat.shown) == ("Chapter 2", "§2.2", "29.2 %")
    assert repeat.excerpt == "Of first-time buyers, within 365 days 29.2 % have bought again (Figure)."   # no citation
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


# ----------------------------------------------------------------------------- which values are rows
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


def test_every_number_of_the_golden_run_is_a_row_or_counted(book_table):
    records, args = book_table
    table = appendix_tables.provenance_table(records)
    values = appendix_tables.glued_values(records)
    numbers = [r for r in records if appendix_tables.is_number(r["value"]) and not appendix_tables.english_of(r, values)]
    assert len(table.frame) + table.unprinted == len(numbers)
    assert len(table.frame) > 250 and f"The {len(table.frame)} numbers" in args["caption"]


def printed_numbers(records: list[dict]) -> list[tuple[dict, "places.Place"]]:
    """(record, where it is first printed) of each number the table lists, in its order."""
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
    assert list(args["frame"]["value"]) == [p.shown for _, p in shown]
    for (record, place), row in zip(shown, args["frame"].to_dict("records")):
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
