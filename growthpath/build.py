"""Build the Jupyter Book from executed chapters into a staging folder and publish it only when the
build succeeded: a failed or interrupted build never touches the last good `_build/html`."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from growthpath import paths


class BuildError(RuntimeError):
    pass


def _jupyter_book() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]


def sphinx_build(builder: str, staging: Path) -> subprocess.CompletedProcess:
    cmd = [*_jupyter_book(), "build", str(paths.root()), "--path-output", str(staging), "--builder", builder,
           "-W", "-n", "--keep-going"]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})


def publish(staged: Path, final: Path) -> None:
    """Swap `staged` into `final` with renames, so readers never see a half-written book."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(staged, final)
    shutil.rmtree(old, ignore_errors=True)


def build_html() -> Path:
    chapters = sorted(paths.book_chapters_dir().glob("*.ipynb"))
    if not chapters:
        raise BuildError("no executed chapters in book/chapters/: run `growthpath run` first")
    build_dir = paths.root() / "_build"
    build_dir.mkdir(exist_ok=True)
    staging = build_dir / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        proc = sphinx_build("html", staging)
        log = build_dir / "build-html.log"
        log.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
        if proc.returncode != 0:
            warnings = [l for l in (proc.stdout + proc.stderr).splitlines()
                        if any(k in l for k in ("WARNING", "ERROR", "Sphinx error", "Error:"))]
            raise BuildError("the book build failed; the last good book is untouched.\n"
                             + "\n".join(warnings[:30]) + f"\nfull log: {paths.relative(log)}")
        final = build_dir / "html"
        publish(staging / "_build" / "html", final)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)
