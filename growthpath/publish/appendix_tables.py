"""Frames for the book's results appendices, read from the results files the runner writes:
the chapters' headline figures under every scenario, and where every glued number comes from."""
from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from growthpath import paths
from growthpath.markup import spaced_percents
from growthpath.data import datapackage, scenarios
from growthpath.analysis import words
from growthpath.publish import places, results


# words a headline's label must use for the kind of quantity its key computes (checked against the kind
# the chapter declares when it glues the value)
QUANTITY_WORDS = {"projection": ("projected", "projection", "outlook", "forecast"), "ceiling": ("ceiling",),
                  "probability": ("p(", "probability"), "growth": ("growth",), "share": ("share", "conversion"),
                  "ratio": ("÷", "ratio", " vs ", "times"), "count": ("number", "risks", "findings", "contradictions", "buyers"),
                  "level": (), "estimate": ("estimate", "shape", "value", "gini", "error"), "threshold": ("needed", "break even")}


class Headline(BaseModel):
    """One headline figure: its label, unit and format for the comparison table; the year and kind of
    quantity its key computes (the label must name them); the sentence the book prints about it; and a
    statement over the chapter's glued values that must hold for that sentence to be true."""
    model_config = ConfigDict(extra="forbid")
    label: str
    unit: str = ""
    format: str = ".2f"
    scale: float = 1.0
    year: int | None = None
    quantity: str | None = None
    sentence: str | None = None
    holds: str | None = None


class HeadlineError(ValueError):
    pass


def headlines_path():
    return results.results_dir() / "headlines.yml"


