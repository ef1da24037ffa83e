"""The claims ledger: every number the two seed documents state, with its verbatim quote."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd

from growthpath.data import datapackage, provenance

GARBLED_NOTE = " (? = a character lost in the scraped seed text)"
DISPLAY_COLUMNS = {"claim_id": "Ledger id", "metric": "Metric", "period": "Period", "value": "Value",
                   "unit": "Unit", "kind": "Kind", "quote_zh": "Quote (原文)"}


def load() -> pd.DataFrame:
    """The validated claims ledger (data/claims/claims.csv)."""
    return datapackage.read_table("claims")


def sections() -> pd.DataFrame:
    return datapackage.read_table("sections")


# ----------------------------------------------------------------------------- whose figure (entity scope)
ENTITY_TYPES = ("market", "segment", "platform", "case", "plan", "source", "benchmark", "ambiguous")
SCOPES = [*ENTITY_TYPES, "any"]
"""What `pick(..., scope=...)` accepts: one entity type of data/reference/entities.csv, a tuple of them, or
"any". market: the social e-commerce market or a named segment of it; segment: a population (Gen Z, SMEs);
platform: a named company or programme; case: an unnamed firm (an anecdote); plan: the plan's own budgets and
targets; source: a cited third party or survey; benchmark: another market or comparator; ambiguous: unclear."""

_WHOSE = {"market": "the market's", "segment": "a segment's", "platform": "a named platform's",
          "case": "an unnamed case's", "plan": "the plan's", "source": "a cited source's",
          "benchmark": "a benchmark's", "ambiguous": "an ambiguous entity's", "any": "anyone's"}


# the plan's own organisation, budget and schedule; any other plan figure is a target for the market (or a
# segment of it), which `pick(scope="market")` accepts: the market's target is the plan's number for the market
PLAN_OWN = ("project",)


class ScopeError(LookupError):
    """A picked claim is about someone other than the scope asked for (a platform's figure where the
    market's was asked), or its entity is not classified in data/reference/entities.csv."""


def entity_types() -> dict[str, str]:
    """Entity id → its type, from data/reference/entities.csv."""
    table = datapackage.read_table("entities")
    return dict(zip(table["entity_id"], table["entity_type"]))


def entity_type(claim_or_frame: pd.Series | pd.DataFrame) -> str | pd.Series:
    """The entity type of one claim (a row of the ledger), or a Series of types for a ledger frame."""
    if isinstance(claim_or_frame, pd.DataFrame):
        return claim_or_frame["entity_type"].rename("entity_type")
    kind = claim_or_frame.get("entity_type", "")
    if not kind:
        raise ScopeError(f"claim {claim_or_frame.get('claim_id', '?')} has no entity_type; every ledger row needs one")
    return kind


# ----------------------------------------------------------------------------- structure checks beyond the schema
SHARE_FORMS = {"share", "target_share", "forecast_share"}
BASELINE = re.compile(r"^(?:stated: *-?[0-9.]+.*|named: *\S.*)$")


def structure_problems(frame: pd.DataFrame, label: str) -> list[datapackage.Problem]:
    """What the table schema cannot say: a claim's entity_type must be its entity's, a share names its whole,
    a baseline_ref resolves (a claim id of the ledger, `stated: <value>` or `named: <what>`), and of_whole
    is a known subject."""
    types = entity_types()
    subjects = set(datapackage.read_table("subjects")["subject"])
    ids = set(frame["claim_id"])
    problems = []
    for i, r in enumerate(frame.itertuples(index=False), start=2):
        def bad(column, message):
            problems.append(datapackage.Problem(label, f"claim {r.claim_id}: {message}", i, column))
        if types.get(r.entity_id) not in (None, r.entity_type):
            bad("entity_type", f"{r.entity_type!r}, but reference/entities.csv types {r.entity_id!r} as {types[r.entity_id]!r}")
        if (r.form in SHARE_FORMS) != bool(r.of_whole):
            bad("of_whole", "a share needs the subject of its whole" if r.form in SHARE_FORMS else
                f"only shares name a whole (form is {r.form!r})")
        elif r.of_whole and r.of_whole not in subjects:
            bad("of_whole", f"{r.of_whole!r} is not a subject of reference/subjects.csv")
        ref = r.baseline_ref
        if ref and ref not in ids and not BASELINE.match(ref):
            bad("baseline_ref", f"{ref!r} is neither a claim id of the ledger nor 'stated: <value>' nor 'named: <what>'")
    return problems


def _scope_tuple(scope) -> tuple[str, ...]:
    wanted = (scope,) if isinstance(scope, str) else tuple(scope)
    unknown = [s for s in wanted if s not in SCOPES]
    if not wanted or unknown:
        raise ValueError(f"unknown scope {scope!r}; use one of {SCOPES} or a tuple of them")
    return wanted


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def require_scope(row: pd.Series, scope) -> pd.Series:
    """`row` when its entity type is within `scope` (a type, a tuple of types, or "any") — a plan's target for
    the market (type `plan`, scope other than its own `project`) counts as the market's — else ScopeError
    naming the claim, its entity, its type and what was asked."""
    wanted = _scope_tuple(scope)
    if "any" in wanted:
        return row
    kind = entity_type(row)
    if kind not in wanted and not (kind == "plan" and "market" in wanted and row.get("scope") not in PLAN_OWN):
        asked = " or ".join(_WHOSE[w] for w in wanted)
        raise ScopeError(f"claim {row['claim_id']} is {_possessive(row['entity'])} figure ({kind}), not {asked}; "
                         f"pick another claim, or pass scope={kind!r} if {_possessive(row['entity'])} figure is meant")
    return row


def _matching(claims: pd.DataFrame, where: dict) -> pd.DataFrame:
    mask = pd.Series(True, index=claims.index)
    for column, value in where.items():
        mask &= claims[column].astype(str) == str(value)
    return claims[mask]


def pick(claims: pd.DataFrame, *, scope, **where: str) -> pd.Series:
    """The one claim matching every column=value given; a clear error if none or several match.
    `scope` (an entity type, a tuple of them, or "any"; see SCOPES) says whose figure is wanted: a claim
    whose entity type is outside it raises ScopeError (a platform's figure where the market's is asked)."""
    found = _matching(claims, where)
    if len(found) != 1:
        ids = ", ".join(found["claim_id"]) or "none"
        raise LookupError(f"expected exactly one claim with {where}, found {len(found)} ({ids})")
    require_scope(found.iloc[0], scope)
    provenance.note(found["claim_id"])
    return found.iloc[0]


def select(claims: pd.DataFrame, **where: str) -> pd.DataFrame:
    """Every claim matching each column=value given (several, unlike `pick`), noted as read for provenance."""
    found = _matching(claims, where)
    provenance.note(found["claim_id"])
    return found


def in_sections(claims: pd.DataFrame, doc: str, sections: list[str] | str) -> pd.DataFrame:
    sections = [sections] if isinstance(sections, str) else list(sections)
    return claims[(claims["doc"] == doc) & claims["section"].isin(sections)]


def table(claims: pd.DataFrame) -> pd.DataFrame:
    """The reader-facing claims table: id, metric, period, value, unit, kind, Simplified-Chinese quote (a quote with
    characters lost in the scraped text says so)."""
    out = claims[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS)
    out["Value"] = [f"{v:g}" for v in claims["value"]]
    out["Metric"] = out["Metric"].map(metric_label)
    lost = claims["quote"].str.contains("?", regex=False).to_numpy()
    out.loc[lost, "Quote (原文)"] = out.loc[lost, "Quote (原文)"] + GARBLED_NOTE   # never read silently as text
    return out.reset_index(drop=True)


ACRONYMS = {t: t.upper() for t in ("ai", "aov", "cac", "cagr", "cs", "dau", "gmv", "kol", "koc", "kpi", "ltv", "mau", "nft",
                                   "nps", "roi", "sku", "sme", "svip", "ugc", "vr", "id", "pipl", "bnb")}
WORDS = ACRONYMS | {"avg": "average", "min": "minimum", "max": "maximum", "yoy": "year on year", "rd": "R&D",
                    "ddos": "DDoS", "rec": "recommendation", "recs": "recommendations", "ops": "operations",
                    "comm": "commission", "vuln": "vulnerability", "agri": "agricultural", "eco": "eco-friendly",
                    "ma": "M&A", "7d": "7-day", "30d": "30-day", "3y": "3-year", "5y": "5-year", "gen": "generation",
                    "z": "Gen Z"}   # the ledger writes Gen Z as z (global_z_…), z_gen or gen_z


def metric_label(metric: str) -> str:
    """A ledger metric, subject or whole as a reader reads it: its reviewed label in data/claims/labels.csv
    (level1_first_response → 'first-response time for level-1 incidents'), or for a name not there (an
    analyst's own ledger) its words (`metric_words`)."""
    path = datapackage.check("claim_labels")   # validated while unchanged, and recorded as read by every caller
    return _labels(str(path), path.stat().st_mtime_ns).get(str(metric)) or metric_words(metric)


@functools.lru_cache(maxsize=2)
def _labels(path: str, mtime_ns: int) -> dict[str, str]:
    table_ = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(table_["term"], table_["label"]))


