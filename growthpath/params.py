"""Chapter parameters: what a notebook declares, and the rules every value must satisfy.

A chapter declares its parameters as literal assignments in its cell tagged `parameters`; the
runner only accepts those names, with values of the declared type, that pass `RULES`."""
from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any, Callable

import yaml

# name -> (check, what a valid value looks like). Names not listed only get the type check.
RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "ci_level": (lambda v: 0.5 <= v < 1, "a number in [0.5, 1)"),
    "forecast_year": (lambda v: v == 2026, "2026 (the plan's targets are for 2026, and the outlook nowcasts the year after the last published level)"),
    "nowcast_adjustment": (lambda v: v in ("none", "best_revision", "mean_revision"),
                           "'none' (the latest year-to-date reading), 'best_revision' or 'mean_revision' (it plus the most favourable or the average revision on record)"),
    "ytd_revision_sd_pp": (lambda v: 0 <= v <= 10, "percentage points from 0 to 10"),
    "user_share_gain_pp": (lambda v: -10 <= v <= 20, "percentage points a year from -10 to 20"),
    "seed": (lambda v: 0 <= v < 2**32, "an integer in [0, 2**32)"),
    "scenario": (lambda v: bool(v), "a scenario name"),
    "n_sims": (lambda v: 1000 <= v <= 200_000, "an integer from 1,000 to 200,000"),
    "share_sd_pp": (lambda v: 0 <= v <= 10, "percentage points from 0 to 10"),
    "user_growth_sd_pp": (lambda v: 0 <= v <= 20, "percentage points from 0 to 20"),
    "cohort_freq": (lambda v: v in ("M", "W"), "'M' (monthly) or 'W' (weekly)"),
    "top_share_pct": (lambda v: 0 < v <= 100, "a percentage in (0, 100]"),
    "repurchase_days": (lambda v: bool(v) and all(isinstance(d, int) and d > 0 for d in v), "a list of positive whole days"),
    "orders_columns": (lambda v: all(k in ("customer_id", "date", "amount", "channel", "quantity") and isinstance(c, str)
                                     for k, c in v.items()), "a mapping of customer_id/date/amount/channel to your column names"),
    "clv_orders_columns": (lambda v: all(k in ("customer_id", "date", "amount", "channel", "quantity") and isinstance(c, str)
                                         for k, c in v.items()), "a mapping of customer_id/date/amount to your column names"),
    "calibration_end": (lambda v: _is_date(v), "a date like 1997-09-30"),
    "holdout_end": (lambda v: _is_date(v), "a date like 1998-06-30"),
    "churn_window_days": (lambda v: 7 <= v <= 365, "whole days from 7 to 365"),
    "lifecycle_overrides": (lambda v: all(isinstance(k, str) and isinstance(x, (int, float)) and 0 <= x <= 10 for k, x in v.items()),
                            "a mapping of lifecycle parameter names (data/reference/lifecycle.csv) to numbers from 0 to 10"),
    "monthly_discount_pct": (lambda v: 0 <= v < 10, "a percentage from 0 to 10"),
    "fission_seed_users": (lambda v: 1 <= v <= 1e9, "a number of users from 1 to 1e9"),
    "fission_months": (lambda v: 1 <= v <= 60, "whole months from 1 to 60"),
    "fission_cycle_days": (lambda v: 1 <= v <= 365, "whole days from 1 to 365"),
    "invite_conversion_pct": (lambda v: 0 < v <= 100, "a percentage in (0, 100]"),
    "power_alpha": (lambda v: 0 < v <= 0.2, "a significance level in (0, 0.2]"),
    "power_target": (lambda v: 0.5 <= v < 1, "a power in [0.5, 1)"),
    "discount_rate_pct": (lambda v: 0 <= v <= 30, "a yearly discount rate from 0 to 30 %"),
    "programme_start": (lambda v: _is_date(v), "a date like 2024-01-01"),
    "funnel_overrides": (lambda v: all(isinstance(k, str) and isinstance(x, (int, float)) and 0 <= x <= 1 for k, x in v.items()),
                         "a mapping of funnel stages (data/reference/funnel.csv) to rates from 0 to 1"),
    "reached_users": (lambda v: 100 <= v <= 1e9, "a number of users from 100 to 1e9"),
    "funnel_lift_pp": (lambda v: 0 < v <= 50, "percentage points in (0, 50]"),
    "gross_margin_pct": (lambda v: 0 < v < 100, "a percentage in (0, 100)"),
    "shocks_enabled": (lambda v: all(isinstance(x, str) for x in v), "a list of shock names (data/reference/shocks.csv)"),
}


# parameters that default (None) to a value derived from a register assumption, not to the assumption itself
DERIVED = {"monthly_discount_pct": "discount_rate_pct"}


def _is_date(value: str) -> bool:
    import datetime as dt
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


class ParameterError(ValueError):
    pass


def declared(notebook: Path) -> dict[str, Any]:
    """Name → default of every assignment in the notebook's `parameters` cell (literals only)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{notebook}: expected one cell tagged 'parameters', found {len(cells)}")
    source = "".join(cells[0]["source"])
    out = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ParameterError(f"{notebook}: the parameters cell may only hold `name = literal` lines")
        out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def coerce(name: str, raw: Any, default: Any) -> Any:
    """`raw` (a YAML-parsed CLI string or a scenario value) as the type of `default`, or an error.
    A default of None marks a parameter backed by the assumption register: it takes a number."""
    value = yaml.safe_load(raw) if isinstance(raw, str) and not isinstance(default, str) else raw
    if default is None:
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return None if value is None else float(value)
        raise ParameterError(f"parameter '{name}' expects a number (default: the value in data/reference/assumptions.csv), got {raw!r}")
    expected = type(default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ParameterError(f"parameter '{name}' expects {expected.__name__} (default {default!r}), got {raw!r}")
    return value


def check(values: dict[str, Any]) -> dict[str, Any]:
    """Apply `RULES`; returns the values unchanged or raises one error naming every bad parameter."""
    bad = [f"'{k}' = {v!r}: expected {RULES[k][1]}" for k, v in values.items()
           if k in RULES and v is not None and not RULES[k][0](v)]
    if bad:
        raise ParameterError("invalid parameter value(s): " + "; ".join(bad))
    return values
