"""How far each headline moves with the assumptions it rests on: every headline is recomputed from data/
with one assumption at a time at the low and at the high end of its range in the register (a tornado).

A headline's assumptions are the register ids its computation reads (the `Register` records them), so a
headline that reads none rests on data and the plan's own claims alone. Each computation here is the
package path the chapter uses, so the base value equals the chapter's glued value (a test checks it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from growthpath.data import assumptions as assumptions_mod
from growthpath.data import risks
from growthpath.analysis import feasibility, market, stress


@dataclass
class Context:
    """What every headline computation needs besides the register."""

    claims: pd.DataFrame
    stats: pd.DataFrame
    nowcast_adjustment: str = "none"
    forecast_year: int = 2026
    ci_level: float = 0.95
    n_sims: int = 20000
    seed: int = 20261122
    cache: dict = field(default_factory=dict)

    def settings(self, register) -> dict:
        return stress.settings(register, nowcast_adjustment=self.nowcast_adjustment, target_year=self.forecast_year,
                               ci_level=self.ci_level, n_sims=self.n_sims, seed=self.seed)


@dataclass(frozen=True)
class Headline:
    chapter: str
    key: str
    label: str
    unit: str
    compute: Callable[[Context, assumptions_mod.Register], float]


def _outlook_upper(ctx, reg):
    return market.outlook(ctx.stats, forecast_year=ctx.forecast_year, ci_level=ctx.ci_level, nowcast_adjustment="none",
                          revision_sd_pp=reg["ytd_revision_sd_pp"])["base"]["upper"]


def _gmv(ctx, reg):
    kw = ctx.settings(reg)
    return feasibility.gmv_simulation(ctx.claims, ctx.stats, **{k: kw[k] for k in (
        "nowcast_adjustment", "revision_sd_pp", "target_year", "ci_level", "share_sd_pp", "n_sims", "seed")})


def _users(ctx, reg):
    return feasibility.users_simulation(ctx.claims, ctx.stats, target_year=ctx.forecast_year, share_gain_pp=reg["user_share_gain_pp"],
                                        growth_sd_pp=reg["user_growth_sd_pp"], trend_years=reg["user_trend_years"],
                                        n_sims=ctx.n_sims, seed=ctx.seed)


def _users_drop(ctx, reg):
    kw = ctx.settings(reg)
    shocks = stress.load(ctx.claims, reg)
    none = stress.outcomes(stress.run(ctx.claims, ctx.stats, shocks.iloc[0:0], **kw))
    all_ = stress.outcomes(stress.run(ctx.claims, ctx.stats, shocks, **kw))
    return -100 * (all_["users_median"] / none["users_median"] - 1)


def _n_high(ctx, reg):
    R = risks.load(ctx.claims)
    return float((R["score"] >= reg["risk_high_score"]).sum())


HEADLINES: list[Headline] = [
    Headline("01_background", "base_upper", "Online retail 2026, upper end of the base outlook", "亿元", _outlook_upper),
    Headline("03_targets", "p_gmv", "P(2026 GMV target met)", "probability", lambda c, r: _gmv(c, r)["p_gmv"]),
    Headline("03_targets", "p_share", "P(2026 expected share reached)", "probability", lambda c, r: _gmv(c, r)["p_share"]),
    Headline("03_targets", "p_users", "P(2026 user target met)", "probability", lambda c, r: _users(c, r)["p_users"]),
    Headline("03_targets", "users_2026", "Social-commerce users, 2026 projection (median)", "亿人",
             lambda c, r: float(np.median(_users(c, r)["users"][:, -1]))),
    Headline("03_targets", "shoppers_2026", "Online shoppers, 2026 projection (median)", "亿人",
             lambda c, r: float(np.median(_users(c, r)["shoppers"][:, -1]))),
    Headline("06_risk", "users_drop", "Fall in median 2026 users under all shocks", "%", _users_drop),
    Headline("06_risk", "n_high", "High risks in the register", "risks", _n_high),
]


def tornado(headline: Headline, ctx: Context, register: assumptions_mod.Register) -> pd.DataFrame:
    """The headline at each read assumption's low and high end, the others at their values: one row per
    assumption (id, label, low, high, at_low, at_high, swing), widest swing first. Empty when the headline
    reads no assumption."""
    probe = register.with_overrides()
    base = float(headline.compute(ctx, probe))
    rows = []
    for key in probe.read:
        low, high = register.range(key)
        at_low = float(headline.compute(ctx, register.with_overrides(**{key: low})))
        at_high = float(headline.compute(ctx, register.with_overrides(**{key: high})))
        rows.append({"assumption": key, "label": register.row(key)["label"], "value": register[key], "low": low, "high": high,
                     "base": base, "at_low": at_low, "at_high": at_high, "swing": abs(at_high - at_low)})
    out = pd.DataFrame(rows, columns=["assumption", "label", "value", "low", "high", "base", "at_low", "at_high", "swing"])
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def summary(ctx: Context, register: assumptions_mod.Register, headlines: list[Headline] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For every headline: its base value, the range it spans over all tornado ends, the assumption that
    moves it most (its register name; or 'none: data and the plan only'); and the long table of every tornado."""
    rows, long = [], []
    for h in headlines or HEADLINES:
        t = tornado(h, ctx, register)
        base = float(h.compute(ctx, register.with_overrides()))
        moving = t[t["swing"] > 1e-12]
        ends = pd.concat([t["at_low"], t["at_high"]]) if len(t) else pd.Series([base])
        rows.append({"chapter": h.chapter, "key": h.key, "headline": h.label, "unit": h.unit, "base": base,
                     "lowest": float(min(ends.min(), base)), "highest": float(max(ends.max(), base)),
                     "assumptions read": len(t), "assumptions that move it": len(moving),
                     "moves most": register.name(moving.iloc[0]["assumption"]) if len(moving) else
                     ("none within their stated ranges" if len(t) else "none: data and the plan only")})
        long.append(t.assign(chapter=h.chapter, key=h.key, headline=h.label))
    return pd.DataFrame(rows), (pd.concat(long, ignore_index=True) if long else pd.DataFrame())


def formatted(value: float, unit: str) -> str:
    """A headline value in its unit's usual precision (for the tornado's end labels)."""
    if unit == "probability":
        return f"{100 * value:.1f} %"
    fmt = {"亿元": "{:,.0f}", "亿人": "{:.2f}", "%": "{:.1f} %", "risks": "{:.0f}"}.get(unit, "{:,.3g}")
    return fmt.format(value)
