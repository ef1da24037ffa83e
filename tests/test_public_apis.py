"""The package uses its libraries through their public APIs: no class that extends a third-party class
defines a private (single-underscore) method, which would override or hook into the library's internals."""
from __future__ import annotations

import ast
import sys

from conftest import REPO


def _third_party_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            if top not in sys.stdlib_module_names and top != "growthpath":
                names |= {a.asname or a.name for a in node.names}
    return names


def test_no_private_method_of_a_third_party_class_is_overridden():
    found = []
    for path in sorted((REPO / "growthpath").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign = _third_party_names(tree)
        classes = {c.name: c for c in ast.walk(tree) if isinstance(c, ast.ClassDef)}

        def extends_foreign(cls: ast.ClassDef, seen=()) -> bool:
            for base in cls.bases:
                name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                if name in foreign or isinstance(base, ast.Attribute):
                    return True
                if name in classes and name not in seen and extends_foreign(classes[name], (*seen, name)):
                    return True
            return False

        for cls in classes.values():
            if extends_foreign(cls):
                found += [f"{path.relative_to(REPO)}:{f.lineno} {cls.name}.{f.name}" for f in cls.body
                          if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("_")
                          and not f.name.startswith("__")]
    assert not found, found
