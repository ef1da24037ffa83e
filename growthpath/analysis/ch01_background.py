"""Chapter 1 (background): what the chapter reports, each value with the ids it was computed from.

The chapter notebook calls these functions and glues what they return (`page.glue_all`); the other functions
return the frames (or chart arguments) of its charts and tables."""
from __future__ import annotations

import pandas as pd

from growthpath.data import claims as ledger
from growthpath.data import official, provenance, scenarios
from growthpath.analysis import market, platforms, policy, population, words
from growthpath.data.assumptions import Register
from growthpath.models import nowcast, trend
from growthpath.data.values import Value, Values, claim, claim_key, computes, ids, parameter, sentence

NBS = market.LEVEL_SERIES
SD = "ytd_revision_sd_pp"          # the assumption behind every outlook interval
TRILLION = 1e4                     # 亿元 per 万亿元
GENZ_YEAR = 2025                   # the year 004 gives Generation Z's size for: its cohort's ages are shown then


# ----------------------------------------------------------------------------- §1.1 market size
def market_levels(claims: pd.DataFrame, stats: pd.DataFrame) -> dict:
    """The arguments of the market-size chart (`charts.helpers.levels_with_claims`), in 万亿元."""
    levels, points = market.official_levels(stats), market.plan_market_points(claims)
    return {"series": levels.assign(value=levels["value"] / TRILLION), "claims": points.assign(value=points["value"] / TRILLION),
            "y_title": "万亿元 (trillion yuan)", "series_field": "series"}


def _nbs(stats: pd.DataFrame, year) -> pd.Series:
    return official.observation(stats, NBS, str(int(year)))


@computes
def implied_online(claims: pd.DataFrame, stats: pd.DataFrame) -> Values:
    """The online-retail total the plan's first year with a size and a share implies, against NBS."""
    row = market.implied_online_retail(claims, stats).iloc[0]
    nbs = _nbs(stats, row["year"])
    used = ids(*row["claim_ids"].split(", "), nbs)
    return {"implied_online_2020": Value(row["implied_online_retail"], used, unit="亿元"),
            "implied_ratio_2020": Value(row["ratio_to_nbs"], used, year=int(row["year"]), kind="ratio"),
            "nbs_online_2020": Value(row["nbs_online_retail"], ids(nbs), unit="亿元")}


