"""Chapter 3 (targets): what the chapter reports, each value with the ids it was computed from.

Simulated values name what their simulation read (the claims and official observations the package's readers
noted while it ran, `provenance.capture`), the assumptions it drew from and the run's seed and size."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.data import official, provenance, scenarios
from growthpath.analysis import actuals, feasibility, market, simulate, timelines, whatif, words
from growthpath.data import claims as ledger
from growthpath.data.assumptions import Register
from growthpath.models import trend
from growthpath.data.values import Value, Values, claim, claim_key, computes, ids, parameter, sentence
from growthpath.markup import LEDGER_ID

BASE_YEAR = feasibility.PLAN_BASE_YEAR      # the plan's base year (2023): its targets run from here
HISTORY_FROM = 2021                         # the recent official growth the plan's rate is set against
SHOPPERS, NETIZENS = feasibility.SHOPPERS, feasibility.NETIZENS
RUN = ("parameter:seed", "parameter:n_sims")


def _ids_in(text: str, stats: pd.DataFrame) -> tuple[str, ...]:
    """The claim ids and official obs_ids a package-written source text names (e.g. `actuals` rows)."""
    return ids(LEDGER_ID.findall(text), [o for o in stats["obs_id"] if o in text])


# ----------------------------------------------------------------------------- §3.1 the KPI table
@computes
def kpi_values(kpis: pd.DataFrame) -> Values:
    """How many KPI targets the plan sets (`targets.table`), how many the audit flags, and the two largest moves."""
    def of(frame):
        return ids(*(i for text in frame["claim_ids"] for i in text.split(", ")))

    flagged = kpis[kpis["audit"] != "no finding"]
    top = kpis.assign(move=kpis["change_pct"].abs()).nlargest(2, "move")
    return {"n_targets": Value(len(kpis), of(kpis)), "n_targets_flagged": Value(len(flagged), of(flagged) or of(kpis)),
            "largest_moves": sentence(" and ".join(f"{r.label.lower()} ({r.change_pct:+.0f} %)" for r in top.itertuples()), of(top))}


def kpi_table(kpis: pd.DataFrame) -> pd.DataFrame:
    shown = kpis[["label", "dimension", "baseline", "baseline_year", "target", "target_year", "change_pct", "cagr_pct", "audit"]]
    return shown.rename(columns={"baseline_year": "from", "target_year": "to", "change_pct": "change (%)",
                                 "cagr_pct": "per year (%)"}).round(1)


# ----------------------------------------------------------------------------- §3.1 GMV and users against official growth
def _gmv_claims(claims: pd.DataFrame):
    target = ledger.pick(claims, doc="000", section="3.1", metric="gmv_target", scope="market")
    rate = ledger.pick(claims, doc="000", section="3.1", metric="gmv_cagr_target", scope="market")
    return target, rate


@computes
def gmv_targets(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, forecast_year: int, ci_level: float) -> Values:
    """The plan's GMV target against its own base, the penetration reading, live commerce and official growth."""
    pen = ledger.pick(claims, doc="000", section="1.1", metric="penetration_share_of_online_retail", scope="market")
    nbs = official.observation(stats, market.LEVEL_SERIES, pen["period"])
    live = ledger.pick(claims, doc="000", metric="live_commerce_market_size", period="2023", scope="market")
    live_share = ledger.pick(claims, doc="000", metric="live_commerce_gmv_contribution", scope="market")
    target, rate = _gmv_claims(claims)
    base_implied = target["value_canonical"] / (1 + rate["value"] / 100) ** (forecast_year - BASE_YEAR)
    share_reading = market.share_based_market(pen, stats)
    history = official.annual(stats, market.GROWTH_SERIES, first_year=HISTORY_FROM)
    out = market.outlook(stats, forecast_year=forecast_year, ci_level=ci_level, nowcast_adjustment="none",
                         revision_sd_pp=register["ytd_revision_sd_pp"])
    implied = ids(target, rate, "parameter:forecast_year")
    return {"gmv_base_implied": Value(base_implied, implied, unit="亿元"),
            "share_reading": Value(share_reading, ids(pen, nbs), unit="亿元"),
            "base_match": sentence(f"{abs(base_implied / share_reading - 1):.0%} {words.compare(base_implied, share_reading)}",
                                   implied, pen, nbs),
            "live_reading": Value(live["value_canonical"] / (live_share["value"] / 100), ids(live, live_share), unit="亿元"),
            "hist_online": Value(trend.compound_rate(history["value"]), ids(history), unit="%"),
            "nowcast_pct": Value(out["nowcast"]["value"], (out["nowcast"]["obs_id"],), unit="%"),
            "share_needed": Value(100 * target["value_canonical"] / out["base"]["mean"],
                                  (target["claim_id"], out["anchor"]["obs_id"], out["nowcast"]["obs_id"]), unit="%",
                                  year=forecast_year, kind="share")}


