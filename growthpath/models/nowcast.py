"""An outlook anchored on the latest data: next year's level is the last published level grown by a
nowcast of next year's growth (its latest year-to-date reading), not a trend line through distant levels.

How far a year-to-date reading moves by December is measured from past years (`revisions`); a
local-level model of the annual growth history (`local_level`) is an independent, history-only check."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm


def z(ci_level: float) -> float:
    """Two-sided normal quantile for a central interval of `ci_level`."""
    if not 0 < ci_level < 1:
        raise ValueError(f"ci_level must be in (0, 1), got {ci_level!r}")
    return float(norm.ppf(0.5 + ci_level / 2))


def revisions(full_year: pd.DataFrame, year_to_date: pd.DataFrame, months: int) -> pd.DataFrame:
    """Full-year growth minus the year-to-date growth published after `months` months, per year with both
    (columns year, ytd, full, revision; percentage points). Inputs: (year, value) and (year, months, value)."""
    ytd = year_to_date[year_to_date["months"] == months][["year", "value"]].rename(columns={"value": "ytd"})
    both = ytd.merge(full_year[["year", "value"]].rename(columns={"value": "full"}), on="year", how="inner")
    both["revision"] = both["full"] - both["ytd"]
    return both.sort_values("year").reset_index(drop=True)


def rms(values) -> float:
    """Root mean square (the typical size of a revision, whatever its sign)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("no revisions to measure")
    return float(np.sqrt(np.mean(values ** 2)))


# how a scenario moves the latest year-to-date reading, from the revisions on record (full year minus the reading
# after the same number of months): none, the most favourable revision seen, or the average one
ADJUSTMENTS = {"none": "the latest reading as published",
               "best_revision": "the latest reading plus the most favourable revision on record",
               "mean_revision": "the latest reading plus the average revision on record"}


def adjustment(revisions, rule: str) -> float:
    """The percentage points a scenario adds to the latest reading under `rule` (see ADJUSTMENTS); with no
    revision on record every rule adds nothing."""
    if rule not in ADJUSTMENTS:
        raise ValueError(f"unknown nowcast adjustment {rule!r}; known: {', '.join(ADJUSTMENTS)}")
    values = np.asarray(revisions, dtype=float)
    if rule == "none" or values.size == 0:
        return 0.0
    return float(values.max() if rule == "best_revision" else values.mean())


def level(anchor: float, growth_pct: float, sd_pp: float, ci_level: float) -> dict[str, float]:
    """Next year's level from `anchor` and a normal growth (mean `growth_pct`, sd `sd_pp`): mean and interval."""
    half = z(ci_level) * sd_pp
    return {"mean": anchor * (1 + growth_pct / 100), "lower": anchor * (1 + (growth_pct - half) / 100),
            "upper": anchor * (1 + (growth_pct + half) / 100)}


@dataclass
class LocalLevel:
    """A local-level (random walk plus noise) model of annual growth rates, forecast `steps` ahead."""

    years: np.ndarray
    growth: np.ndarray
    forecast: pd.DataFrame        # year, mean, lower, upper (growth, %)
    level_sd: float               # sd of the yearly change in the underlying growth
    noise_sd: float               # sd of a year's growth around it
    ok: bool = True
    note: str = ""


def local_level(years, growth_pct, steps: int, ci_level: float) -> LocalLevel:
    """statsmodels `UnobservedComponents(level='llevel')` on the growth series; intervals are for a
    new observation (they include the year-to-year noise) and widen with the horizon."""
    import warnings

    from statsmodels.tsa.statespace.structural import UnobservedComponents

    years = np.asarray(years, dtype=int)
    y = np.asarray(growth_pct, dtype=float)
    if len(y) < 5:
        raise ValueError(f"need at least 5 years of growth, got {len(y)}")
    if np.any(np.diff(years) != 1):
        raise ValueError("growth years must be consecutive")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = UnobservedComponents(y, level="llevel").fit(disp=False)
    frame = res.get_forecast(steps).summary_frame(alpha=1 - ci_level)
    named = dict(zip(res.model.param_names, np.asarray(res.params, dtype=float)))
    problems = [str(w.message) for w in caught if "converge" in str(w.message).lower()]
    converged = bool(res.mle_retvals.get("converged", True)) if res.mle_retvals else True
    forecast = pd.DataFrame({"year": years[-1] + np.arange(1, steps + 1), "mean": frame["mean"].to_numpy(),
                             "lower": frame["mean_ci_lower"].to_numpy(), "upper": frame["mean_ci_upper"].to_numpy()})
    return LocalLevel(years, y, forecast, float(np.sqrt(named["sigma2.level"])), float(np.sqrt(named["sigma2.irregular"])),
                      ok=converged and not problems,
                      note="" if converged and not problems else "the optimiser did not converge: " + "; ".join(problems)[:200])
