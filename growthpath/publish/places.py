"""Where a reader sees each glued value: the first `{glue:text}`, `{glue:md}` or `{glue}` role that prints it in a
page's Markdown, the value as that role prints it (its format spec, "4.2 %" spacing), the section it is in and the
words around it, with every other role in those words filled in as the page fills it (Appendix D)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from growthpath.markup import UNIT_AFTER, plain_text, spaced_percents   # UNIT_AFTER: a unit typed after a number, part of it as printed
from growthpath import paths
from growthpath.data import datapackage
from growthpath.publish import lint

GLUE_ROLE = re.compile(r"\{glue(?::(text|md|any))?\}`([^`]+)`")
OTHER_ROLE = re.compile(r"\s?\{cite(?::\w+)?\}`[^`]*`|\{(ref|numref|doc)\}`([^`]*)`")
LABEL = re.compile(r"^\(([^)]+)\)=\s*$")
HEADING = re.compile(r"^(#+)\s+(.*)$")
NEW_BLOCK = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s|\|)")           # a list item or a table row starts a block of its own
NOT_PROSE = re.compile(r"^\s*(?::::*|```+|:[a-z\-]+:|\|[-:| ]+\|\s*$)")   # fences, directive options, a table's rule
LIST_MARK = re.compile(r"^(?:[-*+]|\d+\.)\s+")
LEFT_OVER = ((re.compile(r"\s*[;,]\s*\)"), ")"), (re.compile(r"\s*\(\s*\)"), ""))   # a left-out citation's '(Figure; )', ' ()'
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“(*\x00])")
MATH = re.compile(r"(?<![\w$])\$([^$\s][^$]*?)\$")      # inline math, not a currency sign (US$)
SYMBOLS = {"alpha": "α", "beta": "β", "gamma": "γ", "lambda": "λ", "mu": "μ", "sigma": "σ", "rho": "ρ", "times": "×",
           "cdot": "·", "le": "≤", "ge": "≥", "approx": "≈"}
TARGET = "\x00"                                                 # stands for the value being located, one word
WORDS_BEFORE, WORDS_AFTER = 8, 6


@dataclass(frozen=True)
class Role:
    kind: str       # "text" | "md" | "any"
    page: str       # the notebook the value is glued in (`chapters/03_targets.ipynb`), "" for the page itself
    key: str
    spec: str       # a {glue:text} role's format spec ("" when none)


@dataclass(frozen=True)
class Place:
    """Where a value is first printed: the `order` of its role on the page, its section, the value as printed and a
    short excerpt of the sentence around it, on `page` (a chapter's name, or `summary`)."""
    page: str
    title: str      # how the book refers to the page: 'Chapter 3', 'Appendix F', 'Executive summary'
    order: int
    section: str
    shown: str
    excerpt: str


def role(kind: str | None, content: str) -> Role:
    """A glue role's parts, split as myst-nb splits them: `<page>::<key>:<spec>`."""
    page, _, rest = content.rpartition("::")
    if kind == "text" and ":" in rest:
        key, spec = rest.rsplit(":", 1)
        return Role("text", page, key, spec)
    return Role(kind or "any", page, rest, "")


def printed(value, r: Role) -> str:
    """A glued value as the page prints it: a number in the role's format ({glue:text} formats the value's text/plain
    as myst-nb does), a sentence as its words; "4.2%" spaced as "4.2 %" (`sphinxext._space_percents`)."""
    from myst_nb.core.variables import format_plain_text

    if isinstance(value, str):
        return plain_text(value)
    text = format_plain_text(repr(value), r.spec or "s") if r.kind == "text" else str(value)
    return spaced_percents(text)


def short_heading(title: str) -> str:
    """How the book refers to a heading: '2.1 The growth bottleneck' → '§2.1', '1. Background: …' → 'Chapter 1',
    'Appendix D. Where …' → 'Appendix D'; any other heading by its words."""
    title = plain_text(title).strip()
    if m := re.match(r"(\d+\.\d+(?:\.\d+)*)\s", title):
        return f"§{m.group(1)}"
    if m := re.match(r"(\d+)\.\s", title):
        return f"Chapter {m.group(1)}"
    if m := re.match(r"(Appendix [A-Z])\.", title):
        return m.group(1)
    return title


def labels(markdown: str) -> dict[str, str]:
    """{label: how the book refers to it} for every `(label)=` line right above a heading."""
    lines = markdown.splitlines()
    return {m.group(1): short_heading(h.group(2)) for line, below in zip(lines, lines[1:])
            if (m := LABEL.match(line)) and (h := HEADING.match(below))}


def _reference(m: re.Match, known: Mapping[str, str]) -> str:
    if m.group(1) is None:      # a citation: the excerpt leaves it out
        return ""
    text, _, target = m.group(2).rpartition(" <")
    if text:                    # {ref}`words <label>`: the words
        return text
    label = m.group(2)
    if m.group(1) == "numref":
        return known.get(label, "Figure" if label.startswith("fig-") else "Table")
    return known.get(label, label.rsplit("/", 1)[-1].replace("-", " ").replace("_", " "))


def blocks(markdown: str) -> list[tuple[str, str]]:
    """(section, text) of each paragraph, list item, table row and heading of a page's Markdown, in order: the
    section is the last heading of level two or above before it (a chapter's title gives none)."""
    found, section, current = [], "", []

    def close():
        if current:
            found.append((section, " ".join(current)))
            current.clear()

    for line in markdown.splitlines():
        heading = HEADING.match(line)
        if not line.strip() or NOT_PROSE.match(line) or LABEL.match(line) or heading or NEW_BLOCK.match(line):
            close()
        if heading and len(heading.group(1)) <= 2:
            section = short_heading(heading.group(2)) if len(heading.group(1)) == 2 else ""
        if line.strip() and not NOT_PROSE.match(line) and not LABEL.match(line) and not heading:
            current.append(LIST_MARK.sub("", line.strip()).strip("|").replace(" | ", " · "))
    close()
    return found


def excerpt(text: str) -> str:
    """The words around the one TARGET word of a block's text, within its sentence; '…' where words are left out."""
    sentence = next(s for s in SENTENCE_END.split(text) if TARGET in s)
    words = sentence.split()
    at = next(i for i, w in enumerate(words) if TARGET in w)
    start, end = max(0, at - WORDS_BEFORE), min(len(words), at + WORDS_AFTER + 1)
    return ("… " if start else "") + " ".join(words[start:end]) + (" …" if end < len(words) else "")


def owner(r: Role, page: str) -> str:
    """The page a role's value is glued in: `chapters/03_targets.ipynb::…` → `03_targets`, else the page itself."""
    return Path(r.page).stem if r.page else page


def _filled(text: str, values: Mapping[str, Mapping], page: str, known: Mapping[str, str]) -> str:
    """A block's text as the page prints it: every glue role replaced by its value, every reference by its words."""
    def paste(m: re.Match) -> str:
        r = role(*m.groups())
        value = values.get(owner(r, page), {}).get(r.key)
        return "…" if value is None else printed(value, r)

    text = OTHER_ROLE.sub(lambda m: _reference(m, known), GLUE_ROLE.sub(paste, text))
    for left, tidy in LEFT_OVER:
        text = left.sub(tidy, text)
    return plain_math(plain_text(text))


def plain_math(text: str) -> str:
    """Inline math as plain text ('$\\alpha$ = 4.4' → 'α = 4.4', '$1 + (m - 1)\\,\\mathrm{ICC}$' → '1 + (m - 1) ICC'):
    a table cell shows no LaTeX."""
    def words(m: re.Match) -> str:
        tex = re.sub(r"\\[,;:! ]", " ", m.group(1))
        tex = re.sub(r"\\(?:mathrm|text|mathit|operatorname)\{([^}]*)\}", r"\1", tex)
        return re.sub(r"\\([A-Za-z]+)", lambda g: SYMBOLS.get(g.group(1), g.group(1)), tex).replace("{", "").replace("}", "")

    return MATH.sub(words, text)


def title(markdown: str) -> str:
    """How the book refers to a page: its first top-level heading, short (`short_heading`)."""
    return next((short_heading(m.group(2)) for m in map(HEADING.match, markdown.splitlines()) if m and m.group(1) == "#"), "")


def first_places(markdown: str, page: str, values: Mapping[str, Mapping], known: Mapping[str, str]) -> dict[tuple[str, str], Place]:
    """{(page the value is glued in, key): where it is first printed} for every glue role of one page's Markdown;
    `values` holds each page's glued values ({page: {key: value}}), `known` the book's labels (`labels`)."""
    found: dict[tuple[str, str], Place] = {}
    order, page_title = 0, title(markdown)
    for section, text in blocks(markdown):
        for m in GLUE_ROLE.finditer(text):
            r, order = role(*m.groups()), order + 1
            glued_in = owner(r, page)
            if (glued_in, r.key) in found or r.key not in values.get(glued_in, {}):
                continue
            unit = UNIT_AFTER.match(text, m.end())
            end = unit.end() if unit else m.end()
            filled = _filled(text[:m.start()] + TARGET + text[end:], values, page, known)
            shown = printed(values[glued_in][r.key], r) + (unit.group() if unit else "")
            found[glued_in, r.key] = Place(page, page_title, order, section, shown, excerpt(filled).replace(TARGET, shown))
    return found


def page_markdown(path: Path) -> str:
    """A page's Markdown cells and figure captions (a .md page whole), one blank line apart."""
    return "\n\n".join(text for _, text in lint.markdown_cells(path))


def summary_path() -> Path:
    return paths.root() / "book" / "summary.md"


def book_places(values: Mapping[str, Mapping]) -> dict[tuple[str, str], Place]:
    """{(chapter, key): where it is first printed} for the glued values of each chapter ({chapter: {key: value}}): in
    the chapter's own prose, else in the executive summary, which quotes the chapters."""
    pages = {chapter: paths.chapters_dir() / f"{chapter}.ipynb" for chapter in values} | {"summary": summary_path()}
    markdown = {}
    for name, path in pages.items():
        if path.exists():
            datapackage.record_read(path)
            markdown[name] = page_markdown(path)
    known = {label: short for text in markdown.values() for label, short in labels(text).items()}
    found: dict[tuple[str, str], Place] = {}
    for name, text in markdown.items():      # the chapters first: the summary only adds what no chapter prints
        for where, place in first_places(text, name, values, known).items():
            found.setdefault(where, place)
    return found