def _growth_obs(stats: pd.DataFrame, series_id: str, g: dict) -> tuple[str, ...]:
    return ids(official.observation(stats, series_id, g["first"]), official.observation(stats, series_id, g["last"]))


@computes
def user_targets(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, forecast_year: int) -> Values:
    """The plan's user base and the growth its target needs, against CNNIC's recent growth; whose 2023 growth
    figure the plan quotes, and the market's growth that year."""
    base = feasibility.plan_user_base(claims)
    cumulative = ledger.pick(claims, doc="000", metric="user_growth_vs_2023", scope="market")
    years = register["user_trend_years"]
    recent = {key: (sid, feasibility.recent_growth(stats, sid, years)) for key, sid in
              (("hist_shoppers", SHOPPERS), ("hist_netizens", NETIZENS))}
    douyin = ledger.pick(claims, doc="000", section="3.4", metric="user_growth", scope="platform")
    year = int(douyin["period"])
    net = actuals.growth_between(stats, NETIZENS, year - 1, year)
    shop = actuals.growth_between(stats, SHOPPERS, year - 1, year, grades=("yes", "yes-secondary", "derived"))
    return {claim_key(cumulative["claim_id"]): claim(cumulative),
            "users_base": Value(base["base"], base["claim_ids"], unit="亿人"),
            "req_users": Value(100 * trend.cagr(base["base"], base["target"], forecast_year - BASE_YEAR),
                               (*base["claim_ids"], "parameter:forecast_year"), unit="%"),
            "trend_years": Value(years, ("assumption:user_trend_years",), unit="years"),
            **{key: Value(100 * g["growth"], (*_growth_obs(stats, sid, g), "assumption:user_trend_years"), unit="%")
               for key, (sid, g) in recent.items()},
            "user_growth_whose": sentence(f"{douyin['entity']}'s figure (§{douyin['section']}), one platform's, not the market's",
                                          douyin),
            "hist_netizens_2023": Value(net[0], _ids_in(net[1], stats), unit="%"),
            "hist_shoppers_2023": Value(shop[0], _ids_in(shop[1], stats), unit="%")}


def growth_bars(claims: pd.DataFrame, gmv: Values, users: Values, forecast_year: int) -> pd.DataFrame:
    """The growth each target needs against official growth (a share a year), for a bar chart."""
    rate = _gmv_claims(claims)[1]["value"]
    frame = pd.DataFrame([{"measure": "GMV: plan", "rate": rate, "kind": "the plan"},
                          {"measure": "online retail, 2021–25", "rate": gmv["hist_online"].value, "kind": "official"},
                          {"measure": f"online retail, {forecast_year} so far", "rate": gmv["nowcast_pct"].value, "kind": "official"},
                          {"measure": "users: plan needs", "rate": users["req_users"].value, "kind": "the plan"},
                          {"measure": "online shoppers, recent", "rate": users["hist_shoppers"].value, "kind": "official"},
                          {"measure": "netizens, recent", "rate": users["hist_netizens"].value, "kind": "official"}])
    return frame.assign(rate=frame["rate"] / 100)


