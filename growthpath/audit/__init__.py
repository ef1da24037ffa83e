"""Audit of the plan's numbers: rules over the claims ledger (and official statistics where a rule
needs an outside bound). `audit.run()` returns findings; `audit.RULES` lists the rules.

Example:
    from growthpath import audit
    findings = audit.run()                      # the project's ledger
    findings = audit.run(claims_path="my.csv")  # an analyst's own ledger, same schema
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from growthpath.audit import rules  # noqa: F401  (registers the rules)
from growthpath.audit.engine import RULES, SEVERITIES, Context, Finding, Ref
from growthpath.audit.engine import run as run_rules

__all__ = ["RULES", "SEVERITIES", "Context", "Finding", "Ref", "context", "run", "to_frame", "for_sections", "for_places"]


def _inputs(claims_path: str | Path | None = None) -> tuple:
    from growthpath import claims, datapackage, official

    ledger = claims.load() if claims_path is None else claims.load_file(claims_path)
    return (ledger, official.load(), datapackage.read_table("metric_families"),
            datapackage.read_table("family_relations"), datapackage.read_table("bounds"),
            dict(zip(*datapackage.read_table("official_series")[["series_id", "name_en"]].T.values)))


def context(claims_path: str | Path | None = None) -> Context:
    return Context(*_inputs(claims_path))


def run(claims_path: str | Path | None = None, only: list[str] | None = None, thresholds: dict | None = None) -> list[Finding]:
    """The findings. In a chapter run by `growthpath run` they are computed once per content of the
    inputs, the rules' code and the arguments (ten chapters ask for the same ones) and cached under
    _build/.cache/audit/; the inputs are still read, so the runner records them as dependencies."""
    from growthpath import datapackage, osutil, provenance

    inputs = _inputs(claims_path)
    if not os.environ.get(datapackage.DEPS_ENV):
        return run_rules(Context(*inputs), only, thresholds)
    cache = _cache_path(inputs, only, thresholds)
    if cache.exists():
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            findings = [Finding(**{**f, "refs": [Ref(**r) for r in f["refs"]]}) for f in stored["findings"]]
            provenance.note(stored["noted"])  # the official rows the rules drew on, as if they had just run
            return findings
        except (ValueError, KeyError, TypeError):  # a damaged entry only costs a recomputation
            pass
    with provenance.capture() as noted:
        findings = run_rules(Context(*inputs), only, thresholds)
    try:
        osutil.write_atomic(cache, json.dumps({"findings": [dataclasses.asdict(f) for f in findings], "noted": noted},
                                              ensure_ascii=False))
    except (OSError, TypeError):  # not writable, or a value JSON cannot hold: just not cached
        pass
    return findings


def _cache_path(inputs: tuple, only, thresholds) -> Path:
    from growthpath import paths

    h = hashlib.sha256()
    for frame in inputs[:-1]:
        h.update(json.dumps([list(map(str, frame.columns)), list(map(str, frame.dtypes))]).encode())
        h.update(pd.util.hash_pandas_object(frame, index=True).values.tobytes())
    h.update(json.dumps([inputs[-1], only, thresholds], sort_keys=True, default=str).encode())
    for name, r in RULES.items():  # the registry as loaded, in case a rule was replaced at run time
        h.update(json.dumps([name, r.defaults], sort_keys=True, default=str).encode() + r.func.__code__.co_code)
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        h.update(source.read_bytes())
    return paths.root() / "_build" / ".cache" / "audit" / f"{h.hexdigest()}.json"


def to_frame(findings: list[Finding]) -> pd.DataFrame:
    rows = []
    for f in findings:
        d = f.to_dict()
        rows.append({"id": d["id"], "rule": d["rule"], "severity": d["severity"], "message": d["message"],
                     "claims": ", ".join(r["claim_id"] for r in d["refs"]),
                     "sections": ", ".join(sorted({f"{r['doc']} §{r['section']}" for r in d["refs"]}))})
    return pd.DataFrame(rows, columns=["id", "rule", "severity", "message", "claims", "sections"])


def for_sections(findings: list[Finding], doc: str, sections: list[str] | str) -> list[Finding]:
    """Findings citing at least one claim of the given document sections."""
    sections = [sections] if isinstance(sections, str) else list(sections)
    return [f for f in findings if any(r.doc == doc and r.section in sections for r in f.refs)]


def for_places(findings: list[Finding], places: list[tuple[str, str]]) -> list[Finding]:
    """Findings citing any of the (doc, section) places, each once, in id order."""
    wanted = set(places)
    return [f for f in findings if any((r.doc, r.section) in wanted for r in f.refs)]


# rules that relate parts to a whole (platforms to the market, shares to 100 %): their claims are of different
# entities by design; every other rule compares one quantity, so its claims must be of one entity type
PART_WHOLE_RULES = frozenset({"parts_vs_whole", "part_exceeds_whole", "shares_sum", "target_implied_base"})


def mixed_scope(findings: list[Finding], claims: pd.DataFrame) -> list[Finding]:
    """Contradictions that set one quantity of different entity types (the market's against one platform's,
    say) against each other: figures of different scope cannot contradict each other."""
    from growthpath import claims as claims_mod

    types = claims_mod.entity_types()
    entity = claims.set_index("claim_id")["entity"]
    return [f for f in findings if f.severity == "contradiction" and f.rule not in PART_WHOLE_RULES
            and len({types.get(entity.get(r.claim_id)) for r in f.refs}) > 1]
