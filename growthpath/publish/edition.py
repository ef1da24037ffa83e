"""What identifies an edition of the book: version, build date, git commit and a hash of data/,
and the exact citation for it (from CITATION.cff)."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from dataclasses import dataclass

import yaml

from growthpath import paths
from growthpath.data import datapackage


@dataclass(frozen=True)
class Edition:
    title: str
    authors: str
    version: str
    date: str
    commit: str
    data_hash: str
    abstract: str = ""

    @property
    def citation(self) -> str:
        return (f"{self.authors} ({self.date[:4]}). *{self.title}*. Version {self.version}, commit {self.commit}, "
                f"data {self.data_hash}, built {self.date}.")

    @property
    def bibtex_key(self) -> str:
        return f"growthpath{self.date[:4]}"


def data_hash() -> str:
    """sha256 over the md5 of every resource in data/datapackage.json (12 hex digits)."""
    desc = datapackage.load_descriptor()
    h = hashlib.sha256()
    for res in sorted(desc["resources"], key=lambda r: r["path"]):
        h.update(f"{res['path']}:{res.get('hash', '')}\n".encode())
    h.update(datapackage.md5(datapackage.descriptor_path()).encode())
    return h.hexdigest()[:12]


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=paths.root(), capture_output=True, text=True, timeout=10)
        if out.returncode != 0:
            return "unknown (not a git checkout)"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=paths.root(),
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def current(today: dt.date | None = None) -> Edition:
    cff = yaml.safe_load((paths.root() / "CITATION.cff").read_text(encoding="utf-8")) if (paths.root() / "CITATION.cff").exists() else {}
    authors = ", ".join(a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}" for a in cff.get("authors", [])) or "growthpath project"
    return Edition(cff.get("title", "growthpath"), authors, str(cff.get("version", "0")),
                   (today or dt.datetime.now(dt.timezone.utc).date()).isoformat(), git_commit(), data_hash(),
                   " ".join(str(cff.get("abstract", "")).split()))