def headlines() -> dict[str, dict[str, Headline]]:
    """{chapter: {key: Headline}} from results/headlines.yml, validated."""
    path = headlines_path()
    datapackage.record_read(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    for chapter, keys in raw.items():
        out[chapter] = {}
        for key, spec in (keys or {}).items():
            try:
                out[chapter][key] = Headline(**spec)
            except (ValidationError, TypeError) as exc:
                raise HeadlineError(f"{paths.relative(path)}: {chapter}.{key}: {exc}") from None
    return out


def scenario_results() -> dict[str, list[dict] | None]:
    """Each scenario's records, or None when results/<scenario>.json has not been written yet."""
    found = {}
    for name in scenarios.names():
        path = results.results_path(name)
        datapackage.record_read(path)
        found[name] = results.load(path) if path.exists() else None
    return found


def missing_scenarios(found: dict) -> list[str]:
    return [name for name, records in found.items() if records is None]


def headline_values(found: dict, spec: dict | None = None) -> pd.DataFrame:
    """Long frame: chapter, key, figure, unit, scenario, value (scaled as the spec says)."""
    spec = spec or headlines()
    rows = []
    for name, records in found.items():
        index = {(r["chapter"], r["key"]): r["value"] for r in records or []}
        for chapter, keys in spec.items():
            for key, h in keys.items():
                value = index.get((chapter, key))
                rows.append({"chapter": chapter, "key": key, "figure": h.label, "unit": h.unit, "scenario": name,
                             "value": float(value) * h.scale if isinstance(value, (int, float)) else None})
    return pd.DataFrame(rows)


def _fmt(value, fmt: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    return format(int(round(value)) if fmt.endswith("d") else value, fmt)


def side_by_side(long: pd.DataFrame, spec: dict | None = None) -> pd.DataFrame:
    """One row per headline figure, one column per scenario (formatted), and whether it moves."""
    spec = spec or headlines()
    names = list(dict.fromkeys(long["scenario"]))
    rows = []
    for (chapter, key), group in long.groupby(["chapter", "key"], sort=False):
        h = spec[chapter][key]
        values = dict(zip(group["scenario"], group["value"]))
        known = [v for v in values.values() if v is not None and not pd.isna(v)]
        moves = "–" if len(known) < 2 else ("yes" if max(known) - min(known) > 1e-9 * max(1, abs(max(known))) else "no")
        rows.append({"chapter": chapter_label(chapter), "figure": h.label, "unit": h.unit,
                     **{n: _fmt(values.get(n), h.format) for n in names}, "moves": moves})
    return pd.DataFrame(rows)


def chapter_label(chapter: str) -> str:
    """A chapter as the book names it: `04_theory` → `Chapter 4`, `91_audit` → `Appendix A` (appendices are lettered
    from 91); a reader never sees a notebook's file name."""
    kind = "Chapter" if int(chapter.partition("_")[0]) < 90 else "Appendix"
    return f"{kind}\u00a0{chapter_number(chapter)}"   # one word: never 'Chapter / 1'


def chapter_number(chapter: str) -> str:
    """`04_theory` → '4', `91_audit` → 'A' (appendices are lettered from 91)."""
    n = int(chapter.partition("_")[0])
    return str(n) if n < 90 else chr(ord("A") + n - 91)


def relative_to_base(long: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's headline as a % difference from base (for the chart); figures whose base is 0 are dropped."""
    base = long[long["scenario"] == "base"].set_index(["chapter", "key"])["value"]
    out = long.join(base.rename("base"), on=["chapter", "key"]).dropna(subset=["value", "base"])
    out = out[out["base"].abs() > 0]
    out = out.assign(diff_pct=(out["value"] / out["base"] - 1) * 100, ratio=out["value"] / out["base"])
    return out[["chapter", "figure", "scenario", "value", "base", "diff_pct", "ratio"]].reset_index(drop=True)


def glued_values(records: list[dict]) -> dict[str, dict]:
    """{chapter: {key: value}} of a run's records."""
    values: dict[str, dict] = {}
    for r in records:
        values.setdefault(r["chapter"], {})[r["key"]] = r["value"]
    return values


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def english_of(record: dict, values: dict[str, dict]) -> bool:
    """A `<key>_en` record: a number of the same chapter said in English (`page.glue`), not a number of its own."""
    base = record["key"].removesuffix("_en")
    return base != record["key"] and base in values.get(record["chapter"], {})


def first_printed(record: dict, found: dict) -> "places.Place | None":
    """Where a reader first sees a number: its own first place or that of its English wording, whichever comes
    first in the book (the summary before the chapters)."""
    at = [found.get((record["chapter"], k)) for k in (record["key"], record["key"] + "_en")]
    return min((p for p in at if p), key=reading_order, default=None)


def reading_order(place: "places.Place") -> tuple:
    return place.page != "summary", place.page, place.order, place.part


def sentence_figures(record: dict, found: dict) -> list["places.Place"]:
    """Where each figure a glued sentence prints is first seen (its `key#1`, `key#2`, … places), in order."""
    at, part = [], 1
    while (place := found.get((record["chapter"], f"{record['key']}{places.SENTENCE_PART}{part}"))) is not None:
        at.append(place)
        part += 1
    return at


@dataclass(frozen=True)
class Provenance:
    """The numbers a reader sees in the prose (one row each, where it first appears, as printed), and how many glued
    values are not listed: numbers no prose prints, and computed words and sentences that print no figure."""
    frame: pd.DataFrame
    unprinted: int
    words: int


PROVENANCE_COLUMNS = ["chapter", "where it appears", "value", "source", "glue key", "computed by", "data ids"]


def provenance_table(records: list[dict], found: dict | None = None) -> Provenance:
    """Every number a run's prose prints with its recorded source, computing function and data ids (`found`: where
    each glued value is printed, `places.book_places`). A glued sentence gives a row for each figure it prints, with
    the sentence's provenance (a summary's '+192,000 元 of lifetime order value' is a row like any glued number). The
    ledger's own values (`claim_*` keys) are sourced by their claim id in Appendix B and left out; a number's English
    wording (`<key>_en`) is part of its row."""
    values = glued_values(records)
    found = places.book_places(values) if found is None else found
    computed = [r for r in records if not results.is_ledger_copy(r) and not english_of(r, values)]
    numbers = [r for r in computed if is_number(r["value"])]
    shown = [(r, p) for r in numbers if (p := first_printed(r, found))]
    sentences = [(r, sentence_figures(r, found)) for r in computed if isinstance(r["value"], str)]
    shown += [(r, p) for r, at in sentences for p in at]
    shown.sort(key=lambda rp: reading_order(rp[1]))
    frame = pd.DataFrame([_provenance_row(r, p) for r, p in shown], columns=PROVENANCE_COLUMNS)
    return Provenance(frame, unprinted=len(numbers) - sum(1 for r in numbers if first_printed(r, found)),
                      words=sum(1 for _, at in sentences if not at) + len(computed) - len(numbers) - len(sentences))


def _provenance_row(record: dict, place: "places.Place") -> dict:
    key = record["key"] if place.page == record["chapter"] else f"{record['chapter']}::{record['key']}"
    return {"chapter": place.title, "where it appears": f"{place.section}: {place.excerpt}" if place.section else place.excerpt,
            "value": place.shown, "source": record.get("source", ""), "glue key": key,
            "computed by": ", ".join(_short_name(f) for f in record.get("computed_by", [])),
            "data ids": _few_ids(record.get("data_ids", ""))}


def _few_ids(text: str, keep: int = 4) -> str:
    """The first ids and how many there are in all (the results file keeps the full record)."""
    total = re.search(r"\((\d+) in all\)", text)
    ids = [i for i in re.sub(r"….*$", "", text).split(", ") if i]
    n = int(total.group(1)) if total else len(ids)
    return ", ".join(ids[:keep]) + (f" … ({n} in all)" if n > keep else "")


def _short_name(qualified: str) -> str:
    return qualified.removeprefix("growthpath.")


# ----------------------------------------------------------------------------- headlines that check themselves
_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_CMPOPS = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Eq: operator.eq,
           ast.NotEq: operator.ne}
_CALLS = {"abs": abs, "min": min, "max": max, "round": round, "likelihood": words.likelihood}


class StatementError(ValueError):
    pass


def evaluate(expression: str, values: dict):
    """The value of a `holds` statement over `values` (glued keys → values). Only names, numbers, strings,
    arithmetic, comparisons, and/or/not and abs/min/max/round are allowed: nothing else is evaluated."""
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise StatementError(f"unknown value {node.id!r} in {expression!r}")
            return values[node.id]
        if isinstance(node, ast.BoolOp):
            items = [ev(v) for v in node.values]
            return all(items) if isinstance(node.op, ast.And) else any(items)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            return (not ev(node.operand)) if isinstance(node.op, ast.Not) else -ev(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Compare):
            left, ok = ev(node.left), True
            for op, comp in zip(node.ops, node.comparators):
                if type(op) not in _CMPOPS:
                    raise StatementError(f"comparison {type(op).__name__} not allowed in {expression!r}")
                right = ev(comp)
                ok = ok and _CMPOPS[type(op)](left, right)
                left = right
            return ok
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS and not node.keywords:
            return _CALLS[node.func.id](*[ev(a) for a in node.args])
        raise StatementError(f"{type(node).__name__} not allowed in {expression!r}")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise StatementError(f"not a statement: {expression!r} ({exc.msg})") from None
    return ev(tree)


def render(headline: Headline, values: dict) -> str:
    """The headline's sentence with the chapter's glued values filled in (`{key:format}` fields)."""
    if headline.sentence is None:
        raise StatementError(f"headline {headline.label!r} has no sentence")
    try:
        return spaced_percents(headline.sentence.format(**values))   # "0.0 %", as the book prints every percentage
    except (KeyError, ValueError) as exc:
        raise StatementError(f"sentence of {headline.label!r}: {exc}") from None


def chapter_values(records: list[dict], chapter: str) -> dict:
    return {r["key"]: r["value"] for r in records if r["chapter"] == chapter}


def label_problems(spec: dict, records: list[dict]) -> list[str]:
    """Headlines whose label does not name what their key computes: the year and the kind of quantity the
    chapter declared when it glued the value (e.g. a 'ceiling' label on a projection, a 2020 label on a
    2023 figure)."""
    index = {(r["chapter"], r["key"]): r for r in records}
    problems = []
    for chapter, keys in spec.items():
        for key, h in keys.items():
            record = index.get((chapter, key))
            if record is None:
                problems.append(f"{chapter}.{key}: not in the results")
                continue
            if h.year is not None:
                if record.get("year") != h.year:
                    problems.append(f"{chapter}.{key}: the label says {h.year}, the chapter glued year {record.get('year')}")
                if str(h.year) not in h.label:
                    problems.append(f"{chapter}.{key}: the label does not name the year {h.year}")
            if h.quantity is not None:
                if record.get("kind") != h.quantity:
                    problems.append(f"{chapter}.{key}: the label says {h.quantity}, the chapter glued a {record.get('kind')}")
                words_ = QUANTITY_WORDS.get(h.quantity)
                if words_ is None:
                    problems.append(f"{chapter}.{key}: unknown quantity {h.quantity!r}")
                elif words_ and not any(w in h.label.lower() for w in words_):
                    problems.append(f"{chapter}.{key}: the label {h.label!r} does not say it is a {h.quantity}")
                for other, other_words in QUANTITY_WORDS.items():
                    if other != h.quantity and other in ("ceiling", "projection") and any(w in h.label.lower() for w in other_words) \
                            and not (h.quantity == "projection" and other == "projection"):
                        problems.append(f"{chapter}.{key}: the label calls a {h.quantity} a {other}")
    return problems


def statement_problems(spec: dict, records: list[dict]) -> list[str]:
    """Headlines whose `holds` statement is false, or whose printed sentence differs from its template."""
    problems = []
    for chapter, keys in spec.items():
        values = chapter_values(records, chapter)
        for key, h in keys.items():
            if h.holds and not evaluate(h.holds, values):
                problems.append(f"{chapter}.{key}: {h.holds!r} does not hold")
            if h.sentence and values.get(f"headline_{key}") != render(h, values):
                problems.append(f"{chapter}.{key}: the printed sentence is not the one in results/headlines.yml")
    return problems
