"""Where the project's files are. The project root is found like git or jupyter-book find theirs:
the nearest folder, from the current directory upwards, holding `_config.yml` and
`data/datapackage.json`. `GROWTHPATH_ROOT` overrides the search (it must name a project too)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

MARKERS = ("_config.yml", "data/datapackage.json")


class NotAProject(RuntimeError):
    """The folder a command would act on is not a growthpath project."""


TOOLING = {"cli.py", "__main__.py", "build.py", "lint.py", "linkcheck.py", "sphinxext.py"}  # never run in a chapter's kernel


def package_digest() -> str:
    """sha256 of the package code a chapter can run (the command line and build tooling excluded)."""
    import hashlib

    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*.py")):
        if p.parent == pkg and p.name in TOOLING:
            continue
        h.update(str(p.relative_to(pkg)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def is_project(folder: Path) -> bool:
    return all((folder / marker).is_file() for marker in MARKERS)


def root() -> Path:
    if env := os.environ.get("GROWTHPATH_ROOT"):
        folder = Path(env).expanduser().resolve()
        if not is_project(folder):
            raise NotAProject(f"GROWTHPATH_ROOT={env} is not a growthpath project "
                              f"(it needs {' and '.join(MARKERS)}); unset it or point it at the project folder")
        return folder
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    raise NotAProject(f"{here} is not inside a growthpath project (no folder from here upwards holds "
                      f"{' and '.join(MARKERS)}); cd into the project or set GROWTHPATH_ROOT")


def package_home() -> Path:
    """The folder the running `growthpath` package is imported from (kernels import from the same)."""
    return Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return root() / "data"


def chapters_dir() -> Path:
    return root() / "chapters"


def book_chapters_dir() -> Path:
    return root() / "book" / "chapters"


def cache(name: str) -> Path:
    """The one cache folder, `_build/.cache/`: `name` is one cache's file or folder in it (each cache's
    key is in docs/architecture.md). Deleting the folder loses nothing but time."""
    return root() / "_build" / ".cache" / name


def relative(path: Path) -> str:
    """A path as a reader should see it: relative to the root when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(root()))
    except ValueError:
        return str(path)


def for_user(path: Path) -> str:
    """A path the user can paste where they are: relative to the current folder when inside it (the project
    root's files from the root), absolute otherwise (an analyst working in a folder of their own)."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


SOURCES = ["_config.yml", "_toc.yml", "references.bib", "CITATION.cff", "book", "chapters", "data", "results", "scripts"]


def _generated(source_root: Path, item: str):
    """What a copy leaves out: executed chapters and run state under book/, and the results files a run
    writes (results/<scenario>.json; the golden copies and headlines.yml are sources)."""
    if item == "book":
        return shutil.ignore_patterns("*.ipynb_checkpoints", ".manifest.json", "_failed", "[0-9][0-9]_*.ipynb", ".run-*")
    if item == "results":
        return lambda folder, names: [n for n in names if Path(folder) == source_root / "results" and n.endswith((".json", ".tmp"))]
    return None


def copy_project(dest: Path, source_root: Path | None = None) -> Path:
    """The project's sources (no executed chapters, no builds, no results) copied to `dest`, to run a
    book there with GROWTHPATH_ROOT=dest (tests, benchmarks)."""
    source_root = Path(source_root or root())
    dest.mkdir(parents=True, exist_ok=True)
    for item in SOURCES:
        src = source_root / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=_generated(source_root, item))
        else:
            shutil.copy2(src, dest / item)
    return dest


# what runs and builds write: `growthpath clean` and `make clean` remove these (one implementation, `clean`)
GENERATED = ["_build", "book/chapters/*.ipynb", "book/chapters/.manifest.json", "book/chapters/_failed",
             "book/chapters/.run-*"]


def tracked(project: Path) -> set[str]:
    """Files git tracks under `project` (paths relative to it); none when it is not in a git work tree."""
    try:  # run inside `project`, git names the files under it relative to it
        out = subprocess.run(["git", "-C", str(project), "ls-files", "-z", "--", "."], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {name for name in out.decode().split("\0") if name}


def clean(project: Path) -> list[str]:
    """Remove what runs and builds generated in `project` (`GENERATED`), never a file git tracks (e.g.
    book/chapters/.gitkeep); the standard library only, so `make clean` can call it without the venv.
    Returns what was removed, relative to the project."""
    project = Path(project).resolve()
    keep = tracked(project)
    removed = []
    for pattern in GENERATED:
        for path in sorted(project.glob(pattern)):
            rel = str(path.relative_to(project))
            if path.is_dir() and not path.is_symlink():
                if any(k == rel or k.startswith(rel + "/") for k in keep):
                    _remove_untracked(path, project, keep)
                else:
                    shutil.rmtree(path, ignore_errors=True)
                removed.append(rel)
            elif rel not in keep:
                path.unlink(missing_ok=True)
                removed.append(rel)
    return removed


def _remove_untracked(folder: Path, project: Path, keep: set[str]) -> None:
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        for name in filenames:
            path = Path(dirpath, name)
            if str(path.relative_to(project)) not in keep:
                path.unlink()
        if not any(Path(dirpath).iterdir()):
            Path(dirpath).rmdir()
