"""Hostile data: text from the ledger is shown as text in both editions, never run as HTML/JS or
LaTeX. A quote carrying <script>, an HTML attribute handler, \\input{} and MyST roles goes through
the real pipeline (validate, run, build) of the appendices that print quotes."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import rooted

HOSTILE = "<script>alert('gp')</script><img src=x onerror=alert(1)> \\input{/etc/passwd} {glue:text}`n_claims` $\\x$"
TOC = "format: jb-book\nroot: book/intro\nchapters:\n  - file: book/chapters/91_audit\n  - file: book/chapters/92_ledger\n"


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    from conftest import copy_project
    from growthpath.data import claims, datapackage  # noqa: F401  (claims registers the ledger checks)
    from growthpath.publish import runner

    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    ledger = root / "data" / "claims" / "claims.csv"
    with ledger.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["quote"] = rows[0]["quote_zh"] = HOSTILE
    with ledger.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (root / "_toc.yml").write_text(TOC, encoding="utf-8")
    with rooted(root):
        datapackage.refresh_hashes()
        assert not datapackage.validate(["claims"])
        outcomes = runner.run(["91_audit", "92_ledger"], jobs=2)
        assert all(o.status == "ran" for o in outcomes), [(o.chapter, o.message) for o in outcomes]
    jb = Path(sys.executable).with_name("jupyter-book")
    env = {**os.environ, "GROWTHPATH_ROOT": str(root)}
    for builder in ("html", "latex"):
        proc = subprocess.run([str(jb), "build", str(root), "--builder", builder, "--path-output", str(root / "out")],
                              env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return root / "out" / "_build"


@pytest.mark.slow
def test_html_shows_the_quote_as_text(hostile_book):
    page = (hostile_book / "html" / "book" / "chapters" / "92_ledger.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;gp&#39;)&lt;/script&gt;" in page or "&lt;script&gt;alert('gp')&lt;/script&gt;" in page
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "\\input{/etc/passwd}" in page and "{glue:text}`n_\u200bclaims`" in page  # shown literally, not run


@pytest.mark.slow
def test_latex_shows_the_quote_as_text(hostile_book):
    tex = next((hostile_book / "latex").glob("*.tex")).read_text(encoding="utf-8")
    tex = tex.replace("\u200b", "")   # the break points print tables put in a long token (page.breakable)
    assert "\\input{/etc/passwd}" not in tex
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in tex
    assert "\\$\\textbackslash{}x\\$" in tex and "\\{glue:text\\}" in tex  # no math, no role: text
