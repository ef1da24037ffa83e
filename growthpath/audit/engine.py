"""The audit engine: findings, the rule registry, and the context rules read from.

A rule is a small function `rule(ctx, **thresholds) -> list[Finding]` registered with `@rule(...)`
and its default thresholds. Rules see only the ledger, official statistics and the reference tables
(metric families, relations, bounds); nothing is special-cased to a claim id."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

SEVERITIES = ("contradiction", "implausible", "unclear")
RULES: dict[str, "Rule"] = {}


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
                "official": sorted(self.official), "message": self.message}


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
    m = re.fullmatch(r"\s*((?:19|20)\d{2})\s*-\s*((?:19|20)\d{2})\s*", str(period))
    return (int(m.group(1)), int(m.group(2))) if m else None


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
                 relations: pd.DataFrame, bounds: pd.DataFrame, series_names: dict | None = None):
        self.claims = _plain_strings(claims)
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
        from growthpath import official

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


def fmt(value: float, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
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
    return sorted(findings.values(), key=lambda f: f.id)
