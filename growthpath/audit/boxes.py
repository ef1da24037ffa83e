"""Findings as the book shows them: MyST admonitions (one per finding), section labels and links.

All text that comes from data is escaped, so a quote can never become markup."""
from __future__ import annotations

import pandas as pd

from growthpath.audit.registry import Finding
from growthpath.audit.worked import worked
from growthpath.markup import escape_markdown as esc
from growthpath.markup import spaced_percents
from growthpath.data.section_labels import available_section_labels  # noqa: F401  (chapters call render.available_section_labels)

STYLE = {"contradiction": ("danger", "Contradiction"), "implausible": ("warning", "Implausible"),
         "unclear": ("note", "Unclear")}
SEVERITY_ORDER = {"contradiction": 0, "implausible": 1, "unclear": 2}


def section_label(doc: str, section: str) -> str:
    """The MyST label a chapter puts before the heading that covers a seed section: sec-000-1-1."""
    return f"sec-{doc}-{section.replace('.', '-')}"


def finding_label(f: Finding) -> str:
    """A readable, unique label: the rule, the first claim, and a short hash of the whole id."""
    import hashlib

    first = min(r.claim_id for r in f.refs).replace(".", "-")
    return f"finding-{f.rule.replace('_', '-')}-{first}-{hashlib.sha1(f.id.encode()).hexdigest()[:8]}"


def _quote_lines(f: Finding, claims: pd.DataFrame) -> list[str]:
    by_id = claims.set_index("claim_id")
    lines = []
    for ref in sorted(set(f.refs), key=lambda r: r.claim_id):
        if ref.claim_id in by_id.index:
            lines.append(f"- `{ref.claim_id}` “{esc(str(by_id.at[ref.claim_id, 'quote_zh']))}”")
    return lines


def rule_title(name: str) -> str:
    """What a rule checks, in words ('Shares of one whole that do not add up to 100 %'), for a finding's heading."""
    from growthpath.audit import relate, rules  # noqa: F401  (registers every rule's title)
    from growthpath.audit.registry import RULES

    return RULES[name].title if name in RULES else name.replace("_", " ")


def arithmetic(f: Finding) -> str:
    """A finding's arithmetic as a short worked calculation: what is compared, the figures in words with their units,
    the formula and the result."""
    return (f"**Arithmetic.** {esc(spaced_percents(worked(f)))} Formula: {esc(spaced_percents(f.formula))}. "
            f"Result: **{esc(spaced_percents(f.result))}**.")


def admonition(f: Finding, claims: pd.DataFrame, *, link_sections: set[str] | None = None,
               link_appendix: bool = True, label: bool = False, collapse_unclear: bool = True) -> str:
    kind, title = STYLE[f.severity]
    cls = f"{kind} gp-finding" + (" dropdown" if collapse_unclear and f.severity == "unclear" else "")
    body = [esc(spaced_percents(f.message)), "", arithmetic(f), "", *_quote_lines(f, claims)]
    links = []
    if link_sections is not None:
        for doc, section in sorted({(r.doc, r.section) for r in f.refs}):
            lab = section_label(doc, section)
            links.append(f"{{ref}}`{doc} §{section} <{lab}>`" if lab in link_sections else f"{doc} §{section}")
    if link_appendix:
        links.append(f"{{ref}}`in the audit appendix <{finding_label(f)}>`")
    if links:
        body += ["", "See: " + " · ".join(links)]
    head = f"({finding_label(f)})=\n" if label else ""
    return (f"{head}:::{{admonition}} {title}: {esc(rule_title(f.rule))}\n:class: {cls}\n"
            + "\n".join(body) + "\n:::\n")


def findings_markdown(findings: list[Finding], claims: pd.DataFrame, **kwargs) -> str:
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.id))
    if not ordered:
        return "*The audit finds nothing to flag in these sections.*\n"
    return "\n".join(admonition(f, claims, **kwargs) for f in ordered)


GROUP_IDS = 6  # a shared row names this many claims at most (each finding in Appendix A names all of its own)
GROUP_AT = 3   # this many findings of one rule and severity (short of a contradiction) share one row in a chapter


