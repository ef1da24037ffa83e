"""Where the project's files are. The root is the folder holding `_config.yml` and `data/`.

`GROWTHPATH_ROOT` overrides it, so a copy of the repository can be run with the same package."""
from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    if env := os.environ.get("GROWTHPATH_ROOT"):
        return Path(env).resolve()
    return Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return root() / "data"


def chapters_dir() -> Path:
    return root() / "chapters"


def book_chapters_dir() -> Path:
    return root() / "book" / "chapters"


def relative(path: Path) -> str:
    """A path as a reader should see it: relative to the root when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(root()))
    except ValueError:
        return str(path)
