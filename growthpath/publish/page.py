"""What a chapter notebook calls to talk to the book: setup, glue, tables and boxes.

Numbers and computed sentences reach the prose only through `glue`/`glue_all` (myst-nb glue) of the Values the
package's functions return (`growthpath.data.values`); every glued value is also kept in `RESULTS`, with the provenance it
declares, so the runner can collect it."""
from __future__ import annotations

import functools
import html
import re
import json
from pathlib import Path
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from growthpath.markup import CJK, WHOLE_TOKENS, display_len, escape_markdown, plain_text, spaced_percents
from growthpath.data.values import Value, in_english

RESULTS: dict[str, dict] = {}
RESULTS_ENV = "GROWTHPATH_RESULTS_FILE"


def setup() -> None:
    """Enable the book's chart theme and offline renderer; call once at the top of a chapter."""
    from growthpath.charts import renderer, theme  # noqa: F401

    renderer.enable()
    pd.set_option("display.max_colwidth", 200)


def _plain(value):
    """Plain Python scalars: NumPy 2 reprs (`np.float64(…)`) would leak into glued text."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot glue a non-finite number ({value})")
    return value


def _record(name: str, value, v: Value) -> None:
    """Keep the value with the provenance it declares: the ids it was computed from, the package function that returned
    it, and the kinds of data those ids are; `year` and `kind` say what the value is (results/headlines.yml labels are
    checked against them)."""
    from growthpath.data import values

    RESULTS[name] = {"value": value, "unit": v.unit, "source": values.source(v.ids),
                     "computed_by": [v.computed_by] if v.computed_by else [], "data_ids": ", ".join(v.ids)}
    if v.year is not None:
        RESULTS[name]["year"] = int(v.year)
    if v.kind is not None:
        RESULTS[name]["kind"] = v.kind
    target = os.environ.get(RESULTS_ENV)
    if target:
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(RESULTS, fh, ensure_ascii=False, indent=1, sort_keys=True)


def _glued_number(name: str, value):
    from myst_nb import glue

    value = _plain(value)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"glue({name!r}) needs a number or text, got {type(value).__name__}")
    glue(name, value, display=False)
    return value


def glue(name: str, v: "Value") -> None:
    """Glue one Value: a number for {glue:text}, a sentence (`markdown`) for {glue:md}, else text; its provenance is
    the ids and function it declares."""
    from myst_nb import glue as myst_glue

    if v.markdown or isinstance(v.value, str):
        shown = spaced_percents(str(v.value))   # "5.2 %", as the book writes every percentage
        myst_glue(name, Prose(shown) if v.markdown else shown, display=False)
    else:
        shown = _glued_number(name, v.value)
    _record(name, shown, v)
    english = in_english(v.value, v.unit)
    if english is not None:             # `<name>_en`: the figure in English, for its first use in a chapter (¥7 trillion)
        myst_glue(f"{name}_en", english, display=False)
        _record(f"{name}_en", english, replace(v, unit="English", kind=None))


def glue_all(result: "Mapping[str, Value]") -> None:
    """Glue every Value a package function returned, under its name."""
    for name, v in result.items():
        glue(name, v)


# a value and its unit ('167,069 亿元', '4.6 %'): a table keeps it on one line
NUMBER_UNIT = re.compile(r"[−+-]?\d[\d.,]* (?:%|[^\s\d<]{1,4})")
# a figure and the unit typed after it in running text or in a cell's sentence ('49,000 亿元', '41.9 %', '+54 %', a range
# '5–20 %'): print ties them (a no-break space, and a word joiner inside a Chinese unit) wherever they stand
_FIGURE = r"(?<![\w.,\-–−+])[−+-]?\d[\d.,]*(?:[–-]\d[\d.,]*)?"
TIED_UNITS = r"(?:%|pp|个百分点|万亿元|亿元|万元|亿人|万人|万亿|万QPS|万次|万单|万件|亿|万|元/人|元/月|元|倍)"
FIGURE_UNIT = re.compile(rf"({_FIGURE})[ \u00a0]({TIED_UNITS})(?![A-Za-z0-9/])")
UNIT_WORD = re.compile(r"万亿元|亿元|万元|亿人|万人|个百分点|万亿")   # a Chinese unit, never split even standing alone
SHORT_TOKEN = re.compile(rf"<td>([^<\s]{{1,24}}|{NUMBER_UNIT.pattern})</td>")   # a cell holding one short word, or a value and its unit
ID_HEADERS = {"claim_id": "Ledger id", "obs_id": "Official id", "series_id": "Series id", "risk_id": "Risk id"}


def header(column) -> str:
    """A column's name as a reader sees it: ids named as in the ledger, any other snake_case name in words."""
    name = str(column)
    if name in ID_HEADERS:
        return ID_HEADERS[name]
    return name.replace("_", " ") if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", name) else name


