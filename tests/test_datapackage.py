"""Every data file validates; broken copies fail with an error naming file, line and column."""
from __future__ import annotations

import json

import pytest

from growthpath.data import claims, datapackage, official, orders  # noqa: F401  (they register their tables' checks)
from growthpath.data.datapackage import DataError


def test_all_resources_valid():
    assert datapackage.validate() == []


def test_every_resource_has_origin_and_hash():
    resources = datapackage.load_descriptor()["resources"]
    assert [r["name"] for r in resources if r.get("x-edited")] == ["scenarios"]  # the one file edited in place
    for res in resources:
        assert res.get("x-edited") or res["hash"].startswith("md5:"), res["name"]
        origin = res["origin"]
        for key in ("producer", "title", "date_published", "date_accessed", "citation_full", "license"):
            assert origin.get(key), f"{res['name']}: origin.{key} missing"
        if res.get("profile") == "tabular-data-resource":
            assert all(f.get("description") for f in res["schema"]["fields"]), res["name"]


def _break(project, rel, old, new):
    path = project / "data" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    datapackage.refresh_hashes()  # a deliberate edit: only the content is wrong


def test_wrong_type_is_located(project):
    _break(project, "claims/claims.csv", "2016,observed,level,2000,", "2016,observed,level,lots,")
    with pytest.raises(DataError) as exc:
        datapackage.read_table("claims")
    problem = exc.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("data/claims/claims.csv", 3, "value")
    assert "lots" in str(exc.value) and "number" in str(exc.value)


def test_unknown_unit_fails_foreign_key(project):
    _break(project, "claims/claims.csv", ",3,%,3,%,", ",3,parsecs,3,%,")
    problems = datapackage.validate(["claims"])
    assert any(p.column == "unit" or "unit" in p.message for p in problems), problems
    assert any("referenced table" in p.message for p in problems)


def test_changed_file_fails_md5(project):
    path = project / "data" / "official" / "series.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    problems = datapackage.validate(["official_series"])
    assert len(problems) == 1 and "md5" in problems[0].message and problems[0].file == "data/official/series.csv"


def test_missing_file(project):
    (project / "data" / "reference" / "units.csv").unlink()
    problems = datapackage.validate(["units"])
    assert problems[0].message.startswith("file not found")


def test_non_utf8(project):
    path = project / "data" / "reference" / "sections.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    datapackage.refresh_hashes()
    problems = datapackage.validate(["sections"])
    assert "UTF-8" in problems[0].message and problems[0].row is not None


def test_extra_column_fails(project):
    path = project / "data" / "reference" / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",extra"] + [l + ",x" for l in lines[1:]]) + "\n", encoding="utf-8")
    datapackage.refresh_hashes()
    problems = datapackage.validate(["units"])
    assert any("extra" in p.message for p in problems)


def test_duplicate_key(project):
    path = project / "data" / "reference" / "policies.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    datapackage.refresh_hashes()
    problems = datapackage.validate(["policies"])
    assert any("duplicate" in p.message or "unique" in p.message for p in problems)


def test_invalid_descriptor_json(project):
    (project / "data" / "datapackage.json").write_text("{not json", encoding="utf-8")
    problems = datapackage.validate()
    assert problems[0].file == "data/datapackage.json" and "JSON" in problems[0].message


def test_refresh_only_changes_hashes(project):
    before = json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert datapackage.refresh_hashes() == []
    after = json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert before == after
