"""Where a reader sees each glued value: the first `{glue:text}`, `{glue:md}` or `{glue}` role that prints it in a
page's Markdown, the value as that role prints it (its format spec, "4.2 %" spacing), the section it is in and the
words around it, with every other role in those words filled in as the page fills it (Appendix D). A figure is named as
the book numbers it ('Fig. 12'), both where the prose refers to it and where a number is in its caption; a glued
sentence is also a place for each figure it prints (the summary's '+192,000 元 of lifetime order value')."""
from __future__ import annotations

import json
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
CAPTION_OPEN = re.compile(r"^:::\{gp-caption\}\s*(\S*)\s*$")   # a figure's caption (`page_markdown`), by its label
CAPTION_CLOSE = re.compile(r"^:::\s*$")
FIGURE = "Fig. {}"          # how the book numbers a figure (Sphinx's numfig_format, which the book keeps): 'Fig. 12'
NOT_PROSE = re.compile(r"^\s*(?::::*|```+|:[a-z\-]+:|\|[-:| ]+\|\s*$)")   # fences, directive options, a table's rule
LIST_MARK = re.compile(r"^(?:[-*+]|\d+\.)\s+")
LEFT_OVER = ((re.compile(r"\s*[;,]\s*\)"), ")"), (re.compile(r"\s*\(\s*\)"), ""))   # a left-out citation's '(Figure; )', ' ()'
SENTENCE_END = re.compile(r"(?<=[.!?])(?<!Fig\.)\s+(?=[A-Z0-9“(*\x00])")
MATH = re.compile(r"(?<![\w$])\$([^$\s][^$]*?)\$")      # inline math, not a currency sign (US$)
SYMBOLS = {"alpha": "α", "beta": "β", "gamma": "γ", "lambda": "λ", "mu": "μ", "sigma": "σ", "rho": "ρ", "times": "×",
           "cdot": "·", "le": "≤", "ge": "≥", "approx": "≈"}
WORD = re.compile(r"\S*Fig\. \S+|\S+")                         # a word; 'Fig. 12' is one
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
    part: int = 0   # the figure's place in a glued sentence that prints several (1, 2, …), 0 for a glued number


SENTENCE_PART = "#"     # (chapter, `key#2`): the second figure a glued sentence prints

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
    label = target.rstrip(">") if text else m.group(2)
    if m.group(1) == "numref":  # as Sphinx numbers it: 'Fig. 12', or the role's own words with the number in them
        number = known.get(label, "Figure" if label.startswith("fig-") else "Table")
        return text.replace("%s", number.rpartition(" ")[2]).replace("{number}", number.rpartition(" ")[2]) if text else number
    if text:                    # {ref}`words <label>`: the words
        return text
    return known.get(label, label.rsplit("/", 1)[-1].replace("-", " ").replace("_", " "))


def blocks(markdown: str) -> list[tuple[str, str, str]]:
    """(section, text, figure) of each paragraph, list item, table row and heading of a page's Markdown, in order: the
    section is the last heading of level two or above before it (a chapter's title gives none); `figure` is the label
    of the figure whose caption the text is (`page_markdown`'s `:::{gp-caption}` span), "" in the prose."""
    found, section, current, figure = [], "", [], ""

    def close():
        if current:
            found.append((section, " ".join(current), figure))
            current.clear()

    for line in markdown.splitlines():
        if (opened := CAPTION_OPEN.match(line)) or (figure and CAPTION_CLOSE.match(line)):
            close()
            figure = opened.group(1) if opened else ""
            continue
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
    words = WORD.findall(sentence)
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


def where(section: str, figure: str, known: Mapping[str, str]) -> str:
    """A block's place as the book names it: its section, and the figure when the block is that figure's caption
    ('§1.1, Fig. 3')."""
    if not figure:
        return section
    named = known.get(figure, "a figure")
    return f"{section}, {named}" if section else named