@dataclass
class Table:
    """A table shown as escaped HTML on the web and as a Markdown (pipe) table in print."""

    frame: pd.DataFrame
    caption: str = ""
    interactive: bool = False          # sortable and filterable in HTML (book/_static/gp-table.js)
    print_columns: tuple = ()          # the columns the print edition shows (default: all)
    verbatim: tuple = ()               # columns shown exactly as scraped (every other text is in Simplified Chinese)
    print_note: str = ""               # print shows this sentence instead of the table (the table is elsewhere in print)

    def __post_init__(self):
        self.frame = self.frame.rename(columns=header)      # a reader sees words, not snake_case names
        self.print_columns = tuple(header(c) for c in self.print_columns)
        kept = {header(c) for c in self.verbatim}
        for col in self.frame.columns:
            if pd.api.types.is_bool_dtype(self.frame[col]):
                self.frame[col] = self.frame[col].map({True: "yes", False: "no"})   # not Python's True/False
            elif pd.api.types.is_float_dtype(self.frame[col]):
                self.frame[col] = _format_floats(self.frame[col])
            elif not pd.api.types.is_numeric_dtype(self.frame[col]) and col not in kept:
                self.frame[col] = self.frame[col].map(simplified).map(_spaced)

    def _repr_html_(self) -> str:
        classes = "gp-table gp-interactive" if self.interactive else "gp-table"
        body = self.frame.to_html(index=False, escape=True, classes=classes, border=0, na_rep="–")
        body = SHORT_TOKEN.sub(r'<td class="gp-token">\1</td>', body)   # ids, units, numbers: never broken mid-token
        body = body.replace("_", "_\u200b")  # let long snake_case names wrap at underscores on screen
        body = ids_whole(body)
        cap = f'<p class="gp-table-caption">{html.escape(self.caption)}</p>' if self.caption else ""
        return f'<div class="gp-table-wrap">{cap}{body}</div>'

    def _repr_markdown_(self) -> str:
        """A MyST list-table with column widths from the content, so print editions wrap text inside the page instead of
        running off it. Every print table is a LaTeX longtable: a table of few but long rows breaks across pages too."""
        if self.print_note:
            return escape_markdown(self.print_note) + "\n"
        frame = (self.frame[list(self.print_columns)] if self.print_columns else self.frame).astype(str)
        if frame.empty:  # a list-table needs a body row: an analyst's data can leave a table with none
            return f"{escape_markdown(self.caption)}: none in this run.\n" if self.caption else "(No rows in this run.)\n"
        widths, wide = print_widths(frame)
        lines = [f":::{{list-table}} {escape_markdown(self.caption)}".rstrip(), ":header-rows: 1",
                 f":widths: {' '.join(str(w) for w in widths)}", ":class: gp-table longtable", ""]
        kept = [c in {header(v) for v in self.verbatim} for c in frame.columns]
        for row in [list(map(str, frame.columns))] + frame.values.tolist():
            cells = [escape_markdown(v if verbatim else joined(unbroken_value(breakable(v)))) or " " for v, verbatim in zip(row, kept)]
            lines.append(f"* - {cells[0]}")
            lines += [f"  - {c}" for c in cells[1:]]
        body = "\n".join(lines) + "\n:::\n"
        if not wide:
            return body
        # gp-wide: a smaller type (PDF preamble); gp-wider, smaller still, for a table wider than the line in it even at
        # its longest words (the scorecard's ten columns), which LaTeX would squeeze below them
        wider = " gp-wider" if sum(widths) > 10 * PRINT_CHARS[True] + len(widths) else ""   # not a rounding
        return f"::::{{container}} gp-wide{wider}\n{body}::::\n"


def ids_whole(table_html: str) -> str:
    """A table's ledger ids and seed sections, each kept on one line on screen (CSS `.gp-id`)."""
    return WHOLE_TOKENS.sub(r'<span class="gp-id">\1</span>', table_html)


