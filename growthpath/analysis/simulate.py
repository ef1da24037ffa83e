"""Seeded Monte Carlo of growth paths, shared by the targets (Chapter 3) and risk (Chapter 6) chapters.

A path starts at a level and compounds a yearly growth rate drawn from a normal distribution; an
optional ceiling path caps it (users cannot outnumber online shoppers). Shocks (Chapter 6) enter as
extra yearly rate changes; with none, results equal the plain simulation."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class GrowthSpec:
    start: float             # level in the start year
    start_year: int
    end_year: int
    growth_mean: float       # yearly growth, as a fraction (0.08 = 8 %)
    growth_sd: float         # standard deviation of the yearly growth draw


def paths(spec: GrowthSpec, n_sims: int, seed: int, ceiling: np.ndarray | None = None,
          shocks: np.ndarray | None = None, factors: np.ndarray | None = None) -> np.ndarray:
    """Array (n_sims, years + 1) of levels from start_year to end_year.

    `ceiling`: array (n_sims, years + 1) or (years + 1,) of maximum levels; `shocks`: array
    (n_sims, years) added to the yearly growth draws; `factors`: array (n_sims, years) multiplying
    each year's growth factor (a permanent loss of 10 % that year is 0.9)."""
    if n_sims < 1 or spec.end_year <= spec.start_year or spec.growth_sd < 0:
        raise ValueError("need n_sims ≥ 1, end_year > start_year and growth_sd ≥ 0")
    years = spec.end_year - spec.start_year
    rng = np.random.default_rng(seed)
    growth = rng.normal(spec.growth_mean, spec.growth_sd, size=(n_sims, years))
    if shocks is not None:
        growth = growth + shocks
    step = 1 + np.clip(growth, -0.99, None)
    if factors is not None:
        step = step * factors
    levels = spec.start * np.cumprod(step, axis=1)
    out = np.column_stack([np.full(n_sims, float(spec.start)), levels])
    if ceiling is not None:
        out = np.minimum(out, ceiling)
    return out


def probability_at_least(values: np.ndarray, target: float) -> float:
    return float(np.mean(values >= target))


def summary(levels: np.ndarray, start_year: int, quantiles=(0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
    """Quantiles of the simulated level per year (a fan chart's bands)."""
    q = np.quantile(levels, quantiles, axis=0)
    out = pd.DataFrame(q.T, columns=[f"q{int(100 * p):02d}" for p in quantiles])
    out.insert(0, "year", np.arange(start_year, start_year + levels.shape[1]))
    return out


def lognormal_draws(mean: float, lower: float, upper: float, ci_level: float, n_sims: int, seed: int) -> np.ndarray:
    """Draws whose log is normal with the given mean and a (lower, upper) interval at `ci_level`
    (used to sample a model's prediction interval)."""
    from scipy.stats import norm

    z = norm.ppf(0.5 + ci_level / 2)
    sd = (np.log(upper) - np.log(lower)) / (2 * z)
    return np.exp(np.random.default_rng(seed).normal(np.log(mean), sd, n_sims))


def probability_table(results: pd.DataFrame, steps: str | None = None) -> pd.DataFrame:
    """The probability of each target (a row) under each scenario (a column), to one decimal of a per cent, in the
    order `results` lists them (columns `target`, `scenario`, `probability`). With `steps` (a column such as `run`:
    without shocks, with them), a cell reads 'first → second' and its header names the steps."""
    shown = results.assign(cell=results["probability"].map(lambda p: "–" if pd.isna(p) else f"{100 * p:.1f} %"))
    cells = shown.groupby(["target", "scenario"], sort=False)["cell"].agg(" → ".join)
    table = cells.unstack("scenario").reindex(index=shown["target"].unique(), columns=shown["scenario"].unique())
    if steps is not None:
        table.columns = [f"{c}: {' → '.join(shown[steps].unique())}" for c in table.columns]
    return table.rename_axis(index="target", columns=None).reset_index()
