"""The audit engine: findings, the rule registry, and the context rules read from.

A rule is a small function `rule(ctx, **thresholds) -> list[Finding]` registered with `@rule(...)`
and its default thresholds. Rules see only the ledger, official statistics and the reference tables
(metric families, relations, bounds); nothing is special-cased to a claim id."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

import pandas as pd

SEVERITIES = ("contradiction", "implausible", "unclear")
RULES: dict[str, "Rule"] = {}
REVIEWS = ("correct", "wording fixed", "rejected")

# what kind of problem each rule finds: the audit appendix groups findings by these, and findings of one
# problem on one set of claims are merged into one
PROBLEMS = {
    "One figure, two values": ["same_subject_different_values", "cross_doc_conflict", "growth_vs_endpoints",
                               "pp_difference", "multiplier_vs_baseline", "industry_averages"],
    "Targets that do not add up": ["target_arithmetic", "driver_tree", "target_implied_base"],
    "Parts that do not fit their whole": ["parts_vs_whole", "part_exceeds_whole", "shares_sum", "bounds_official",
                                          "rate_outside_range", "penetration_base"],
    "Evidence told twice or told differently": ["initiative_outcomes", "recycled_evidence", "duplicated_passage",
                                                "one_number_two_meanings"],
    "Words the numbers contradict": ["words_vs_numbers"],
    "Against public facts": ["known_facts"],
    "Wording with two readings": ["percent_or_points", "times_ambiguity"],
}
PROBLEM_OF = {rule: problem for problem, rules in PROBLEMS.items() for rule in rules}


@dataclass(frozen=True)
class Ref:
    doc: str
    section: str
    claim_id: str

    def to_dict(self) -> dict:
        return {"doc": self.doc, "section": self.section, "claim_id": self.claim_id}


@dataclass
class Finding:
    rule: str
    severity: str
    refs: list[Ref]
    inputs: dict[str, object]
    formula: str
    result: str
    message: str
    official: list[str] = field(default_factory=list)   # obs_ids of official figures used
    review: str = ""                                      # correct | wording fixed | rejected (data/reference/reviews.csv)
    review_reason: str = ""

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if not self.refs:
            raise ValueError("a finding must cite at least one claim")

    @property
    def id(self) -> str:
        claims = "+".join(sorted({r.claim_id for r in self.refs}))
        return f"{self.rule}:{claims}" + (f"@{'+'.join(sorted(self.official))}" if self.official else "")

    def to_dict(self) -> dict:
        return {"id": self.id, "rule": self.rule, "severity": self.severity,
                "refs": [r.to_dict() for r in sorted(set(self.refs), key=lambda r: r.claim_id)],
                "arithmetic": {"inputs": self.inputs, "formula": self.formula, "result": self.result},
                "official": sorted(self.official), "message": self.message,
                **({"review": {"verdict": self.review, "reason": self.review_reason}} if self.review else {})}

    @property
    def claim_set(self) -> frozenset[str]:
        return frozenset(r.claim_id for r in self.refs)

    @property
    def problem(self) -> str:
        return PROBLEM_OF.get(self.rule, "Other")


@dataclass
class Rule:
    name: str
    func: Callable
    defaults: dict
    title: str
    doc: str


def rule(name: str, title: str, **defaults):
    """Register a rule with its default thresholds."""
    def wrap(func):
        RULES[name] = Rule(name, func, defaults, title, (func.__doc__ or "").strip())
        return func
    return wrap


# ----------------------------------------------------------------------------- context
def period_year(period: str) -> int | None:
    """A single calendar year for periods like '2023' or 'current (2023)'; None for ranges or blanks."""
    text = str(period)
    found = re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)
    if len(found) == 1 and "-" not in text:
        return int(found[0])
    return None


def period_range(period: str) -> tuple[int, int] | None:
    """The years 'A-B' of a range, also when the ledger writes it as its own reading ('(2021-2023)')."""
    m = re.fullmatch(r"\s*\(?\s*((?:19|20)\d{2})\s*-\s*((?:19|20)\d{2})\s*\)?\s*", str(period))
    return (int(m.group(1)), int(m.group(2))) if m else None


YEAR = r"(?<!\d)(?:19|20)\d{2}(?!\d)"


def period_inferred(period) -> bool:
    """Whether a period's years are the ledger's reading rather than the text's: the ledger writes such years in
    parentheses ('current (2023)': the text says only 当前; '(2021-2023)': the text gives the figure no years)."""
    text = "" if period is None or period != period else str(period)
    return bool(re.search(YEAR, text)) and not re.search(YEAR, re.sub(r"\([^)]*\)", "", text))


def period_said(period) -> str:
    """What the text itself says of an inferred period: 'current' for 'current (2023)', '' when it says nothing."""
    return re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", "", str(period))).strip()


def _plain_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with text columns as Python objects: rules read cells one at a time, which is about
    twice as fast on objects as on Arrow-backed strings (pandas 3's default); values are unchanged."""
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_string_dtype(frame[col]) and not pd.api.types.is_object_dtype(frame[col]):
            frame[col] = frame[col].astype(object)
    return frame


