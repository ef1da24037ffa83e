"""The assumption register (data/reference/assumptions.csv): every number the book uses that is
neither data nor a claim of the plan, with its plausible range, its basis and the chapters that use it.

Code reads assumptions only through a `Register`; a register can carry overrides (an analyst's `-p`
value, or one end of a range in a sensitivity run), and records which ids were read, so the book can
say which conclusions depend on which assumptions."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from growthpath.data import datapackage, provenance
from growthpath.data.datapackage import DataError, Problem

RESOURCE = "assumptions"
WHERE = "data/reference/assumptions.csv"


class Register(Mapping):
    """Assumption id → value, with optional overrides; every read is noted for provenance."""

    def __init__(self, frame: pd.DataFrame, overrides: Mapping[str, float] | None = None):
        self.frame = frame.set_index("id", drop=False)
        unknown = sorted(set(overrides or {}) - set(self.frame.index))
        if unknown:
            raise KeyError(f"unknown assumption(s) {unknown}; see {WHERE}")
        self.overrides = {k: float(v) for k, v in (overrides or {}).items()}
        self.read: list[str] = []

    def __getitem__(self, key: str) -> float:
        if key not in self.frame.index:
            raise KeyError(f"no assumption {key!r} in {WHERE}")
        if key not in self.read:
            self.read.append(key)
        provenance.note([f"assumption:{key}"])
        return self.overrides.get(key, float(self.frame.at[key, "value"]))

    def __iter__(self):
        return iter(self.frame.index)

    def __len__(self) -> int:
        return len(self.frame)

    def with_overrides(self, **values: float) -> "Register":
        return Register(self.frame.reset_index(drop=True), {**self.overrides, **values})

    def range(self, key: str) -> tuple[float, float]:
        row = self.frame.loc[key]
        return float(row["low"]), float(row["high"])

    def row(self, key: str) -> pd.Series:
        return self.frame.loc[key]

    def source_words(self, source: str) -> str:
        """A source as a table shows it: 'assumption:shock_cac_probability' → 'assumed: CAC shock chance'; a ledger id,
        'data' or 'definition' stays as it is."""
        kind, _, key = str(source).partition(":")
        return f"assumed: {self.name(key)}" if kind == "assumption" and key in self.frame.index else str(source)

    def name(self, key: str) -> str:
        """The short name tables and prose use for an assumption ('share-gain spread'; the id stays in Appendix F)."""
        return str(self.frame.at[key, "name"])


def check(frame: pd.DataFrame) -> list[Problem]:
    """Rows whose value lies outside their own range (file, row, column)."""
    problems = []
    for i, row in frame.reset_index(drop=True).iterrows():
        if not row["low"] <= row["high"]:
            problems.append(Problem(WHERE, f"range low {row['low']:g} is above high {row['high']:g}", row=int(i) + 2, column="low"))
        elif not row["low"] <= row["value"] <= row["high"]:
            problems.append(Problem(WHERE, f"value {row['value']:g} lies outside its range {row['low']:g}–{row['high']:g}",
                                    row=int(i) + 2, column="value"))
    return problems


def table() -> pd.DataFrame:
    """The validated register as a frame (one row per assumption)."""
    frame = datapackage.read_table(RESOURCE)
    problems = check(frame)
    if problems:
        raise DataError(problems)
    return frame


def load(overrides: Mapping[str, float] | None = None) -> Register:
    return Register(table(), overrides)


PREFIX = "assumption:"


def source_id(source: str) -> str | None:
    """`assumption:gross_margin_pct` → `gross_margin_pct`; any other source → None."""
    return source[len(PREFIX):] if isinstance(source, str) and source.startswith(PREFIX) else None


def apply(frame: pd.DataFrame, register: Register, columns, where: str) -> tuple[pd.DataFrame, list[Problem]]:
    """A parameter table with every cell whose `<column>_source` names an assumption taken from the
    register (overrides included). The value typed in the table must equal the register's own value, so
    the register stays the one place an assumption is set; a mismatch or an unknown id is a located problem."""
    out = frame.copy()
    problems = []
    for i, row in frame.reset_index(drop=True).iterrows():
        for col in columns:
            key = source_id(row[f"{col}_source"])
            if key is None:
                continue
            if key not in register.frame.index:
                problems.append(Problem(where, f"unknown assumption {key!r} (see {WHERE})", row=int(i) + 2, column=f"{col}_source"))
                continue
            base = float(register.frame.at[key, "value"])
            if abs(float(row[col]) - base) > 1e-9:
                problems.append(Problem(where, f"{row[col]:g} differs from assumption {key} ({base:g} in {WHERE})",
                                        row=int(i) + 2, column=col))
            out.iloc[i, out.columns.get_loc(col)] = register[key]
    return out, problems


def resolve(register: Register, **parameters) -> Register:
    """The register with an analyst's parameter values applied: a parameter left at None keeps the
    register's value (a chapter's `parameters` cell declares assumption-backed parameters as None)."""
    return register.with_overrides(**{k: v for k, v in parameters.items() if v is not None})
