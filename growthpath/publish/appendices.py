"""The appendices (audit, ledger, scenarios, provenance, assumptions): what they report, each value with the ids it
was computed from, and the frames of their charts and tables."""
from __future__ import annotations

import pandas as pd

from growthpath import audit
from growthpath.markup import plural
from growthpath.data import assumptions, provenance
from growthpath.data import claims as ledger
from growthpath.analysis import sensitivity
from growthpath.publish import appendix_tables
from growthpath.audit import boxes
from growthpath.data.values import Value, Values, computes, ids, sentence


def _cited(found) -> tuple[str, ...]:
    return ids(*(r.claim_id for f in found for r in f.refs), *(o for f in found for o in f.official))


# ----------------------------------------------------------------------------- Appendix A: the audit
@computes
def audit_counts(findings, claims: pd.DataFrame) -> Values:
    """The audit's rules and published findings by severity, those rejected on review, the claims they cite, the
    contradictions between scopes, the recycled evidence and the conflicts with public facts."""
    published = audit.published(findings)
    rules = tuple(f"rule:{name}" for name in audit.RULES)
    recycled = [f for f in published if f.rule == "recycled_evidence"]
    facts = [f for f in published if f.rule == "known_facts" and f.severity != "unclear"]
    facts_unclear = [f for f in published if f.rule == "known_facts" and f.severity == "unclear"]
    mixed = audit.mixed_scope(published, claims)
    out = {"n_rules": Value(len(audit.RULES), rules),
           "n_findings": Value(len(published), _cited(published) or rules, kind="count"),
           "n_rejected": Value(len(findings) - len(published), _cited([f for f in findings if f not in published]) or rules,
                               kind="count"),
           "n_claims_flagged": Value(len({r.claim_id for f in published for r in f.refs}), _cited(published) or rules, kind="count"),
           "n_contradiction_mixed_scope": Value(len(mixed), _cited(mixed) or rules, kind="count"),
           "targets_misfit": sentence(audit.targets_misfit(findings), _cited(findings) or rules),
           "n_recycled": Value(len(recycled), _cited(recycled) or rules, kind="count"),
           "n_fact_conflicts": Value(len(facts), _cited(facts) or rules, kind="count"),
           "n_fact_unclear": Value(len(facts_unclear), _cited(facts_unclear) or rules, kind="count")}
    for s in audit.SEVERITIES:
        found = [f for f in published if f.severity == s]
        out[f"n_{s}"] = Value(len(found), _cited(found) or rules, kind="count")
    return out


@computes
def audit_before() -> Values:
    """The audit's first recorded run (results/audit_history.csv), to compare the present one with."""
    before = audit.history().iloc[0]
    run = (f"history:{before['commit']}",)
    return {f"before_{k}": Value(int(before[k]), run, kind="count") for k in ("findings", *audit.SEVERITIES)}


def by_chapter(findings, sections: pd.DataFrame) -> pd.DataFrame:
    """Published findings by chapter and severity, for a stacked bar."""
    summary = boxes.summary(audit.published(findings), sections)
    return summary.assign(chapter="Chapter " + summary["chapter"].astype(str))


def of_problem(findings, problem: str) -> list:
    """The published findings of one kind of problem (`audit.PROBLEMS`)."""
    if problem not in audit.registry.PROBLEMS:
        raise KeyError(f"no problem {problem!r}; known: {', '.join(audit.registry.PROBLEMS)}")
    return [f for f in audit.published(findings) if f.problem == problem]


RULES_IN_PRINT = ("what it checks", "findings", "rejected on review")   # the rule's name and thresholds are for analysts


def rules_table(findings) -> pd.DataFrame:
    """Every rule, what it checks, its thresholds, how many published findings it produces (the count the book gives)
    and how many more a reviewer rejected."""
    from collections import Counter

    shown = Counter(f.rule for f in audit.published(findings))
    rejected = Counter(f.rule for f in findings) - shown
    return pd.DataFrame([{"rule": r.name, "what it checks": r.title,
                          "thresholds": ", ".join(f"{k} = {v}" for k, v in r.defaults.items()) or "–",
                          "findings": shown[r.name], "rejected on review": rejected[r.name]} for r in audit.RULES.values()])


# ----------------------------------------------------------------------------- Appendix B: the ledger
@computes
def ledger_counts(claims: pd.DataFrame) -> Values:
    """How many claims the ledger holds, in all and per seed document."""
    out = {"n_claims": Value(len(claims), ids(claims))}
    for doc in ("000", "004"):
        rows = claims[claims["doc"] == doc]
        out[f"n_{doc}"] = Value(len(rows), ids(rows))
    return out


def ledger_table(claims: pd.DataFrame) -> pd.DataFrame:
    """Every claim, its quote in Simplified Chinese and, verbatim, as scraped (`page.table(..., verbatim=...)` keeps it)."""
    shown = claims[["claim_id", "metric", "period", "value", "unit", "kind", "chapter", "quote_zh", "quote"]]
    return shown.rename(columns={"claim_id": "id", "quote_zh": "quote (原文)", "quote": "as scraped"}).assign(
        value=[f"{v:g}" for v in claims["value"]], metric=claims["metric"].map(ledger.metric_label))