def findings_table(findings: list[Finding]) -> str:
    """The findings on a chapter's section as one compact table: severity, the finding in one sentence, the claims it
    cites and a link to its full arithmetic in Appendix A (the boxes live only there). Contradictions always get a
    row each; `GROUP_AT` or more implausible or unclear findings of one rule share a row that names the rule and links
    each of them, so that a section's contradictions are not buried under repeats of one pattern."""
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.id))
    if not ordered:
        return ""   # the chapter's lead sentence already says no finding touches these sections
    # a caption: a table without one prints as 'Table 3 – continued' on its second page and unnamed on its first
    # in print the findings set a size smaller than the chapter's own tables (gp-findings-print, _config.yml): a
    # section may have a dozen of them, and they repeat Appendix A
    rows = ["::::{container} gp-findings-print", ":::{list-table} The audit's findings on these sections", ":header-rows: 1", ":widths: 16 52 20 12", ":class: gp-table gp-findings longtable", "",
            "* - severity", "  - finding", "  - claims", "  - arithmetic"]
    for group in _table_groups(ordered):
        rows += _group_row(group) if len(group) > 1 else _finding_row(group[0])
    return "\n".join(rows) + "\n:::\n::::\n"


def _table_groups(ordered: list[Finding]) -> list[list[Finding]]:
    """Findings in table order, each alone or, for a rule with `GROUP_AT` or more non-contradictions, together at
    the place of the rule's first finding."""
    from collections import Counter

    size = Counter((f.severity, f.rule) for f in ordered)
    groups, seen = [], {}
    for f in ordered:
        if f.severity == "contradiction" or size[(f.severity, f.rule)] < GROUP_AT:
            groups.append([f])
        elif (f.severity, f.rule) in seen:
            seen[(f.severity, f.rule)].append(f)
        else:
            seen[(f.severity, f.rule)] = [f]
            groups.append(seen[(f.severity, f.rule)])
    return groups


def _finding_row(f: Finding) -> list[str]:
    cited = ", ".join(sorted({r.claim_id for r in f.refs}))
    return [f"* - {STYLE[f.severity][1]}", f"  - {esc(spaced_percents(f.message))}", f"  - {cited}", f"  - {{ref}}`Appendix A <{finding_label(f)}>`"]


def _group_row(group: list[Finding]) -> list[str]:
    from growthpath.audit import relate, rules  # noqa: F401  (registers every rule's title)
    from growthpath.audit.registry import RULES

    f = group[0]
    ids = sorted({r.claim_id for g in group for r in g.refs})
    cited = ", ".join(ids) if len(ids) <= GROUP_IDS else f"{', '.join(ids[:GROUP_IDS - 1])} and {len(ids) - GROUP_IDS + 1} more"
    links = " · ".join(f"{{ref}}`{k} <{finding_label(g)}>`" for k, g in enumerate(group, 1))
    where = "; ".join(dict.fromkeys(_places(g) for g in group))
    return [f"* - {STYLE[f.severity][1]}", f"  - {esc(RULES[f.rule].title)}: {len(group)} findings, in {esc(where)}.",
            f"  - {cited}", f"  - Appendix A: {links}"]


def _places(f: Finding) -> str:
    """The seed sections a finding touches: '000 §1.2 and §6.1', '000 §4.2 and 004 §2.1'."""
    by_doc: dict[str, list[str]] = {}
    for r in f.refs:
        by_doc.setdefault(r.doc, [])
        if r.section not in by_doc[r.doc]:
            by_doc[r.doc].append(r.section)
    return " and ".join(f"{doc} " + " and ".join(f"§{s}" for s in sorted(secs, key=_section_key)) for doc, secs in by_doc.items())


def _section_key(section: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in section.replace("b", ".b").split("."))


def chapters_of(f: Finding, sections: pd.DataFrame) -> list[int]:
    index = sections.set_index(["doc", "section"])["chapter"]
    return sorted({int(index.get((r.doc, r.section), 0)) for r in f.refs})


def summary(findings: list[Finding], sections: pd.DataFrame) -> pd.DataFrame:
    """One row per (chapter, severity) with the number of findings touching that chapter."""
    rows = [{"chapter": ch, "severity": f.severity} for f in findings for ch in chapters_of(f, sections)]
    frame = pd.DataFrame(rows, columns=["chapter", "severity"])
    return frame.groupby(["chapter", "severity"]).size().rename("findings").reset_index()