# ----------------------------------------------------------------------------- §3.1 the user simulation
def simulate_users(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, forecast_year: int, n_sims: int,
                   seed: int) -> dict:
    """`feasibility.users_simulation` under the register's assumptions, with the ids it read (`ids`)."""
    with provenance.capture() as read:
        result = feasibility.users_simulation(claims, stats, target_year=forecast_year,
                                              share_gain_pp=register["user_share_gain_pp"],
                                              growth_sd_pp=register["user_growth_sd_pp"],
                                              trend_years=register["user_trend_years"], n_sims=n_sims, seed=seed)
    return {**result, "ids": ids(read, RUN)}


@computes
def users_values(sim: dict, stats: pd.DataFrame, register: Register, forecast_year: int, ci_level: float) -> Values:
    """What the chapter reports of the user simulation: the latest counts, the simulated shoppers and users in the
    target year (median and interval), the share gain the target needs and the probability of meeting it."""
    look, drawn = sim["outlook"], sim["ids"]
    banded = (*drawn, "parameter:ci_level")
    lo_q, hi_q = (1 - ci_level) / 2, (1 + ci_level) / 2
    shoppers = official.observation(stats, SHOPPERS, look["shoppers_period"])
    netizens = official.observation(stats, NETIZENS, look["shoppers_period"])
    last = {"shoppers": sim["shoppers"][:, -1], "users": sim["users"][:, -1]}
    capped = float(np.mean(last["shoppers"] >= look["netizens_end"] - 1e-9))
    ceiling = [i for i in drawn if i.startswith(f"{NETIZENS}:")]
    out = {"shoppers_latest": Value(look["shoppers"], ids(shoppers), unit="亿人"),
           "shoppers_when": sentence(f"{official.period_words(look['shoppers_period'])} ({official.GRADE_WORDS.get(look['shoppers_grade'], look['shoppers_grade'])})", shoppers),
           "user_sd_g": Value(register["user_growth_sd_pp"], ("assumption:user_growth_sd_pp",), unit="pp"),
           "target_year_g": parameter("forecast_year", forecast_year),
           "ci_pct": Value(100 * ci_level, ("parameter:ci_level",), unit="%"),
           "netizens_2026": Value(look["netizens_end"], ceiling, unit="亿人"),
           "share_of_shoppers_needed": Value(sim["share_needed"], drawn, unit="share"),
           "share_start": Value(look["start"]["share"], (*look["start"]["claim_ids"], look["start"]["obs_id"]), unit="share"),
           "gain_needed": Value(sim["gain_needed_pp"], drawn, unit="pp a year", kind="threshold"),
           "gain_g": Value(register["user_share_gain_pp"], ("assumption:user_share_gain_pp",), unit="pp a year"),
           "p_users": Value(sim["p_users"], drawn, unit="probability", year=forecast_year, kind="probability"),
           "capped_share": Value(capped, drawn, unit="share of draws"),
           "shoppers_to_netizens_latest": Value(look["shoppers"] / float(netizens["value_canonical"]), ids(shoppers, netizens),
                                                unit="share"),
           "cap_note": sentence(f"the upper end is that ceiling itself ({capped:.0%} of draws reach it)" if capped > lo_q
                                else "the upper end is below that ceiling", banded),
           "shoppers_to_netizens": Value(float(np.median(last["shoppers"])) / look["netizens_end"], drawn, unit="share",
                                         year=forecast_year, kind="share")}
    for key, arr in last.items():
        out[f"{key}_2026"] = Value(float(np.median(arr)), drawn, unit="亿人", year=forecast_year, kind="projection")
        out[f"{key}_2026_lo"] = Value(float(np.quantile(arr, lo_q)), banded, unit="亿人")
        out[f"{key}_2026_hi"] = Value(float(np.quantile(arr, hi_q)), banded, unit="亿人")
    return out


def users_curve(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, sim: dict, forecast_year: int, n_sims: int,
                seed: int) -> pd.DataFrame:
    """P(users ≥ target) against the assumed yearly share gain, up to twice the gain the target needs."""
    return feasibility.users_probability_curve(claims, stats, target_year=forecast_year, growth_sd_pp=register["user_growth_sd_pp"],
                                               trend_years=register["user_trend_years"], n_sims=n_sims, seed=seed,
                                               upper_pp=2 * sim["gain_needed_pp"])


