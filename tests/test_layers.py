"""The package's layers: imports only go downwards (foundation ← data ← analysis, models, audit ← charts ←
publish ← command line), and modules import each other without a cycle (a cycle is how layers blur: a data module
that imports the audit, the audit that imports the runner), and the data package's checks that other
modules own are never skipped silently when those modules are not loaded."""
from __future__ import annotations

import ast
import subprocess
import sys

from conftest import REPO


def imports() -> dict[str, set[str]]:
    """Module → the package modules it imports, at the top or inside a function alike."""
    package = REPO / "growthpath"
    names = {".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__"): p for p in package.rglob("*.py")}
    graph = {}
    for name, path in names.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("growthpath"):
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in names else node.module for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("growthpath")}
        graph[name] = {m for m in found if m in names and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
                on.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_import_cycle():
    graph = imports()
    assert len(graph) > 40 and graph["growthpath.publish.runner"]  # the graph is read, not empty
    assert cycles(graph) == []


LAYERS = {"data": 1, "analysis": 2, "models": 2, "audit": 2, "charts": 3, "publish": 4}
FOUNDATION = {"growthpath", "growthpath.paths", "growthpath.osutil", "growthpath.markup"}
TOP = {"growthpath.cli", "growthpath.__main__"}


def layer(module: str) -> int:
    """0 foundation, 1 data, 2 analysis/models/audit, 3 charts, 4 publish, 5 the command line."""
    if module in FOUNDATION:
        return 0
    if module in TOP:
        return 5
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        raise AssertionError(f"{module} is in no layer: put it in one of {sorted(LAYERS)} (or the foundation)")
    return LAYERS[parts[1]]


def upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} imports {b}" for a, deps in graph.items() for b in deps if layer(b) > layer(a))


def test_the_layer_check_finds_an_upward_import():
    assert upward({"growthpath.data.claims": {"growthpath.publish.page"}}) == [
        "growthpath.data.claims imports growthpath.publish.page"]
    assert upward({"growthpath.publish.page": {"growthpath.data.claims", "growthpath.paths"}}) == []


def test_every_module_is_in_a_layer_and_imports_only_go_downwards():
    graph = imports()
    assert all(layer(m) in range(6) for m in graph)
    assert upward(graph) == []


def test_a_check_whose_module_is_not_loaded_is_an_error_not_a_pass():
    code = "from growthpath.data import datapackage\ntry:\n    datapackage.validate(['claims'])\nexcept RuntimeError as e:\n    print(e)\n"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "x-validator 'claims' is not registered: import growthpath.data.claims" in out, out
