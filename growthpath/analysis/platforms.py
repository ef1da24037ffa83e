"""Platform GMVs: the plan's 2023 figures against filings and labelled estimates, and the market
size their stated combined share implies."""
from __future__ import annotations

import pandas as pd

from growthpath.data import claims as claims_mod
from growthpath.data import official

# plan entity keyword -> comparison series, in order of preference (official first)
COMPARISONS = {"WeChat": ["wechat_miniprogram_gmv"], "Douyin": ["douyin_gmv_estimate"], "Kuaishou": ["kuaishou_gmv"]}
ALL_GRADES = tuple(official.GRADE_RANK)


def plan_gmvs(claims: pd.DataFrame, doc: str = "000", section: str = "1.5") -> pd.DataFrame:
    rows = claims_mod.in_sections(claims, doc, section)
    return rows[rows["metric"] == "gmv"].reset_index(drop=True)


def compare(claims: pd.DataFrame, stats: pd.DataFrame, *, tolerance: float, year: str = "2023") -> pd.DataFrame:
    """Plan GMV vs the best available figure for the same platform and year, with a verdict:
    holds (within `tolerance` of an official figure), does not hold, or unverifiable."""
    out = []
    for g in plan_gmvs(claims).itertuples():
        platform = next(k for k in COMPARISONS if k in g.entity)
        found = None
        for sid in COMPARISONS[platform]:
            rows = official.series_rows(stats, sid)  # every grade (recorded as read: the runner's cache)
            rows = rows[(rows["period"] == year) & rows["value"].notna()]
            if not rows.empty:
                found = rows.sort_values("grade", key=lambda s: s.map(official.GRADE_RANK)).iloc[0]
                break
        if found is None:
            latest = official.observations(stats, COMPARISONS[platform][0], ALL_GRADES).iloc[-1]
            verdict, ref, grade, ref_label = "unverifiable", None, latest["grade"], \
                f"no {year} figure; latest official level {latest['value_canonical']:,.0f}亿 ({latest['period']})"
        else:
            ref, grade = float(found["value_canonical"]), found["grade"]
            official_grade = grade in official.USED_GRADES
            close = abs(g.value_canonical - ref) / ref <= tolerance
            verdict = ("holds" if close else "does not hold") if official_grade else "unverifiable"
            ref_label = f"{ref / 1e4:g} 万亿元 stated in {found['title']} ({found['publisher']}; {official.GRADE_WORDS.get(grade, grade)})"
        out.append({"platform": platform, "claim_id": g.claim_id, "plan_value": g.value_canonical,
                    "reference_value": ref, "reference": ref_label, "reference_grade": grade, "verdict": verdict})
    return pd.DataFrame(out)


def implied_market(claims: pd.DataFrame) -> dict:
    """Sum of the plan's platform GMVs ÷ their stated combined share = the market size implied."""
    gmvs = plan_gmvs(claims)
    share = claims_mod.pick(claims, doc="000", section="1.5", metric="combined_market_share", scope="market")  # a market-structure figure
    total = float(gmvs["value_canonical"].sum())
    return {"sum_gmv": total, "share_pct": float(share["value"]), "implied_market": total / (share["value"] / 100),
            "claim_ids": list(gmvs["claim_id"]) + [share["claim_id"]]}