PRINT_CHARS = {False: 100, True: 120}   # characters of table text across the PDF's text width: \small, gp-wide
CELL_PAD = {False: 2.5, True: 2.0}      # a column's padding (2 x \tabcolsep) in characters
WORD_SLACK = 1.08    # a word of wide letters (commerce, 8 characters) is this much wider than the average it is counted at
LONGEST_WORD = 16    # a longer token (a source id, a hyphenated word) gets break points after : / + @ - and wraps
ID_LONGEST = 22      # a snake_case name up to this long is one word in print (scorecard_on_track_p); a longer one wraps at _


UNIT_LONGEST = 12    # a unit of units.csv up to this wide is one word; a longer one (个百分点(原文:個百分比)) may wrap
SHORT_TERM = 4       # a run of at most this many Chinese characters (万亿元, 百亿补贴) is a word print never breaks
_IDEOGRAPH, _WIDE = "\u3400-\u9fff", "\u2e80-\u9fff\uff00-\uffef"
_MARK = rf"[^\sA-Za-z0-9\u200b{_IDEOGRAPH}]"     # punctuation that stays with the word it touches: (万亿元), 「目标
_WORDS = (rf"{_MARK}*(?<![{_IDEOGRAPH}])[{_IDEOGRAPH}]{{1,{SHORT_TERM}}}(?![{_IDEOGRAPH}]){_MARK}*"   # a short Chinese term
          rf"|[{_WIDE}]"                                # one character of a longer Chinese run (a quote wraps anywhere)
          rf"|(?:[^\s\u200b{_WIDE}]|\u00a0)+")          # a Latin word (a no-break space joins two: Chapter 1)


@functools.lru_cache(maxsize=1)
def unbroken_words() -> re.Pattern:
    """The words a print table never breaks: every unit of data/reference/units.csv (比值(1:x), 个百分点) up to
    UNIT_LONGEST wide whole, a run of up to SHORT_TERM Chinese characters with the brackets around it, a Latin word; a
    longer Chinese run (a quote) is one word per character, as it may wrap between any two."""
    from growthpath import paths
    from growthpath.data import datapackage

    units = pd.read_csv(paths.data_dir() / datapackage.resource("units")["path"], dtype=str)["unit"].dropna()
    known = "|".join(re.escape(u) for u in sorted(set(units), key=len, reverse=True)
                     if CJK.search(u) and display_len(u) <= UNIT_LONGEST)
    return re.compile((f"{known}|" if known else "") + _WORDS)


def unbroken(text: str) -> list[str]:
    """The words of a cell's text that print keeps on one line (see `unbroken_words`; Chinese text, `chinese_words`)."""
    if is_chinese(text):
        return [w.strip() for w in chinese_words(text) if w.strip()]
    return unbroken_words().findall(text)


WORD_JOINER = "\u2060"    # the PDF preamble makes it \nobreak: no line break between the characters it joins
_WIDE_CHAR = re.compile(f"[{_WIDE}]")


def _hold(word: str) -> str:
    """A word with a word joiner wherever one of two neighbouring characters is Chinese (\\nobreak in print)."""
    if len(word) < 2 or not _WIDE_CHAR.search(word):
        return word
    return word[0] + "".join((WORD_JOINER if _WIDE_CHAR.match(a) or _WIDE_CHAR.match(b) else "") + b
                             for a, b in zip(word, word[1:]))


def joined(text: str) -> str:
    """Print text with each unit or short Chinese term (`unbroken`) held together: a word joiner between its characters
    wherever one is Chinese, as Chinese text may otherwise break between any two (万亿 / 元 under GMV). The column is
    as wide as the word (`print_widths`); a long quote keeps its break points. Chinese text (a quote, `is_chinese`)
    is set word by word (`chinese_words`): a break point (a zero-width space) wherever Chinese meets Latin, as the PDF
    preamble's xeCJK puts none there, and a figure with its unit (3.2万亿元, 12个百分点) whole."""
    text = tie_units(text, alone=False)      # a unit on its own is one of the words below
    if is_chinese(text):
        words = chinese_words(text)
        return "".join((("\u200b" if _needs_point(a, b) else "") + _hold(b)) if i else _hold(b)
                       for i, (a, b) in enumerate(zip([""] + words, words)))
    text = unbroken_words().sub(lambda m: _hold(m.group()), text)
    return re.sub(rf"(?<=[{_IDEOGRAPH}])(?=[A-Za-z0-9(\[])|(?<=[A-Za-z+/,)\]%])(?=[{_IDEOGRAPH}])", "\u200b", text)