def sentence_figures(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each figure a glued sentence prints, with the unit typed after it ('+192,000 元')."""
    spans = []
    for start, end in lint.figures_in(sentence):
        unit = UNIT_AFTER.match(sentence, end)
        spans.append((start, unit.end() if unit else end))
    return spans


def first_places(markdown: str, page: str, values: Mapping[str, Mapping], known: Mapping[str, str]) -> dict[tuple[str, str], Place]:
    """{(page the value is glued in, key): where it is first printed} for every glue role of one page's Markdown;
    `values` holds each page's glued values ({page: {key: value}}), `known` the book's labels (`labels`) and figures
    (`figure_labels`). A glued sentence is a place for each figure it prints, keyed `key#1`, `key#2`, … (SENTENCE_PART)."""
    found: dict[tuple[str, str], Place] = {}
    order, page_title = 0, title(markdown)
    for section, text, figure in blocks(markdown):
        for m in GLUE_ROLE.finditer(text):
            r, order = role(*m.groups()), order + 1
            glued_in = owner(r, page)
            if (glued_in, r.key) in found or r.key not in values.get(glued_in, {}):
                continue
            value, at = values[glued_in][r.key], where(section, figure, known)
            unit = UNIT_AFTER.match(text, m.end())
            end = unit.end() if unit else m.end()
            filled = _filled(text[:m.start()] + TARGET + text[end:], values, page, known)
            shown = printed(value, r) + (unit.group() if unit else "")
            found[glued_in, r.key] = Place(page, page_title, order, at, shown, excerpt(filled).replace(TARGET, shown))
            if isinstance(value, str):      # words or a sentence: each figure it prints, with the words around it
                sentence = printed(value, r)
                for part, (start, stop) in enumerate(sentence_figures(sentence), 1):
                    filled = _filled(text[:m.start()] + sentence[:start] + TARGET + sentence[stop:] + text[m.end():],
                                     values, page, known)
                    shown = sentence[start:stop]
                    found[glued_in, f"{r.key}{SENTENCE_PART}{part}"] = Place(
                        page, page_title, order, at, shown, excerpt(filled).replace(TARGET, shown), part)
    return found


def page_markdown(path: Path) -> str:
    """A page's Markdown cells and figure captions (a .md page whole), one blank line apart; a caption is set in a
    `:::{gp-caption} <figure label>` span, so its words are placed in that figure."""
    path = Path(path)
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    parts = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        elif (fig := _figure(cell)).get("caption"):
            parts.append(f":::{{gp-caption}} {fig.get('name', '')}\n{fig['caption']}\n:::")
    return "\n\n".join(parts)


def _figure(cell: dict) -> dict:
    return cell.get("metadata", {}).get("mystnb", {}).get("figure", {}) or {}


def toc_pages() -> list[str]:
    """The book's pages in reading order (_toc.yml), as paths without suffix: `book/intro`, `book/chapters/01_background`."""
    import yaml

    path = paths.root() / "_toc.yml"
    datapackage.record_read(path)
    toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    return pages + [c["file"] for c in toc.get("chapters", [])]


def figure_labels() -> dict[str, str]:
    """{figure label: how the book numbers it} ('fig-cac' → 'Fig. 8'): Sphinx numbers the figures through the whole book
    in the order of _toc.yml (numfig, one sequence, no chapter prefix); a figure is numbered when it has a caption and
    a label (Sphinx skips a figure without either), a chart cell's `mystnb.figure` being one figure."""
    numbers, n = {}, 0
    for page in toc_pages():
        path = paths.chapters_dir() / f"{Path(page).name}.ipynb"
        if not page.startswith("book/chapters/") or not path.exists():
            continue
        datapackage.record_read(path)
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            fig = _figure(cell)
            if cell["cell_type"] == "code" and fig.get("caption") and fig.get("name"):
                n += 1
                numbers[fig["name"]] = FIGURE.format(n)
    return numbers


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
    known = {label: short for text in markdown.values() for label, short in labels(text).items()} | figure_labels()
    found: dict[tuple[str, str], Place] = {}
    for name, text in markdown.items():      # the chapters first: the summary only adds what no chapter prints
        for where, place in first_places(text, name, values, known).items():
            found.setdefault(where, place)
    return found
