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


# Underscore names that are public, documented API: namedtuple's methods, and two functions the standard
# library documents (os._exit: leave a forked child without running the parent's clean-up).
DOCUMENTED = {"_asdict", "_replace", "_fields", "_make", "os._exit"}


def private_uses(tree: ast.Module) -> list[tuple[int, str]]:
    """`x._name` on anything but the module's own `self`/`cls`, unless `DOCUMENTED`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            base = ast.unparse(node.value)
            if base not in ("self", "cls") and node.attr not in DOCUMENTED and f"{base}.{node.attr}" not in DOCUMENTED:
                found.append((node.lineno, ast.unparse(node)))
    return found


def monkeypatches(tree: ast.Module) -> list[tuple[int, str]]:
    """Assignments to (or setattr/delattr on) an attribute of an imported module or of a name imported from
    one: `module.function = mine`, `SomeClass.method = mine`."""
    imported = {(a.asname or a.name).split(".")[0] for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                for a in node.names}
    found = []
    for node in ast.walk(tree):
        targets = (node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign))
                   else [])
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("setattr", "delattr") and node.args:
            targets = [ast.Attribute(value=node.args[0], attr="?")]
        for target in targets:
            root = target
            while isinstance(root, ast.Attribute):
                root = root.value
            if target is not root and isinstance(root, ast.Name) and root.id in imported and ast.unparse(target) != "sys.argv":
                found.append((node.lineno, ast.unparse(target)))
    return found


def test_the_checks_find_private_uses_and_monkeypatches():
    code = ast.parse("import jupyter_client\nfrom x import Thing\nimport os\n"
                     "jupyter_client.manager._wait = f\nThing.method = f\nsetattr(Thing, 'a', 1)\nk._async_wait()\n"
                     "self._mine()\nos._exit(0)\nrow._asdict()\nlocal.attribute = 1\n")
    assert [line for line, _ in private_uses(code)] == [4, 7]
    assert [line for line, _ in monkeypatches(code)] == [4, 5, 6]


def test_the_package_uses_no_private_attribute_of_another_object_and_patches_nothing():
    found = []
    for path in sorted((REPO / "growthpath").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(REPO)}:{line} {text}" for line, text in private_uses(tree) + monkeypatches(tree)]
    assert not found, found