def tie_units(text: str, alone: bool = True) -> str:
    """A figure and the unit typed after it ('49,000 亿元', '41.9 %', 'range 5–20 %') tied: a no-break space between
    them, a word joiner after a range's dash and inside a Chinese unit, so print never ends a line inside it; a Chinese
    unit (亿元) standing alone is held whole too."""
    text = FIGURE_UNIT.sub(lambda m: f"{m.group(1).replace('–', '–' + WORD_JOINER)}\u00a0{m.group(2)}", text)
    return UNIT_WORD.sub(lambda m: WORD_JOINER.join(m.group()), text) if alone else text


def is_chinese(text: str) -> bool:
    """Whether a cell is Chinese text (a quote) rather than English with a short Chinese term: five or more Chinese
    characters making at least 40 % of its width (搜索验证(Search)占35%)."""
    text = text.replace(WORD_JOINER, "")
    n = len(re.findall(f"[{_IDEOGRAPH}]", text))
    return n > SHORT_TERM and 5 * n >= display_len(text)


_OPENING, _CLOSING = "(（“‘「《[【", ")）”’」》]】%,.，。、：:;；！？!?-–—/+·…"


@functools.lru_cache(maxsize=1)
def _chinese_atoms() -> re.Pattern:
    from growthpath import paths
    from growthpath.data import datapackage

    units = pd.read_csv(paths.data_dir() / datapackage.resource("units")["path"], dtype=str)["unit"].dropna()
    units = {simplified(u) for u in units if CJK.search(u) and display_len(u) <= UNIT_LONGEST} | {"万亿", "万亿元", "个百分点", "%"}
    known = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(rf"[−+-]?\d[\d.,]*(?:[–-]\d[\d.,]*)?(?:[ \u00a0]?(?:{known}))?"   # a figure, with its unit
                      rf"|{known}"                                                  # a unit
                      rf"|[A-Za-z][A-Za-z0-9_.'’]*"                                 # a Latin word (GMV, ROI, KOL)
                      rf"|[\s\S]")                                                  # any one character


def chinese_words(text: str) -> list[str]:
    """The words of Chinese text as print keeps them: each character, a figure with its unit (3.2万亿元, 80%), a unit
    (个百分点), a Latin word (GMV); an opening mark kept with the word after it, a closing mark (，、%) or a joining
    mark (+ / -) with the word before it."""
    words: list[str] = []
    opening = ""
    for atom in _chinese_atoms().findall(text.replace(WORD_JOINER, "").replace("\u200b", "")):
        if atom in _OPENING:
            opening += atom
        elif atom in _CLOSING and words and not opening and not words[-1].isspace():
            words[-1] += atom
        else:
            words.append(opening + atom)
            opening = ""
    if opening:
        words.append(opening)
    return words


def _needs_point(before: str, after: str) -> bool:
    """A break point between two words of Chinese text where xeCJK puts none: at a Latin side (GMV突破, 40%+流量), never
    at a space (a line breaks there anyway) nor between two Chinese characters (xeCJK breaks there itself)."""
    if not before or before[-1].isspace() or after[0].isspace():
        return False
    return not (_WIDE_CHAR.match(before[-1]) and _WIDE_CHAR.match(after[0]))


def breakable(text: str) -> str:
    """Long Latin tokens (source ids like `assumption:shock_subsidy_exposure`, finding ids joined by + and @, a
    hyphenated word like recommendation-algorithm) may wrap after : / + @ in print: a zero-width
    space, which the PDF preamble turns into a break point. A snake_case name (`scorecard_on_track_p`) wraps after its
    underscores only when longer than ID_LONGEST: a shorter one is one word, and its column is as wide as it
    (`print_widths`). A word's hyphen (Live-commerce, shopper-growth: letters either side) is a break point at any
    length, as in running text (the preamble forbids breaks at a hyphen in a cell, for ids like 000-1.4-01). Chinese
    text breaks between any two characters already and is left as it is."""
    def underscores(part: str) -> str:
        return re.sub(r"(_)(?=\w)", "\\1\u200b", part) if len(part) > ID_LONGEST else part

    def points(m: re.Match) -> str:
        token = m.group()
        if CJK.search(token):
            return token
        token = re.sub(r"([:/+@]|(?<=[A-Za-z])-(?=[A-Za-z]))(?=\w)", "\\1\u200b", token)
        return "\u200b".join(underscores(part) for part in token.split("\u200b"))

    text = re.sub(r"\S{%d,}" % (LONGEST_WORD + 1), points, text)
    return re.sub(r"(?<![^\sA-Za-z(])([A-Za-z]{3,}-)(?=[A-Za-z]{3})", "\\1\u200b", text)   # Live-commerce, shopper-growth


