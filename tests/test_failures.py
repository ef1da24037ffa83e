"""Failed runs and killed builds never cost the reader their book: a chapter that raises is reported
with its cell, kept for inspection in book/chapters/_failed/, and nothing of it is published; a build
interrupted or terminated halfway leaves the published _build/html exactly as it was."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from growthpath.cli import app


def broken_chapter(root: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Broken"),
        nbformat.v4.new_code_cell('scenario = "base"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise RuntimeError('boom: the data were not what this chapter expected')"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = root / "chapters" / "50_broken.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_a_chapter_that_raises_is_reported_kept_and_not_published(project):
    broken_chapter(project)
    out = project / "book" / "chapters"
    out.mkdir(parents=True, exist_ok=True)
    (out / "50_broken.ipynb").write_text("last good version", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--chapter", "50_broken"])
    assert result.exit_code == 1
    assert "chapter 50_broken failed — cell 4 (`raise RuntimeError(" in result.output, result.output
    assert "RuntimeError: boom: the data were not what this chapter expected" in result.output
    assert "executed copy: book/chapters/_failed/50_broken.ipynb" in result.output
    assert (out / "50_broken.ipynb").read_text(encoding="utf-8") == "last good version"   # nothing published
    kept = nbformat.read(out / "_failed" / "50_broken.ipynb", as_version=4)
    errors = [o for c in kept.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "RuntimeError"
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8")) if (out / ".manifest.json").exists() else {}
    assert "50_broken" not in manifest and not (project / "results" / "base.json").exists() or \
        all(r["chapter"] != "50_broken" for r in json.loads((project / "results" / "base.json").read_text(encoding="utf-8")))


def start_build(root: Path) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("growthpath")
    return subprocess.Popen([str(exe), "build"], cwd=root, env={**os.environ, "GROWTHPATH_ROOT": str(root)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_staging(root: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if list((root / "_build").glob(".staging-html-*/_build")) or list((root / "_build").glob(".staging-html-*/*")):
            return
        assert proc.poll() is None, proc.communicate()[0]
        time.sleep(0.2)
    raise AssertionError("the build never started writing to its staging folder")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["interrupt", "terminate", "kill"])
def test_a_killed_build_leaves_the_published_book_as_it_was(project, sig):
    html = project / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<p>last good book</p>", encoding="utf-8")
    before = {p.relative_to(html): p.read_bytes() for p in html.rglob("*") if p.is_file()}
    chapters = project / "book" / "chapters"
    for source in sorted((project / "chapters").glob("*.ipynb")):   # unexecuted, but enough for Sphinx to start
        (chapters / source.name).write_bytes(source.read_bytes())
    proc = start_build(project)
    wait_for_staging(project, proc)
    proc.send_signal(sig)
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    after = {p.relative_to(html): p.read_bytes() for p in html.rglob("*") if p.is_file()}
    assert after == before
    if sig != signal.SIGKILL:  # an unwinding build cleans up after itself …
        assert not list((project / "_build").glob(".staging-*"))
    # … and the next build removes what a killed one left behind before it starts
    from growthpath.publish import build
    build._remove_abandoned_staging(project / "_build")
    time.sleep(0.5)
    assert not [p for p in (project / "_build").glob(".staging-*") if not build._alive(int(p.name.rsplit("-", 1)[-1]))]