def ledger_page_table(claims: pd.DataFrame) -> dict:
    """The arguments of the ledger's table (`page.table`): sortable on screen, the verbatim quote kept as scraped, and
    the Simplified quote only in print."""
    return {"frame": ledger_table(claims), "interactive": True, "verbatim": ("as scraped",),
            "print_columns": ("id", "metric", "period", "value", "unit", "kind", "quote (原文)")}


# ----------------------------------------------------------------------------- Appendix C: scenarios
def moved_headlines(relative: pd.DataFrame) -> pd.DataFrame:
    """Headlines that move away from base in some scenario (`comparison.relative_to_base`), other scenarios only."""
    moved = relative[(relative["scenario"] != "base") & (relative["ratio"] > 0)]
    swing = moved.groupby("figure")["diff_pct"].transform(lambda s: s.abs().max())
    return moved[swing > 1e-6]


def without_base(colours: dict) -> dict:
    return {name: colour for name, colour in colours.items() if name != "base"}


# ----------------------------------------------------------------------------- Appendix D: provenance
def records_of(found: dict, scenario: str) -> list[dict]:
    """The results records of one scenario (none when it has not run)."""
    return found.get(scenario) or []


def missing(records: list[dict], scenario: str) -> list[str]:
    return [] if records else [scenario]


def provenance_table(records: list[dict]) -> dict:
    """The arguments of the provenance table (`page.table`): on screen also each number's glue key, computing function
    and data ids (sortable, filterable); print shows where a reader sees it, as printed, and its source in words."""
    table = appendix_tables.provenance_table(records)
    caption = (f"The {plural(len(table.frame), 'number')} the prose prints, each where it first appears. Not listed: "
               f"{plural(table.unprinted, 'glued number')} no page prints in its prose, and "
               f"{plural(table.words, 'computed word or sentence', 'computed words and sentences')} that print no number.")
    return {"frame": table.frame, "caption": caption, "interactive": True,
            "print_columns": ("chapter", "where it appears", "value", "source")}


# ----------------------------------------------------------------------------- Appendix F: assumptions
@computes
def register_counts(table: pd.DataFrame) -> Values:
    """How many assumptions the register holds, by kind."""
    kinds = table["kind"].value_counts()
    every = tuple(f"assumption:{i}" for i in table["id"])
    return {"n_assumptions": Value(len(table), every),
            "by_kind": sentence(", ".join(f"{n} {k}" for k, n in kinds.items()), every)}


def register_table(table: pd.DataFrame) -> dict:
    """The arguments of the register's table (`page.table`)."""
    shown = table.assign(value=table["value"].map("{:g}".format) + " " + table["unit"],
                         range=table["low"].map("{:g}".format) + "–" + table["high"].map("{:g}".format),
                         used=table["chapters"].str.replace("_", " "))
    return {"frame": shown[["id", "name", "label", "value", "range", "basis", "used"]].rename(columns={"label": "what it is", "used": "used in"}),
            "caption": "The assumption register (data/reference/assumptions.csv)", "interactive": True,
            "print_columns": ("id", "name", "value", "range", "basis")}


def sensitivities(context: sensitivity.Context, register: assumptions.Register) -> dict:
    """Each headline at the ends of its assumptions' ranges (`sensitivity.summary`), with the ids computing it read."""
    with provenance.capture() as read:
        summary, long = sensitivity.summary(context, register)
    return {"summary": summary, "long": long, "ids": ids(read)}


@computes
def sensitivity_values(s: dict) -> Values:
    """How many headlines read no assumption, how many read some but move with none, and which move, most by what."""
    summary, read = s["summary"], s["ids"]
    moving = summary[summary["assumptions that move it"] > 0]
    return {"n_headlines": Value(len(summary), read),
            "n_data_only": Value(int((summary["assumptions read"] == 0).sum()), read),
            "n_robust": Value(int(((summary["assumptions read"] > 0) & (summary["assumptions that move it"] == 0)).sum()), read),
            "n_moving": Value(len(moving), read),
            "moving_list": sentence("; ".join(f"{h[0].lower() + h[1:]} (most by the {m})"
                                              for h, m in zip(moving["headline"], moving["moves most"])), read)}


def sensitivity_table(s: dict) -> pd.DataFrame:
    summary = s["summary"]

    def shown(col):
        return [sensitivity.formatted(v, u) for v, u in zip(summary[col], summary["unit"])]

    return summary.assign(chapter=summary["chapter"].map(appendix_tables.chapter_label), base=shown("base"),
                          lowest=shown("lowest"), highest=shown("highest")).drop(columns=["key", "unit"])


def tornado_frame(s: dict) -> pd.DataFrame:
    """Each assumption's swing of each headline, labelled with the register's name for it and its range, for a tornado
    chart (the register's id is the analyst's name: Appendix F's table gives both)."""
    shown = s["long"][s["long"]["swing"] > 1e-12].merge(s["summary"][["key", "unit"]], on="key")
    register = assumptions.table().set_index("id")
    names = shown["assumption"].map(register["name"]).fillna(shown["assumption"])
    units = shown["assumption"].map(register["unit"]).fillna("").map(lambda u: f" {u}" if u in ("pp", "%", "years", "pp per year") else "")
    return shown.assign(label=names + " (" + shown["low"].map("{:g}".format) + "–" + shown["high"].map("{:g}".format) + units + ")",
                        low_text=[sensitivity.formatted(v, u) for v, u in zip(shown["at_low"], shown["unit"])],
                        high_text=[sensitivity.formatted(v, u) for v, u in zip(shown["at_high"], shown["unit"])])
