"""The book can be cited: CITATION.cff is valid CFF 1.2.0 and matches the package; the bibliography
has every entry the book cites."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

import growthpath
from growthpath.publish import edition

REPO = Path(__file__).resolve().parents[1]


def test_citation_cff_is_valid():
    schema = json.loads((REPO / "tests" / "schemas" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    cff = json.loads(json.dumps(cff, default=str))  # dates as strings, as cffconvert reads them
    jsonschema.validate(cff, schema)
    assert cff["version"] == growthpath.__version__


def test_citation_cff_names_this_edition():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    ed = edition.current()
    assert (cff["title"], str(cff["version"])) == (ed.title, ed.version)
    assert cff["authors"] and all(a.get("name") or a.get("family-names") for a in cff["authors"])
    assert cff["title"] in ed.citation


def test_every_cited_key_is_in_the_bibliography():
    bib = set(re.findall(r"@\w+\{([^,]+),", (REPO / "references.bib").read_text(encoding="utf-8")))
    sources = [*(REPO / "book").glob("*.md"), *(REPO / "chapters").glob("*.ipynb")]
    cited = set()
    for src in sources:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", src.read_text(encoding="utf-8")):
            cited |= {k.strip() for k in group.split(",")}
    assert cited and cited <= bib, cited - bib
    assert {"seed000", "seed004", "fader_hardie_2001", "nbs_retail", "cnnic_reports"} <= bib


def test_edition_identity():
    ed = edition.current()
    assert ed.version == growthpath.__version__ and len(ed.data_hash) == 12
    assert ed.data_hash == edition.data_hash()  # deterministic for the same data
    assert ed.title in ed.citation and ed.version in ed.citation