class Context:
    """What rules read: the ledger with families attached, official statistics, reference tables."""

    def __init__(self, claims: pd.DataFrame, stats: pd.DataFrame, families: pd.DataFrame,
                 relations: pd.DataFrame, bounds: pd.DataFrame, series_names: dict | None = None,
                 facts: pd.DataFrame | None = None, seeds: dict[str, str] | None = None):
        self.claims = _plain_strings(with_structure(claims))
        self.facts = _plain_strings(facts) if facts is not None else pd.DataFrame(columns=FACT_COLUMNS)
        self.seeds = seeds or {}
        self._sentences: dict[str, str] = {}
        self.series_names = series_names or {}
        self.stats = _plain_strings(stats)
        self.relations = _plain_strings(relations)
        self.bounds = _plain_strings(bounds)
        by_metric: dict[str, list[tuple[str, str]]] = {}
        for row in families.itertuples():
            by_metric.setdefault(row.metric, []).append((row.entity_pattern, row.family))
        self.claims["family"] = [self._family(m, e, by_metric) for m, e in zip(self.claims["metric"], self.claims["entity"])]
        self._observations: dict[str, pd.DataFrame | None] = {}
        self.claims["measure"] = self.claims["family"].map(
            dict(zip(families["family"], families["measure"]))).fillna("")
        self.claims["year"] = self.claims["period"].map(period_year)
        self.claims["year_end"] = [y if pd.notna(y) else (r[1] if (r := period_range(p)) else None)
                                   for y, p in zip(self.claims["year"], self.claims["period"])]

    @staticmethod
    def _family(metric: str, entity: str, by_metric: dict[str, list[tuple[str, str]]]) -> str:
        """The first family of `metric` whose entity pattern matches (families listed in file order)."""
        for pattern, family in by_metric.get(metric, []):
            if not pattern or re.search(pattern, str(entity)):
                return family
        return ""

    def sentence(self, row) -> str:
        """The seed sentence (Simplified Chinese) that holds the claim's quote; the quote itself when the
        seed text is not available or does not contain it."""
        cid = row["claim_id"]
        if cid not in self._sentences:
            self._sentences[cid] = seed_sentence(self.seeds.get(str(row["doc"]), ""), str(row["quote"])) or str(row["quote"])
        return to_simplified(self._sentences[cid])

    @staticmethod
    def ref(row) -> Ref:
        return Ref(str(row["doc"]), str(row["section"]), str(row["claim_id"]))

    def family(self, name: str) -> pd.DataFrame:
        if not hasattr(self, "_families"):
            self._families = {f: g for f, g in self.claims.groupby("family", sort=False)}
        return self._families.get(name, self.claims.iloc[0:0])

    def official_value(self, series_id: str, year: int | None = None) -> tuple[float, str, str] | None:
        """(value, period, obs_id) of the accepted observation for `year` (annual or December stock),
        or the latest one when `year` is None or later than the data."""
        from growthpath.data import official

        if series_id not in self._observations:
            try:
                self._observations[series_id] = official.observations(self.stats, series_id)
            except LookupError:
                self._observations[series_id] = None
        obs = self._observations[series_id]
        if obs is None:
            return None
        if year is not None:
            same = obs[obs["period"].str.fullmatch(rf"{year}(-12)?") | obs["period"].str.startswith(f"{year}-11-01")]
            if not same.empty:
                row = same.sort_values("grade", key=lambda g: g.map(official.GRADE_RANK)).iloc[0]
                return float(row["value_canonical"]), row["period"], row["obs_id"]
            if obs["period_end"].dt.year.max() >= year:
                return None
        row = obs.iloc[-1]
        return float(row["value_canonical"]), row["period"], row["obs_id"]


