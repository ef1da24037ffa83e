"""pyproject.toml's dependencies are what the package imports: every third-party module imported under
growthpath/ comes from a declared distribution (pyspark from the `spark` extra), and every declared
distribution is imported, or is run as a program (named here with the reason)."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from conftest import REPO

RUN_NOT_IMPORTED = {"jupyter-book": "the build runs `jupyter-book build` (growthpath.publish.build)"}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imported() -> set[str]:
    mods = set()
    for path in (REPO / "growthpath").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods.add(node.module.split(".")[0])
    return {m for m in mods if m not in sys.stdlib_module_names and m != "growthpath"}


def test_declared_dependencies_match_the_imports():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    extras = {_name(r): extra for extra, reqs in project["optional-dependencies"].items() for r in reqs}
    provided = packages_distributions()
    imported = {m: {d.lower().replace("_", "-") for d in provided.get(m, [])} for m in _imported()}
    # ibis-framework[pyspark] provides pyspark through the `spark` extra
    undeclared = {m: dists for m, dists in imported.items()
                  if not dists & declared and not (m == "pyspark" and extras.get("ibis-framework") == "spark")}
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
    used = set().union(*imported.values())
    unused = declared - used - set(RUN_NOT_IMPORTED)
    assert not unused, f"declared in pyproject.toml but never imported: {sorted(unused)}"
    assert "tabulate" not in declared
