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
6. the constants 0 and 1 (not as percentages), 100 % (a whole) and an index base (= 100);
7. a power of ten written with a superscript exponent (10⁸, 10¹²), as in the definition of a Chinese unit.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

NAMES = ("Double 11", "ISO 31000", "Asia No. 1", "CDNOW 1/10 sample", "砍一刀 4.0",
         "亿人 (100 million people)", "亿元 (100 million yuan)")  # a unit's gloss is a definition, not a figure

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
  | (?<![\d.,])00[04](?!\d|\.\d)                                         # 3. seed document ids
  | (?<![\w.])\d+[A-Za-z]+\w* | [A-Za-z]+-?\d+\w*                         # 4. fused with letters
  | (?<![\d.,])100\s?%|=\s?100(?!\d|[.,]\d)                             # 6. a whole, an index base
  | (?<![\d.,])[01](?![\d.,]|\s?%)                                        # 6. zero and one
  | (?<![\d.,])10[⁰¹²³⁴⁵⁶⁷⁸⁹]+                                          # 7. powers of ten
""", re.X | re.M)
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")


@dataclass(frozen=True)
class Unglued:
    notebook: str
    cell: int
    number: str
    context: str

    def __str__(self) -> str:
        where = f"line {self.cell} (a sentence template)" if self.notebook.endswith(".py") else f"cell {self.cell} (Markdown or caption)"
        return f"{self.notebook}, {where}: '{self.number}' typed by hand in …{self.context}…"


def prose_without_allowed(text: str) -> str:
    for name in NAMES:
        text = re.sub(r"\s+".join(map(re.escape, name.split())), " ", text)
    for rx in _STRIP:
        text = rx.sub(" ", text)
    return _ALLOWED.sub(" ", text)


_DATE = re.compile(r"(?<![\d.,])(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?(?![\d.,])")   # 2024-01-01, 2026-01: a date
_BLANK = lambda m: " " * len(m.group())   # noqa: E731 — a span blanked out, every other offset kept
_SIGN = re.compile(r"(?:^|(?<=[\s(（]))[−+-]$")     # a sign right before a number, itself after a space or a bracket


def figures_in(text: str) -> list[tuple[int, int]]:
    """(start, end) of each figure a reader sees in a glued sentence as the page prints it: the numbers this lint would
    report if they were typed by hand (so no year, section, seed id, name, quotation, 0 or 1), a sign before one
    included; a ledger id (`000-3.2-09`) is an id and a date (`2024-01-01`) a date, not figures."""
    from growthpath.markup import LEDGER_ID

    masked = _DATE.sub(_BLANK, LEDGER_ID.sub(_BLANK, text))
    for name in NAMES:
        masked = re.sub(r"\s+".join(map(re.escape, name.split())), _BLANK, masked)
    for rx in _STRIP:
        masked = rx.sub(_BLANK, masked)
    masked = _ALLOWED.sub(_BLANK, masked)
    return [(m.start() - bool(_SIGN.search(masked[:m.start()])), m.end()) for m in _NUMBER.finditer(masked)]


def markdown_cells(path: Path) -> list[tuple[int, str]]:
    """(index, text) of a notebook's Markdown cells and of its figure captions (a code cell's
    `mystnb.figure.caption`); a .md page is one cell."""
    text = Path(path).read_text(encoding="utf-8")
    if Path(path).suffix == ".md":
        return [(0, text)]
    cells = json.loads(text)["cells"]
    return [(i, "".join(c["source"]) if c["cell_type"] == "markdown" else _caption(c))
            for i, c in enumerate(cells) if c["cell_type"] == "markdown" or _caption(c)]


def _caption(cell: dict) -> str:
    return cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption", "")


def unglued_in_text(text: str, where: str, index: int = 0) -> list["Unglued"]:
    """The numbers typed by hand in one piece of Markdown (a cell, a caption, a glued sentence's template)."""
    stripped = prose_without_allowed(text)
    return [Unglued(where, index, m.group(), " ".join(stripped[max(0, m.start() - 35):m.end() + 25].split()))
            for m in _NUMBER.finditer(stripped)]


def unglued_numbers(path: Path) -> list[Unglued]:
    return [u for i, source in markdown_cells(path) for u in unglued_in_text(source, Path(path).name, i)]


def _not_prose(tree) -> set[int]:
    """Strings in a module that are not text a reader sees: docstrings, error messages (inside `raise`), format specs,
    regular expressions, and the literal parts of f-strings (read as their f-string)."""
    import ast

    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None or isinstance(node, ast.Raise):
            skip |= {id(x) for x in ast.walk(node.format_spec if isinstance(node, ast.FormattedValue) else node)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "re":
            skip |= {id(x) for arg in node.args[:1] for x in ast.walk(arg)}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and node.body \
                and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            skip.add(id(node.body[0].value))
        elif isinstance(node, ast.JoinedStr):
            skip |= {id(v) for v in node.values}
    return skip


def unglued_in_templates(source: str, where: str) -> list[Unglued]:
    """Numbers typed into the sentences, labels and axis titles a package module writes for the book: every string
    and f-string of three words or more (an f-string's values are computed; its literal parts must not hold a figure)."""
    import ast

    tree = ast.parse(source)
    skip, found = _not_prose(tree), []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else " {} " for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if len(text.split()) >= 3:
            found += unglued_in_text(text, where, node.lineno)
    return found


# ----------------------------------------------------------------------------- assumptions typed in code
@dataclass(frozen=True)
class TypedAssumption:
    where: str
    line: int
    name: str
    value: str

    def __str__(self) -> str:
        return (f"{self.where}, line {self.line}: '{self.name}' is set to {self.value} in code; it is an assumption "
                "(data/reference/assumptions.csv): read it from the register, or declare the parameter as None")


def _number(node) -> str | None:
    """The literal number a node holds (also a negative literal), or None."""
    import ast

    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else "-" + inner
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return repr(node.value)
    return None


def typed_assumptions(source: str, where: str, ids) -> list[TypedAssumption]:
    """Places in Python `source` where a register id gets a literal number: an assignment (`icc = 0.02`, also
    `ICC = 0.02`), a parameter default (`def f(icc=0.02)`) or a keyword argument (`f(icc=0.02)`)."""
    import ast

    ids = {i.lower() for i in ids}
    tree = ast.parse(source)
    found = []

    def hit(name, value, node):
        if name.lower() in ids and value is not None:
            found.append(TypedAssumption(where, node.lineno, name, value))

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    hit(target.id, _number(node.value), node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            hit(node.target.id, _number(node.value), node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            positional = args.posonlyargs + args.args
            for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
                hit(arg.arg, _number(default), node)
            for arg, default in zip(args.kwonlyargs, args.kw_defaults):
                if default is not None:
                    hit(arg.arg, _number(default), node)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg:
                    hit(kw.arg, _number(kw.value), node)
    return found


def code_sources(paths) -> list[tuple[str, str]]:
    """(where, source) for every .py file and every code cell of every notebook given."""
    out = []
    for p in paths:
        p = Path(p)
        if p.suffix == ".py":
            out.append((str(p), p.read_text(encoding="utf-8")))
        elif p.suffix == ".ipynb":
            for i, c in enumerate(json.loads(p.read_text(encoding="utf-8"))["cells"]):
                if c["cell_type"] == "code":
                    out.append((f"{p.name}, code cell {i}", "".join(c["source"])))
    return out


# ----------------------------------------------------------------------------- logic in chapter code cells
_LOGIC = {"For": "a loop", "AsyncFor": "a loop", "While": "a loop", "If": "a conditional", "IfExp": "a conditional",
          "Match": "a conditional", "Try": "a try block", "With": "a with block", "ListComp": "a comprehension",
          "SetComp": "a comprehension", "DictComp": "a comprehension", "GeneratorExp": "a comprehension",
          "Lambda": "a lambda", "FunctionDef": "a definition", "AsyncFunctionDef": "a definition",
          "ClassDef": "a definition", "BoolOp": "a conditional (and/or)", "Dict": "an inline table (a dict)"}
FILE_READS = {"open", "read_csv", "read_excel", "read_parquet", "read_json", "read_text"}
MAX_LITERAL = 3   # a list, tuple or set written in a cell holds at most this many literal values (names are wiring, not data)


@dataclass(frozen=True)
class CellLogic:
    where: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.where}, line {self.line}: {self.what} (move it into a tested package function)"


def cell_logic(source: str, where: str) -> list[CellLogic]:
    """What a chapter code cell must not hold: loops, comprehensions, conditionals, lambdas, definitions and
    inline data tables (a dict; a list, tuple or set of more than MAX_LITERAL literal values, or holding another one;
    a DataFrame built in the cell) and file reads. IPython magics and shell lines are not Python and are skipped."""
    import ast

    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        kind = type(node).__name__
        if kind in _LOGIC and not (isinstance(node, ast.Dict) and not node.keys):    # `{}`: no parameters, not a table
            found.append(CellLogic(where, node.lineno, _LOGIC[kind]))
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and (
                sum(isinstance(e, ast.Constant) for e in node.elts) > MAX_LITERAL
                or any(isinstance(e, (ast.List, ast.Tuple, ast.Set, ast.Dict)) for e in node.elts)):
            found.append(CellLogic(where, node.lineno, "an inline table (a long or nested list)"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "DataFrame":
            found.append(CellLogic(where, node.lineno, "an inline table (a DataFrame)"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in FILE_READS:
            found.append(CellLogic(where, node.lineno, "a file read"))
    return found


def notebook_logic(path: Path) -> list[CellLogic]:
    """`cell_logic` of every code cell of a chapter notebook but its parameters cell (papermill's defaults)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return [found for i, c in enumerate(cells) if c["cell_type"] == "code"
            and "parameters" not in c.get("metadata", {}).get("tags", [])
            for found in cell_logic("".join(c["source"]), f"{Path(path).name}, code cell {i}")]
