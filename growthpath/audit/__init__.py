"""Audit of the plan's numbers: rules over the claims ledger (and official statistics where a rule
needs an outside bound). `audit.run()` returns findings; `audit.RULES` lists the rules.

Example:
    from growthpath import audit
    findings = audit.run()                      # the project's ledger
    findings = audit.run(claims_path="my.csv")  # an analyst's own ledger, same schema
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from growthpath.audit import rules  # noqa: F401  (registers the rules)
from growthpath.audit.engine import RULES, SEVERITIES, Context, Finding, Ref
from growthpath.audit.engine import run as run_rules

__all__ = ["RULES", "SEVERITIES", "Context", "Finding", "Ref", "context", "run", "to_frame", "for_sections", "for_places"]


def context(claims_path: str | Path | None = None) -> Context:
    from growthpath import claims, datapackage, official

    ledger = claims.load() if claims_path is None else claims.load_file(claims_path)
    return Context(ledger, official.load(), datapackage.read_table("metric_families"),
                   datapackage.read_table("family_relations"), datapackage.read_table("bounds"),
                   dict(zip(*datapackage.read_table("official_series")[["series_id", "name_en"]].T.values)))


def run(claims_path: str | Path | None = None, only: list[str] | None = None, thresholds: dict | None = None) -> list[Finding]:
    return run_rules(context(claims_path), only, thresholds)


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
