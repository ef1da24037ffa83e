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

from growthpath.audit import relate, rules  # noqa: F401  (registers the rules)
from growthpath.audit.registry import RULES, SEVERITIES, Context, Finding, Ref
from growthpath.audit.registry import TWO_READINGS, published, run as run_rules  # noqa: F401  (published: audit.published)
from growthpath.data.values import Value

__all__ = ["RULES", "SEVERITIES", "Context", "Finding", "Ref", "context", "run", "published", "reviewed", "reviews", "history",
           "rejected_table",
           "to_frame", "for_sections", "for_places", "in_sections", "SectionFindings"]


def _inputs(claims_path: str | Path | None = None) -> tuple:
    """Everything the rules read: five tables, the facts, then (not hashed as frames) series names and seeds."""
    from growthpath.data import claims, datapackage, official

    ledger = claims.load() if claims_path is None else claims.load_file(claims_path)
    names = datapackage.read_table("entities")[["entity_id", "name"]].rename(columns={"name": "entity_name"})
    ledger = ledger.merge(names, on="entity_id", how="left", validate="m:1")
    return (ledger, official.load(), datapackage.read_table("metric_families"),
            datapackage.read_table("family_relations"), datapackage.read_table("bounds"), datapackage.read_table("facts"),
            dict(zip(*datapackage.read_table("official_series")[["series_id", "name_en"]].T.values)),
            {doc: datapackage.read_text(f"seed_{doc}") for doc in ("000", "004")})


def _context(inputs: tuple) -> Context:
    ledger, stats, families, relations, bounds, facts, names, seeds = inputs
    return Context(ledger, stats, families, relations, bounds, names, facts=facts, seeds=seeds)


def context(claims_path: str | Path | None = None) -> Context:
    return _context(_inputs(claims_path))


def reviews() -> pd.DataFrame:
    """The hand review of findings (data/reference/reviews.csv): finding_id, review, reason."""
    from growthpath.data import datapackage
    return datapackage.read_table("reviews")


def reviewed(findings: list[Finding], table: pd.DataFrame | None = None) -> list[Finding]:
    """The findings with their review attached (a reviewer's verdict on each contradiction and implausible one)."""
    table = reviews() if table is None else table
    by_id = {row.finding_id: (row.review, row.reason) for row in table.itertuples()}
    for f in findings:
        f.review, f.review_reason = by_id.get(f.id, ("", ""))
    return findings


def run(claims_path: str | Path | None = None, only: list[str] | None = None, thresholds: dict | None = None,
        by_place: bool = False) -> list[Finding]:
    """The findings, each with its review (rejected ones included: see `published`). In a chapter run by
    `growthpath run` they are computed once per content of the inputs, the rules' code and the arguments
    (ten chapters ask for the same ones) and cached under _build/.cache/audit/; elsewhere nothing is cached.

    In a chapter run by `growthpath run`, the default audit records none of the inputs it reads: the
    chapter depends on the findings themselves, all of them (`audit:*`), or, with `by_place=True` (a
    chapter that shows findings only through `for_places` and `page.section_verdicts`), on those of the
    seed sections it shows (`audit:<doc>:<section>`, recorded there). So a new row of a series re-runs a
    chapter only when findings it shows change. An audit of other inputs records its inputs as read."""
    from growthpath.data import datapackage

    in_chapter = bool(os.environ.get(datapackage.DEPS_ENV))
    if not in_chapter:  # the command line, a test, a notebook of one's own: computed, nothing written
        return reviewed(run_rules(_context(_inputs(claims_path)), only, thresholds))
    if claims_path is None and only is None and thresholds is None:
        with datapackage.unrecorded():
            findings = _cached(_inputs(None), None, None)
        if not by_place:
            datapackage.record_dep(ALL_FINDINGS)
        return findings
    return _cached(_inputs(claims_path), only, thresholds)


def _cached(inputs: tuple, only, thresholds) -> list[Finding]:
    from growthpath import osutil
    from growthpath.data import official, provenance

    cache = _cache_path(inputs, only, thresholds)
    if cache.exists():
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            findings = [Finding(**{**f, "refs": [Ref(**r) for r in f["refs"]]}) for f in stored["findings"]]
            official.renote(inputs[1], stored["noted"], stored.get("series", []))  # the rows the rules drew on, as if they had just run
            return reviewed(findings)
        except (ValueError, KeyError, TypeError):  # a damaged entry only costs a recomputation
            pass
    with provenance.capture() as noted, official.capture_series() as series:
        findings = run_rules(_context(inputs), only, thresholds)
    try:
        osutil.write_atomic(cache, json.dumps({"findings": [dataclasses.asdict(f) for f in findings], "noted": noted,
                                               "series": series},
                                              ensure_ascii=False))
    except (OSError, TypeError):  # not writable, or a value JSON cannot hold: just not cached
        pass
    return reviewed(findings)


PLACE_DEP = "audit:"
ALL_FINDINGS = "audit:*"  # every finding, rejected ones and reviews included


def record_places(places) -> None:
    """Note that the running chapter shows the published findings at these (doc, section) places."""
    from growthpath.data import datapackage

    datapackage.record_dep(*(f"{PLACE_DEP}{doc}:{section}" for doc, section in places))


