"""The private-domain funnel (Chapter 5): reached → joined a group → bought.

Each stage is one of the plan's rates read by its own definition in the seed, and each stage's rate is
a share of the people left after the previous stage, so the end-to-end rate is their product. Two
rules keep the product honest:

- a stage's rate must start where the previous stage ends. The plan's private-domain conversion of
  000 §2.4 is defined on the whole path 社群入群-商品浏览-下单支付 (join the group → browse → pay), so
  it follows joining directly; nothing sits between them;
- the purchase may be counted once, at the last stage (`includes_purchase` in data/reference/funnel.csv).
  The plan's 7-day activation (激活率, a first order within 7 days, 000 §2.1) already contains a
  purchase and measures new users in general, so it is not a stage before private-domain conversion;
  multiplying the two counts the purchase, and its attrition, twice.

Because the funnel is a product, the same *relative* lift at any stage moves the result by the same
amount; what differs between stages is how far an *absolute* lift (percentage points) goes, which is
largest where the rate is lowest. The sizes of both lifts tried in the what-if are assumptions
(register ids `funnel_lift_pp`, `funnel_relative_lift_pct`); the number of people reached is the
caller's presentation unit and has no default."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.data import claims as claims_mod, datapackage
from growthpath.data.datapackage import DataError, Problem

RESOURCE = "funnel"
WHERE = "data/reference/funnel.csv"


def check_purchase(frame: pd.DataFrame) -> list[Problem]:
    """Located problems where the purchase is counted more than once or before the last stage."""
    flags = [bool(x) for x in frame["includes_purchase"]]
    return [Problem(WHERE, f"stage {stage!r} already ends in a purchase; only the last stage may "
                           "(a purchase counted twice applies its attrition twice)", row=i + 2, column="includes_purchase")
            for i, (stage, flag) in enumerate(zip(frame["stage"], flags)) if flag and i != len(flags) - 1]


def load(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Stage rates in funnel order; the purchase may only end the last stage, and with `claims`, each
    sourced rate must equal its claim."""
    frame = datapackage.read_table(RESOURCE)
    problems = check_purchase(frame)
    if claims is not None:
        problems += claims_mod.check_sourced(frame, claims, WHERE, reading_column="reading")
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


def counts(stage_rates: dict[str, float], reached: float) -> pd.DataFrame:
    """People left at each stage out of `reached` (the first row is the reached population)."""
    remaining = reached * np.cumprod(list(stage_rates.values()))
    return pd.DataFrame({"stage": ["reached", *stage_rates], "people": [float(reached), *remaining]})


def end_to_end(stage_rates: dict[str, float]) -> float:
    return float(np.prod(list(stage_rates.values())))


def one_at_a_time(base: dict[str, float], target: dict[str, float], reached: float) -> pd.DataFrame:
    """Buyers per `reached` when each stage alone moves from baseline to target."""
    rows = [{"stage": s, "converted": reached * end_to_end({**base, s: target[s]})} for s in base]
    out = pd.DataFrame(rows)
    out["change"] = out["converted"] - reached * end_to_end(base)
    return out


def sensitivity(stage_rates: dict[str, float], reached: float, points: float | None = None,
                relative: float | None = None, register=None) -> pd.DataFrame:
    """Buyers per `reached` when one stage rises by `points` percentage points (capped at 100 %) or by
    `relative` (a share of its own rate, 0.1 = +10 %), the others unchanged: a tornado's bars. Left at
    None, `points` is the register's `funnel_lift_pp` and `relative` its `funnel_relative_lift_pct` / 100."""
    if points is None or relative is None:
        from growthpath.data import assumptions

        reg = register if register is not None else assumptions.load()
        points = reg["funnel_lift_pp"] if points is None else points
        relative = reg["funnel_relative_lift_pct"] / 100 if relative is None else relative
    base = reached * end_to_end(stage_rates)
    rows = []
    for s, r in stage_rates.items():
        for kind, new in ((f"+{points:g} points", min(1.0, r + points / 100)), (f"+{relative:.0%} relative", min(1.0, r * (1 + relative)))):
            rows.append({"stage": s, "lift": kind, "converted": reached * end_to_end({**stage_rates, s: new}),
                         "change": reached * end_to_end({**stage_rates, s: new}) - base})
    return pd.DataFrame(rows)