# ----------------------------------------------------------------------------- ledger structure
STRUCTURE_COLUMNS = ("entity_id", "entity_type", "programme", "scope", "form", "of_whole", "subject", "baseline_ref")
FACT_COLUMNS = ["fact_id", "kind", "fact", "value", "match", "owner", "severity", "source", "date", "citation", "note"]
TARGET_FORMS = {"target_level", "target_share", "target_growth", "target_ratio", "target_effect", "target_count"}
FORECAST_FORMS = {"forecast_level", "forecast_growth", "forecast_share"}


def stage(form: str) -> str:
    """observed | target | forecast: what kind of statement a form is, whatever it measures."""
    return "target" if form in TARGET_FORMS else "forecast" if form in FORECAST_FORMS else "observed"


def base_form(form: str) -> str:
    """The measure without its stage: target_share → share, forecast_growth → growth_rate."""
    bare = form.split("_", 1)[1] if form in TARGET_FORMS | FORECAST_FORMS else form
    return {"growth": "growth_rate"}.get(bare, bare)


def with_structure(claims: pd.DataFrame) -> pd.DataFrame:
    """The ledger with every structure column present (blank where a hand-made ledger lacks one)."""
    claims = claims.copy()
    for col in STRUCTURE_COLUMNS:
        if col not in claims.columns:
            claims[col] = ""
        claims[col] = claims[col].fillna("").astype(str)
    return claims


def seed_sentence(text: str, quote: str) -> str:
    """The sentence of `text` around the first occurrence of `quote` (bounded by 。！？； or a line end)."""
    at = text.find(quote) if quote else -1
    if at < 0:
        return ""
    stops = "。！？；!?;\n"
    start = max(text.rfind(c, 0, at) for c in stops) + 1
    ends = [i for i in (text.find(c, at + len(quote)) for c in stops) if i >= 0]
    return text[start:(min(ends) + 1 if ends else len(text))].strip()


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Simplified characters (the seeds keep the scraped traditional forms; quotes and patterns are simplified)."""
    return _t2s().convert(text)


def fmt(value: float, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if unit.startswith("比值"):            # a ratio's unit code is not a word: 3.2× (1:x when written so)
        return f"1:{text}" if unit == "比值(1:x)" else f"{text}×"
    return f"{text} {unit}".strip()


def run(ctx: Context, only: list[str] | None = None, thresholds: dict | None = None) -> list[Finding]:
    """Every finding of every rule (or the named ones), sorted by id; duplicates removed."""
    thresholds = thresholds or {}
    unknown = [n for n in (only or []) if n not in RULES]
    if unknown:
        raise KeyError(f"unknown rule(s) {unknown}; rules: {', '.join(RULES)}")
    findings = {}
    for name, r in RULES.items():
        if only and name not in only:
            continue
        params = {**r.defaults, **thresholds.get(name, {})}
        for f in r.func(ctx, **params):
            findings.setdefault(f.id, f)
    return sorted(read_years(hedged(merge_same_problem(list(findings.values())), ctx.claims), ctx.claims), key=lambda f: f.id)


# the inputs of a finding that hold a year or a span of years
YEAR_INPUTS = ("period", "time", "year", "base_year", "target_year", "current_year", "year_000", "year_004")


def year_hedge(value, periods: list[str]) -> str:
    """How a finding says that a year it uses is the ledger's reading: '2023 is the ledger's reading of “current”: the
    text gives no year'. The same words go into the message and the worked arithmetic (`worked.worked`)."""
    said = {period_said(p) for p in periods}
    if len(said) == 1 and "" not in said:
        return f"{value} is the ledger's reading of “{said.pop()}”: the text gives no year"
    return f"{value} is the ledger's reading: the text gives these figures no year of their own"