USERS_WHAT_IF_STEP = 0.2   # points a year between two positions of the slider


def users_what_if(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, sim: dict, forecast_year: int, n_sims: int,
                  seed: int) -> dict:
    """The 2026 outlook as a what-if: one slider for the yearly gain in social commerce's share of online shoppers (from
    none to twice what the target needs, starting at the register's assumption), and P(users ≥ target) at every position
    (the same draws at every point: only the assumption moves)."""
    gain = float(register["user_share_gain_pp"])
    slider = whatif.slider("gain_pp", "yearly gain in social commerce's share of online shoppers (points)", 0.0,
                           whatif.top(sim["gain_needed_pp"], gain, USERS_WHAT_IF_STEP), USERS_WHAT_IF_STEP, gain)
    gains = whatif.positions(slider)
    p = [feasibility.users_simulation(claims, stats, target_year=forecast_year, share_gain_pp=float(g),
                                      growth_sd_pp=register["user_growth_sd_pp"], trend_years=register["user_trend_years"],
                                      n_sims=n_sims, seed=seed)["p_users"] for g in gains]
    return {"grid": pd.DataFrame({"gain_pp": gains, "p_users": p}), "sliders": [slider],
            "references": pd.DataFrame({"label": ["even chance"], "value": [0.5]})}


@computes
def users_summary(sim: dict, curve: pd.DataFrame) -> Values:
    """Where the probability of the user target crosses one half, and what decides the target, in words."""
    median = np.median(sim["shoppers"][:, -1])
    ceiling = ("The user target is not ruled out by a ceiling: CNNIC's online shoppers are heading for "
               f"{median:.2f} 亿, above {sim['target']:g} 亿. " if median > sim["target"] else
               f"CNNIC's online shoppers are heading for {median:.2f} 亿, below the {sim['target']:g} 亿 target. ")
    return {"gain_at_half": sentence(feasibility.gain_at_half_sentence(curve), sim["ids"], "assumption:user_growth_sd_pp"),
            "users_summary": sentence(ceiling + "Whether it is met turns on one number no series measures, the share of online "
                                      f"shoppers who use social commerce, which would have to rise {sim['gain_needed_pp']:.1f} "
                                      "points a year from the plan's own 2023 figure.", sim["ids"])}


def saturation(claims: pd.DataFrame, stats: pd.DataFrame, sim: dict, forecast_year: int, ci_level: float) -> dict:
    """The arguments of the user chart (`charts.helpers.saturation_chart`)."""
    obs = pd.concat([official.observations(stats, sid).assign(series=name) for sid, name in
                     ((NETIZENS, "netizens (CNNIC)"), (SHOPPERS, "online shoppers (CNNIC)"))])
    points = pd.DataFrame({"year": obs["period_end"].dt.year + (obs["period_end"].dt.day_of_year - 1) / 365.25,
                           "value": obs["value_canonical"], "series": obs["series"]})
    rural = ledger.pick(claims, doc="000", metric="rural_social_ecommerce_users", scope=("segment", "market"))
    goals = pd.DataFrame({"label": ["plan: social-commerce users", "plan: rural users"], "year": [forecast_year + 0.99] * 2,
                          "value": [sim["target"], rural["value_canonical"]]})
    return {"points": points, "curves": feasibility.users_bands(sim, ci_level), "targets": goals,
            "y_title": "亿人 (100 million people)"}


def gain_marks(register: Register, sim: dict) -> pd.DataFrame:
    """The assumed share gain and the gain the median needs, as rules on the probability curve."""
    return pd.DataFrame([{"label": "assumed", "value": register["user_share_gain_pp"]},
                         {"label": "needed for the median", "value": sim["gain_needed_pp"]}])


