"""The private-domain funnel (Chapter 5): reach → join → retained → engaged → converted.

Each stage keeps a share of the previous one, so the end-to-end rate is their product. Because the
product is multiplicative, the same *relative* lift at any stage moves the result by the same amount;
what differs between stages is how far an *absolute* lift (percentage points) goes, which is
largest where the rate is lowest."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath import claims as claims_mod, datapackage
from growthpath.datapackage import DataError

RESOURCE = "funnel"


def load(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Stage rates in funnel order; with `claims`, each sourced rate must equal its claim."""
    frame = datapackage.read_table(RESOURCE)
    if claims is not None:
        problems = claims_mod.check_sourced(frame, claims, "data/reference/funnel.csv", reading_column="reading")
        if problems:
            raise DataError(problems)
    return frame


def rates(frame: pd.DataFrame, which: str = "baseline", overrides: dict | None = None) -> dict[str, float]:
    """Stage → rate for the `baseline` or `target` column, with `overrides` applied (each in [0, 1])."""
    out = claims_mod.reading_values(frame, "stage", which, overrides, "funnel stage")
    outside = [k for k, v in out.items() if not 0 <= v <= 1]
    if outside:
        raise ValueError(f"funnel rates must be in [0, 1]: {outside}")
    return out


def counts(stage_rates: dict[str, float], reached: float = 10_000) -> pd.DataFrame:
    """People left at each stage out of `reached` (the first row is the reached population)."""
    remaining = reached * np.cumprod(list(stage_rates.values()))
    return pd.DataFrame({"stage": ["reached", *stage_rates], "people": [float(reached), *remaining]})


def end_to_end(stage_rates: dict[str, float]) -> float:
    return float(np.prod(list(stage_rates.values())))


def one_at_a_time(base: dict[str, float], target: dict[str, float], reached: float = 10_000) -> pd.DataFrame:
    """Converted per `reached` when each stage alone moves from baseline to target."""
    rows = [{"stage": s, "converted": reached * end_to_end({**base, s: target[s]})} for s in base]
    out = pd.DataFrame(rows)
    out["change"] = out["converted"] - reached * end_to_end(base)
    return out


def sensitivity(stage_rates: dict[str, float], points: float = 5.0, relative: float = 0.10, reached: float = 10_000) -> pd.DataFrame:
    """Converted per `reached` when one stage rises by `points` percentage points (capped at 100 %)
    or by `relative` (a share of its own rate), the others unchanged: a tornado's bars."""
    base = reached * end_to_end(stage_rates)
    rows = []
    for s, r in stage_rates.items():
        for kind, new in ((f"+{points:g} points", min(1.0, r + points / 100)), (f"+{relative:.0%} relative", min(1.0, r * (1 + relative)))):
            rows.append({"stage": s, "lift": kind, "converted": reached * end_to_end({**stage_rates, s: new}),
                         "change": reached * end_to_end({**stage_rates, s: new}) - base})
    return pd.DataFrame(rows)
