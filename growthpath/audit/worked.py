"""A finding's inputs as a short worked calculation a reader can follow: what is compared in one phrase ('the share of
users reached repeatedly, for …, undated') and each figure named in words with its unit ('the stated annual growth,
for the industry: 22 %'), never the rule's internal keys.

`INPUT_WORDS` (and `RULE_WORDS` where one key means something else in one rule) declares the words of every input a
rule gives; a test runs the whole audit and fails on an input without words, so a new rule names its inputs here."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from growthpath.audit.registry import TWO_READINGS, Finding, fmt, period_range, period_year
from growthpath.audit.relate import who
from growthpath.data.claims import metric_label
from growthpath.data.values import in_english
from growthpath.markup import CJK


@dataclass(frozen=True)
class Words:
    """How one input reads: `label` (it may hold another input as `{key}`) and its unit: a unit itself, or '@key'
    for the input that holds it (the input 'unit' when that one is absent). `hedged` is the label when an input it
    names is only a reading (`inputs['assumed']`), with that reading's hedge as `{hedge}`."""
    label: str
    unit: str = ""
    hedged: str = ""


SHOWN_WITH_ANOTHER = None   # a unit, a period or a name that another input's words already show

# the fields that say what is compared, read as one phrase (`compared`), not as figures
COMPARED = ("form", "subject", "entity", "programme", "scope", "time")

INPUT_WORDS: dict[str, Words | None] = {
    # two statements of one quantity, or two results of one initiative
    "a": Words("the first figure", "@a_unit"), "b": Words("the second figure", "@b_unit"),
    "a_unit": SHOWN_WITH_ANOTHER, "b_unit": SHOWN_WITH_ANOTHER, "unit": SHOWN_WITH_ANOTHER,
    "value_000": Words("document 000's figure, {year_000}", "@unit_000"),
    "value_004": Words("document 004's figure, {year_004}", "@unit_004"),
    "unit_000": SHOWN_WITH_ANOTHER, "unit_004": SHOWN_WITH_ANOTHER, "year_000": SHOWN_WITH_ANOTHER,
    "year_004": SHOWN_WITH_ANOTHER,
    "implied_start_pct": Words("the starting rate at which both would describe one change", "%"),
    "stated_levels_pct": Words("the rates the documents give for the firm", "%"),
    # growth between two values
    "start": Words("{endpoints_entity}'s value at the start of {period}", "@unit",
                   hedged="{endpoints_entity}'s value at the start of the rise, {hedge}"), "end": Words("at its end", "@unit"),
    "stated_rate_pct": Words("the stated annual growth, for {rate_entity}", "%"),
    "period": SHOWN_WITH_ANOTHER, "endpoints_entity": SHOWN_WITH_ANOTHER, "rate_entity": SHOWN_WITH_ANOTHER,
    "target": Words("the target", "@target_unit"), "target_unit": SHOWN_WITH_ANOTHER,
    "target_year": Words("the target year"), "base_year": Words("the base year"), "year": Words("the year"),
    "annual_rate_pct": Words("the targeted annual growth", "%"),
    "other_reading": Words("another reading for that year", "@other_reading_unit"), "other_reading_unit": SHOWN_WITH_ANOTHER,
    # parts and wholes
    "part": Words("the part", "@part_unit"), "part_unit": SHOWN_WITH_ANOTHER, "whole": Words("the whole", "@unit"),
    "share_pct": Words("the share", "%"), "parts": Words("the shares", "%"),
    "beside": Words("another figure in the sentence", "%"),
    "implied_total": Words("the whole its parts imply", "@unit"),
    "other_total": Words("the whole another reading gives", "@unit"),
    "reading": Words("the plan's figure", "@unit"), "bound": Words("the bound, {bound_series}", "@unit"),
    "bound_series": SHOWN_WITH_ANOTHER, "bound_period": SHOWN_WITH_ANOTHER,
    "value_pct": Words("the rate", "%"),
    "shares_pct": Words("the penetration rates"), "counts": Words("the plan's counts of those people"),
    "implied_bases": Words("the base each rate is then taken of"),
    "population": Words("the country's population, {population_period}", "@unit"), "population_period": SHOWN_WITH_ANOTHER,
    "average_a_pct": Words("one industry average", "%"), "average_b_pct": Words("the other industry average", "%"),
    # the plan's targets against each other
    "target_share_pct": Words("the target share", "%"), "target_whole": Words("the target for the whole", "@unit"),
    "implied_part": Words("the part this implies", "@unit"),
    "whole_floor": Words("the whole's target is a floor"),
    "whole_to_keep_part": Words("the whole the part needs to keep its level", "@unit"), "stated_part": Words("the part's own target", "@unit"),
    "current_part": Words("the part's latest stated level, {current_year}", "@unit"), "current_year": SHOWN_WITH_ANOTHER,
    "gmv": Words("the GMV target", "亿元"), "users": Words("the user target", "亿人"),
    "aov": Words("the order-value target", "元"), "orders_per_user_year": Words("the orders per user a year they imply"),
    "stated_per_year_min": Words("the lowest purchase frequency stated, per year"),
    "stated_per_year_max": Words("the highest, per year"),
    "aov_factor": Words("the growth of the order value", "×"),
    "frequency_factor_min": Words("the change in how often each user buys, at least", "×"),
    "frequency_factor_max": Words("at most", "×"),
    # multiples and changes
    "stated": Words("the stated multiple or change", "@stated_unit"), "stated_unit": SHOWN_WITH_ANOTHER,
    "level": Words("the level", "@level_unit"), "level_unit": SHOWN_WITH_ANOTHER,
    "baseline": Words("its baseline", "@baseline_unit"), "baseline_unit": SHOWN_WITH_ANOTHER,
    "rate_a_pct": Words("the rate the gap's sentence names", "%"), "rate_b_pct": Words("the other rate before it", "%"),
    "stated_gap_pp": Words("the stated gap", "pp"),
    "change_pct": Words("the stated change", "%"), "base_rate_pct": Words("the rate's level", "%"),
    "n": Words("N"),
    # evidence, words and facts
    "value": Words("the figure", "@unit"), "quantities": Words("used for"),
    "figures": Words("the result"), "credited_to": Words("credited to"),
    "near_identical_sentences": Words("told in almost the same words"),
    "sections": Words("the sections"), "claims": Words("the claims told twice"), "cases": Words("the cases"),
    "text": Words("the words"), "words": Words("the words"),
    "source": Words("source"), "date": Words("as of"), "fact": SHOWN_WITH_ANOTHER,
    "read_as": Words("the reading taken"),
    # input → the words that say it is a reading, not a figure the text states (the message says the same)
    "assumed": SHOWN_WITH_ANOTHER,
}

