"""Stress test (Chapter 6): Chapter 3's seeded simulations of 2026 users and GMV, with shocks from
`data/reference/shocks.csv` applied on top. It reuses `feasibility.users_simulation` and
`feasibility.gmv_simulation` (same seeds, same draws): with every shock off it reproduces Chapter 3.

Shocks hit only the years not yet measured (users: after the latest CNNIC count; GMV: after the last
published year of online retail). No shock is certain: each happens in a year with its probability.
Shock kinds (per simulated path, per year):
- acquisition_cost: acquisition costs rise an extra `size` % on top of their trend (already inside the
  shoppers' recent growth, so only the extra counts); with a fixed budget new users fall by
  size / (1 + size), and shoppers' growth by that fraction of itself;
- saturation: shoppers' growth falls to the netizens' latest growth (online shoppers stop gaining on
  the online population);
- growth: `size` is added to shoppers' growth that year;
- loss: a permanent loss of size × exposure of users and/or GMV;
- outage: that year's GMV loses size / 8,760 × exposure (hours of trading lost)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.data import assumptions as assumptions_mod
from growthpath.data import claims as claims_mod, datapackage
from growthpath.analysis import feasibility
from growthpath.data.datapackage import DataError

RESOURCE = "shocks"
WHERE = "data/reference/shocks.csv"
HOURS_PER_YEAR = 8760
SOURCED = ("probability", "size", "exposure")


def load(claims: pd.DataFrame | None = None, register: assumptions_mod.Register | None = None) -> pd.DataFrame:
    """The shocks, with assumed probabilities, sizes and exposures taken from the assumption register
    and sizes from ledger claims checked against the ledger."""
    frame = datapackage.read_table(RESOURCE)
    register = register if register is not None else assumptions_mod.load()
    frame, problems = assumptions_mod.apply(frame, register, SOURCED, WHERE)
    if claims is not None:
        problems += claims_mod.check_sourced(frame, claims, WHERE, columns=("size",), reading_column="size_reading")
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


def draw(frame: pd.DataFrame, user_years: int, gmv_years: int, n_sims: int, seed: int, user_growth: float,
         floor_growth: float) -> dict[str, np.ndarray]:
    """Arrays for the simulations: shoppers' growth `shocks` and users' `factors` (n_sims, user_years), and
    GMV `gmv_factors` (n_sims, gmv_years). `user_growth` is the shoppers' trend growth and `floor_growth`
    the netizens' latest growth (both fractions)."""
    rng = np.random.default_rng(seed + 3000)
    shocks, factors = np.zeros((n_sims, user_years)), np.ones((n_sims, user_years))
    gmv_level, gmv_year = np.ones((n_sims, gmv_years)), np.ones((n_sims, gmv_years))
    for row in frame.itertuples():
        u_hits = rng.random((n_sims, user_years)) < row.probability  # drawn for every shock: each keeps its own stream
        g_hits = rng.random((n_sims, gmv_years)) < row.probability
        users, gmv = row.applies_to in ("users", "both"), row.applies_to in ("gmv", "both")
        if row.kind == "acquisition_cost" and users:
            extra = row.size / 100
            shocks -= np.where(u_hits, user_growth * extra / (1 + extra) * row.exposure, 0.0)
        elif row.kind == "saturation" and users:
            shocks -= np.where(u_hits, (user_growth - floor_growth) * row.exposure, 0.0)
        elif row.kind == "growth" and users:
            shocks += np.where(u_hits, row.size * row.exposure, 0.0)
        elif row.kind == "loss":
            if users:
                factors = factors * np.where(u_hits, 1 - row.size * row.exposure, 1.0)
            if gmv:
                gmv_level = gmv_level * np.where(g_hits, 1 - row.size * row.exposure, 1.0)
        elif row.kind == "outage" and gmv:
            gmv_year = gmv_year * np.where(g_hits, 1 - row.size / HOURS_PER_YEAR * row.exposure, 1.0)
    return {"shocks": shocks, "factors": factors, "gmv_factors": np.cumprod(gmv_level, axis=1) * gmv_year}


def settings(register: assumptions_mod.Register, *, nowcast_adjustment: str, target_year: int, ci_level: float,
             n_sims: int, seed: int) -> dict:
    """The keyword arguments of `run` (and of Chapter 3's simulations): a scenario's nowcast adjustment, the
    run's settings, and the assumptions the simulations read from the register."""
    return dict(nowcast_adjustment=nowcast_adjustment, revision_sd_pp=register["ytd_revision_sd_pp"],
                share_gain_pp=register["user_share_gain_pp"], trend_years=register["user_trend_years"],
                target_year=target_year, ci_level=ci_level, share_sd_pp=register["share_sd_pp"],
                user_growth_sd_pp=register["user_growth_sd_pp"], n_sims=n_sims, seed=seed)


def run(claims: pd.DataFrame, stats: pd.DataFrame, shocks: pd.DataFrame, *, nowcast_adjustment: str,
        revision_sd_pp: float, share_gain_pp: float, trend_years: float, target_year: int, ci_level: float,
        share_sd_pp: float, user_growth_sd_pp: float, n_sims: int, seed: int) -> dict:
    """Chapter 3's GMV and user simulations under `shocks` (an empty frame = no shocks)."""
    look = feasibility.users_outlook(claims, stats, target_year, trend_years)
    gmv_years = 1  # the outlook nowcasts the one year after the last published level
    arrays = draw(shocks, look["years"], gmv_years, n_sims, seed, look["shopper_growth"]["growth"],
                  look["netizen_growth"]["growth"]) if len(shocks) else {}
    g = feasibility.gmv_simulation(claims, stats, nowcast_adjustment=nowcast_adjustment, revision_sd_pp=revision_sd_pp,
                                   target_year=target_year, ci_level=ci_level, share_sd_pp=share_sd_pp, n_sims=n_sims,
                                   seed=seed, factors=arrays.get("gmv_factors"))
    u = feasibility.users_simulation(claims, stats, target_year=target_year, share_gain_pp=share_gain_pp,
                                     growth_sd_pp=user_growth_sd_pp, trend_years=trend_years, n_sims=n_sims, seed=seed,
                                     shocks=arrays.get("shocks"), factors=arrays.get("factors"))
    return {"gmv": g["gmv"], "users": u["users"], "p_gmv": g["p_gmv"], "p_share": g["p_share"], "p_users": u["p_users"],
            "gmv_target": g["target"], "users_target": u["target"], "years": g["years"], "user_years": u["years"]}


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


def probability_sentence(frame: pd.DataFrame) -> str:
    """What the shocks do to each target's probability (frame: run, target, probability for one scenario),
    in words: 'stays at 0.0 %' when nothing moves, 'falls from … to …' otherwise."""
    parts = []
    for target, rows in frame.groupby("target", sort=False):
        p = rows.set_index("run")["probability"]
        before, after = float(p["no shocks"]), float(p["with shocks"])
        name = ("expected " + target.replace(" ≥ expected", "")) if " ≥ expected" in target else target.replace(" ≥ target", " target")
        verb = f"stays at {after:.1%}" if abs(after - before) < 5e-4 else f"{'falls' if after < before else 'rises'} from {before:.1%} to {after:.1%}"
        parts.append(f"the probability of the {name} {verb}")
    return "; ".join(parts) + " with the shocks"