def metric_words(metric: str) -> str:
    """A snake_case name split into words, abbreviations spelled out: user_cagr_target_min → 'user CAGR target
    minimum'."""
    return " ".join(WORDS.get(t.lower(), t) for t in re.sub(r"(?<![a-z0-9])(?:z_gen|gen_z)(?=_|$)", "z", str(metric)).split("_") if t)


def load_file(path) -> pd.DataFrame:
    """An analyst's own ledger (same columns as data/claims/claims.csv), validated against the
    claims schema with located errors."""
    return datapackage.read_external_table("claims", path)


def chart_frame(claims: pd.DataFrame, doc: str, labels: dict[str, str], section: str | None = None, *,
                scope) -> pd.DataFrame:
    """The plan's figures for a chart: one row per metric (label, value, unit, claim_id), in the
    order given. Each metric must identify exactly one claim of the document (and section).
    `scope` is passed to `pick` for every metric (a dict metric → scope sets it per metric)."""
    rows = []
    for metric, label in labels.items():
        where = {"doc": doc, "metric": metric} | ({"section": section} if section else {})
        c = pick(claims, scope=scope.get(metric) if isinstance(scope, dict) else scope, **where)
        rows.append({"label": label, "value": float(c["value"]), "unit": c["unit"], "claim_id": c["claim_id"]})
    return pd.DataFrame(rows)