def read_years(findings: list[Finding], claims: pd.DataFrame) -> list[Finding]:
    """A finding that uses a year (or span) which every claim it cites for that year has only as the ledger's reading
    (`period_inferred`) says so: `inputs['assumed']` maps the input to the hedge, and the message carries the same
    words. A rule that hedges a year its own way puts it in `assumed` itself and is left as it is."""
    periods = dict(zip(claims["claim_id"], claims["period"].fillna("").astype(str)))
    out = []
    for f in findings:
        assumed = dict(f.inputs.get("assumed", {}))
        added = []
        for key in YEAR_INPUTS:
            if key not in f.inputs or key in assumed:
                continue
            years = re.findall(YEAR, str(f.inputs[key]))
            carriers = [periods.get(r.claim_id, "") for r in dict.fromkeys(f.refs)]
            carriers = [p for p in carriers if years and all(y in p for y in years)]
            if carriers and all(period_inferred(p) for p in carriers):
                assumed[key] = year_hedge(f.inputs[key], carriers)
                added.append(assumed[key])
        if not added:
            out.append(f)
            continue
        notes = " ".join(f"{h[:1].upper()}{h[1:]}." for h in dict.fromkeys(added))
        out.append(replace(f, message=f"{f.message} {notes}", inputs={**f.inputs, "assumed": assumed}))
    return out


# a word whose two usual meanings give two different numbers: (gloss, the reading the ledger takes, the other one)
TWO_READINGS = {"贡献率": ("contribution rate", "a share of the total", "a share of the growth")}


def hedged(findings: list[Finding], claims: pd.DataFrame) -> list[Finding]:
    """A contradiction or implausibility that rests on a claim worded with a term of `TWO_READINGS` holds under one
    reading only: it becomes unclear, and its message says which reading it takes and what the other would mean."""
    quotes = dict(zip(claims["claim_id"], claims["quote_zh"]))
    out = []
    for f in findings:
        terms = [t for t in TWO_READINGS if any(t in quotes.get(r.claim_id, "") for r in f.refs)]
        if not terms or f.severity == "unclear":
            out.append(f)
            continue
        notes = " ".join(f"This reads {t} ({TWO_READINGS[t][0]}) as {TWO_READINGS[t][1]}; it can also mean "
                         f"{TWO_READINGS[t][2]}, which would not give this result." for t in terms)
        out.append(replace(f, severity="unclear", message=f"{f.message} {notes}", inputs={**f.inputs, "read_as": terms}))
    return out


def merge_same_problem(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: of the findings of one problem class on the same set of claims, the most
    severe is kept (the first by rule name among equals)."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    kept: dict[tuple, Finding] = {}
    for f in sorted(findings, key=lambda f: (rank[f.severity], f.rule, f.id)):
        kept.setdefault((f.problem, f.claim_set), f)
    return list(kept.values())


def published(findings) -> list[Finding]:
    """The findings the chapters show and grade by: all but those rejected on review (Appendix A lists those, with why)."""
    return [f for f in findings if f.review != "rejected"]
