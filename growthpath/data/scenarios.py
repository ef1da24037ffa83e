"""Named scenarios from data/scenarios.yml, parsed and checked strictly: YAML with no duplicated key,
the file's shape with pydantic, scenario names that are plain identifiers (they become file names),
and every parameter against its declaration in `growthpath.data.params`. A scenario may set any subset of
the parameters; the rest keep their declared defaults."""
from __future__ import annotations

import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from growthpath import paths
from growthpath.data import datapackage, params as declared

NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")

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


def _lines(node, path=()) -> dict[tuple, int]:
    """Line of every mapping key in a composed YAML tree, by its path; raises on a duplicated key
    (PyYAML would silently keep the last one)."""
    out = {}
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key, value in node.value:
            name = key.value
            if name in seen:
                raise ScenarioError(f"line {key.start_mark.line + 1}: {'.'.join((*path, name))!r} is defined twice "
                                    f"(first on line {seen[name]}); PyYAML would silently keep the last")
            seen[name] = key.start_mark.line + 1
            out[(*path, name)] = key.start_mark.line + 1
            out.update(_lines(value, (*path, name)))
    return out


def _parameter_problems(spec: ScenarioFile, lines: dict[tuple, int]) -> list[str]:
    problems = [f"line {lines.get(('scenarios', n), '?')}: scenario name {n!r}: a name is lower-case letters, digits and _, "
                "starting with a letter, at most 40 characters (it becomes a file name)"
                for n in spec.scenarios if not NAME.fullmatch(n)]
    blocks = [(("defaults",), spec.defaults)] + [(("scenarios", n, "params"), sc.params) for n, sc in spec.scenarios.items()]
    for path, values in blocks:
        for name, value in values.items():
            where = f"line {lines.get((*path, name), '?')}: {'.'.join((*path, name))}"
            try:
                if name in declared.RESERVED or name not in declared.FIELDS:
                    raise declared.unknown(name)
                declared.check({name: declared.coerce(name, value)})
            except declared.ParameterError as exc:
                problems.append(f"{where}: {exc}")
    return problems


def load() -> ScenarioFile:
    text = datapackage.read_text("scenarios")
    where = paths.relative(paths.data_dir() / "scenarios.yml")
    try:
        raw = yaml.safe_load(text)
        lines = _lines(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ScenarioError(yaml_problem(where, exc)) from None
    except ScenarioError as exc:
        raise ScenarioError(f"{where}, {exc}") from None
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        found = [f"  - line {lines.get(tuple(map(str, e['loc'])), '?')}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                 for e in exc.errors()]
        raise ScenarioError(f"{where}: invalid scenario file:\n" + "\n".join(found)) from None
    problems = _parameter_problems(spec, lines)
    if problems:
        raise ScenarioError(f"{where}: {len(problems)} {'problem' if len(problems) == 1 else 'problems'} in its scenarios or parameters:\n" + "\n".join(f"  - {p}" for p in problems))
    return spec


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
