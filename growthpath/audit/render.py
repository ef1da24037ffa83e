"""Findings as the book shows them: MyST admonitions (one per finding), section labels and links.

All text that comes from data is escaped, so a quote can never become markup."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from growthpath import paths
from growthpath.audit.engine import Finding, fmt
from growthpath.book import _escape_markdown as esc

STYLE = {"contradiction": ("danger", "Contradiction"), "implausible": ("warning", "Implausible"),
         "unclear": ("note", "Unclear")}
SEVERITY_ORDER = {"contradiction": 0, "implausible": 1, "unclear": 2}
LABEL = re.compile(r"^\((sec-(\d{3})-([0-9a-z-]+))\)=\s*$", re.M)


def section_label(doc: str, section: str) -> str:
    """The MyST label a chapter puts before the heading that covers a seed section: sec-000-1-1."""
    return f"sec-{doc}-{section.replace('.', '-')}"


def finding_label(f: Finding) -> str:
    """A readable, unique label: the rule, the first claim, and a short hash of the whole id."""
    import hashlib

    first = min(r.claim_id for r in f.refs).replace(".", "-")
    return f"finding-{f.rule.replace('_', '-')}-{first}-{hashlib.sha1(f.id.encode()).hexdigest()[:8]}"


def labels_path() -> Path:
    return paths.root() / "_build" / ".section-labels.json"


def scan_section_labels() -> list[str]:
    """Section labels defined by the chapter notebooks listed in _toc.yml (only those can be linked)."""
    toc = (paths.root() / "_toc.yml").read_text(encoding="utf-8")
    labels = set()
    for stem in re.findall(r"book/chapters/([\w-]+)", toc):
        source = paths.chapters_dir() / f"{stem}.ipynb"
        if source.exists():
            cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
            labels |= {m.group(1) for m in LABEL.finditer(text)}
    return sorted(labels)


def write_section_labels() -> Path:
    """Write the label index (`_build/.section-labels.json`) when it changed. The runner calls this
    before deciding what is fresh, so editing one chapter's prose re-runs the others only when the
    labels they can link to changed."""
    import os

    path = labels_path()
    text = json.dumps(scan_section_labels(), indent=0) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def available_section_labels() -> set[str]:
    """The section labels chapters can link to (from the index the runner keeps current)."""
    from growthpath.datapackage import record_read

    path = labels_path() if labels_path().exists() else write_section_labels()
    record_read(path)
    return set(json.loads(path.read_text(encoding="utf-8")))


def _quote_lines(f: Finding, claims: pd.DataFrame) -> list[str]:
    by_id = claims.set_index("claim_id")
    lines = []
    for ref in sorted(set(f.refs), key=lambda r: r.claim_id):
        if ref.claim_id in by_id.index:
            lines.append(f"- `{ref.claim_id}` “{esc(str(by_id.at[ref.claim_id, 'quote_zh']))}”")
    return lines


def _value(v) -> str:
    if isinstance(v, float):
        return fmt(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _arithmetic(f: Finding) -> str:
    inputs = "; ".join(f"{esc(str(k).replace('_', ' '))} = {esc(_value(v))}" for k, v in f.inputs.items())
    return f"**Arithmetic.** {inputs}. Formula: {esc(f.formula)}. Result: **{esc(f.result)}**."


def admonition(f: Finding, claims: pd.DataFrame, *, link_sections: set[str] | None = None,
               link_appendix: bool = True, label: bool = False, collapse_unclear: bool = True) -> str:
    kind, title = STYLE[f.severity]
    cls = f"{kind} gp-finding" + (" dropdown" if collapse_unclear and f.severity == "unclear" else "")
    body = [esc(f.message), "", _arithmetic(f), "", *_quote_lines(f, claims)]
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
    return (f"{head}:::{{admonition}} {title}: {esc(f.rule.replace('_', ' '))}\n:class: {cls}\n"
            + "\n".join(body) + "\n:::\n")


def findings_markdown(findings: list[Finding], claims: pd.DataFrame, **kwargs) -> str:
    ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.id))
    if not ordered:
        return "*The audit finds nothing to flag in these sections.*\n"
    return "\n".join(admonition(f, claims, **kwargs) for f in ordered)


def chapters_of(f: Finding, sections: pd.DataFrame) -> list[int]:
    index = sections.set_index(["doc", "section"])["chapter"]
    return sorted({int(index.get((r.doc, r.section), 0)) for r in f.refs})


def summary(findings: list[Finding], sections: pd.DataFrame) -> pd.DataFrame:
    """One row per (chapter, severity) with the number of findings touching that chapter."""
    rows = [{"chapter": ch, "severity": f.severity} for f in findings for ch in chapters_of(f, sections)]
    frame = pd.DataFrame(rows, columns=["chapter", "severity"])
    return frame.groupby(["chapter", "severity"]).size().rename("findings").reset_index()
