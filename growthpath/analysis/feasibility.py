"""Can the 2026 targets be met? GMV and user outlooks anchored on the latest official figures,
simulated with seeded Monte Carlo.

GMV: social-commerce GMV = its share of online retail × NBS online retail. Online retail is observed
to the last published year; the next year is that level grown by the scenario's nowcast growth (drawn
around it with the year-to-date revision spread, Chapter 1). The share has no official series: it starts
from the plan's 2023 figure and gains, each year, the plan's own 2020→2023 pace plus noise.

Users: the plan's social-commerce users are a subset of CNNIC's online shoppers. Shoppers grow from the
latest CNNIC figure at their own recent rate (never above the netizens projected from CNNIC's latest
count); users are shoppers × the share of shoppers who use social commerce. That share starts from the
plan's own implied 2023 ratio and gains a stated number of points a year: an assumption, named, because
no series measures it. The arithmetic of what the target needs is reported beside the probability."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.data import claims as claims_mod
from growthpath.data import official
from growthpath.analysis import market
from growthpath.analysis import simulate as sim
from growthpath.models import trend

PLAN_BASE_YEAR = 2023
SHOPPERS, NETIZENS = "cnnic_online_shoppers", "cnnic_netizens"


def share_pace(claims: pd.DataFrame) -> dict:
    """The plan's own pace of share gain: 2020 share of online retail → 2023 penetration (pp a year)."""
    s2020 = claims_mod.pick(claims, doc="000", section="1.1", metric="share_of_online_retail", period="2020", scope="market")
    s2023 = claims_mod.pick(claims, doc="000", section="1.1", metric="penetration_share_of_online_retail", period="2023", scope="market")
    return {"start": float(s2023["value"]), "pace_pp": float((s2023["value"] - s2020["value"]) / 3),
            "claim_ids": [s2020["claim_id"], s2023["claim_id"]]}


def gmv_simulation(claims: pd.DataFrame, stats: pd.DataFrame, *, nowcast_adjustment: str, revision_sd_pp: float,
                   target_year: int, ci_level: float, share_sd_pp: float, n_sims: int, seed: int,
                   factors: np.ndarray | None = None) -> dict:
    """Simulated social-commerce GMV (亿元) per year from 2023 to `target_year`, and P(≥ target).
    `factors` (n_sims, unobserved years), from the stress test, multiply the GMV of the years not yet
    published (a shock cannot hit a year that is already measured)."""
    out = market.outlook(stats, forecast_year=target_year, ci_level=ci_level, nowcast_adjustment=nowcast_adjustment,
                         revision_sd_pp=revision_sd_pp)
    history = official.annual(stats, market.LEVEL_SERIES, first_year=PLAN_BASE_YEAR).set_index("year")["value"]
    years = list(range(PLAN_BASE_YEAR, target_year + 1))
    pace = share_pace(claims)
    online, share = _gmv_paths(history, float(out["anchor"]["value"]), years, out["scenario_growth_pct"], revision_sd_pp,
                               pace["start"], pace["pace_pp"], share_sd_pp, n_sims, seed)
    gmv = share / 100 * online
    if factors is not None:
        observed = sum(y in history.index for y in years)
        gmv[:, observed:] = gmv[:, observed:] * factors
    realised = 100 * gmv / online     # the share a shocked GMV is of online retail (the share itself without shocks)
    target, share_target = _gmv_target_claims(claims)
    return {"years": years, "gmv": gmv, "share": share, "online": online, "outlook": out,
            "p_gmv": sim.probability_at_least(gmv[:, -1], float(target["value_canonical"])),
            "p_share": sim.probability_at_least(realised[:, -1], float(share_target["value"])),
            "target": float(target["value_canonical"]), "share_target": float(share_target["value"]),
            "share_needed": float(target["value_canonical"]) / float(np.median(online[:, -1])) * 100,
            "pace": pace, "claim_ids": [target["claim_id"], share_target["claim_id"], *pace["claim_ids"]]}


def _gmv_target_claims(claims: pd.DataFrame) -> tuple:
    return (claims_mod.pick(claims, doc="000", section="3.1", metric="gmv_target", scope="market"),
            claims_mod.pick(claims, doc="000", metric="share_of_online_retail_forecast", scope="market"))


