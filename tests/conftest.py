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


@pytest.fixture(scope="session")
def executed(tmp_path_factory) -> dict[str, Path]:
    """Every chapter executed under every scenario: {scenario: folder of executed notebooks}.
    The base run is done inside a project copy so the build test can use it."""
    from growthpath import runner, scenarios

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    with rooted(root):
        out = {}
        for name in sorted(scenarios.names(), key=lambda n: n == "base"):  # base last: its comparison page reads the others
            folder = runner.scenario_dir(name)
            outcomes = runner.run(scenario=name, output_dir=folder, jobs=2)
            failed = [o for o in outcomes if o.status == "failed"]
            assert not failed, f"{name}: {[(o.chapter, o.message) for o in failed]}"
            out[name] = folder
        out["root"] = root
        return out


@pytest.fixture(scope="module")
def data():
    """The ledger, the official statistics and the assumption register, as the chapters load them."""
    from growthpath import assumptions, claims, official

    return claims.load(), official.load(), assumptions.load()


@pytest.fixture(scope="session")
def built(executed):
    """PDF first (so the HTML can link it), then HTML, in the executed project copy."""
    from growthpath import build

    with rooted(executed["root"]):
        pdf = build.build_pdf() if shutil.which("xelatex") else None
        return {"pdf": pdf, "html": build.build_html(), "root": executed["root"]}


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
