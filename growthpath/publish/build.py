"""Build the Jupyter Book from executed chapters into a staging folder and publish it only when the
build succeeded: a failed or interrupted build never touches the last good `_build/html`."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from growthpath import osutil, paths


class BuildError(RuntimeError):
    pass


def _jupyter_book() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]


def sphinx_build(builder: str, staging: Path) -> subprocess.CompletedProcess:
    cmd = [*_jupyter_book(), "build", str(paths.root()), "--path-output", str(staging), "--builder", builder,
           "-W", "-n", "--keep-going"]
    # a killed `growthpath build` leaves no orphan Sphinx writing into its staging folder
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                                                                     "GROWTHPATH_ROOT": str(paths.root())},
                          preexec_fn=osutil.die_with_parent if sys.platform.startswith("linux") else None)


def publish(staged: Path, final: Path) -> None:
    """Swap `staged` into `final` with renames, so readers never see a half-written book."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(staged, final)
    shutil.rmtree(old, ignore_errors=True)


PDF_PACKAGES = ["texlive-xetex", "latexmk", "texlive-lang-chinese", "texlive-fonts-recommended", "fonts-noto-cjk"]


def require_executed() -> None:
    if not sorted(paths.book_chapters_dir().glob("*.ipynb")):
        raise BuildError("no executed chapters in book/chapters/: run `growthpath run` first")


STAMP = ".growthpath-inputs"
SOURCES = ["_config.yml", "_toc.yml", "references.bib", "CITATION.cff"]


def inputs_digest(builder: str) -> str:
    """sha256 of everything a build reads: the book's pages, executed chapters and static files, the
    configuration, the package (Sphinx extension, edition) and the edition's commit and data hash.
    The build date is left out on purpose: an unchanged book is not rebuilt just because a day passed."""
    from growthpath.publish import edition

    h = hashlib.sha256(builder.encode())
    files = [paths.root() / f for f in SOURCES] + sorted(
        p for p in (paths.root() / "book").rglob("*")
        if p.is_file() and not any(part.startswith((".run-", "_failed")) for part in p.parts))
    for path in files:
        if path.exists():
            h.update(paths.relative(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    pdf = paths.root() / "_build" / "latex" / "book.pdf"
    if builder == "html" and pdf.exists():  # the HTML edition links (and ships) the PDF
        h.update(hashlib.sha256(pdf.read_bytes()).digest())
    h.update(paths.package_digest().encode())
    for tool in ("sphinxext.py", "edition.py"):
        h.update((Path(__file__).with_name(tool)).read_bytes())
    h.update(json.dumps([edition.git_commit(), edition.data_hash()]).encode())
    return h.hexdigest()


def is_current(output: str, digest: str) -> bool:
    final = paths.root() / "_build" / output
    stamp = final / STAMP
    return stamp.exists() and stamp.read_text(encoding="utf-8").strip() == digest


def _remove_abandoned_staging(build_dir: Path) -> None:
    """Staging folders of builds that were killed (their process is gone) are removed; the published
    book was never touched by them."""
    for folder in build_dir.glob(".staging-*-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def up_to_date(builder: str, output: str) -> bool:
    """Does the published `_build/<output>` already reflect every input of this build?"""
    return is_current(output, inputs_digest(builder))


def _staged_build(builder: str, output: str) -> Path:
    """Run one Jupyter Book builder into a staging folder; publish `_build/<output>` only on success,
    stamped with the digest of its inputs (see `up_to_date`)."""
    require_executed()
    build_dir = paths.root() / "_build"
    build_dir.mkdir(exist_ok=True)
    digest = inputs_digest(builder)
    _remove_abandoned_staging(build_dir)
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
        (staging / "_build" / output / STAMP).write_text(digest + "\n", encoding="utf-8")
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


def fill_stills() -> dict:
    """The PNG of every chart in the executed chapters, which LaTeX needs (see growthpath.charts.stills)."""
    from growthpath.charts import stills

    return stills.fill(paths.book_chapters_dir())


def build_pdf(stills_filled: bool = False) -> Path:
    """`_build/latex/book.pdf` via xelatex; the previous PDF stays if the build fails."""
    check_latex()
    if not stills_filled:
        fill_stills()
    final = _staged_build("pdflatex", "latex")
    pdf = final / "book.pdf"
    if not pdf.exists():
        raise BuildError(f"the LaTeX build finished but {paths.relative(pdf)} is missing")
    return pdf