# a key that means something else in one rule
RULE_WORDS: dict[str, dict[str, Words | None]] = {
    "known_facts": {"value": Words("the public fact")},
    "target_implied_base": {"year": Words("the year of the other reading")},
}

SCOPE_WORDS = {"programme": "one programme", "project": "one project", "company": "the whole company",
               "market": "the whole market", "users": "its users", "global": "the world", "other": "another scope"}


def words_for(rule: str, key: str) -> Words | None:
    """The declared words of an input; an input declared nowhere (an analyst's own rule) reads as its name in words."""
    overrides = RULE_WORDS.get(rule, {})
    return overrides[key] if key in overrides else INPUT_WORDS.get(key, Words(metric_label(key)))


def unnamed_inputs(f: Finding) -> list[str]:
    """The inputs of a finding that have no words declared here."""
    return [k for k in f.inputs if k not in COMPARED and k not in INPUT_WORDS and k not in RULE_WORDS.get(f.rule, {})]


def worked(f: Finding) -> str:
    """The inputs as a reader reads them (plain text, not yet escaped): 'Compared: <what>. <Figure>: <value with its
    unit>; …'."""
    what = compared(f.inputs)
    figures = figures_text(f)
    out = [f"Compared: {what}." if what else "", figures[:1].upper() + figures[1:] + "." if figures else ""]
    return " ".join(part for part in out if part)


def figures_text(f: Finding) -> str:
    """The figures, each named in words; an input that is only a reading (`inputs['assumed']`: a year the ledger
    infers, say) is shown with the same hedge as the message, never as a stated fact."""
    glossed: set[str] = set()
    assumed = f.inputs.get("assumed") or {}
    shown = []
    for key, value in f.inputs.items():
        if key in COMPARED:
            continue
        words = words_for(f.rule, key)
        if words is SHOWN_WITH_ANOTHER:
            continue
        named = [k for k in re.findall(r"\{(\w+)\}", words.label) if k in assumed]
        if named and words.hedged:
            label = re.sub(r"\{(\w+)\}", lambda m: assumed[named[0]] if m.group(1) == "hedge" else _inside(m.group(1), f.inputs),
                           words.hedged)
        else:
            label = re.sub(r"\{(\w+)\}", lambda m: _inside(m.group(1), f.inputs)
                           + (f" ({assumed[m.group(1)]})" if m.group(1) in assumed else ""), words.label)
        shown_value = figure(key, value, _unit(words, f.inputs), glossed)
        shown.append(f"{label}: {shown_value}" + (f" ({assumed[key]})" if key in assumed else ""))
    return "; ".join(shown)


def _unit(words: Words, inputs: dict) -> str:
    if not words.unit.startswith("@"):
        return words.unit
    return str(inputs.get(words.unit[1:], inputs.get("unit", "")))