def unbroken_value(text: str) -> str:
    """A cell that is a value and its unit, joined by a no-break space (LaTeX's tie): print never wraps between them."""
    return text.replace(" ", "\u00a0") if NUMBER_UNIT.fullmatch(text) else text


def _longest_word(values, header: str) -> int:
    words = [w for v in list(values) + [header]
             for w in ([str(v)] if NUMBER_UNIT.fullmatch(str(v)) else
                       unbroken(breakable(str(v))) + [m.group() for m in FIGURE_UNIT.finditer(str(v))])]
    return min(max([display_len(w) for w in words] or [1]), ID_LONGEST)


def print_widths(frame: pd.DataFrame) -> tuple[list[int], bool]:
    """Relative print widths, and whether the table needs the smaller type to fit: every column at least as wide as its
    longest word (ids, numbers and units never wrap mid-token); the room left on the line shared in proportion to how
    much longer each column's typical cell is."""
    need = [math.ceil(_longest_word(frame[c], str(c)) * WORD_SLACK) + 1 for c in frame.columns]
    want = [max(n, min(int(frame[c].map(display_len).quantile(0.9)), 40)) for n, c in zip(need, frame.columns)]
    wide = sum(need) + CELL_PAD[False] * len(need) > PRINT_CHARS[False]
    room = PRINT_CHARS[wide] - CELL_PAD[wide] * len(need)
    spare, wish = room - sum(need), sum(w - n for n, w in zip(need, want))
    if sum(want) > room and spare > 0:
        want = [n + spare * (w - n) / wish for n, w in zip(need, want)]
    elif sum(want) > room:
        want = need   # wider than the page even at its words: the widest tokens wrap at their break points
    return [round((w + CELL_PAD[wide]) * 10) for w in want], wide


def _format_floats(column: pd.Series) -> pd.Series:
    """A column of numbers with thousands separators and '–' for a missing value; none of its values has decimals from
    1,000 up. Where its values below 1,000 need at most one decimal, all show the same ([14.1, 4.0] → ['14.1', '4.0']);
    where some need two, the column mixes measures and each shows what it needs ([0.45, 24.0] → ['0.45', '24'])."""
    def needed(v: float) -> int:
        return len(f"{v:.2f}".rstrip("0").split(".")[1]) if abs(v) < 1000 else 0

    places = max((needed(v) for v in column if not pd.isna(v)), default=0)
    mixed = places > 1      # a column of mixed measures (a 0.45 share, 24 hours): each value with the decimals it needs

    def shown(v: float) -> str:
        if pd.isna(v):
            return "–"
        text = f"{v:,.{needed(v) if mixed else places if abs(v) < 1000 else 0}f}"
        return text.lstrip("-") if text.lstrip("-").strip("0.,") == "" else text     # never '-0.0'

    return column.map(shown)


def table(frame: pd.DataFrame, caption: str = "", interactive: bool = False, print_columns=(), verbatim=()) -> Table:
    return Table(frame.reset_index(drop=True), caption, interactive, tuple(print_columns), tuple(verbatim))


def claims_table(found: pd.DataFrame, caption: str, findings=None) -> "Table | Markdown":
    """A section's claims. With the chapter's `findings`, the screen shows only the claims the section discusses, those
    its findings cite, and says how many others there are; print gives one sentence. Appendix B lists every claim with
    its quote (the print edition keeps the chapters to their analysis)."""
    from IPython.display import Markdown

    from growthpath.data import claims as ledger

    ids = sorted(found["claim_id"])
    where = caption.split(":")[0]
    note = f"{where}: {len(ids)} claims ({ids[0]} to {ids[-1]}), each listed with its quote in Appendix B." if ids else f"{caption}: none."
    if findings is None:
        return Table(ledger.table(found).reset_index(drop=True), caption, print_note=note)
    from growthpath import audit

    places = sorted(set(zip(found["doc"], found["section"])))
    cited = {r.claim_id for f in audit.for_places(findings, places) for r in f.refs}   # published findings only
    shown = found[found["claim_id"].isin(cited)]
    if shown.empty:
        return Markdown(escape_markdown(f"{note} The audit flags none of them.") + "\n")
    others = len(found) - len(shown)
    heading = (f"{where}: the {len(shown)} claim{'' if len(shown) == 1 else 's'} the audit flags"
               + (f" ({others} more, none flagged, in Appendix B)" if others else ""))
    return Table(ledger.table(shown).reset_index(drop=True), heading, print_note=note)