def as_probability(claim: pd.Series, reading: str = "value") -> float:
    """A claimed percentage as a probability: `value` → v / 100, `complement` → 1 − v / 100 (e.g. a
    stated churn read as retention); `raw` keeps the number as stated (hours, days)."""
    if reading == "raw":
        return float(claim["value"])
    value = float(claim["value"]) / (100 if claim["unit"] == "%" else 1)
    return 1 - value if reading == "complement" else value


def check_sourced(frame: pd.DataFrame, claims: pd.DataFrame, label: str, columns=("baseline", "target"),
                  reading_column: str | None = None) -> list:
    """Problems (file, row, column) where a parameter table's value disagrees with the ledger claim its
    `<column>_source` names; `assumption:<id>` and `data` sources are skipped (see `assumptions.apply`).
    `reading_column` optionally names a
    column holding 'value' or 'complement' per row (see `as_probability`)."""
    from growthpath.data.assumptions import source_id
    from growthpath.data.datapackage import Problem

    indexed = claims.set_index("claim_id")
    problems = []
    for i, row in frame.reset_index(drop=True).iterrows():
        for col in columns:
            source = row[f"{col}_source"]
            if source_id(source) is not None or source in ("data", "definition"):
                continue
            if source not in indexed.index:
                problems.append(Problem(label, f"unknown claim id {source!r}", row=int(i) + 2, column=f"{col}_source"))
                continue
            reading = row[reading_column] if reading_column else "value"
            want = as_probability(indexed.loc[source], reading)
            if abs(float(row[col]) - want) > 1e-9:
                problems.append(Problem(label, f"{row[col]:g} differs from claim {source} "
                                               f"({indexed.loc[source, 'value']:g} {indexed.loc[source, 'unit']}, read as {reading}: {want:g})",
                                        row=int(i) + 2, column=col))
    return problems


def reading_values(frame: pd.DataFrame, key: str, which: str, overrides: dict | None, what: str) -> dict[str, float]:
    """Name → value from a sourced parameter table's `baseline` or `target` column, with an analyst's
    `overrides` applied; unknown names are an error listing the known ones (`what` names them)."""
    if which not in ("baseline", "target"):
        raise ValueError("which must be 'baseline' or 'target'")
    values = dict(zip(frame[key], frame[which].astype(float)))
    unknown = sorted(set(overrides or {}) - set(values))
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown}; known: {', '.join(values)}")
    return {**values, **(overrides or {})}


def period_months(claims: pd.DataFrame, claim_id: str) -> float:
    """The length of a claim's stated period in months (`18 months`, `2 years`), for time-bound claims."""
    import re

    period = str(claims.set_index("claim_id").at[claim_id, "period"])
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(months?|years?)\s*", period)
    if not m:
        raise ValueError(f"claim {claim_id}: period {period!r} is not a duration like '18 months'")
    return float(m.group(1)) * (12 if m.group(2).startswith("year") else 1)


def garbled(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims whose quote holds a `?` run: characters lost in the scraped seed text, so the value may be a
    reconstruction (the book says so wherever such a claim is used)."""
    return claims[claims["quote"].str.contains("?", regex=False)]


def _file_problems(path: Path, label: str) -> list[datapackage.Problem]:
    return structure_problems(datapackage.pd_read(path), label)


datapackage.register_validator("claims", _file_problems)
