"""No number in a chapter's prose is typed by hand: every figure that comes from data is glued.

`unglued_numbers(path)` reports each number left in a Markdown cell after removing MyST roles
(`{glue:text}`…``, `{numref}`…``), inline code, math, link targets, labels and directive options.
Allowed by rule, and only these:

1. years and year ranges, 1900–2099 (`2023`, `2019–2025`);
2. section numbers: after §, Chapter, Section or Appendix; numbered headings and list items;
3. the seed documents' ids, 000 and 004;
4. numbers that are part of a name: fused with letters (`5G`, `3S`, `14th`, `88VIP`, `SHA-256`) or one of NAMES;
5. quotations in double quotes or 「」, which reproduce the source's own words (their numbers are in
   the ledger with the verbatim quote);
6. the constants 0 and 1 (not as percentages), 100 % (a whole) and an index base (= 100).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

NAMES = ("Double 11", "ISO 31000", "Asia No. 1", "CDNOW 1/10 sample")

_STRIP = [
    re.compile(r"\{[a-z:\-]+\}`[^`]*`"),           # MyST roles: glue, numref, ref, cite
    re.compile(r"`[^`]*`"),                         # inline code
    re.compile(r"\$\$.*?\$\$|\$[^$]*?\$", re.S),     # math
    re.compile(r"\]\([^)]*\)"),                     # link targets
    re.compile(r"^\([^)]*\)=\s*$", re.M),           # labels
    re.compile(r"^:[a-z\-]+:.*$", re.M),            # directive options
    re.compile(r"\"[^\"\n]*\"|“[^”]*”|「[^」]*」"),   # quotations (rule 5)
]
_ALLOWED = re.compile(r"""
    (?<!\d)(?<!\d[.,])(?:19|20)\d\d(?:\s?[–-]\s?(?:19|20)?\d\d)?(?!\d|[.,]\d)   # 1. years, year ranges
  | (?:§\s?|[Cc]hapters?\s|[Ss]ections?\s|[Aa]ppendix\s)\d+(?:\.\d+)*[a-z]?(?:\s?[–-]\s?\d+(?:\.\d+)*[a-z]?)?  # 2. sections
  | ^\#+\s+\d+(?:\.\d+)* | ^\s*\d+\.(?=\s)                                # 2. numbered headings, list items
  | (?<![\d.])00[04](?!\d|\.\d)                                          # 3. seed document ids
  | (?<![\w.])\d+[A-Za-z]+\w* | [A-Za-z]+-?\d+\w*                         # 4. fused with letters
  | (?<![\d.,])100\s?%|=\s?100(?![\d.,])                                # 6. a whole, an index base
  | (?<![\d.,])[01](?![\d.,]|\s?%)                                        # 6. zero and one
""", re.X | re.M)
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")


@dataclass(frozen=True)
class Unglued:
    notebook: str
    cell: int
    number: str
    context: str

    def __str__(self) -> str:
        return f"{self.notebook}, Markdown cell {self.cell}: '{self.number}' typed by hand in …{self.context}…"


def prose_without_allowed(text: str) -> str:
    for name in NAMES:
        text = re.sub(r"\s+".join(map(re.escape, name.split())), " ", text)
    for rx in _STRIP:
        text = rx.sub(" ", text)
    return _ALLOWED.sub(" ", text)


def markdown_cells(path: Path) -> list[tuple[int, str]]:
    """(index, text) of a notebook's Markdown cells; a .md page is one cell."""
    text = Path(path).read_text(encoding="utf-8")
    if Path(path).suffix == ".md":
        return [(0, text)]
    cells = json.loads(text)["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


def unglued_numbers(path: Path) -> list[Unglued]:
    found = []
    for i, source in markdown_cells(path):
        text = prose_without_allowed(source)
        for m in _NUMBER.finditer(text):
            context = " ".join(text[max(0, m.start() - 35):m.end() + 25].split())
            found.append(Unglued(Path(path).name, i, m.group(), context))
    return found