def _gmv_paths(history: pd.Series, anchor: float, years: list[int], growth_pct: float, revision_sd_pp: float,
               share_start: float, pace_pp: float, share_sd_pp: float, n_sims: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Simulated online retail (亿元) and social commerce's share of it (%) per year: published years as published, the
    next from `anchor` grown by `growth_pct` ± `revision_sd_pp`; the share from `share_start` gaining `pace_pp` ±
    `share_sd_pp` a year. The draws depend only on `seed`: moving a mean moves every draw by the same amount."""
    online = np.empty((n_sims, len(years)))
    growth = np.random.default_rng(seed).normal(growth_pct, revision_sd_pp, n_sims)
    for j, y in enumerate(years):
        online[:, j] = history[y] if y in history.index else anchor * (1 + growth / 100)
    gains = np.random.default_rng(seed + 1000).normal(pace_pp, share_sd_pp, size=(n_sims, len(years) - 1))
    share = share_start + np.column_stack([np.zeros(n_sims), np.cumsum(gains, axis=1)])
    return online, share


def gmv_what_if(stats: pd.DataFrame, grid: pd.DataFrame, simulation: dict, *, revision_sd_pp: float, share_sd_pp: float,
                n_sims: int, seed: int) -> pd.DataFrame:
    """P(GMV ≥ target) at each row of `grid` (columns `growth_pct`, online retail's growth in the forecast year, and
    `pace_pp`, the yearly gain in social commerce's share of it), on the draws of `simulation` (a `gmv_simulation`
    result, whose outlook, years, start share and target it reuses; with the same spreads, size and seed, at the
    scenario's growth and the plan's pace it gives that simulation's probability)."""
    history = official.annual(stats, market.LEVEL_SERIES, first_year=PLAN_BASE_YEAR).set_index("year")["value"]
    anchor, start = float(simulation["outlook"]["anchor"]["value"]), simulation["pace"]["start"]

    def p_gmv(growth_pct: float, pace_pp: float) -> float:
        online, share = _gmv_paths(history, anchor, simulation["years"], growth_pct, revision_sd_pp, start, pace_pp,
                                   share_sd_pp, n_sims, seed)
        return sim.probability_at_least(share[:, -1] / 100 * online[:, -1], simulation["target"])

    return grid.assign(p_gmv=[p_gmv(g, s) for g, s in zip(grid["growth_pct"], grid["pace_pp"])])


def historical_growth(stats: pd.DataFrame, series_id: str, first: str, last: str) -> float:
    """Compound yearly growth between two accepted observations (periods as published)."""
    obs = official.observations(stats, series_id).set_index("period")
    a, b = obs.loc[first], obs.loc[last]
    years = (b["period_end"] - a["period_end"]).days / 365.25
    return trend.cagr(float(a["value_canonical"]), float(b["value_canonical"]), years)


def recent_growth(stats: pd.DataFrame, series_id: str, years: int) -> dict:
    """Compound yearly growth over the `years` years to the latest accepted observation (the observation
    closest to that many years earlier is the start)."""
    obs = official.observations(stats, series_id)
    last = obs.iloc[-1]
    wanted = last["period_end"] - pd.DateOffset(years=int(years))
    first = obs.iloc[(obs["period_end"] - wanted).abs().argmin()]
    span = (last["period_end"] - first["period_end"]).days / 365.25
    if span <= 0:
        raise LookupError(f"{series_id}: not enough history for a {years}-year growth rate")
    return {"growth": trend.cagr(float(first["value_canonical"]), float(last["value_canonical"]), span),
            "first": first["period"], "last": last["period"], "years": span}


def plan_user_base(claims: pd.DataFrame) -> dict:
    """The plan's 2023 users implied by its 2026 target and its stated growth over 2023 (亿人)."""
    target = claims_mod.pick(claims, doc="000", section="3.1", metric="total_users_target", scope="market")
    cumulative = claims_mod.pick(claims, doc="000", metric="user_growth_vs_2023", scope="market")
    return {"base": float(target["value_canonical"]) / (1 + cumulative["value"] / 100), "target": float(target["value_canonical"]),
            "claim_ids": [target["claim_id"], cumulative["claim_id"]]}


def user_share_start(claims: pd.DataFrame, stats: pd.DataFrame) -> dict:
    """Social-commerce users as a share of online shoppers in the plan's base year: the plan's implied
    2023 users over CNNIC's online shoppers at the end of 2023."""
    base = plan_user_base(claims)
    shoppers = official.observations(stats, SHOPPERS)
    row = shoppers[shoppers["period_end"].dt.year == PLAN_BASE_YEAR].iloc[-1]
    return {"share": base["base"] / float(row["value_canonical"]), "shoppers": float(row["value_canonical"]),
            "obs_id": row["obs_id"], **base}


def users_outlook(claims: pd.DataFrame, stats: pd.DataFrame, target_year: int, trend_years: float) -> dict:
    """The deterministic pieces of the user outlook: latest CNNIC counts, shoppers' growth over the
    `trend_years` to the latest count, the years left to simulate, and the plan's starting share of shoppers."""
    shoppers, netizens = official.latest(stats, SHOPPERS), official.latest(stats, NETIZENS)
    end = pd.Timestamp(f"{target_year}-12-31")
    years = int(round((end - shoppers["period_end"]).days / 365.25))
    if years < 1:
        raise ValueError(f"the latest online-shopper count ({shoppers['period']}) already covers {target_year}")
    net_growth = recent_growth(stats, NETIZENS, 1)
    ends = pd.to_datetime([f"{y}-12-31" for y in range(target_year - years + 1, target_year + 1)])
    ceiling = [float(netizens["value_canonical"]) * (1 + net_growth["growth"]) ** ((e - netizens["period_end"]).days / 365.25)
               for e in ends]
    return {"shoppers": float(shoppers["value_canonical"]), "shoppers_period": shoppers["period"],
            "shoppers_grade": shoppers["grade"], "years": years,
            "shopper_growth": recent_growth(stats, SHOPPERS, trend_years),
            "netizens": float(netizens["value_canonical"]), "netizens_period": netizens["period"],
            "netizen_growth": net_growth,
            "netizens_path": ceiling, "netizens_end": ceiling[-1],
            "start": user_share_start(claims, stats)}


def users_simulation(claims: pd.DataFrame, stats: pd.DataFrame, *, target_year: int, share_gain_pp: float,
                     growth_sd_pp: float, trend_years: float, n_sims: int, seed: int,
                     shocks: np.ndarray | None = None, factors: np.ndarray | None = None) -> dict:
    """Simulated online shoppers and social-commerce users (亿人) at the end of each year after the latest
    CNNIC count, to `target_year`. `shocks` and `factors` (n_sims, years), from the stress test, go to
    `simulate.paths` for shoppers' growth and to users' level."""
    look = users_outlook(claims, stats, target_year, trend_years)
    first_year = target_year - look["years"] + 1
    spec = sim.GrowthSpec(look["shoppers"], first_year - 1, target_year, look["shopper_growth"]["growth"], growth_sd_pp / 100)
    ceiling = np.r_[look["shoppers"], look["netizens_path"]]     # the latest count, then projected netizens
    shoppers = sim.paths(spec, n_sims, seed, ceiling=ceiling, shocks=shocks)[:, 1:]
    years = np.arange(first_year, target_year + 1)
    share = np.minimum(1.0, look["start"]["share"] + share_gain_pp / 100 * (years - PLAN_BASE_YEAR))
    users = shoppers * share
    if factors is not None:
        users = users * np.cumprod(factors, axis=1)
    target = look["start"]["target"]
    median_shoppers = float(np.median(shoppers[:, -1]))
    return {"years": years.tolist(), "shoppers": shoppers, "users": users, "share": share, "outlook": look,
            "target": target, "p_users": sim.probability_at_least(users[:, -1], target),
            "share_needed": target / median_shoppers, "median_shoppers": median_shoppers,
            "gain_needed_pp": 100 * (target / median_shoppers - look["start"]["share"]) / (target_year - PLAN_BASE_YEAR),
            "claim_ids": look["start"]["claim_ids"]}


def users_probability_curve(claims: pd.DataFrame, stats: pd.DataFrame, *, target_year: int, growth_sd_pp: float,
                            trend_years: float, n_sims: int, seed: int, upper_pp: float, steps: int = 25) -> pd.DataFrame:
    """P(users ≥ target) against the assumed yearly gain in the share of shoppers who use social commerce,
    from no gain to `upper_pp` (same draws at every point: only the assumption moves)."""
    gains = np.linspace(0.0, max(upper_pp, 1.0), steps)
    rows = [{"gain_pp": float(g), "p_users": users_simulation(claims, stats, target_year=target_year, share_gain_pp=float(g),
                                                              growth_sd_pp=growth_sd_pp, trend_years=trend_years,
                                                              n_sims=n_sims, seed=seed)["p_users"]} for g in gains]
    return pd.DataFrame(rows)


def gain_at_half_sentence(curve: pd.DataFrame) -> str:
    """Where the probability first reaches one half, in words (or that it never does on the curve)."""
    hit = curve[curve["p_users"] >= 0.5]
    if hit.empty:
        return f"it stays below one half even at {curve['gain_pp'].max():.1f} points a year"
    first = hit.iloc[0]
    return f"it passes one half only when the share rises about {first['gain_pp']:.1f} points a year"


def users_bands(result: dict, ci_level: float) -> pd.DataFrame:
    """Median and interval per year of simulated shoppers (from the latest CNNIC count) and users
    (year, mean, lower, upper, series), for a chart."""
    look = result["outlook"]
    lo, hi = (1 - ci_level) / 2, (1 + ci_level) / 2
    latest = look["shoppers"]
    frames = []
    for name, arr, first in (("online shoppers, projected", result["shoppers"], [latest]),
                             ("social-commerce users, assumed share", result["users"], [])):
        rows = [{"year": result["years"][0] - 1 + 0.99, "mean": v, "lower": v, "upper": v} for v in first]
        rows += [{"year": y + 0.99, "mean": float(np.median(arr[:, j])), "lower": float(np.quantile(arr[:, j], lo)),
                  "upper": float(np.quantile(arr[:, j], hi))} for j, y in enumerate(result["years"])]
        frames.append(pd.DataFrame(rows).assign(series=name))
    return pd.concat(frames, ignore_index=True)