def place_digest(dep: str) -> str:
    """sha256 of the published findings (with reviews) at the place `audit:<doc>:<section>`, as a chapter
    shows them. Computed once per content of data/ (orders aside) and the package, in a small cache."""
    place = dep.removeprefix(PLACE_DEP)
    return _place_digests().get(place, hashlib.sha256(b"no findings").hexdigest())


def _place_digests() -> dict[str, str]:
    from growthpath import osutil, paths
    from growthpath.data import datapackage

    h = hashlib.sha256(paths.package_digest().encode())
    for path in sorted(p for p in paths.data_dir().rglob("*") if p.is_file() and "orders" not in p.relative_to(paths.data_dir()).parts):
        h.update(str(path.relative_to(paths.data_dir())).encode() + b"\0" + path.read_bytes())
    key = h.hexdigest()
    if _PLACES.get("key") == key:
        return _PLACES["digests"]
    cache = paths.cache("audit") / f"places-{key}.json"
    try:
        digests = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        with datapackage.unrecorded():
            every = _cached(_inputs(None), None, None)
        shown: dict[str, list] = {"*": [dataclasses.asdict(f) for f in every]}
        for f in published(every):
            for place in dict.fromkeys(f"{r.doc}:{r.section}" for r in f.refs):
                shown.setdefault(place, []).append(dataclasses.asdict(f))
        digests = {place: hashlib.sha256(json.dumps(fs, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
                   for place, fs in shown.items()}
        try:
            osutil.write_atomic(cache, json.dumps(digests))
        except OSError:
            pass
    _PLACES.update(key=key, digests=digests)
    return digests


_PLACES: dict = {}


def _cache_path(inputs: tuple, only, thresholds) -> Path:
    from growthpath import paths

    h = hashlib.sha256()
    for frame in inputs[:6]:
        h.update(json.dumps([list(map(str, frame.columns)), list(map(str, frame.dtypes))]).encode())
        h.update(pd.util.hash_pandas_object(frame, index=True).values.tobytes())
    h.update(json.dumps([inputs[6], inputs[7], only, thresholds], sort_keys=True, default=str).encode())
    for name, r in RULES.items():  # the registry as loaded, in case a rule was replaced at run time
        h.update(json.dumps([name, r.defaults], sort_keys=True, default=str).encode() + r.func.__code__.co_code)
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        h.update(source.read_bytes())
    return paths.cache("audit") / f"{h.hexdigest()}.json"


def to_frame(findings: list[Finding]) -> pd.DataFrame:
    rows = []
    for f in findings:
        d = f.to_dict()
        rows.append({"id": d["id"], "rule": d["rule"], "severity": d["severity"], "message": d["message"],
                     "claims": ", ".join(r["claim_id"] for r in d["refs"]),
                     "sections": ", ".join(sorted({f"{r['doc']} §{r['section']}" for r in d["refs"]}))})
    return pd.DataFrame(rows, columns=["id", "rule", "severity", "message", "claims", "sections"])


def for_sections(findings: list[Finding], doc: str, sections: list[str] | str) -> list[Finding]:
    """Published findings citing at least one claim of the given document sections."""
    sections = [sections] if isinstance(sections, str) else list(sections)
    return [f for f in published(findings) if any(r.doc == doc and r.section in sections for r in f.refs)]


def for_places(findings: list[Finding], places: list[tuple[str, str]]) -> list[Finding]:
    """Published findings citing any of the (doc, section) places, each once, in id order (recorded as
    what the running chapter shows: `record_places`)."""
    wanted = set(places)
    record_places(sorted(wanted))
    return [f for f in published(findings) if any((r.doc, r.section) in wanted for r in f.refs)]


@dataclasses.dataclass(frozen=True)
class SectionFindings:
    """The published findings on some sections of one document (`found`) and how many there are (`values`:
    `<key>_findings`, the same count in words (`<key>_findings_n`: '1 finding'; `<key>_findings_touch`: '1 finding
    touches'), `<key>_contradictions` and the same in words (`<key>_contradictions_of`: '1 of them a contradiction'), each naming the sections and the ids its findings cite)."""

    found: list
    values: dict


def in_sections(findings: list[Finding], *places: str, key: str) -> SectionFindings:
    """`for_places` on seed sections written as a reader sees them (`"000 §2.1"`), with the counts a chapter reports
    about them."""
    pairs = [tuple(p.split(" §")) for p in places]
    if not pairs or any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"places are written '<doc> §<section>', e.g. '000 §2.1', not {places!r}")
    here = for_places(findings, pairs)
    sections = [f"section:{p}" for p in places]
    contradictions = [f for f in here if f.severity == "contradiction"]

    def cited(found):
        return [*sections, *(r.claim_id for f in found for r in f.refs), *(o for f in found for o in f.official)]

    name = f"{__name__}.in_sections"
    counted = "no finding" if not here else f"{len(here)} finding{'' if len(here) == 1 else 's'}"
    return SectionFindings(here, {f"{key}_findings": Value(len(here), cited(here), computed_by=name),
                                  f"{key}_findings_n": Value(counted, cited(here), markdown=True, computed_by=name),
                                  f"{key}_findings_touch": Value(f"{counted[:1].upper() + counted[1:]} {'touch' if len(here) > 1 else 'touches'}", cited(here),
                                                                 markdown=True, computed_by=name),
                                  f"{key}_contradictions": Value(len(contradictions), cited(contradictions), computed_by=name),
                                  f"{key}_contradictions_of": Value(_of_them(len(contradictions), len(here)), cited(contradictions),
                                                                    markdown=True, computed_by=name)})


def _of_them(n: int, total: int) -> str:
    """How many of `total` findings are contradictions, as the rest of 'N findings touch these sections, …':
    'so none is listed here', 'and it is not a contradiction', 'neither of them a contradiction', '1 of them a
    contradiction', 'all 3 of them contradictions'."""
    if total == 0:
        return "so none is listed here"
    if total == 1:
        return f"and it is {'a' if n else 'not a'} contradiction"
    if n == 0:
        return "neither of them a contradiction" if total == 2 else "none of them a contradiction"
    if n == total:
        return "both of them contradictions" if total == 2 else f"all {n} of them contradictions"
    return f"{n} of them {'a contradiction' if n == 1 else 'contradictions'}"


# rules that relate parts to a whole (platforms to the market, shares to 100 %), a case to the average it is
# measured against, or a claim to a public fact: their claims are of different entities by design; every other rule compares one quantity,
# so a contradiction of theirs must cite one entity in one scope
PART_WHOLE_RULES = frozenset({"parts_vs_whole", "part_exceeds_whole", "shares_sum", "target_implied_base",
                              "target_arithmetic", "driver_tree", "known_facts", "words_vs_numbers",
                              "multiplier_vs_baseline", "pp_difference", "penetration_base"})


def mixed_scope(findings: list[Finding], claims: pd.DataFrame) -> list[Finding]:
    """Contradictions that set one quantity of different entities or scopes (the market's against one
    platform's, say) against each other: figures of different scope cannot contradict each other."""
    whose = claims.set_index("claim_id")[["entity_id", "scope"]].apply(tuple, axis=1)
    return [f for f in findings if f.severity == "contradiction" and f.rule not in PART_WHOLE_RULES
            and len({whose.get(r.claim_id) for r in f.refs}) > 1]


def history() -> pd.DataFrame:
    """Earlier versions of the audit on the same ledger (results/audit_history.csv): the commit, and the
    findings by severity of its reviewed snapshot (a test recomputes them from git)."""
    from growthpath import paths

    return pd.read_csv(paths.root() / "results" / "audit_history.csv", dtype={"commit": str})


def rejected_table(findings: list[Finding]) -> pd.DataFrame:
    """The findings rejected on review: what the rule found (its message, not its key), the severity it gave, the
    claims, and the reviewer's reason."""
    rows = [{"finding": f.message, "severity": f.severity, "claims": ", ".join(sorted(f.claim_set)), "reason": f.review_reason}
            for f in findings if f.review == "rejected"]
    return pd.DataFrame(rows, columns=["finding", "severity", "claims", "reason"])


def targets_misfit(findings: list[Finding]) -> str:
    """One sentence on how the plan's own targets fail to fit together, from the published driver-tree and
    target-arithmetic findings (or a sentence saying the audit finds them consistent)."""
    def first(rule, severity, hedged=False):
        return next((f for f in published(findings) if f.rule == rule and
                     (f.severity == severity or hedged and f.inputs.get("read_as"))), None)

    parts = []
    freq, live = first("driver_tree", "implausible"), first("target_arithmetic", "implausible", hedged=True)
    if freq is not None:
        lo, hi = 100 * (1 - freq.inputs["frequency_factor_max"]), 100 * (1 - freq.inputs["frequency_factor_min"])
        parts.append(f"its {freq.inputs['target_year']} GMV, user and order-value targets mean each user must buy "
                     f"{lo:.0f}–{hi:.0f} % less often than in {freq.inputs['base_year']}, while it targets a higher repurchase rate")
    if live is not None:
        reading = "".join(f", if its {t} ({TWO_READINGS[t][0]}) means {TWO_READINGS[t][1]} and not {TWO_READINGS[t][2]}"
                          for t in live.inputs.get("read_as", []))
        at_floor = keep = ""
        if "whole_floor" in live.inputs:
            at_floor = f" if the total stops at its {live.inputs['target_whole']:,.0f} 亿元 floor"
            keep = f" (the total would need {live.inputs['whole_to_keep_part']:,.0f} 亿元 to keep it)"
        parts.append(f"its live-commerce share target leaves live commerce at {live.inputs['implied_part']:,.0f} 亿元 in "
                     f"{live.inputs['target_year']}{at_floor}, below the {live.inputs['current_part']:,.0f} 亿元 it states for "
                     f"{live.inputs['current_year']}{keep}{reading}")
    if not parts:
        return "The audit finds the plan's targets consistent with each other."
    return "The plan's own targets do not fit together: " + "; and ".join(parts) + "."
