"""Frames for the book's results appendices, read from the results files the runner writes:
the chapters' headline figures under every scenario, and where every glued number comes from."""
from __future__ import annotations

import re

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from growthpath import datapackage, paths, results, scenarios


class Headline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    unit: str = ""
    format: str = ".2f"
    scale: float = 1.0


class HeadlineError(ValueError):
    pass


def headlines_path():
    return results.results_dir() / "headlines.yml"


def headlines() -> dict[str, dict[str, Headline]]:
    """{chapter: {key: Headline}} from results/headlines.yml, validated."""
    path = headlines_path()
    datapackage.record_read(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    for chapter, keys in raw.items():
        out[chapter] = {}
        for key, spec in (keys or {}).items():
            try:
                out[chapter][key] = Headline(**spec)
            except (ValidationError, TypeError) as exc:
                raise HeadlineError(f"{paths.relative(path)}: {chapter}.{key}: {exc}") from None
    return out


def scenario_results() -> dict[str, list[dict] | None]:
    """Each scenario's records, or None when results/<scenario>.json has not been written yet."""
    found = {}
    for name in scenarios.names():
        path = results.results_path(name)
        datapackage.record_read(path)
        found[name] = results.load(path) if path.exists() else None
    return found


def missing_scenarios(found: dict) -> list[str]:
    return [name for name, records in found.items() if records is None]


def headline_values(found: dict, spec: dict | None = None) -> pd.DataFrame:
    """Long frame: chapter, key, figure, unit, scenario, value (scaled as the spec says)."""
    spec = spec or headlines()
    rows = []
    for name, records in found.items():
        index = {(r["chapter"], r["key"]): r["value"] for r in records or []}
        for chapter, keys in spec.items():
            for key, h in keys.items():
                value = index.get((chapter, key))
                rows.append({"chapter": chapter, "key": key, "figure": h.label, "unit": h.unit, "scenario": name,
                             "value": float(value) * h.scale if isinstance(value, (int, float)) else None})
    return pd.DataFrame(rows)


def _fmt(value, fmt: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    return format(int(round(value)) if fmt.endswith("d") else value, fmt)


def side_by_side(long: pd.DataFrame, spec: dict | None = None) -> pd.DataFrame:
    """One row per headline figure, one column per scenario (formatted), and whether it moves."""
    spec = spec or headlines()
    names = list(dict.fromkeys(long["scenario"]))
    rows = []
    for (chapter, key), group in long.groupby(["chapter", "key"], sort=False):
        h = spec[chapter][key]
        values = dict(zip(group["scenario"], group["value"]))
        known = [v for v in values.values() if v is not None and not pd.isna(v)]
        moves = "–" if len(known) < 2 else ("yes" if max(known) - min(known) > 1e-9 * max(1, abs(max(known))) else "no")
        rows.append({"chapter": chapter_label(chapter), "figure": h.label, "unit": h.unit,
                     **{n: _fmt(values.get(n), h.format) for n in names}, "moves": moves})
    return pd.DataFrame(rows)


def chapter_label(chapter: str) -> str:
    """`04_theory` → `4 theory`, `91_audit` → `A audit` (appendices are lettered from 91)."""
    number, _, name = chapter.partition("_")
    n = int(number)
    return f"{n if n < 90 else chr(ord('A') + n - 91)} {name.replace('_', ' ')}"


def relative_to_base(long: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's headline as a % difference from base (for the chart); figures whose base is 0 are dropped."""
    base = long[long["scenario"] == "base"].set_index(["chapter", "key"])["value"]
    out = long.join(base.rename("base"), on=["chapter", "key"]).dropna(subset=["value", "base"])
    out = out[out["base"].abs() > 0]
    out = out.assign(diff_pct=(out["value"] / out["base"] - 1) * 100, ratio=out["value"] / out["base"])
    return out[["chapter", "figure", "scenario", "value", "base", "diff_pct", "ratio"]].reset_index(drop=True)


def provenance_table(records: list[dict], include_claims: bool = False) -> pd.DataFrame:
    """Every glued value of a run with its recorded source, computing functions and data ids.
    The ledger's own values (`claim_*` keys) are sourced by their claim id and left out by default."""
    rows = [{"chapter": chapter_label(r["chapter"]), "key": r["key"], "value": _short(r["value"]), "unit": r.get("unit", ""),
             "source": r.get("source", ""), "computed by": ", ".join(_short_name(f) for f in r.get("computed_by", [])),
             "data ids": _few_ids(r.get("data_ids", ""))}
            for r in records if include_claims or not r["key"].startswith("claim_")]
    return pd.DataFrame(rows, columns=["chapter", "key", "value", "unit", "source", "computed by", "data ids"])


def _few_ids(text: str, keep: int = 4) -> str:
    """The first ids and how many there are in all (the results file keeps the full record)."""
    total = re.search(r"\((\d+) in all\)", text)
    ids = [i for i in re.sub(r"….*$", "", text).split(", ") if i]
    n = int(total.group(1)) if total else len(ids)
    return ", ".join(ids[:keep]) + (f" … ({n} in all)" if n > keep else "")


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _short_name(qualified: str) -> str:
    return qualified.removeprefix("growthpath.")
