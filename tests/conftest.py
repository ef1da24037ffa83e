"""Shared fixtures. Tests that execute notebooks or build the book work on a copy of the project
(GROWTHPATH_ROOT points there), so the developer's own book/ and _build/ are never touched."""
from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[1]


def copy_project(dest: Path) -> Path:
    from growthpath import paths

    paths.copy_project(dest, REPO)
    # the vega bundle cache is 0.9 MB of generated JS: share it rather than regenerate it
    cache = REPO / "_build" / ".cache"
    if cache.exists():
        shutil.copytree(cache, dest / "_build" / ".cache")
    return dest


def pytest_addoption(parser):
    parser.addoption("--update-snapshots", action="store_true",
                     help="Rewrite tests/snapshots/* from the current code (a deliberate, reviewed change).")


BOOK = {"executed", "built"}   # the session fixtures that run every chapter and build the book


def pytest_collection_modifyitems(config, items):
    """Module order for pytest-xdist's `--dist loadscope --no-loadscope-reorder` (`make test`), which keeps a
    module on one worker (its fixtures are made once) and hands modules out in this order: first a module
    that reads the built book (its worker executes and builds the book, `once_per_session`), then every
    module that needs neither (the other workers take these meanwhile), then the rest of the book's tests."""
    module = lambda item: item.nodeid.split("::")[0]
    uses = {}
    for item in items:
        uses.setdefault(module(item), set()).update(BOOK & set(item.fixturenames))
    first = next((m for m, used in uses.items() if "built" in used), None)
    rank = {m: 0 if m == first else 2 if used else 1 for m, used in uses.items()}
    items.sort(key=lambda item: rank[module(item)])  # stable: modules and tests otherwise in their own order


@pytest.fixture
def update_snapshots(request) -> bool:
    return request.config.getoption("--update-snapshots")


@contextmanager
def rooted(root: Path):
    """Run the block with GROWTHPATH_ROOT pointing at `root` (for session fixtures, where
    monkeypatch is not available), restoring the previous value afterwards."""
    old = os.environ.get("GROWTHPATH_ROOT")
    os.environ["GROWTHPATH_ROOT"] = str(root)
    try:
        yield root
    finally:
        if old is None:
            os.environ.pop("GROWTHPATH_ROOT", None)
        else:
            os.environ["GROWTHPATH_ROOT"] = old


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A fresh copy of the project as the root for one test."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("GROWTHPATH_ROOT", str(root))
    monkeypatch.chdir(root)  # an analyst works inside their project: relative paths they type start here
    return root


def once_per_session(tmp_path_factory, name: str, make):
    """`make(folder)` once per test session, even with pytest-xdist's workers: the first worker to get here
    makes it under a file lock, in a folder all workers share, and records its JSON result (or its error);
    the others read that (pytest-xdist: "Making session-scoped fixtures execute only once")."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    record = shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if not record.exists():
            folder = shared / name
            folder.mkdir()
            try:
                record.write_text(json.dumps({"value": make(folder)}), encoding="utf-8")
            except BaseException as exc:
                record.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), encoding="utf-8")
                raise
    done = json.loads(record.read_text(encoding="utf-8"))
    if "error" in done:
        pytest.fail(f"session fixture {name!r} failed in another worker: {done['error']}", pytrace=False)
    return done["value"]


@pytest.fixture(scope="module")
def data():
    """The ledger, the official statistics and the assumption register, as the chapters load them."""
    from growthpath.data import assumptions, claims, official

    return claims.load(), official.load(), assumptions.load()


@pytest.fixture(scope="session")
def executed(tmp_path_factory) -> dict:
    """Every chapter executed under every scenario, as `growthpath run --all-scenarios` does it (a chapter
    that reads no scenario parameter runs once and is reused): {scenario: folder of executed notebooks,
    "root": the project copy (so the build test can use it), "outcomes": {scenario: {chapter: status}}}."""
    def make(folder: Path) -> dict:
        from growthpath.publish import runner

        root = copy_project(folder / "project")
        with rooted(root):
            runs = runner.run_scenarios(jobs=2)
            failed = [(name, o.chapter, o.message) for name, outcomes in runs.items() for o in outcomes if o.status == "failed"]
            assert not failed, failed
            return {**{name: str(runner.scenario_dir(name)) for name in runs}, "root": str(root),
                    "outcomes": {name: {o.chapter: o.status for o in outcomes} for name, outcomes in runs.items()}}

    found = once_per_session(tmp_path_factory, "executed", make)
    return {k: v if k == "outcomes" else Path(v) for k, v in found.items()}


@pytest.fixture(scope="session")
def built(executed, tmp_path_factory):
    """PDF first (so the HTML can link it), then HTML, in the executed project copy."""
    def make(folder: Path) -> dict:
        from growthpath.publish import build

        with rooted(executed["root"]):
            pdf = build.build_pdf() if shutil.which("xelatex") else None
            return {"pdf": pdf and str(pdf), "html": str(build.build_html()), "root": str(executed["root"])}

    return {k: v and Path(v) for k, v in once_per_session(tmp_path_factory, "built", make).items()}


def glued(notebook: Path) -> dict:
    """Values glued in an executed notebook, read back from its outputs (myst-nb's scrapbook metadata)."""
    import ast

    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    values = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook", {})
            if "name" in meta:
                prefix = meta.get("mime_prefix", "")
                data = {k.removeprefix(prefix): v for k, v in output["data"].items()}
                text = data.get("text/markdown") or data.get("text/plain")
                text = "".join(text) if isinstance(text, list) else text
                try:
                    values[meta["name"]] = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    values[meta["name"]] = text
    return values


def data_rows(rel: str) -> list[dict]:
    """Rows of a CSV under data/ (gzipped or not) as dicts, read with the standard library only, so
    chapter tests recompute glued numbers independently of the package."""
    import csv
    import gzip

    opener = gzip.open if rel.endswith(".gz") else open
    with opener(REPO / "data" / rel, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def claim_value(cid: str) -> float:
    """The stated value of ledger claim `cid`."""
    return float(next(r["value"] for r in data_rows("claims/claims.csv") if r["claim_id"] == cid))
