"""Users and people: the plan's population figures against the census and CNNIC."""
from __future__ import annotations

import pandas as pd

from growthpath.data import claims as claims_mod
from growthpath.data import official


def genz_check(claims: pd.DataFrame, stats: pd.DataFrame) -> dict:
    """004's Gen Z size and population share, and the total population they imply vs the census."""
    size = claims_mod.pick(claims, doc="004", metric="z_gen_population", scope="segment")
    share = claims_mod.pick(claims, doc="004", metric="z_gen_share_of_population", scope="segment")
    census = official.value_at(stats, "census_population", "2020-11-01")
    implied_population = size["value_canonical"] / (share["value"] / 100)
    return {"size": float(size["value_canonical"]), "share_pct": float(share["value"]), "census": census,
            "implied_population": float(implied_population), "share_of_census_pct": float(size["value_canonical"] / census * 100),
            "claim_ids": [size["claim_id"], share["claim_id"]]}


def genz_age_band(claims: pd.DataFrame, year: int) -> dict:
    """Ages in `year` of 004's Gen Z birth cohort, beside 000's '18–30' band."""
    start = claims_mod.pick(claims, doc="004", metric="z_gen_birth_year_start", scope="segment")["value"]
    end = claims_mod.pick(claims, doc="004", metric="z_gen_birth_year_end", scope="segment")["value"]
    lo = claims_mod.pick(claims, doc="000", metric="age_band_min", scope="segment")["value"]
    hi = claims_mod.pick(claims, doc="000", metric="age_band_max", scope="segment")["value"]
    return {"cohort_min_age": int(year - end), "cohort_max_age": int(year - start), "band_min": int(lo), "band_max": int(hi)}


def people_scale(claims: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """People counts in 亿: the plan's Gen Z beside census population and CNNIC users (latest)."""
    rows = []
    g = claims_mod.pick(claims, doc="004", metric="z_gen_population", scope="segment")
    rows.append({"measure": "Gen Z, 2025 (004 §1.1; no official source)", "value": g["value_canonical"], "source": "plan (unverified)"})
    rows.append({"measure": "Total population, census 2020", "value": official.value_at(stats, "census_population", "2020-11-01"), "source": "official"})
    for sid, label in (("cnnic_netizens", "Netizens"), ("cnnic_online_shoppers", "Online shoppers"),
                       ("cnnic_rural_netizens", "Rural netizens")):
        row = official.latest(stats, sid)
        rows.append({"measure": f"{label}, {row['period']} (CNNIC)", "value": float(row["value_canonical"]), "source": "official"})
    return pd.DataFrame(rows)
