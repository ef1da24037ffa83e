"""Market size: the plan's figures against NBS online retail, and what the plan's shares imply.

All money is in 亿元 (canonical unit); 1 万亿元 = 10,000 亿元."""
from __future__ import annotations

import copy
import hashlib
import re

import pandas as pd

from growthpath import claims as claims_mod
from growthpath import official, provenance
from growthpath.models import trend

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


_OUTLOOKS: dict[tuple, tuple[dict, list[str]]] = {}


def outlook(stats: pd.DataFrame, *, fit_start_year: int, forecast_year: int, ci_level: float,
            growth_shift_pp: float) -> dict:
    """Trend fits of NBS online retail from `fit_start_year` to the last year before `forecast_year`,
    forecast to `forecast_year`: log-linear OLS, Holt on logs, and the scenario path (OLS growth + shift).

    A chapter's scenarios and stress runs ask for the same fits many times: they are made once per
    content of `stats` and arguments in a process. Each call gets its own copy, and a reused result
    notes the official rows it read again, so provenance is the same either way."""
    try:
        key = (hashlib.sha256(pd.util.hash_pandas_object(stats, index=True).to_numpy().tobytes()).hexdigest(),
               tuple(stats.columns), fit_start_year, forecast_year, float(ci_level), float(growth_shift_pp))
    except TypeError:  # a column pandas cannot hash: no reuse
        return _outlook(stats, fit_start_year, forecast_year, ci_level, growth_shift_pp)
    if key in _OUTLOOKS:
        result, noted = _OUTLOOKS[key]
        provenance.note(noted)
        return copy.deepcopy(result)
    with provenance.capture() as noted:
        result = _outlook(stats, fit_start_year, forecast_year, ci_level, growth_shift_pp)
    if len(_OUTLOOKS) >= 64:
        _OUTLOOKS.clear()
    _OUTLOOKS[key] = (copy.deepcopy(result), noted)
    return result


def _outlook(stats: pd.DataFrame, fit_start_year: int, forecast_year: int, ci_level: float, growth_shift_pp: float) -> dict:
    # fitted on the years before the forecast year, so the forecast stays a forecast once that year is published
    history = official.annual(stats, "nbs_online_retail", first_year=fit_start_year, last_year=forecast_year - 1)
    ols = trend.fit_loglinear(history["year"], history["value"], forecast_year, ci_level)
    holt = trend.fit_holt(history["year"], history["value"], forecast_year, ci_level)
    scenario = trend.shift_growth(ols, growth_shift_pp)
    table = pd.concat([ols.forecast.assign(model=ols.model), holt.forecast.assign(model=holt.model),
                       scenario.assign(model=f"scenario: OLS growth {growth_shift_pp:+g} pp")], ignore_index=True)
    return {"history": history, "ols": ols, "holt": holt, "scenario": scenario, "forecasts": table}


def plan_targets_vs_outlook(claims: pd.DataFrame, outlook_result: dict, forecast_year: int) -> dict:
    """The plan's forecast-year market size as a share of the forecast online-retail total."""
    target = claims_mod.pick(claims, doc="000", section="1.1", metric="market_size", period=str(forecast_year))
    row = outlook_result["ols"].at(forecast_year)
    return {"claim_id": target["claim_id"], "plan_value": float(target["value_canonical"]),
            "online_mean": float(row["mean"]), "online_lower": float(row["lower"]), "online_upper": float(row["upper"]),
            "share_mean": float(target["value_canonical"] / row["mean"] * 100),
            "share_at_upper": float(target["value_canonical"] / row["upper"] * 100),
            "share_at_lower": float(target["value_canonical"] / row["lower"] * 100)}
