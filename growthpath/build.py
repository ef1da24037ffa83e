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


PDF_PACKAGES = ["texlive-xetex", "latexmk", "texlive-lang-chinese", "texlive-fonts-recommended", "fonts-noto-cjk"]


def _require_executed() -> None:
    if not sorted(paths.book_chapters_dir().glob("*.ipynb")):
        raise BuildError("no executed chapters in book/chapters/: run `growthpath run` first")


def _staged_build(builder: str, output: str) -> Path:
    """Run one Jupyter Book builder into a staging folder; publish `_build/<output>` only on success."""
    _require_executed()
    build_dir = paths.root() / "_build"
    build_dir.mkdir(exist_ok=True)
    staging = build_dir / f".staging-{builder}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        proc = sphinx_build(builder, staging)
        log = build_dir / f"build-{output}.log"
        log.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
        if proc.returncode != 0:
            warnings = [l for l in (proc.stdout + proc.stderr).splitlines()
                        if any(k in l for k in ("WARNING", "ERROR", "Sphinx error", "Error:", "! "))]
            raise BuildError(f"the {output} build failed; the last good {output} book is untouched.\n"
                             + "\n".join(warnings[:30]) + f"\nfull log: {paths.relative(log)}")
        final = build_dir / output
        publish(staging / "_build" / output, final)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build_html() -> Path:
    return _staged_build("html", "html")


def check_latex() -> None:
    missing = [tool for tool in ("xelatex", "latexmk") if shutil.which(tool) is None]
    if missing:
        raise BuildError(f"{' and '.join(missing)} not found. Install the Debian packages: "
                         f"apt-get install -y --no-install-recommends {' '.join(PDF_PACKAGES)} "
                         "(or run `make pdf`, which installs them when run as root)")


def build_pdf() -> Path:
    """`_build/latex/book.pdf` via xelatex; the previous PDF stays if the build fails."""
    check_latex()
    final = _staged_build("pdflatex", "latex")
    pdf = final / "book.pdf"
    if not pdf.exists():
        raise BuildError(f"the LaTeX build finished but {paths.relative(pdf)} is missing")
    return pdf