def implied_table(claims: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    return market.implied_online_retail(claims, stats).rename(columns={
        "year": "Year", "plan_market": "Plan: market (亿元)", "plan_share_pct": "Plan: share of online retail (%)",
        "implied_online_retail": "Implied online retail (亿元)", "nbs_online_retail": "NBS online retail (亿元)",
        "ratio_to_nbs": "Implied ÷ NBS", "claim_ids": "Ledger ids"}).round(2)


@computes
def growth_claims(claims: pd.DataFrame, stats: pd.DataFrame) -> Values:
    """The plan's own market growth (000's sizes, 004's size and rate) and 004's 2024 size as a share of NBS."""
    first, last = (ledger.pick(claims, doc="000", section="1.1", metric="market_size", period=p, scope="market")
                   for p in ("2020", "2026"))
    s2024 = ledger.pick(claims, doc="004", metric="market_size", period="2024", scope="market")
    rate = ledger.pick(claims, doc="004", metric="market_cagr", scope="market")
    target = ledger.pick(claims, doc="000", metric="share_of_online_retail_forecast", period="2026", scope="market")
    pen = ledger.pick(claims, doc="000", section="1.1", metric="penetration_share_of_online_retail", scope="market")
    nbs = _nbs(stats, s2024["period"])
    share = 100 * s2024["value_canonical"] / nbs["value_canonical"]
    ahead = int(last["period"]) - int(s2024["period"])
    said = (f"{words.compare(share, target['value'])} the {target['value']:g} % share seed 000 expects (预计) for 2026 and "
            f"{words.compare(share, pen['value'])} its {pen['value']:g} % for 2023: the two documents do not describe the same "
            "market" if share > pen["value"] else f"{words.compare(share, pen['value'])} seed 000's {pen['value']:g} % for 2023")
    return {"cagr_2020_2026": Value(100 * trend.cagr(first["value_canonical"], last["value_canonical"],
                                                     int(last["period"]) - int(first["period"])), ids(first, last), unit="%"),
            "m2026_at_004_rate": Value(s2024["value_canonical"] * (1 + rate["value"] / 100) ** ahead / TRILLION,
                                       ids(s2024, rate, last), unit="万亿元"),
            "cagr_2024_2026_needed": Value(100 * trend.cagr(s2024["value_canonical"], last["value_canonical"], ahead),
                                           ids(s2024, last), unit="%"),
            "share_004_2024": Value(share, ids(s2024, nbs), unit="%"),
            "share_004_vs_000": sentence(said, s2024, nbs, target, pen)}


@computes
def live_commerce(claims: pd.DataFrame, stats: pd.DataFrame) -> Values:
    """The plan's live-commerce size against NBS online retail and MOFCOM's latest (part-year) live sales."""
    live = ledger.pick(claims, doc="000", section="1.1", metric="live_commerce_market_size", scope="market")
    mof = official.observations(stats, "mofcom_live_sales").iloc[-1]      # a part-year figure (secondary report)
    year = mof["value_canonical"] * 12 / official.months_covered(mof["period"])
    nbs = _nbs(stats, live["period"])
    return {"live_share_2023": Value(100 * live["value_canonical"] / nbs["value_canonical"], ids(live, nbs), unit="%",
                                     year=int(live["period"]), kind="share"),
            "mofcom_live": Value(mof["value_canonical"], ids(mof), unit="亿元"),
            "mofcom_live_period": sentence(official.period_words(mof["period"]), mof),
            "mofcom_live_year": Value(year, ids(mof), unit="亿元"),
            "live_vs_mofcom": Value(live["value_canonical"] / year, ids(live, mof), kind="ratio")}


# ----------------------------------------------------------------------------- the outlook
def _readings(stats: pd.DataFrame, out: dict) -> pd.DataFrame:
    ytd = official.year_to_date(stats, market.YTD_SERIES)
    return ytd[ytd["months"] == int(out["nowcast"]["months"])]


def _revision_ids(stats: pd.DataFrame, out: dict) -> tuple[str, ...]:
    """The readings and full years the revisions on record compare."""
    years = set(out["revisions"]["year"])
    growth = out["growth_history"]
    return ids(_readings(stats, out).query("year in @years"), growth[growth["year"].isin(years)])


@computes
def outlook(out: dict, stats: pd.DataFrame, register: Register, scenario: str, forecast_year: int, ci_level: float) -> Values:
    """What the chapter says about `market.outlook`: the anchor year, the nowcast reading, the revisions on record,
    the base and scenario levels, the history-only check and the band every scenario stays in."""
    anchor, now, growth = out["anchor"]["obs_id"], out["nowcast"]["obs_id"], out["growth_history"]
    revisions, history = _revision_ids(stats, out), ids(growth)
    level = (anchor, now, f"assumption:{SD}", "parameter:ci_level")
    shifted = (*level, *revisions, "parameter:nowcast_adjustment")
    ll, check = out["history_check"].forecast.iloc[0], out["history_check"]
    h1 = official.observation(stats, "nbs_online_goods_services_2026", f"{forecast_year}-H1")
    grade = stats.set_index("obs_id").loc[now]
    band, reasons = out["band"], market.band_reasons(out["band"])
    banded = (*history, *ids(out["ytd"]))
    return {"anchor_value": Value(out["anchor"]["value"], (anchor,), unit="亿元"),
            "anchor_year": Value(int(out["anchor"]["year"]), (anchor,)),
            "anchor_growth": Value(growth.iloc[-1]["value"], ids(growth.iloc[-1]), unit="%"),
            "nowcast_pct": Value(out["nowcast"]["value"], (now,), unit="%"),
            "nowcast_months": Value(int(out["nowcast"]["months"]), (now,), unit="months"),
            "nowcast_period": sentence(official.period_words(out["nowcast"]["period"]), now),
            "nowcast_source": sentence(official.grade_words(grade), now),
            "new_series_h1": Value(float(h1["value_canonical"]), ids(h1), unit="亿元"),
            "forecast_year_g": parameter("forecast_year", forecast_year),
            **{f"base_{k}": Value(v, level, unit="亿元", year=forecast_year, kind="projection") for k, v in out["base"].items()},
            "n_revisions": Value(len(out["revisions"]), revisions),
            "revision_sentence": sentence(market.revision_sentence(out["revisions"]), revisions),
            "base_leaning": sentence(market.base_leaning(out["revisions"]), revisions, "scenario:base"),
            "sd_pp": Value(register[SD], (f"assumption:{SD}",), unit="pp"),
            "ci_pct": Value(100 * ci_level, ("parameter:ci_level",), unit="%"),
            "hist_start": Value(int(check.years[0]), ids(growth.iloc[0])),
            "g_first": Value(float(check.growth[0]), ids(growth.iloc[0]), unit="%"),
            **{f"ll_{k}": Value(ll[k], (*history, "parameter:ci_level"), unit="%") for k in ("mean", "lower", "upper")},
            "nowcast_vs_history": sentence(words.position(out["nowcast"]["value"], ll["lower"], ll["upper"])
                                           .replace("the interval", "that interval"), now, history, "parameter:ci_level"),
            "ll_status": sentence("" if check.ok else f"**The local-level fit is not reliable here**: {check.note}.", history),
            "scenario_name": sentence(f"**{scenario}**", "parameter:scenario"),
            "scenario_growth": Value(out["scenario_growth_pct"], (now, *revisions, "parameter:nowcast_adjustment"), unit="%",
                                     year=forecast_year, kind="growth"),
            "scenario_mean": Value(out["scenario"]["mean"], shifted, unit="亿元"),
            "band_low": Value(band["low"], banded, unit="%"), "band_high": Value(band["high"], banded, unit="%"),
            "band_low_reason": sentence(reasons["low"], banded), "band_high_reason": sentence(reasons["high"], banded)}


def revisions_table(out: dict) -> pd.DataFrame:
    return out["revisions"].rename(columns={"year": "Year", "ytd": f"Growth, first {int(out['nowcast']['months'])} months (%)",
                                            "full": "Growth, full year (%)", "revision": "Full year minus year-to-date (pp)"})


def adjustments() -> dict[str, str]:
    """Each named scenario's nowcast adjustment rule (data/scenarios.yml)."""
    return {name: scenarios.params(name)["nowcast_adjustment"] for name in scenarios.names()}


@computes
def scenario_points(stats: pd.DataFrame, register: Register, forecast_year: int, ci_level: float) -> Values:
    """How each named scenario moves the latest reading, in words."""
    rules = adjustments()
    outs = {rule: market.outlook(stats, forecast_year=forecast_year, ci_level=ci_level, nowcast_adjustment=rule,
                                 revision_sd_pp=register[SD]) for rule in set(rules.values())}
    left_out = " and ".join(map(str, market.DISTORTED_BASE_YEARS))
    said = "; ".join(f"{name}, {nowcast.ADJUSTMENTS[rule]}{f' ({left_out} left out)' if rule != 'none' else ''} "
                     f"({outs[rule]['shift_pp']:+.1f} points)" for name, rule in rules.items())
    revisions = _revision_ids(stats, next(iter(outs.values())))
    return {"scenario_points": sentence(said, revisions, [f"scenario:{name}" for name in rules])}


def growth_chart(out: dict, forecast_year: int) -> dict:
    """The arguments of the growth-outlook chart (`charts.helpers.growth_outlook`)."""
    ytd = out["ytd"]
    readings = ytd.assign(label=ytd["period"].map(lambda p: official.period_words(p, short=True)) + ": "
                          + ytd["value"].map("{:.1f} %".format))
    ll, base, anchor = out["history_check"].forecast.iloc[0], out["base"], out["anchor"]["value"]
    fc = pd.DataFrame([{"model": "history only (local level)", "year": forecast_year, **ll[["mean", "lower", "upper"]].to_dict()},
                       {"model": "nowcast (latest reading)", "year": forecast_year, "mean": out["nowcast"]["value"],
                        "lower": base["lower"] / anchor * 100 - 100, "upper": base["upper"] / anchor * 100 - 100}])
    return {"history": out["growth_history"][["year", "value"]], "readings": readings, "forecasts": fc,
            "y_title": "growth on a year earlier, %"}


def _plan_2026(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, forecast_year: int, ci_level: float):
    share = ledger.pick(claims, doc="000", metric="share_of_online_retail_forecast", period=str(forecast_year), scope="market")
    base = market.outlook(stats, forecast_year=forecast_year, ci_level=ci_level, nowcast_adjustment="none",
                          revision_sd_pp=register[SD])
    vs = market.plan_targets_vs_outlook(claims, base, forecast_year)
    return share, base, vs, vs["plan_value"] / (share["value"] / 100)


@computes
def plan_2026(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, forecast_year: int, ci_level: float) -> Values:
    """The plan's forecast-year market size against the base outlook, alone and read with its own share."""
    share, base, vs, implied = _plan_2026(claims, stats, register, forecast_year, ci_level)
    level = (base["anchor"]["obs_id"], base["nowcast"]["obs_id"], f"assumption:{SD}", "parameter:ci_level")
    both = (vs["claim_id"], share["claim_id"])
    summary = ("The plan's 2026 target, read with its own 2026 share, needs more online retail than that; it is met only if "
               "social commerce's share of online retail rises well beyond the plan's own 2026 figure, a question Chapter 3 "
               "takes up." if implied > vs["online_upper"] else
               "The plan's 2026 target, read with its own 2026 share, fits inside that outlook.")
    return {claim_key(share["claim_id"]): claim(share),
            "plan_implied_online_2026": Value(implied, both, unit="亿元"),
            "plan_share_of_forecast": Value(vs["share_mean"], (vs["claim_id"], *level), unit="%", year=forecast_year, kind="share"),
            "plan_2026_position": sentence(f"{(implied / vs['online_mean'] - 1):.0%} {words.compare(implied, vs['online_mean'])} "
                                           f"the mean and " + words.position(implied, vs["online_lower"], vs["online_upper"]),
                                           both, level),
            "plan_summary": sentence(summary, both, level)}


@computes
def scenario_outlooks(outs: pd.DataFrame, out: dict, stats: pd.DataFrame, forecast_year: int) -> Values:
    """Each named scenario's growth and level in the forecast year (`market.scenario_outlooks`)."""
    level = (out["anchor"]["obs_id"], out["nowcast"]["obs_id"], *_revision_ids(stats, out), f"assumption:{SD}",
             "parameter:ci_level")
    found = {}
    for r in outs.itertuples():
        used = (*level, f"scenario:{r.scenario}")
        found[f"outlook_{r.scenario}_growth"] = Value(r.growth_pct, used, unit="%", year=forecast_year, kind="growth")
        found[f"outlook_{r.scenario}_mean"] = Value(r.mean, used, unit="亿元", year=forecast_year, kind="projection")
    return found


def outlook_fan(outs: pd.DataFrame, out: dict, claims: pd.DataFrame, stats: pd.DataFrame, register: Register,
                forecast_year: int, ci_level: float) -> dict:
    """The arguments of the scenario fan chart (`charts.helpers.forecast_fan`), in 万亿元."""
    implied = _plan_2026(claims, stats, register, forecast_year, ci_level)[3]
    fc = outs.assign(model=outs["scenario"] + " (" + outs["growth_pct"].map("{:+.1f} %".format) + ")", year=forecast_year)
    fc = fc.assign(**{c: fc[c] / TRILLION for c in ("mean", "lower", "upper")})
    refs = pd.DataFrame([{"label": "implied by the plan's 2026 size and share", "year": forecast_year, "value": implied / TRILLION}])
    history = out["levels"][["year", "value"]]
    return {"history": history.assign(value=history["value"] / TRILLION), "forecasts": fc[["model", "year", "mean", "lower", "upper"]],
            "references": refs, "y_title": "万亿元 (trillion yuan)"}


# ----------------------------------------------------------------------------- §1.2 policy
VERDICTS = ("holds", "does not hold", "unverifiable", "no year given")


@computes
def policy_years(policies: pd.DataFrame) -> Values:
    """How many of the plan's policy years hold against the official dates, by verdict."""
    checks = policy.check_years(policies)
    named = [f"policy:{i}" for i in policies["policy_id"]]
    out = {f"policy_{v.replace(' ', '_')}": Value(int((checks["verdict"] == v).sum()),
                                                  [n for n, w in zip(named, checks["verdict"]) if w == v] or named)
           for v in VERDICTS}
    return {**out, "policy_n": Value(len(checks), named)}


# ----------------------------------------------------------------------------- §1.3 kinds of evidence
def chapter_claims(claims: pd.DataFrame) -> pd.DataFrame:
    return claims[claims["chapter"] == 1]


def kinds(claims: pd.DataFrame) -> pd.DataFrame:
    """Chapter 1's claims by section and kind, for a stacked bar."""
    out = chapter_claims(claims).groupby(["doc", "section", "kind"]).size().rename("claims").reset_index()
    return out.assign(section=out["doc"] + " §" + out["section"])


@computes
def evidence_kinds(claims: pd.DataFrame) -> Values:
    """How many of chapter 1's claims (and of 000 §1.3's) are one case or a ratio."""
    ch1, s13 = chapter_claims(claims), ledger.in_sections(claims, "000", "1.3")
    cases = s13[s13["kind"].isin(["case", "ratio"])]
    return {"ch1_n_claims": Value(len(ch1), ids(ch1)),
            **{f"ch1_n_{k}": Value(int((ch1["kind"] == k).sum()), ids(ch1[ch1["kind"] == k]) or ids(ch1)) for k in ("case", "ratio")},
            "s13_n": Value(len(s13), ids(s13)), "s13_n_case": Value(len(cases), ids(cases) or ids(s13)),
            "s13_case_share": Value(100 * len(cases) / len(s13), ids(s13), unit="%")}


# ----------------------------------------------------------------------------- §1.4 Generation Z
@computes
def genz(claims: pd.DataFrame, stats: pd.DataFrame, year: int = GENZ_YEAR) -> Values:
    """Seed 004's Generation Z size and share against the census, and the ages in `year` of its birth cohort."""
    with provenance.capture() as read:            # the claims and the census observation the check reads
        g = population.genz_check(claims, stats)
    garbled = ledger.garbled(claims[claims["claim_id"].isin(g["claim_ids"])])
    census = [i for i in read if i not in g["claim_ids"]]
    ages = population.genz_age_band(claims, year)
    first, last = (ledger.pick(claims, doc="004", metric=f"z_gen_birth_year_{end}", scope="segment") for end in ("start", "end"))
    note = (f"The share's quote is garbled in the scraped text (「{garbled.iloc[0]['quote_zh']}」, claim "
            f"{garbled.iloc[0]['claim_id']}): the ledger's {garbled.iloc[0]['value']:g} % reconstructs a lost digit, so this "
            "check is not independent of that reading.") if len(garbled) else ""
    both = (*g["claim_ids"], *census)
    return {"genz_garbled": sentence(note, g["claim_ids"]),
            "genz_implied_pop": Value(g["implied_population"], both, unit="亿人"),
            "census_pop": Value(g["census"], census, unit="亿人"),
            "genz_share_census": Value(g["share_of_census_pct"], both, unit="%"),
            "genz_age_min": Value(ages["cohort_min_age"], ids(last)),
            "genz_age_max": Value(ages["cohort_max_age"], ids(first))}


# ----------------------------------------------------------------------------- §1.5 platforms
@computes
def platform_gmv(claims: pd.DataFrame, stats: pd.DataFrame, register: Register) -> Values:
    """The plan's 2023 platform GMVs that hold against the best available figure."""
    cmp = platforms.compare(claims, stats, tolerance=register["platform_match_tolerance"])
    held = cmp[cmp["verdict"] == "holds"]
    said = "; ".join(f"{r.platform}'s {r.plan_value / TRILLION:g} 万亿元 against {r.reference}" for r in held.itertuples())
    used = (*cmp["claim_id"], "assumption:platform_match_tolerance")
    return {"gmv_holds_detail": sentence(said or "none", used), "n_gmv_holds": Value(len(held), used)}


def platform_table(claims: pd.DataFrame, stats: pd.DataFrame, register: Register) -> pd.DataFrame:
    checked = platforms.compare(claims, stats, tolerance=register["platform_match_tolerance"])
    return checked.drop(columns=["reference_value", "reference_grade"])   # the reference says its grade in words


def _readings_2023(claims: pd.DataFrame, stats: pd.DataFrame):
    im = platforms.implied_market(claims)
    pen = ledger.pick(claims, doc="000", section="1.1", metric="penetration_share_of_online_retail", scope="market")
    nbs = _nbs(stats, pen["period"])
    return im, pen, nbs, market.share_based_market(pen, stats)


@computes
def market_readings(claims: pd.DataFrame, stats: pd.DataFrame) -> Values:
    """The 2023 market the three platforms' GMVs imply, against NBS and the plan's penetration reading."""
    im, pen, nbs, share_reading = _readings_2023(claims, stats)
    gmv = tuple(im["claim_ids"])
    return {"gmv_sum": Value(im["sum_gmv"], gmv, unit="亿元"),
            "gmv_implied_market": Value(im["implied_market"], gmv, unit="亿元"),
            "nbs_online_2023": Value(nbs["value_canonical"], ids(nbs), unit="亿元"),
            "implied_vs_nbs_pct": Value(100 * im["implied_market"] / nbs["value_canonical"], (*gmv, nbs["obs_id"]), unit="%",
                                        year=int(pen["period"]), kind="share"),
            "share_reading_2023": Value(share_reading, ids(pen, nbs), unit="亿元"),
            "implied_vs_share_reading": Value(im["implied_market"] / share_reading, (*gmv, pen["claim_id"], nbs["obs_id"]))}


def readings_chart(claims: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """Four readings of the 2023 market (万亿元), for a bar chart."""
    im, pen, nbs, share_reading = _readings_2023(claims, stats)
    live = ledger.pick(claims, doc="000", metric="live_commerce_market_size", period="2023", scope="market")
    frame = pd.DataFrame([
        {"reading": f"three platforms ÷ {im['share_pct']:g} % (000 §1.5)", "value": im["implied_market"], "kind": "plan"},
        {"reading": "live commerce alone (000 §1.1)", "value": live["value_canonical"], "kind": "plan"},
        {"reading": f"{pen['value']:g} % × NBS online retail (000 §1.1)", "value": share_reading, "kind": "plan × official"},
        {"reading": "NBS online retail, all of it", "value": nbs["value_canonical"], "kind": "official"}])
    return frame.assign(value=frame["value"] / TRILLION)
