"""What actually happened: the plan's 2024–2026 milestones and growth paths against published actuals.

Each comparison names its scope: where the official series covers more than the plan's quantity (all
online retail for social-commerce GMV, all online shoppers for social-commerce users), the row says so,
and a verdict is given only where the difference cannot be closed by scope alone. Where no official
series exists, the row names the series that would settle it (data/reference/monitoring.csv)."""
from __future__ import annotations

import pandas as pd

from growthpath.data import claims as claims_mod
from growthpath.data import datapackage, official
from growthpath.analysis import feasibility, market

COLUMNS = ["target", "year", "plan", "actual", "unit", "plan_basis", "actual_source", "scope", "reading", "plan_other"]


def _row(target, year, plan, actual, unit, plan_basis, actual_source, scope, reading, plan_other=float("nan")) -> dict:
    """One comparison; `plan_other` is the plan's second figure where its own numbers give two (reading 'two paths')."""
    return dict(zip(COLUMNS, (target, year, plan, actual, unit, plan_basis, actual_source, scope, reading, plan_other)))


def growth_between(stats, series_id: str, first_year: int, last_year: int,
                    grades=official.USED_GRADES) -> tuple[float, str] | None:
    """Growth (%) of a stock series between the last observations of two calendar years, or None."""
    obs = official.observations(stats, series_id, grades)
    a = obs[obs["period_end"].dt.year == first_year]
    b = obs[obs["period_end"].dt.year == last_year]
    if a.empty or b.empty:
        return None
    a, b = a.iloc[-1], b.iloc[-1]
    return 100 * (b["value_canonical"] / a["value_canonical"] - 1), f"{a['obs_id']} → {b['obs_id']}"


def gmv_growth(claims, stats, years) -> list[dict]:
    """The plan's yearly GMV growth against NBS online retail growth (matched scope) and the nowcast."""
    rate = claims_mod.pick(claims, doc="000", section="3.1", metric="gmv_cagr_target", scope="market")
    growth = official.annual(stats, market.GROWTH_SERIES).set_index("year")
    ytd = official.year_to_date(stats, market.YTD_SERIES)
    rows = []
    for y in years:
        scope = "actual: all online retail (social commerce is a part of it)"
        if y in growth.index:
            actual, source = float(growth.at[y, "value"]), growth.at[y, "obs_id"]
        elif (ytd["year"] == y).any():
            now = ytd[ytd["year"] == y].iloc[-1]
            actual, source = float(now["value"]), f"{now['obs_id']} (year to date)"
            if now["series_id"] != market.YTD_SERIES[0]:
                scope += "; growth of the new, wider series 网上商品和服务零售额 on its own matched scope (not comparable in level)"
        else:
            actual, source = float("nan"), ""
        rows.append(_row("GMV growth", y, float(rate["value"]), actual, "%", f"{rate['claim_id']}: {rate['value']:g} % a year",
                         source, scope, "growth of the whole"))
    return rows


def user_growth(claims, stats, years) -> list[dict]:
    """The plan's minimum yearly user growth against CNNIC online shoppers' growth in the same year."""
    rate = claims_mod.pick(claims, doc="000", section="3.1", metric="user_cagr_target_min", scope="market")
    rows = []
    for y in years:
        found = growth_between(stats, feasibility.SHOPPERS, y - 1, y)
        actual, source = found if found else (float("nan"), "")
        rows.append(_row("User growth", y, float(rate["value"]), actual, "%", f"{rate['claim_id']}: at least {rate['value']:g} % a year",
                         source, "actual: all online shoppers (CNNIC survey count, year-end to year-end)", "growth of the whole"))
    return rows


def new_users_2024(claims, stats) -> dict:
    """2024's 2.5亿 new users against the net change in all online shoppers that year (the plan does not
    say whether its new users are gross or net of those who leave)."""
    new = claims_mod.pick(claims, doc="000", metric="new_users_target", scope="market")
    year = int(new["period"])
    obs = official.observations(stats, feasibility.SHOPPERS)
    a = obs[obs["period_end"].dt.year == year - 1].iloc[-1]
    b = obs[obs["period_end"].dt.year == year].iloc[-1]
    return _row("New users", year, float(new["value_canonical"]), float(b["value_canonical"] - a["value_canonical"]), "亿人",
                f"{new['claim_id']}: {new['value']:g} 亿 new users (gross or net: not stated)", f"{a['obs_id']} → {b['obs_id']}",
                "actual: net change in all online shoppers; read as net, the plan's figure must fit inside it, read as gross it need not", "gross vs net")


