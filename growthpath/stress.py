"""Stress test (Chapter 6): Chapter 3's seeded simulation of 2026 users and GMV, with shocks from
`data/reference/shocks.csv` applied on top. It reuses `feasibility.users_simulation` and
`feasibility.gmv_simulation` (same seeds, same draws): with every shock off it reproduces Chapter 3.

Shock kinds (per simulated path, per year t = 1 … years):
- acquisition_cost: user growth g becomes g / (1 + size)^t (new users ∝ budget / CAC);
- growth: `size` is added to yearly user growth;
- loss: with `probability`, a permanent loss of size × exposure of users and/or GMV;
- outage: with `probability`, that year's GMV loses size / 8,760 × exposure (hours of trading lost)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath import claims as claims_mod, datapackage, feasibility
from growthpath.datapackage import DataError

RESOURCE = "shocks"
HOURS_PER_YEAR = 8760


def load(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = datapackage.read_table(RESOURCE)
    if claims is not None:
        problems = claims_mod.check_sourced(frame, claims, "data/reference/shocks.csv", columns=("size",), reading_column="size_reading")
        if problems:
            raise DataError(problems)
    return frame


def select(frame: pd.DataFrame, enabled) -> pd.DataFrame:
    """The shocks named in `enabled` (all when it is None or contains "all"); unknown names are an error."""
    if enabled is None or "all" in enabled:
        return frame
    unknown = sorted(set(enabled) - set(frame["shock"]))
    if unknown:
        raise ValueError(f"unknown shock(s) {unknown}; known: {', '.join(frame['shock'])}")
    return frame[frame["shock"].isin(list(enabled))]


def draw(frame: pd.DataFrame, years: int, n_sims: int, seed: int, user_growth: float) -> dict[str, np.ndarray]:
    """Arrays for the simulations: user growth `shocks` and `factors` (n_sims, years), and GMV
    `gmv_factors` (n_sims, years + 1; the first column, the observed start year, is 1)."""
    rng = np.random.default_rng(seed + 3000)
    shocks, factors = np.zeros((n_sims, years)), np.ones((n_sims, years))
    gmv_level, gmv_year = np.ones((n_sims, years)), np.ones((n_sims, years))
    t = np.arange(1, years + 1)
    for row in frame.itertuples():
        hits = rng.random((n_sims, years)) < row.probability  # drawn for every shock, so each keeps its own stream
        users, gmv = row.applies_to in ("users", "both"), row.applies_to in ("gmv", "both")
        if row.kind == "acquisition_cost" and users:
            shocks += user_growth * ((1 + row.size) ** -t - 1)
        elif row.kind == "growth" and users:
            shocks += row.size
        elif row.kind == "loss":
            loss = np.where(hits, 1 - row.size * row.exposure, 1.0)
            factors = factors * loss if users else factors
            gmv_level = gmv_level * loss if gmv else gmv_level
        elif row.kind == "outage" and gmv:
            gmv_year = gmv_year * np.where(hits, 1 - row.size / HOURS_PER_YEAR * row.exposure, 1.0)
    gmv_factors = np.column_stack([np.ones(n_sims), np.cumprod(gmv_level, axis=1) * gmv_year])
    return {"shocks": shocks, "factors": factors, "gmv_factors": gmv_factors}


def run(claims: pd.DataFrame, stats: pd.DataFrame, shocks: pd.DataFrame, *, fit_start_year: int, growth_shift_pp: float,
        target_year: int, ci_level: float, share_sd_pp: float, user_growth_sd_pp: float, n_sims: int, seed: int) -> dict:
    """Chapter 3's GMV and user simulations under `shocks` (an empty frame = no shocks)."""
    years = target_year - 2023
    arrays = draw(shocks, years, n_sims, seed, feasibility.user_growth(stats, growth_shift_pp)) if len(shocks) else {}
    g = feasibility.gmv_simulation(claims, stats, fit_start_year=fit_start_year, growth_shift_pp=growth_shift_pp,
                                   target_year=target_year, ci_level=ci_level, share_sd_pp=share_sd_pp, n_sims=n_sims,
                                   seed=seed, factors=arrays.get("gmv_factors"))
    u = feasibility.users_simulation(claims, stats, growth_shift_pp=growth_shift_pp, target_year=target_year,
                                     growth_sd_pp=user_growth_sd_pp, n_sims=n_sims, seed=seed, ci_level=ci_level,
                                     shocks=arrays.get("shocks"), factors=arrays.get("factors"))
    return {"gmv": g["gmv"], "users": u["users"], "p_gmv": g["p_gmv"], "p_share": g["p_share"], "p_users": u["p_users"],
            "gmv_target": g["target"], "users_target": u["target"], "years": g["years"]}


def outcomes(result: dict) -> dict[str, float]:
    """Median 2026 GMV (亿元) and users (亿人), and the probabilities of meeting each target."""
    return {"gmv_median": float(np.median(result["gmv"][:, -1])), "users_median": float(np.median(result["users"][:, -1])),
            "p_gmv": result["p_gmv"], "p_users": result["p_users"], "p_share": result["p_share"]}


def tornado(claims: pd.DataFrame, stats: pd.DataFrame, shocks: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Each shock alone, all together and none: median 2026 GMV and users and their change (%)
    against no shocks."""
    base = outcomes(run(claims, stats, shocks.iloc[0:0], **kwargs))
    rows = [{"shock": "none", **base}]
    for name in shocks["shock"]:
        rows.append({"shock": name, **outcomes(run(claims, stats, select(shocks, [name]), **kwargs))})
    rows.append({"shock": "all together", **outcomes(run(claims, stats, shocks, **kwargs))})
    out = pd.DataFrame(rows)
    for col in ("gmv_median", "users_median"):
        out[col.replace("_median", "_change_pct")] = 100 * (out[col] / base[col] - 1)
    return out