# ----------------------------------------------------------------------------- §3.2 milestones
def milestones(claims: pd.DataFrame) -> pd.DataFrame:
    """The plan's §3.2 targets by phase, each at mid-year of its phase, for a timeline."""
    phase = ledger.in_sections(claims, "000", "3.2").query("kind == 'target'").copy()
    phase["date"] = pd.to_datetime(phase["period"].astype(int).astype(str) + "-07-01")
    phase["milestone"] = phase.apply(timelines.milestone_label, axis=1)
    phase["phase"] = phase["period"].map({"2024": "2024: foundations", "2025": "2025: acceleration", "2026": "2026: maturity"})
    return phase


@computes
def milestone_values(claims: pd.DataFrame, stats: pd.DataFrame, checks: pd.DataFrame) -> Values:
    """2024's users, growth and implied churn by the plan's own figures, and the milestones against published actuals
    (`actuals.table`): GMV growth by year, the net gain in online shoppers, live commerce's growth."""
    base = feasibility.plan_user_base(claims)
    new = ledger.pick(claims, doc="000", metric="new_users_target", scope="market")
    net_rate = ledger.pick(claims, doc="000", section="3.1", metric="user_cagr_target_min", scope="market")
    users = base["base"] + new["value_canonical"]
    gmv = checks[(checks["target"] == "GMV growth") & checks["actual"].notna()]
    gain, live = (checks[checks["target"] == t].iloc[0] for t in ("New users", "Live-commerce growth"))
    out = {"users_2024": Value(users, (*base["claim_ids"], new["claim_id"]), unit="亿人"),
           "growth_2024": Value(100 * (users / base["base"] - 1), (*base["claim_ids"], new["claim_id"]), unit="%"),
           "churn_2024": Value(users - base["base"] * (1 + net_rate["value"] / 100), (*base["claim_ids"], new["claim_id"],
                                                                                      net_rate["claim_id"]), unit="亿人"),
           "net_gain_2024": Value(gain["actual"], _ids_in(gain["actual_source"], stats), unit="亿人"),
           "net_vs_gross": Value(gain["actual"] / gain["plan"], _ids_in(gain["actual_source"] + gain["plan_basis"], stats),
                                 unit="share"),
           "live_sentence": sentence(
               f"Live commerce, by MOFCOM's live e-commerce online transaction volume (a secondary report), grew "
               f"{live['actual']:.1f} % in {live['year']} against two paths the plan's own figures give: {live['plan']:+.1f} % a "
               f"year on its share path, {live['plan_other']:+.1f} % from its stated 2023 level; {live['verdict']}.",
               _ids_in(live["actual_source"] + live["plan_basis"], stats))}
    for r in gmv.itertuples():
        out[f"actual_gmv_{r.year}"] = Value(r.actual, _ids_in(r.actual_source, stats), unit="%", year=r.year, kind="growth")
    return out


