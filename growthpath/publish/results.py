"""Every glued value of a run, in one file per scenario, and its comparison with a committed golden copy.

`results/<scenario>.json` is written by the runner after each run: a list of records
{chapter, key, value, unit, source, computed_by, data_ids}, sorted by chapter and key. The golden copies in
`results/golden/` are what reviewers accepted; `growthpath results --update` is the one deliberate way
to change them. Numbers match when |new - old| <= ABS_TOL + REL_TOL * |old|; text must match exactly.
The golden copies hold computed values only: a claim's value glued for the prose (`page.glue_claims`, keys
`claim_…`) is the ledger's, and a test checks each against `data/claims/claims.csv` instead."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from growthpath import osutil, paths
from growthpath.markup import plural

GOLDEN_FIELDS = ("chapter", "key", "value", "unit")
LEDGER_PREFIX = "claim_"   # `page.claim_key`: a claim's value as the ledger states it, not computed
REL_TOL = 1e-6   # fitted models (MLE, optimisers) may move in the last digits across BLAS builds
ABS_TOL = 1e-9


def results_dir() -> Path:
    return paths.root() / "results"


def golden_dir() -> Path:
    return results_dir() / "golden"


def results_path(scenario: str) -> Path:
    return results_dir() / f"{scenario}.json"


def golden_path(scenario: str) -> Path:
    return golden_dir() / f"{scenario}.json"


def records_from_manifest(manifest: dict, scenario: str) -> list[dict]:
    """One record per glued value of the chapters that last ran under `scenario`."""
    records = []
    for chapter, entry in sorted(manifest.items()):
        if entry.get("scenario") != scenario:
            continue
        for key, item in sorted(entry.get("results", {}).items()):
            records.append({"chapter": chapter, "key": key, "value": item["value"], "unit": item.get("unit", ""),
                            "source": item.get("source", ""), "computed_by": item.get("computed_by", []),
                            "data_ids": item.get("data_ids", ""),
                            **{k: item[k] for k in ("year", "kind") if k in item}})
    return records


def write(scenario: str, records: list[dict], path: Path | None = None) -> Path:
    return osutil.write_atomic(path or results_path(scenario), json.dumps(records, ensure_ascii=False, indent=1) + "\n")


def is_ledger_copy(record: dict) -> bool:
    return record["key"].startswith(LEDGER_PREFIX)


def computed(records: list[dict]) -> list[dict]:
    """The records the book computed (what golden copies hold), without the ledger's own values."""
    return [r for r in records if not is_ledger_copy(r)]


class ResultsError(RuntimeError):
    pass


def load(path: Path) -> list[dict]:
    if not path.exists():
        raise ResultsError(f"{paths.relative(path)} does not exist: run `growthpath run --scenario {path.stem}` first")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{paths.relative(path)} is not valid JSON (line {exc.lineno}): {exc.msg}") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) and {"chapter", "key", "value"} <= r.keys() for r in records):
        raise ResultsError(f"{paths.relative(path)} is not a list of {{chapter, key, value}} records")
    return records


@dataclass(frozen=True)
class Change:
    chapter: str
    key: str
    old: object
    new: object
    kind: str          # "changed" | "added" | "removed"

    def line(self) -> str:
        return f"{self.kind:<8} {self.chapter} :: {self.key}: {_show(self.old)} -> {_show(self.new)}"


def _show(value) -> str:
    return "–" if value is None else json.dumps(value, ensure_ascii=False)


def same(old, new) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    numeric = (int, float)
    if isinstance(old, numeric) and isinstance(new, numeric) and not isinstance(old, bool) and not isinstance(new, bool):
        return math.isclose(new, old, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return old == new


def compare(golden: list[dict], current: list[dict]) -> list[Change]:
    """Every computed value added, removed or changed beyond the tolerances, in chapter/key order
    (ledger copies are not compared: see `computed`)."""
    old = {(r["chapter"], r["key"]): r["value"] for r in computed(golden)}
    new = {(r["chapter"], r["key"]): r["value"] for r in computed(current)}
    changes = []
    for chapter, key in sorted(old.keys() | new.keys()):
        if (chapter, key) not in new:
            changes.append(Change(chapter, key, old[chapter, key], None, "removed"))
        elif (chapter, key) not in old:
            changes.append(Change(chapter, key, None, new[chapter, key], "added"))
        elif not same(old[chapter, key], new[chapter, key]):
            changes.append(Change(chapter, key, old[chapter, key], new[chapter, key], "changed"))
    return changes


def diff_report(scenario: str, changes: list[Change], limit: int = 60) -> str:
    lines = [f"scenario {scenario}: {plural(len(changes), 'glued value')} differ from {paths.relative(golden_path(scenario))} "
             f"(tolerance: rel {REL_TOL:g}, abs {ABS_TOL:g})"]
    lines += ["  " + c.line() for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"  … and {len(changes) - limit} more")
    lines.append("If the change is intended: `growthpath results --update` and commit results/golden/.")
    return "\n".join(lines)


def check(scenario: str) -> list[Change]:
    return compare(load(golden_path(scenario)), load(results_path(scenario)))


def update(scenario: str) -> Path:
    """Accept the current results of `scenario` as its golden copy (computed values and units only:
    provenance lives in the results file, and a reviewer's diff should show numbers)."""
    records = [{k: r.get(k, "") for k in GOLDEN_FIELDS} for r in computed(load(results_path(scenario)))]
    return write(scenario, records, golden_path(scenario))