def live_commerce_growth(claims, stats) -> dict:
    """Live commerce's growth implied by the plan (GMV growth × its rising share of GMV) against MOFCOM."""
    rate = claims_mod.pick(claims, doc="000", section="3.1", metric="gmv_cagr_target", scope="market")
    share = claims_mod.pick(claims, doc="000", metric="live_commerce_gmv_contribution", scope="market")
    goal = claims_mod.pick(claims, doc="000", metric="live_commerce_gmv_contribution_target", scope="market")
    years = int(goal["period"]) - 2023
    implied = 100 * ((1 + rate["value"] / 100) * (goal["value"] / share["value"]) ** (1 / years) - 1)
    # the plan's own 2023 level and its 2026 targets give a second path (see the audit's target_arithmetic)
    level = claims_mod.pick(claims, doc="000", metric="live_commerce_market_size", period="2023", scope="market")
    total = claims_mod.pick(claims, doc="000", section="3.1", metric="gmv_target", scope="market")
    from_level = 100 * ((goal["value"] / 100 * total["value_canonical"] / level["value_canonical"]) ** (1 / years) - 1)
    mofcom = official.annual(stats, "mofcom_live_sales_growth").iloc[-1]
    return _row("Live-commerce growth", int(mofcom["year"]), implied, float(mofcom["value"]), "%",
                f"{rate['claim_id']}, {share['claim_id']}, {goal['claim_id']}: GMV +{rate['value']:g} % a year with live "
                f"commerce's share {share['value']:g} % → {goal['value']:g} % by {goal['period']} (贡献率 read as a share of "
                f"GMV, not of its growth); or, from its stated "
                f"{level['value']:g} {level['unit']} in 2023 ({level['claim_id']}) to {goal['value']:g} % of "
                f"{total['value']:g} {total['unit']} ({total['claim_id']}), {from_level:+.1f} % a year",
                mofcom["obs_id"], "actual: MOFCOM's live e-commerce online transaction volume (secondary report)", "two paths",
                from_level)


def rural_users(claims, stats) -> dict:
    """The plan's 2026 rural social-commerce users against all rural netizens at the latest count."""
    rural = claims_mod.pick(claims, doc="000", metric="rural_social_ecommerce_users", scope=("segment", "market"))
    latest = official.latest(stats, "cnnic_rural_netizens")
    return _row("Rural users", int(rural["period"]), float(rural["value_canonical"]), float(latest["value_canonical"]), "亿人",
                f"{rural['claim_id']}: more than {rural['value']:g} 亿 rural social-commerce users",
                f"{latest['obs_id']} (all rural netizens, latest; {official.grade_words(latest)})", "actual: all rural internet users, a ceiling for rural social-commerce users",
                "ceiling")


def table(claims: pd.DataFrame, stats: pd.DataFrame, years=(2024, 2025, 2026)) -> pd.DataFrame:
    """Every comparison with an official series, one row each (years before the last one are past: their
    verdicts say what *had* to happen)."""
    rows = [*gmv_growth(claims, stats, years), *user_growth(claims, stats, years), new_users_2024(claims, stats),
            live_commerce_growth(claims, stats), rural_users(claims, stats)]
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["verdict"] = [verdict(r, past=r.year < max(years)) for r in out.itertuples()]
    return out


def verdict(row, past: bool = False) -> str:
    """What the comparison shows, generated from the numbers and the row's scope: a like-for-like growth is
    behind or ahead; the growth of a whole says how much faster the plan's part must grow; a gross target
    against a net change gives the ratio; a ceiling gives the share of it the plan needs."""
    if pd.isna(row.actual):
        return "not in data/ yet (check the latest official release)"
    if row.reading == "two paths":
        lo, hi = sorted((row.plan, row.plan_other))
        where = "below both" if row.actual < lo else "above both" if row.actual > hi else "between them"
        return ("cannot be graded until the plan says which path it means" if where == "between them" else
                f"{where} of the plan's two paths")
    if row.reading == "ceiling":
        return f"the plan needs {row.plan / row.actual:.0%} of the ceiling"
    if row.reading == "gross vs net":
        return f"the whole market's net gain was {row.actual / row.plan:.0%} of the plan's new users"
    if row.reading == "growth of the whole":
        gap = row.plan - row.actual
        must = "had to grow" if past else "must grow"
        return (f"the plan's part {must} {gap:.1f} points faster than the whole" if gap > 0
                else "the whole grew at least as fast as the plan's path")
    return "behind the plan" if row.actual < row.plan else "at or ahead of the plan"


def unsettled() -> pd.DataFrame:
    """KPIs with no official series: what data would settle them (data/reference/monitoring.csv)."""
    mon = datapackage.read_table("monitoring")
    return mon[["kpi", "data needed", "frequency"]]
