"""Named scenarios from data/scenarios.yml, parsed and checked with pydantic."""
from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from growthpath import datapackage, paths

Scalar = bool | int | float | str | list


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    justification: str
    params: dict[str, Scalar] = {}


class ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    defaults: dict[str, Scalar] = {}
    scenarios: dict[str, Scenario]

    @field_validator("scenarios")
    @classmethod
    def has_base(cls, v):
        if "base" not in v:
            raise ValueError("a scenario named 'base' is required")
        return v


class ScenarioError(ValueError):
    pass


def yaml_problem(where: str, exc: "yaml.YAMLError") -> str:
    """One line: file, line, what is wrong (YAML is read with safe_load: python tags are refused)."""
    mark = getattr(exc, "problem_mark", None)
    line = f", line {mark.line + 1}" if mark is not None else ""
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{where}{line}: not valid YAML ({what})"


def load() -> ScenarioFile:
    text = datapackage.read_text("scenarios")
    where = paths.relative(paths.data_dir() / "scenarios.yml")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(yaml_problem(where, exc)) from None
    try:
        return ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  - {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ScenarioError(f"{where}: invalid scenario file:\n" + "\n".join(lines)) from None


def names() -> list[str]:
    return list(load().scenarios)


def params(name: str) -> dict[str, Any]:
    """Defaults merged with the scenario's own parameters (the scenario wins)."""
    spec = load()
    if name not in spec.scenarios:
        raise ScenarioError(f"unknown scenario {name!r}; valid scenarios: {', '.join(spec.scenarios)}")
    return {**spec.defaults, **spec.scenarios[name].params}


def describe() -> "pd.DataFrame":
    """One row per scenario: name, description and its own parameters (defaults apply to all)."""
    import pandas as pd

    spec = load()
    return pd.DataFrame([{"scenario": name, "assumes": " ".join(sc.description.split()),
                          "why": " ".join(sc.justification.split()),
                          "parameters": ", ".join(f"{k} = {v}" for k, v in sc.params.items()) or "–"}
                         for name, sc in spec.scenarios.items()])
