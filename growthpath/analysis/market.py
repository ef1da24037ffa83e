"""Market size: the plan's figures against NBS online retail, and what the plan's shares imply.

All money is in 亿元 (canonical unit); 1 万亿元 = 10,000 亿元."""
from __future__ import annotations

import copy
import hashlib
import re

import pandas as pd

from growthpath.data import claims as claims_mod
from growthpath.data import official, provenance
from growthpath.models import nowcast

MARKET_METRICS = {"market_size": "social e-commerce market", "live_commerce_market_size": "live-commerce market"}
OFFICIAL_LEVELS = {"nbs_online_retail": "NBS online retail (goods + services)",
                   "nbs_physical_online_retail": "NBS online retail, physical goods"}


def _year(period: str) -> int | None:
    return int(period) if re.fullmatch(r"\d{4}", str(period)) else None


def plan_market_points(claims: pd.DataFrame) -> pd.DataFrame:
    """Every market-size claim with a calendar year: claim_id, doc, year, value (亿元), kind, label."""
    rows = claims[claims["metric"].isin(MARKET_METRICS) & claims["canonical_unit"].eq("亿元")].copy()
    rows["year"] = rows["period"].map(_year)
    rows = rows.dropna(subset=["year"])
    rows["year"] = rows["year"].astype(int)
    rows["label"] = [f"{v / 10000:g}万亿{' live' if m == 'live_commerce_market_size' else ''}{' (target)' if k == 'forecast' else ''} · {d}"
                     for v, m, d, k in zip(rows["value_canonical"], rows["metric"], rows["doc"], rows["kind"])]
    out = rows[["claim_id", "doc", "section", "metric", "year", "value_canonical", "kind", "label"]]
    return out.rename(columns={"value_canonical": "value"}).sort_values(["year", "doc"]).reset_index(drop=True)


def official_levels(stats: pd.DataFrame, first_year: int = 2014) -> pd.DataFrame:
    """NBS online retail levels per year (accepted grades only): year, value, series, grade, qualifier."""
    frames = []
    for sid, label in OFFICIAL_LEVELS.items():
        frame = official.annual(stats, sid, first_year=first_year)
        frames.append(frame.assign(series=label, series_id=sid))
    return pd.concat(frames, ignore_index=True)