def actuals_table(checks: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    shown = checks.assign(plan=checks["plan"].round(2), actual=checks["actual"].round(2),
                          actual_source=[official.cited_in_words(stats, t) for t in checks["actual_source"]])
    return shown[["target", "year", "plan", "actual", "unit", "verdict", "scope", "plan_basis", "actual_source"]].rename(
        columns={"plan_basis": "plan's figure", "actual_source": "official source"})


def unsettled_table() -> pd.DataFrame:
    return actuals.unsettled().rename(columns={"kpi": "target", "data needed": "series that would settle it"})


# ----------------------------------------------------------------------------- §3.4 the GMV simulation per scenario
def simulate_scenarios(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, users: dict, *, scenario: str,
                       nowcast_adjustment: str, forecast_year: int, ci_level: float, n_sims: int, seed: int) -> dict:
    """`feasibility.gmv_simulation` under every named scenario (this run's under its own adjustment): the probability of
    each target per scenario (`results`), the fan of simulated GMV (`fans`), this run's simulation (`mine`) and the ids
    it read (`ids`)."""
    rows, fans, mine, read_mine = [], [], None, ()
    for name in scenarios.names():
        rule = nowcast_adjustment if name == scenario else scenarios.params(name)["nowcast_adjustment"]
        with provenance.capture() as read:
            g = feasibility.gmv_simulation(claims, stats, nowcast_adjustment=rule, revision_sd_pp=register["ytd_revision_sd_pp"],
                                           target_year=forecast_year, ci_level=ci_level, share_sd_pp=register["share_sd_pp"],
                                           n_sims=n_sims, seed=seed)
        rows += [{"scenario": name, "target": t, "probability": p} for t, p in
                 (("GMV ≥ target", g["p_gmv"]), ("share of online retail ≥ expected", g["p_share"]), ("users ≥ target", users["p_users"]))]
        fans.append(simulate.summary(g["gmv"] / 1e4, BASE_YEAR).assign(scenario=name))
        if name == scenario:
            mine, read_mine = g, ids(read, RUN, "parameter:nowcast_adjustment")
    return {"results": pd.DataFrame(rows), "fans": pd.concat(fans), "mine": mine, "ids": read_mine}


@computes
def gmv_values(sims: dict, claims: pd.DataFrame, stats: pd.DataFrame, register: Register, scenario: str, n_sims: int,
               forecast_year: int) -> Values:
    """What the chapter reports of this run's GMV simulation and of the online retail the plan's targets imply."""
    g, drawn = sims["mine"], sims["ids"]
    target = _gmv_claims(claims)[0]["value_canonical"]
    outlook = float(g["outlook"]["scenario"]["mean"])   # the same 2026 level Chapter 1 reports, not a simulated median
    at_share = outlook * g["share_target"] / 100
    plan_online = target / (g["share_target"] / 100)
    levels = official.annual(stats, market.LEVEL_SERIES)
    last = int(levels["year"].max())
    base = official.observation(stats, market.LEVEL_SERIES, str(BASE_YEAR))
    gap = market.target_gap(stats, plan_online, outlook, anchor_year=last)
    shares = tuple(g["claim_ids"][:2])
    implied = (*shares, base["obs_id"], "parameter:forecast_year")
    return {"p_gmv": Value(g["p_gmv"], drawn, unit="probability", year=forecast_year, kind="probability"),
            "p_share": Value(g["p_share"], drawn, unit="probability", year=forecast_year, kind="probability"),
            "share_pace": Value(g["pace"]["pace_pp"], g["pace"]["claim_ids"], unit="pp/yr"),
            "n_sims_g": parameter("n_sims", n_sims),
            "share_sd_g": Value(register["share_sd_pp"], ("assumption:share_sd_pp",), unit="pp"),
            "share_sd_words": sentence(f"{register['share_sd_pp']:g} point{'' if register['share_sd_pp'] == 1 else 's'}",
                                       "assumption:share_sd_pp"),
            "last_official": Value(last, ids(levels.iloc[-1])),
            "scenario_name": sentence(f"**{scenario}**", "parameter:scenario"),
            "run_scenario": sentence(scenario, "parameter:scenario"),
            "gmv_at_share_target": Value(at_share, drawn, unit="亿元"),
            "gmv_vs_target_at_share": sentence(f"{abs(at_share / target - 1):.0%} {words.compare(at_share, target)} the GMV target",
                                               drawn),
            "p_gmv_words": sentence(words.likelihood(g["p_gmv"]), drawn),
            "plan_online_2026": Value(plan_online, shares, unit="亿元"),
            "g_targets_fit": Value(100 * trend.cagr(float(base["value_canonical"]), plan_online, forecast_year - BASE_YEAR),
                                   implied, unit="%"),
            "targets_gap_sentence": sentence(market.target_gap_sentence(gap), drawn, levels),
            "targets_gap_short": sentence(market.target_gap_short(gap), drawn, levels),
            "share_needed_chained": Value(100 * target / gap["chained"], (*drawn, *ids(levels)), unit="%", year=forecast_year,
                                          kind="share")}


def probability_table(sims: dict) -> pd.DataFrame:
    """The probability of each target per scenario (a table: most cells are nil)."""
    return simulate.probability_table(sims["results"])


GMV_WHAT_IF_GROWTH = (0.0, 15.0, 0.5)    # the slider for online retail growth (%): a range to explore, not an assumption
GMV_WHAT_IF_PACE_STEP = 0.25             # points a year between two positions of the share slider


def gmv_what_if(stats: pd.DataFrame, register: Register, sims: dict, *, forecast_year: int, n_sims: int, seed: int) -> dict:
    """The 2026 GMV outlook as a what-if: two sliders, the yearly gain in social commerce's share of online retail (from
    none to twice what the target needs, starting at the plan's own pace) and online retail's growth in the forecast
    year (starting at this run's scenario), and P(GMV ≥ target) at every position, on this run's draws."""
    g = sims["mine"]
    pace = round(float(g["pace"]["pace_pp"]), 2)     # a slider shows every digit
    sliders = [whatif.slider("pace_pp", "yearly gain in social commerce's share of online retail (points)", 0.0,
                             whatif.top(gmv_pace_needed(g, forecast_year), pace, GMV_WHAT_IF_PACE_STEP), GMV_WHAT_IF_PACE_STEP, pace),
               whatif.slider("growth_pct", f"online retail growth in {forecast_year} (%)", *GMV_WHAT_IF_GROWTH,
                             round(float(g["outlook"]["scenario_growth_pct"]), 2))]
    grid = feasibility.gmv_what_if(stats, whatif.grid(sliders), g, revision_sd_pp=register["ytd_revision_sd_pp"],
                                   share_sd_pp=register["share_sd_pp"], n_sims=n_sims, seed=seed)
    return {"grid": grid, "sliders": sliders, "references": pd.DataFrame({"label": ["even chance"], "value": [0.5]})}


def gmv_pace_needed(g: dict, forecast_year: int) -> float:
    """The yearly gain in share (points) that takes the plan's 2023 share to the share the GMV target needs of the
    median simulated online retail in the forecast year."""
    return (g["share_needed"] - g["pace"]["start"]) / (forecast_year - BASE_YEAR)


@computes
def gmv_what_if_values(sims: dict, outlook: dict, forecast_year: int) -> Values:
    """The numbers the GMV what-if's text quotes: where its sliders start (this run's growth, the plan's pace, to two
    decimals), the probability the chart shows there, and the pace of share gain the target needs."""
    g, drawn = sims["mine"], sims["ids"]
    start = {s["field"]: s["default"] for s in outlook["sliders"]}
    grid = outlook["grid"]
    at_start = grid[np.isclose(grid["pace_pp"], start["pace_pp"]) & np.isclose(grid["growth_pct"], start["growth_pct"])]
    return {"wi_growth": Value(start["growth_pct"], drawn, unit="%"),
            "wi_pace": Value(start["pace_pp"], g["pace"]["claim_ids"], unit="pp a year"),
            "wi_p_gmv": Value(float(at_start["p_gmv"].iloc[0]), drawn, unit="probability", kind="probability"),
            "pace_needed": Value(gmv_pace_needed(g, forecast_year), drawn, unit="pp a year", kind="threshold"),
            "pace_needed_ratio": Value(gmv_pace_needed(g, forecast_year) / g["pace"]["pace_pp"], drawn, unit="times")}


def gmv_fan(sims: dict, claims: pd.DataFrame, gmv: Values, forecast_year: int) -> dict:
    """The arguments of the GMV fan chart (`charts.helpers.fan`), in 万亿元."""
    target, rate = _gmv_claims(claims)
    years = range(BASE_YEAR, forecast_year + 1)
    start = gmv["share_reading"].value
    path = pd.DataFrame({"year": list(years), "value": [start / 1e4 * (1 + rate["value"] / 100) ** (y - BASE_YEAR) for y in years],
                         "series": f"the plan: {rate['value']:g} % a year from the penetration reading"})
    goal = pd.DataFrame({"label": ["plan's 2026 target"], "year": [forecast_year], "value": [target["value_canonical"] / 1e4]})
    return {"bands": sims["fans"], "lines": path, "targets": goal, "y_title": "social-commerce GMV, 万亿元"}
