"""The inputs of a what-if chart (`growthpath.charts.helpers.what_if`): its sliders, and the positions they can take, for
which a chapter computes its model's result (the browser only picks rows, it never runs a model)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def slider(field: str, label: str, low: float, high: float, step: float, default: float) -> dict:
    """A slider from `low` to `high` whose steps pass through its default: a browser's range input puts its handle on
    a step, so a default between two steps would show the chart at one value and the handle at another. Where `low`
    is off that lattice, the slider starts at the lowest step at or above it counted from the default."""
    start = float(np.round(default - np.floor((default - low) / step + 1e-9) * step, 10))
    return {"field": field, "label": label, "min": start, "max": high, "step": step, "default": default}


def top(needed: float, default: float, step: float) -> float:
    """A slider's upper end: twice what a target needs, in whole steps, but never below the slider's default or one
    step (a target already met needs nothing, and the slider must still hold its starting value)."""
    return float(np.round(max(2 * needed // step, np.ceil(default / step), 1) * step, 10))


def positions(s: dict, *also: float) -> list[float]:
    """Every position of slider `s` (its steps from min to max), its default and the values `also` (a plan's figure
    between two steps), each once, in order."""
    steps = np.round(np.arange(s["min"], s["max"] + s["step"] / 2, s["step"]), 10)
    return sorted({*map(float, steps), float(s["default"]), *map(float, also)})


def grid(sliders: list[dict], also: dict | None = None) -> pd.DataFrame:
    """One row per combination of the sliders' positions (`also`: extra values per field)."""
    axes = {s["field"]: positions(s, *(also or {}).get(s["field"], ())) for s in sliders}
    return pd.MultiIndex.from_product(axes.values(), names=list(axes)).to_frame(index=False)