def _spaced(value):
    """A cell's percentages spaced as the book's ("+54 %"); a cell holding Chinese (a quote) is left as written."""
    return spaced_percents(value) if isinstance(value, str) and not CJK.search(value) else value


def simplified(value):
    """Text in Simplified Chinese (the seeds were scraped with Traditional forms mixed in); anything else unchanged."""
    from growthpath.audit.registry import to_simplified

    return to_simplified(value) if isinstance(value, str) and CJK.search(value) else value


@dataclass
class RunParameters:
    """The reader-facing 'Run parameters' note: on screen a collapsed box with a table, in print one small paragraph
    (the values are the same; print has no collapsed boxes, and a table per chapter cost a page each)."""

    lead: str                          # Markdown: the scenario, or that the page does not depend on it
    rerun: str                         # the command that reruns the chapter
    rows: list[tuple[str, str]]        # (parameter, value as shown)

    def _repr_html_(self) -> str:
        from markdown_it import MarkdownIt

        lead = MarkdownIt().renderInline(f"{self.lead} Rerun with `{self.rerun} -p key=value`." if self.rows
                                         else f"{self.lead} This page has no parameters of its own: it reflects `data/` as built.")
        table = ids_whole(pd.DataFrame(self.rows, columns=["parameter", "value"]).to_html(index=False, escape=True, border=0,
                                                                                          classes="gp-table"))
        return (f'<details class="gp-run-parameters"><summary>Run parameters</summary><p>{lead}</p>'
                f'{table if self.rows else ""}</details>')

    def _repr_markdown_(self) -> str:
        if not self.rows:
            return f"*Run parameters.* {self.lead} This page has no parameters of its own: it reflects `data/` as built.\n"
        values = "; ".join(f"`{k}` = {escape_markdown(v)}" for k, v in self.rows)   # a name as typed on a command line
        return f"*Run parameters.* {self.lead} {values}.\n"


def plain_value(v) -> str:
    """A parameter's value as a reader reads it: text without quotes, a list as '30, 90, 180, 365' (no Python or
    JSON brackets), a mapping as 'key: value, …'."""
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)):
        return ", ".join(plain_value(x) for x in v)
    if isinstance(v, Mapping):
        return ", ".join(f"{k}: {plain_value(x)}" for k, x in v.items())
    return json.dumps(_plain(v), ensure_ascii=False)


def run_parameters(params: dict, register=None, scenario: str | None = None) -> RunParameters:
    """The 'Run parameters' note listing the values this chapter ran with; a parameter left at None shows the value
    it takes from the assumption `register`. `scenario` is given only by a chapter that reads it (declares it in its
    parameters cell); the note of any other chapter says the page is the same under every scenario (the runner runs
    it once and reuses it for the others)."""
    def shown(k, v):
        if register is not None and k in register:
            if v is None:
                return f"{register[k]:g} (assumption register)"
            row = register.row(k)
            where = "inside" if row["low"] <= v <= row["high"] else "outside"
            return (f"{v:g} (set for this run; the register has {row['value']:g}, range {row['low']:g}–{row['high']:g}: "
                    f"{where} it)")
        if v in ("", None) or v == {}:
            return "not set (the default)"
        if k.endswith("_path") and isinstance(v, str) and Path(v).is_absolute():
            return f"{Path(v).name} (a file outside the project)"  # no machine's local folders on a page
        return plain_value(v)

    lead = (f"Scenario **{escape_markdown(scenario)}**." if scenario is not None
            else "This page does not depend on the scenario: every scenario of `data/scenarios.yml` gives the same page.")
    rerun = "growthpath run --chapter …" + (f" --scenario {scenario}" if scenario is not None else "")
    return RunParameters(lead, rerun, [(k, shown(k, v)) for k, v in params.items()])


def glue_claims(claims: pd.DataFrame) -> None:
    """Glue every claim's value as written in the seed (e.g. 3.2 for 3.2万亿元), keyed by `values.claim_key`."""
    from growthpath.data import values

    for _, row in claims.iterrows():
        glue(values.claim_key(row["claim_id"]), values.claim(row))


