"""Where a glued value or a chart comes from, recorded when it is made — never typed by hand.

Inside a chapter kernel, `trace(key)` reads the notebook's own input history (IPython's `In`), finds
the statement that glues `key` (or draws the chart), and walks back through the statements that
assigned the names it uses. Along the way it collects
- the package functions called (`growthpath.market.outlook`, …), resolved in the
  kernel's namespace, and
- the data ids it drew on: the ledger `claim_id`s and official `obs_id`s that the package's pickers
  (`claims.pick`, `official.observations`) selected in those cells, or else the ids held by the
  narrowest frames it used.
Outside a kernel (tests, scripts) it returns an empty trace."""
from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import sys
from dataclasses import dataclass, field

GLUE_FUNCTIONS = {"glue_number", "glue_text", "glue_markdown", "glue_claims", "glue"}
ID_COLUMNS = ("claim_id", "obs_id", "series_id")
MAX_IDS = 12          # a trace naming more ids than this names the count and the first ones
NARROW = 40          # frames holding at most this many ids are a 'selection'
MAX_DEPTH = 400       # statements walked back at most
QUIET_MODULES = ("growthpath.book", "growthpath.charts", "growthpath.provenance")


@dataclass
class Trace:
    functions: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    n_ids: int = 0

    def ids_text(self) -> str:
        if self.n_ids > len(self.ids):
            return f"{', '.join(self.ids)} … ({self.n_ids} in all)"
        return ", ".join(self.ids)


NOTED: dict[tuple[int, int], list[str]] = {}   # (cell number, line) → ids the package's pickers selected there


def _cell_line() -> int | None:
    """The line of the running notebook cell that (directly or not) called the package."""
    ns = _namespace()
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals is ns:
            return frame.f_lineno
        frame = frame.f_back
    return None


_CAPTURING: list[list[str]] = []


@contextlib.contextmanager
def capture():
    """The ids noted inside the block, in order: a result computed once and cached (the audit's
    findings) notes them again when it is reused, so its provenance is the same either way."""
    ids: list[str] = []
    _CAPTURING.append(ids)
    try:
        yield ids
    finally:
        _CAPTURING.remove(ids)


def note(ids) -> None:
    """Record ids a picker selected (`claims.pick`, `official.observations`) at the running cell's line."""
    ids = [str(i) for i in ids]
    for captured in _CAPTURING:
        captured.extend(ids)
    cell = len(_history())
    line = _cell_line() if cell else None
    if line is not None:
        NOTED.setdefault((cell, line), []).extend(ids)


def _noted(cell: int, stmt: ast.stmt) -> list[str]:
    return [i for line in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1) for i in NOTED.get((cell, line), [])]


@functools.lru_cache(maxsize=512)
def _statements(source: str) -> tuple:
    try:
        return tuple(ast.parse(source).body)
    except SyntaxError:
        return ()


def _history() -> list[str]:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return []
    ip = get_ipython()
    return list(ip.user_ns.get("In", []))[1:] if ip is not None else []


def _namespace() -> dict:
    from IPython import get_ipython

    ip = get_ipython()
    return ip.user_ns if ip is not None else {}


def _glues(node: ast.AST, key: str | None) -> bool:
    """Does `node` contain a glue call (for `key`, when given as a literal)?"""
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name in GLUE_FUNCTIONS:
                first = call.args[0] if call.args else None
                if key is None or not isinstance(first, ast.Constant) or first.value == key:
                    return True
    return False


@functools.lru_cache(maxsize=None)  # statements are parsed once per cell source (see _statements)
def _assigned(stmt: ast.stmt) -> frozenset[str]:
    """Names the statement binds, including inside loops, `with` blocks and conditionals."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
        return frozenset()
    return frozenset(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))


@functools.lru_cache(maxsize=None)
def _loaded(node: ast.AST) -> frozenset[str]:
    return frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))


def _dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def _resolve(parts: list[str], ns: dict):
    if parts[0] not in ns:
        return None
    obj = ns[parts[0]]
    for attr in parts[1:]:
        try:
            obj = inspect.getattr_static(obj, attr) if isinstance(obj, type) else getattr(obj, attr)
        except AttributeError:
            return None
    return obj


def _package_function(obj) -> str | None:
    obj = getattr(obj, "__func__", obj)
    module = getattr(obj, "__module__", "") or ""
    if not module.startswith("growthpath") or module.startswith(QUIET_MODULES) or not callable(obj):
        return None
    return f"{module}.{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}"


def _functions(stmt: ast.stmt, ns: dict) -> list[str]:
    """Package functions the statement calls, and those it hands to a call (`fitted(clv.fit_bgnbd, s)`)."""
    found = []
    for call in ast.walk(stmt):
        if not isinstance(call, ast.Call):
            continue
        for expr in (call.func, *call.args, *(k.value for k in call.keywords)):
            if isinstance(expr, (ast.Name, ast.Attribute)) and (parts := _dotted(expr)):
                name = _package_function(_resolve(parts, ns))
                if name:
                    found.append(name)
    return found


def _ids(names: set[str], ns: dict) -> list[str]:
    """Ids held by the frames among `names`. A value computed from a selection (a few claims, one
    series) names that selection, not the whole table it was selected from: when some frames hold
    at most NARROW ids, only those count."""
    found = []
    for name in sorted(names):
        frame = ns.get(name)
        columns = getattr(frame, "columns", None)
        col = next((c for c in ID_COLUMNS if columns is not None and c in columns), None)
        if col:
            found.append([str(v) for v in frame[col].dropna().unique()])
    narrow = [ids for ids in found if len(ids) <= NARROW]
    chosen = narrow or sorted(found, key=len)[:1]
    return list(dict.fromkeys(i for ids in chosen for i in ids))


def trace(key: str | None = None) -> Trace:
    """The lineage of the glue call for `key` (or, with no key, of the current cell's last statement)."""
    history = _history()
    if not history:
        return Trace()
    ns = _namespace()
    flat = [(cell, s) for cell, src in enumerate(history, start=1) for s in _statements(src)]
    current = _statements(history[-1])
    if not current:
        return Trace()
    anchor = next((s for s in reversed(current) if key is not None and _glues(s, key)), current[-1])
    position = max(i for i, (_, s) in enumerate(flat) if s is anchor)
    needed, functions, used = set(_loaded(anchor)), _functions(anchor, ns), set()
    picked = _noted(len(history), anchor)
    for cell, stmt in reversed(flat[max(0, position - MAX_DEPTH):position]):
        hit = _assigned(stmt) & needed
        if hit:
            used |= hit
            needed |= _loaded(stmt)
            functions += _functions(stmt, ns)
            picked = _noted(cell, stmt) + picked
    picked = list(dict.fromkeys(picked))
    ids = picked or _ids(used | _loaded(anchor), ns)
    ids = sorted(ids, key=lambda i: i.startswith("assumption:"))   # data first; register reads are listed in Appendix F
    return Trace(list(dict.fromkeys(reversed(functions))), ids[:MAX_IDS], len(ids))