def _inside(key: str, inputs: dict) -> str:
    """Another input as it reads inside a label: an entity as a sentence names it, a series with its publisher."""
    value = inputs.get(key, "")
    if key.endswith("_entity"):
        from growthpath.audit.rules import entity_phrase
        return entity_phrase(value)
    if key == "bound_series":
        from growthpath.data.official import series_words
        return series_words(value, inputs.get("bound_period", ""))
    if key.startswith("year_") and value in ("none", ""):
        return "no year given"
    return plain(value)


def figure(key: str, value, unit: str, glossed: set[str]) -> str:
    """A value with its unit, a Chinese unit glossed the first time (35 元/人 (yuan per user)) and a large sum also
    in English (128,947 亿元 (¥12.9 trillion))."""
    if key == "read_as":
        return ", ".join(f"{t} ({TWO_READINGS[t][0]}) as {TWO_READINGS[t][1]}" for t in value)
    if key in ("text", "words"):
        return f"“{value}”"
    if key == "sections":
        return ", ".join(f"§{s.strip()}" for s in str(value).split(","))
    if isinstance(value, dict):
        return ", ".join(f"{metric_label(str(k))} {figure(key, x, unit, glossed)}" for k, x in value.items())
    if isinstance(value, (int, float)) and not isinstance(value, bool) and unit:
        return _with_unit(value, unit, glossed)
    if isinstance(value, str) and unit and re.fullmatch(r"[\d.,]+(?:; [\d.,]+)*", value):
        return "; ".join(_with_unit(float(v.replace(",", "")), unit, glossed) for v in value.split("; "))
    return plain(value)


def _with_unit(value: float, unit: str, glossed: set[str]) -> str:
    if unit == "×":
        return f"{fmt(value)}×"
    english = in_english(value, unit)
    if english:
        return f"{fmt(value, unit)} ({english})"
    if CJK.search(unit) and unit not in glossed and unit_label(unit):
        glossed.add(unit)
        return f"{fmt(value, unit)} ({unit_label(unit)})"
    return fmt(value, unit)


def plain(v) -> str:
    """A value read as words: a bool as yes or no, a ledger name (social_commerce_users) by its label, a list or a
    mapping of parts ('KOL decision weight 38, KOC decision weight 52') item by item; an id stays as it is."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str) and re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)+", v):
        return metric_label(v)
    if isinstance(v, float):
        return fmt(v)
    if isinstance(v, dict):
        return ", ".join(f"{metric_label(str(k))} {plain(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(plain(x) for x in v)
    return str(v)


def compared(inputs: dict) -> str:
    """What a finding compares, in one phrase: 'the share of users reached repeatedly, for an unnamed brand,
    cross-platform marketing (某品牌), in the scope of one programme, undated' ('' when the inputs do not say)."""
    if not any(k in inputs for k in COMPARED):
        return ""
    what = metric_label(inputs["subject"]) if inputs.get("subject") else "the figure"
    if inputs.get("form"):
        what = f"the {str(inputs['form']).replace('_', ' ')} of {what}"
    parts = [what]
    if inputs.get("entity"):
        parts.append(f"for {entity_name(str(inputs['entity']))}")
    if inputs.get("programme"):
        parts.append(f"through its programme {inputs['programme']}")
    if inputs.get("scope") and not inputs["scope"] == inputs.get("entity") == "market":   # not 'the market, in the whole market'
        scope = str(inputs["scope"])
        parts.append(f"in the scope of {SCOPE_WORDS.get(scope, f'the {metric_label(scope)} segment')}")
    if "time" in inputs:
        hedge = (inputs.get("assumed") or {}).get("time")
        parts.append(_time(str(inputs["time"])) + (f" ({hedge})" if hedge else ""))
    return ", ".join(parts)


def _time(time: str) -> str:
    if period_year(time) is not None:
        return f"in {time}"
    return f"over {time}" if period_range(time) else time or "undated"


def entity_name(entity_id: str) -> str:
    """An entity as a sentence names it: 'the market', 'the plan', 'Pinduoduo (拼多多)' (data/reference/entities.csv)."""
    return who({"entity_id": entity_id, "entity_name": _names("entities", "entity_id", "name").get(entity_id)})


def unit_label(unit: str) -> str:
    """A unit in English as data/reference/units.csv names it, without its notes: 元/人 → 'yuan per user',
    万亿元 → 'trillion yuan'."""
    return re.sub(r"\s*\(.*\)$", "", _names("units", "unit", "label_en").get(unit, ""))


def _names(table: str, key: str, column: str) -> dict[str, str]:
    from growthpath.data import datapackage

    path = datapackage.check(table)   # recorded as read by every caller; cached while the file is unchanged
    return _read_names(str(path), path.stat().st_mtime_ns, key, column)


@functools.lru_cache(maxsize=8)
def _read_names(path: str, mtime_ns: int, key: str, column: str) -> dict[str, str]:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(frame[key], frame[column]))