def implied_online_retail(claims: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """For each year where the plan gives both a market size and its share of online retail, the
    online-retail total those two imply, beside NBS's figure for that year."""
    sizes = plan_market_points(claims)
    sizes = sizes[sizes["metric"] == "market_size"]
    shares = claims[claims["metric"].str.contains("share_of_online_retail") & claims["unit"].eq("%")].copy()
    shares["year"] = shares["period"].map(_year)
    rows = []
    for s in shares.dropna(subset=["year"]).itertuples():
        size = sizes[(sizes["year"] == s.year) & (sizes["doc"] == s.doc)]
        if size.empty:
            continue
        size = size.iloc[0]
        try:
            nbs = official.value_at(stats, "nbs_online_retail", str(int(s.year)))
        except LookupError:  # a future year: nothing official to compare with
            continue
        implied = size["value"] / (s.value / 100)
        rows.append({"year": int(s.year), "plan_market": size["value"], "plan_share_pct": s.value,
                     "implied_online_retail": implied, "nbs_online_retail": nbs, "ratio_to_nbs": implied / nbs,
                     "claim_ids": f"{size['claim_id']}, {s.claim_id}"})
    return pd.DataFrame(rows)


def share_based_market(share_claim: pd.Series, stats: pd.DataFrame) -> float:
    """The market size a stated share of online retail gives when applied to NBS's total that year."""
    year = _year(share_claim["period"])
    return share_claim["value"] / 100 * official.value_at(stats, "nbs_online_retail", str(year))


LEVEL_SERIES = "nbs_online_retail"
GROWTH_SERIES = "nbs_online_retail_growth"
# year-to-date growth readings, old series first; from 2026 NBS publishes only the new, wider series
YTD_SERIES = ("nbs_online_retail_growth_ytd", "nbs_online_goods_services_growth_2026")
HISTORY_START = 2014

_OUTLOOKS: dict[tuple, tuple[dict, list[str]]] = {}


def outlook(stats: pd.DataFrame, *, forecast_year: int, ci_level: float, nowcast_adjustment: str,
            revision_sd_pp: float) -> dict:
    """Online retail in `forecast_year`, anchored on the last published year: that year's level grown by
    the latest year-to-date growth reading of `forecast_year` (the nowcast), with an interval from how far
    such readings have moved by December (`revision_sd_pp`). A scenario moves the reading by a revision on
    record (`nowcast_adjustment`, see `models.nowcast.ADJUSTMENTS`). A local-level model of the growth
    history is a history-only check.

    Chapters and the stress runs ask for the same outlook many times: it is made once per content of
    `stats` and arguments in a process. Each call gets its own copy, and a reused result notes the
    official rows it read again, so provenance is the same either way."""
    args = (forecast_year, float(ci_level), str(nowcast_adjustment), float(revision_sd_pp))
    try:
        key = (hashlib.sha256(pd.util.hash_pandas_object(stats, index=True).to_numpy().tobytes()).hexdigest(),
               tuple(stats.columns), *args)
    except TypeError:  # a column pandas cannot hash: no reuse
        return _outlook(stats, *args)
    if key in _OUTLOOKS:
        result, noted = _OUTLOOKS[key]
        official.renote(stats, noted)  # noted again, and their series recorded as read
        return copy.deepcopy(result)
    with provenance.capture() as noted:
        result = _outlook(stats, *args)
    if len(_OUTLOOKS) >= 64:
        _OUTLOOKS.clear()
    _OUTLOOKS[key] = (copy.deepcopy(result), noted)
    return result


def _outlook(stats: pd.DataFrame, forecast_year: int, ci_level: float, rule: str, sd_pp: float) -> dict:
    levels = official.annual(stats, LEVEL_SERIES, first_year=HISTORY_START)
    anchor = levels.iloc[-1]
    if forecast_year != int(anchor["year"]) + 1:
        raise ValueError(f"the outlook nowcasts the year after the last published level ({int(anchor['year'])}), "
                         f"so forecast_year must be {int(anchor['year']) + 1}, not {forecast_year}")
    growth = official.annual(stats, GROWTH_SERIES, first_year=HISTORY_START)
    ytd = official.year_to_date(stats, YTD_SERIES)
    current = ytd[ytd["year"] == forecast_year]
    if current.empty:
        raise LookupError(f"no year-to-date growth reading for {forecast_year} in {', '.join(YTD_SERIES)}")
    now = current.iloc[-1]
    revs = nowcast.revisions(growth, ytd[ytd["year"] < forecast_year], int(now["months"]))
    shift = nowcast.adjustment(revs[~revs["year"].isin(DISTORTED_BASE_YEARS)]["revision"], rule)
    g = float(now["value"]) + shift
    check = nowcast.local_level(growth["year"], growth["value"], steps=1, ci_level=ci_level)
    return {"anchor": anchor.to_dict(), "growth_history": growth, "levels": levels, "ytd": current.reset_index(drop=True),
            "nowcast": now.to_dict(), "revisions": revs, "revision_sd_pp": sd_pp, "adjustment": rule, "shift_pp": shift,
            "scenario_growth_pct": g, "base": nowcast.level(float(anchor["value"]), float(now["value"]), sd_pp, ci_level),
            "scenario": nowcast.level(float(anchor["value"]), g, sd_pp, ci_level),
            "history_check": check, "band": growth_band(growth, current)}


# years whose year-to-date growth came off a base the 2020 lockdowns depressed: shown in the revision record, but left
# out of what a scenario adds to the reading, as they are out of the revision spread (ytd_revision_sd_pp's basis)
DISTORTED_BASE_YEARS = (2021,)


def growth_band(growth: pd.DataFrame, current_ytd: pd.DataFrame) -> dict:
    """The range every scenario's growth must stay in: from no growth (or the lowest rate on record, if
    online retail ever fell) to the fastest rate shown by the last full year or any current reading."""
    low = min(0.0, float(growth["value"].min()), float(current_ytd["value"].min()))
    last = growth.iloc[-1]
    high = max(float(last["value"]), float(current_ytd["value"].max()))
    return {"low": low, "high": high, "last_year": int(last["year"]), "last_growth": float(last["value"]),
            "fastest_reading": float(current_ytd["value"].max())}


def plan_targets_vs_outlook(claims: pd.DataFrame, outlook_result: dict, forecast_year: int) -> dict:
    """The plan's forecast-year market size as a share of the scenario's online-retail outlook."""
    target = claims_mod.pick(claims, doc="000", section="1.1", metric="market_size", period=str(forecast_year), scope="market")
    row = outlook_result["scenario"]
    return {"claim_id": target["claim_id"], "plan_value": float(target["value_canonical"]),
            "online_mean": float(row["mean"]), "online_lower": float(row["lower"]), "online_upper": float(row["upper"]),
            "share_mean": float(target["value_canonical"] / row["mean"] * 100),
            "share_at_upper": float(target["value_canonical"] / row["upper"] * 100),
            "share_at_lower": float(target["value_canonical"] / row["lower"] * 100)}


def band_reasons(band: dict) -> dict[str, str]:
    """Why the band's two ends are where they are, in words generated from the data behind them."""
    low = ("online retail has not fallen in any year on record and no reading of the forecast year is negative"
           if band["low"] == 0 else f"the lowest rate on record or in the forecast year's readings ({band['low']:.1f} %)")
    high = (f"the {band['last_year']} actual growth, the fastest of the last full year and the forecast year's readings"
            if band["high"] == band["last_growth"] else
            "the fastest year-to-date reading of the forecast year, above the last full year's growth")
    return {"low": low, "high": high}


def scenario_outlooks(stats: pd.DataFrame, adjustments: dict[str, str], *, forecast_year: int, ci_level: float,
                      revision_sd_pp: float) -> pd.DataFrame:
    """One row per named scenario: its adjustment rule and shift, growth (%) and level with interval (亿元)."""
    rows = []
    for name, rule in adjustments.items():
        out = outlook(stats, forecast_year=forecast_year, ci_level=ci_level, nowcast_adjustment=rule, revision_sd_pp=revision_sd_pp)
        rows.append({"scenario": name, "adjustment": rule, "shift_pp": out["shift_pp"], "growth_pct": out["scenario_growth_pct"],
                     **out["scenario"]})
    return pd.DataFrame(rows)


def revision_sentence(revisions: pd.DataFrame) -> str:
    """How far past year-to-date readings moved by December, in words (or that no past year has one)."""
    if revisions.empty:
        return ("No earlier year in data/ has a reading after the same number of months, so how far this one may move "
                "rests on the assumption below alone.")
    below = int((revisions["revision"] < 0).sum())
    return (f"In the {len(revisions)} earlier years with a reading after the same number of months, the full year ended "
            f"between {revisions['revision'].min():+.1f} and {revisions['revision'].max():+.1f} percentage points from it, "
            f"below it in {below} of them (average {revisions['revision'].mean():+.1f} points; table below).")


def levels_vs_rates(stats: pd.DataFrame, first_year: int, last_year: int) -> dict:
    """NBS's published online-retail levels and its published (matched-scope) growth rates do not agree:
    the growth from `first_year` to `last_year` by the levels, and by compounding the rates of the years
    after `first_year`. NBS restates the scope of each year's level; its rates compare like with like."""
    rates = official.annual(stats, GROWTH_SERIES).set_index("year")["value"]
    years = range(first_year + 1, last_year + 1)
    missing = [y for y in years if y not in rates.index]
    if missing:
        raise LookupError(f"{GROWTH_SERIES!r} has no published rate for {missing}")
    by_rates = 1.0
    for y in years:
        by_rates *= 1 + rates[y] / 100
    first = official.value_at(stats, LEVEL_SERIES, str(first_year))
    last = official.value_at(stats, LEVEL_SERIES, str(last_year))
    return {"first_year": first_year, "last_year": last_year, "first_level": first, "last_level": last,
            "level_growth_pct": float(100 * (last / first - 1)), "rate_growth_pct": float(100 * (by_rates - 1)),
            "chained_last": float(first * by_rates)}


def target_gap(stats: pd.DataFrame, plan_online: float, outlook_level: float, anchor_year: int, base_year: int = 2023) -> dict:
    """Why the online retail the plan's targets imply (`plan_online`) and the outlook differ: the gap split
    into slower growth (the plan's path against `base_year`'s level chained at NBS's published rates and
    the outlook's own growth after `anchor_year`) and NBS's level restatements (that chain against the
    published `anchor_year` level carried forward the same way)."""
    lv = levels_vs_rates(stats, base_year, anchor_year)
    carry = outlook_level / lv["last_level"]
    chained = lv["chained_last"] * carry
    return {**lv, "plan_online": float(plan_online), "outlook": float(outlook_level), "chained": chained,
            "gap": float(plan_online - outlook_level), "slower_growth": float(plan_online - chained),
            "level_restatement": float(chained - outlook_level)}


def target_gap_sentence(gap: dict) -> str:
    """What `target_gap` found, in words generated from its signs and sizes."""
    slow, restate = gap["slower_growth"], gap["level_restatement"]
    slow_words = (f"{slow:,.0f} come from growth slower than that path" if slow >= 0
                  else f"growth faster than that path makes up {-slow:,.0f}")
    return (f"Of the {gap['gap']:,.0f} 亿元 between that {gap['plan_online']:,.0f} 亿元 and the outlook's {gap['outlook']:,.0f}, "
            f"{slow_words}, and {restate:,.0f} from NBS's restated levels: "
            f"its published {gap['last_year']} level is {gap['level_growth_pct']:.1f} % above {gap['first_year']}, while its "
            f"published growth rates for those years compound to {gap['rate_growth_pct']:.1f} % (each rate compares like "
            f"with like; each year's level is measured on that year's scope).")


def target_gap_short(gap: dict) -> str:
    """The larger cause of the gap first, as shares of it."""
    parts = sorted([(gap["level_restatement"], "NBS's restated levels"), (gap["slower_growth"], "slower growth")], reverse=True)
    shown = [(v / gap["gap"], name) for v, name in parts if v > 0]
    head = f"{shown[0][0]:.0%} of the gap comes from {shown[0][1]}"
    return head + "".join(f", {share:.0%} from {name}" for share, name in shown[1:])


def base_leaning(revisions: pd.DataFrame) -> str:
    """Where the base scenario (the reading as published, no revision) sits in the revision record."""
    if revisions.empty:
        return "With no revision on record, the base takes the reading as published."
    below, n = int((revisions["revision"] < 0).sum()), len(revisions)
    above = int((revisions["revision"] > 0).sum())
    side = ("on the favourable side of the record" if below > n / 2 else
            "on the cautious side of the record" if above > n / 2 else "in the middle of the record")
    return (f"The base scenario takes the reading as published, without a revision: with the full year below the reading in "
            f"{below} of {n} years, that is {side}.")
