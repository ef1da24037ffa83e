"""Can the 2026 targets be met? Market (GMV) and user paths per scenario, built from official
trends and the plan's own starting points, simulated with seeded Monte Carlo.

GMV: social-commerce GMV = its share of online retail × NBS online retail. Online retail is observed to
the last official year and then drawn from the Chapter 1 trend forecast (per scenario); the share starts
from the plan's 2023 figure and gains, each year, the plan's own 2020→2023 pace plus noise.
Users: the plan's implied 2023 base grows at the recent growth of CNNIC online shoppers (plus the
scenario shift), capped by a saturating (logistic) fit of online shoppers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath import claims as claims_mod
from growthpath import market, official
from growthpath import simulate as sim
from growthpath.models import saturation, trend


def share_pace(claims: pd.DataFrame) -> dict:
    """The plan's own pace of share gain: 2020 share of online retail → 2023 penetration (pp a year)."""
    s2020 = claims_mod.pick(claims, doc="000", section="1.1", metric="share_of_online_retail", period="2020")
    s2023 = claims_mod.pick(claims, doc="000", section="1.1", metric="penetration_share_of_online_retail", period="2023")
    return {"start": float(s2023["value"]), "pace_pp": float((s2023["value"] - s2020["value"]) / 3),
            "claim_ids": [s2020["claim_id"], s2023["claim_id"]]}


def gmv_simulation(claims: pd.DataFrame, stats: pd.DataFrame, *, fit_start_year: int, growth_shift_pp: float,
                   target_year: int, ci_level: float, share_sd_pp: float, n_sims: int, seed: int,
                   factors: np.ndarray | None = None) -> dict:
    """Simulated social-commerce GMV (亿元) per year from 2023 to `target_year`, and P(≥ target).
    `factors` (n_sims, years + 1), from the stress test, multiply each simulated year's GMV."""
    out = market.outlook(stats, fit_start_year=fit_start_year, forecast_year=target_year, ci_level=ci_level,
                         growth_shift_pp=growth_shift_pp)
    history = official.annual(stats, "nbs_online_retail", first_year=2023).set_index("year")["value"]
    years = list(range(2023, target_year + 1))
    online = np.empty((n_sims, len(years)))
    for j, y in enumerate(years):
        if y in history.index:
            online[:, j] = history[y]
        else:
            row = out["scenario"].set_index("year").loc[y]
            online[:, j] = sim.lognormal_draws(row["mean"], row["lower"], row["upper"], ci_level, n_sims, seed + j)
    pace = share_pace(claims)
    rng = np.random.default_rng(seed + 1000)
    gains = rng.normal(pace["pace_pp"], share_sd_pp, size=(n_sims, len(years) - 1))
    share = pace["start"] + np.column_stack([np.zeros(n_sims), np.cumsum(gains, axis=1)])
    gmv = share / 100 * online * (1.0 if factors is None else factors)
    target = claims_mod.pick(claims, doc="000", section="3.1", metric="gmv_target")
    share_target = claims_mod.pick(claims, doc="000", metric="share_of_online_retail_forecast")
    return {"years": years, "gmv": gmv, "share": share, "online": online,
            "p_gmv": sim.probability_at_least(gmv[:, -1], float(target["value_canonical"])),
            "p_share": sim.probability_at_least(share[:, -1], float(share_target["value"])),
            "target": float(target["value_canonical"]), "share_target": float(share_target["value"]),
            "pace": pace, "claim_ids": [target["claim_id"], share_target["claim_id"], *pace["claim_ids"]]}


def shoppers_fit(stats: pd.DataFrame) -> saturation.SaturationFit:
    obs = official.observations(stats, "cnnic_online_shoppers")
    return saturation.fit(saturation.decimal_year(obs["period_end"]), obs["value_canonical"].to_numpy(), "logistic")


def historical_growth(stats: pd.DataFrame, series_id: str, first: str, last: str) -> float:
    """Compound yearly growth between two accepted observations (periods as published)."""
    obs = official.observations(stats, series_id).set_index("period")
    a, b = obs.loc[first], obs.loc[last]
    years = (b["period_end"] - a["period_end"]).days / 365.25
    return trend.cagr(float(a["value_canonical"]), float(b["value_canonical"]), years)


def user_growth(stats: pd.DataFrame, growth_shift_pp: float = 0.0) -> float:
    """The yearly user growth the simulation assumes: online shoppers' 2020–2024 rate plus the shift."""
    return historical_growth(stats, "cnnic_online_shoppers", "2020-12", "2024-12") + growth_shift_pp / 100


def users_simulation(claims: pd.DataFrame, stats: pd.DataFrame, *, growth_shift_pp: float, target_year: int,
                     growth_sd_pp: float, n_sims: int, seed: int, ci_level: float,
                     shocks: np.ndarray | None = None, factors: np.ndarray | None = None) -> dict:
    """Simulated social-commerce users (亿人) from the plan's implied 2023 base, capped by online shoppers.
    `shocks` and `factors` (n_sims, years), from the stress test, go to `simulate.paths`."""
    target = claims_mod.pick(claims, doc="000", section="3.1", metric="total_users_target")
    cumulative = claims_mod.pick(claims, doc="000", metric="user_growth_vs_2023")
    base = float(target["value_canonical"]) / (1 + cumulative["value"] / 100)
    g = historical_growth(stats, "cnnic_online_shoppers", "2020-12", "2024-12")
    spec = sim.GrowthSpec(base, 2023, target_year, user_growth(stats, growth_shift_pp), growth_sd_pp / 100)
    fit = shoppers_fit(stats)
    years = np.arange(2023, target_year + 1) + 0.99
    pred = fit.predict(years, ci_level)
    z = np.random.default_rng(seed + 2000).standard_normal(n_sims)[:, None]
    from scipy.stats import norm
    sd = (pred["upper"] - pred["lower"]).to_numpy() / (2 * norm.ppf(0.5 + ci_level / 2))
    ceiling = pred["mean"].to_numpy() + z * sd
    users = sim.paths(spec, n_sims, seed, ceiling=ceiling, shocks=shocks, factors=factors)
    return {"years": list(range(2023, target_year + 1)), "users": users, "base": base, "growth": g, "fit": fit,
            "ceiling_mean": pred["mean"].to_numpy(), "target": float(target["value_canonical"]),
            "p_users": sim.probability_at_least(users[:, -1], float(target["value_canonical"])),
            "claim_ids": [target["claim_id"], cumulative["claim_id"]]}