class Prose:
    """A computed sentence: Markdown for `{glue:md}` in its own chapter, and the same words as plain text (emphasis
    marks dropped) for `{glue:text}`, which is how another page (the executive summary) can quote it."""

    def __init__(self, text: str):
        self.text = str(text)

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return plain_text(self.text)


def missing_results_note(missing: list[str]) -> "Markdown | None":
    """A warning box when a page built from results files lacks some scenarios' results (else nothing)."""
    from IPython.display import Markdown

    if not missing:
        return None
    names = ", ".join(f"`{escape_markdown(n)}`" for n in missing)
    return Markdown(f":::{{warning}}\nNo results yet for {'scenario' if len(missing) == 1 else 'scenarios'} " + names + ": run "
                    "`growthpath run --all-scenarios` (part of `make book`) to fill them in.\n:::\n")


def findings_table(found) -> "Markdown | None":
    """The audit's findings on a chapter's section as one compact table linking each to Appendix A; nothing (no output
    at all, not an empty Markdown that print shows as its repr) when no finding touches the section."""
    from IPython.display import Markdown

    from growthpath.audit import boxes

    table = boxes.findings_table(list(found))
    return Markdown(table) if table else None


def findings(found, claims: pd.DataFrame, **kwargs) -> "Markdown":
    """The audit's findings as admonitions, in place in a chapter (see growthpath.audit.boxes)."""
    from IPython.display import Markdown

    from growthpath.audit import boxes

    return Markdown(boxes.findings_markdown(list(found), claims, **kwargs))


class HeadlineError(ValueError):
    pass


def glue_headlines(chapter: str, own_log: bool = False) -> None:
    """Check and glue the chapter's headlines (results/headlines.yml): each `holds` statement must be true
    of the values glued so far (else the chapter stops: its sentence would be false), and each sentence is
    glued as `headline_<key>` for the executive summary to quote. A headline this run's parameters do not
    compute (a repurchase window an analyst left out) is skipped; the base edition's tests require them all. On an
    analyst's own order log (`own_log`) nothing is glued: the headlines are the book's statements about its own data."""
    from growthpath.publish import appendix_tables

    if own_log:
        return
    values = {k: v["value"] for k, v in RESULTS.items()}
    for key, h in appendix_tables.headlines().get(chapter, {}).items():
        if key not in values:   # not computed under this run's parameters (another order log, other windows)
            continue
        if h.holds and not appendix_tables.evaluate(h.holds, values):
            raise HeadlineError(f"results/headlines.yml: {chapter}.{key}: {h.holds!r} does not hold, so the sentence "
                                f"would be false: {h.sentence or h.label!r}")
        if h.sentence:
            glue(f"headline_{key}", Value(appendix_tables.render(h, values), _ids_behind(h.sentence), markdown=True,
                                          computed_by="growthpath.publish.appendix_tables.render"))


def _ids_behind(sentence: str) -> list[str]:
    """The ids recorded for the glued values a headline's sentence fills in (a traced record's '… (n in all)'
    tail is left out: chapters not yet converted)."""
    import string

    keys = [field for _, field, _, _ in string.Formatter().parse(sentence) if field]
    return [i for k in keys for i in RESULTS[k]["data_ids"].split(", ") if i and "…" not in i]


def section_verdicts(found, chapter: int | None = None, own_log: bool = False) -> "Markdown":
    """The verdict on every seed section this chapter covers (all sections when `chapter` is None):
    holds, does not hold, or cannot be checked, and why (see growthpath.audit.verdicts). The verdicts
    were reached on the book's own data; `own_log` (a run on the analyst's order log) says so above them."""
    from IPython.display import Markdown

    from growthpath import audit
    from growthpath.data import claims, datapackage
    from growthpath.audit import verdicts

    frame = verdicts.table(list(found), claims.sections(), datapackage.read_table("section_verdicts"))
    if chapter is not None:
        frame = frame[frame["chapter"] == chapter]
    audit.record_places(zip(frame["doc"], frame["section"]))  # the findings these verdicts count
    note = ("*These verdicts were reached on the book's own data, whose order-level evidence is the public stand-in "
            "log; this run used your order log, so where a verdict cites the stand-in, the measures above are yours.*\n\n"
            if own_log else "")
    return Markdown(note + verdicts.markdown(frame))
