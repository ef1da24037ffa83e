"""The section labels chapters define (`(sec-000-1-1)=` before a heading), indexed for linking.

Kept apart from `growthpath.audit.boxes` (which re-exports them) so the runner can refresh the
index without importing pandas."""
from __future__ import annotations

import json
import re
from pathlib import Path

from growthpath import osutil, paths

LABEL = re.compile(r"^\((sec-(\d{3})-([0-9a-z-]+))\)=\s*$", re.M)


def labels_path() -> Path:
    return paths.cache("section-labels.json")


def scan_section_labels() -> list[str]:
    """Section labels defined by the chapter notebooks listed in _toc.yml (only those can be linked)."""
    toc = (paths.root() / "_toc.yml").read_text(encoding="utf-8")
    labels = set()
    for stem in re.findall(r"book/chapters/([\w-]+)", toc):
        source = paths.chapters_dir() / f"{stem}.ipynb"
        if source.exists():
            cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
            labels |= {m.group(1) for m in LABEL.finditer(text)}
    return sorted(labels)


def write_section_labels() -> Path:
    """Write the label index (`_build/.cache/section-labels.json`) when it changed. The runner calls this
    before deciding what is fresh, so editing one chapter's prose re-runs the others only when the
    labels they can link to changed."""
    path = labels_path()
    text = json.dumps(scan_section_labels(), indent=0) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        osutil.write_atomic(path, text)
    return path


def available_section_labels() -> set[str]:
    """The section labels chapters can link to (from the index the runner keeps current)."""
    from growthpath.data.datapackage import record_read

    path = labels_path() if labels_path().exists() else write_section_labels()
    record_read(path)
    return set(json.loads(path.read_text(encoding="utf-8")))
