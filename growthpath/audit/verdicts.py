"""A verdict for every section of both seeds: holds, does not hold, or cannot be checked, and why.

A section whose claims take part in a published contradiction or implausible finding does not hold; the
reason names the problems and the most serious finding. Every other section carries the reviewer's verdict
from data/reference/section_verdicts.csv (what the chapter's analysis shows, or why nothing can be
checked), written without figures: the figures are in the chapters, computed."""
from __future__ import annotations

import pandas as pd

from growthpath.audit.registry import SEVERITIES, Finding
from growthpath.markup import after_colon, spaced_percents

VERDICTS = ("holds", "does not hold", "cannot be checked")
SERIOUS = ("contradiction", "implausible")
# findings that put a section's evidence in doubt (one figure credited to several cases) without showing its numbers
# wrong: they are named in the section's reason, but the verdict stays the reviewer's
DOUBTFUL_EVIDENCE = ("recycled_evidence",)


def serious_by_section(findings: list[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """Published contradiction and implausible findings, by every (doc, section) they cite."""
    out: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.severity in SERIOUS and f.review != "rejected":
            for place in sorted({(r.doc, r.section) for r in f.refs}):
                out.setdefault(place, []).append(f)
    return out


def _problem_counts(found: list[Finding]) -> str:
    counts: dict[str, int] = {}
    for f in found:
        counts[f.problem] = counts.get(f.problem, 0) + 1
    return "; ".join(f"{p.lower()} ({n})" for p, n in counts.items())


def _first_sentence(text: str) -> str:
    """A finding's message up to its first ': ' outside brackets (what it is, without the working), with no final
    full stop: the verdict adds its own."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "(（[“"
        depth -= ch in ")）]”" and depth > 0
        if depth == 0 and text.startswith(": ", i):
            return text[:i].rstrip(". ")
    return text.rstrip(". ")


def table(findings: list[Finding], sections: pd.DataFrame, reviewed: pd.DataFrame) -> pd.DataFrame:
    """One row per seed section: doc, section, chapter, title, verdict, why, findings (ids)."""
    serious = serious_by_section(findings)
    notes = reviewed.set_index(["doc", "section"])
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    rows = []
    for s in sections.itertuples():
        place = (s.doc, s.section)
        ranked = sorted(serious.get(place, []), key=lambda f: (rank[f.severity], f.id))
        found = [f for f in ranked if f.rule not in DOUBTFUL_EVIDENCE]
        doubtful = [f for f in ranked if f.rule in DOUBTFUL_EVIDENCE]
        note = notes.loc[place] if place in notes.index else None
        if found:
            worst = found[0]
            why = (f"{len(found)} problem{'s' if len(found) > 1 else ''} with its numbers: {_problem_counts(found)}. "
                   f"Most serious: {after_colon(spaced_percents(_first_sentence(worst.message)))}.")
            if note is not None and note["verdict"] == "does not hold" and note["why"]:
                why += f" {note['why']}"
            verdict = "does not hold"
        elif note is not None:
            verdict, why = note["verdict"], note["why"]
        else:
            verdict, why = "cannot be checked", "No reviewer's verdict is recorded for this section yet."
        if doubtful:
            why += (f" Its evidence is in doubt: {after_colon(spaced_percents(_first_sentence(doubtful[0].message)))}"
                    + (f" ({len(doubtful)} such findings)." if len(doubtful) > 1 else "."))
        rows.append({"doc": s.doc, "section": s.section, "chapter": int(s.chapter), "title": s.title_en,
                     "verdict": verdict, "why": why, "findings": [f.id for f in ranked]})
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    """The verdicts as a list a reader scans: '000 §1.1 Title — Does not hold. Why.'"""
    from growthpath.markup import escape_markdown as esc

    lines = []
    for r in frame.itertuples():
        lines.append(f"- **{r.doc} §{r.section}** *{esc(r.title)}* — **{r.verdict.capitalize()}.** {esc(r.why)}")
    return "\n".join(lines) + "\n"
