"""Import the prepared reference material into data/ (run once; the outputs are committed).

Load: ../shared/reference/seed-claims-ledger.csv and public-statistics.csv.
Process: stable claim ids, Simplified-Chinese quotes, canonical units, book chapters, documented
corrections; tidy official statistics with a series id, canonical value and verification grade.
Save: data/claims/claims.csv and data/official/statistics.csv. Then run
`growthpath datapackage --refresh` to update hashes in data/datapackage.json.

Usage: python scripts/import_reference.py [--reference ../shared/reference]
"""
from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

import opencc
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
T2S = opencc.OpenCC("t2s")


# ----------------------------------------------------------------------------- claims
def load_corrections() -> pd.DataFrame:
    return pd.read_csv(DATA / "claims" / "corrections.csv", dtype=str, keep_default_na=False)


def apply_corrections(claims: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    claims = claims.set_index("claim_id")
    for row in corrections.itertuples():
        current = claims.at[row.claim_id, row.column]
        if str(current) != row.old:
            raise ValueError(f"correction for {row.claim_id}.{row.column}: expected {row.old!r}, found {current!r}")
        claims.at[row.claim_id, row.column] = row.new
    return claims.reset_index()


def claim_ids(ledger: pd.DataFrame) -> list[str]:
    """`<doc>-<section>-<nn>`, nn counting the ledger rows of that section in ledger order."""
    ordinal = ledger.groupby(["doc", "section"]).cumcount() + 1
    return [f"{d}-{s}-{n:02d}" for d, s, n in zip(ledger["doc"], ledger["section"], ordinal)]


def import_claims(reference: Path) -> pd.DataFrame:
    ledger = pd.read_csv(reference / "seed-claims-ledger.csv", dtype=str, keep_default_na=False)
    ledger.insert(0, "claim_id", claim_ids(ledger))
    ledger = apply_corrections(ledger, load_corrections())
    sections = pd.read_csv(DATA / "reference" / "sections.csv", dtype=str)
    units = pd.read_csv(DATA / "reference" / "units.csv", dtype={"unit": str, "factor": float})
    out = ledger.merge(sections[["doc", "section", "chapter"]], on=["doc", "section"], how="left", validate="m:1")
    out = out.merge(units[["unit", "canonical_unit", "factor"]], on="unit", how="left", validate="m:1")
    if out["chapter"].isna().any() or out["factor"].isna().any():
        bad = out[out["chapter"].isna() | out["factor"].isna()]
        raise ValueError(f"unmapped section or unit:\n{bad[['claim_id', 'section', 'unit']]}")
    out["value"] = out["value"].astype(float)
    out["value_canonical"] = (out["value"] * out["factor"]).round(10)
    out["quote_zh"] = out["quote"].map(T2S.convert)
    return with_structure(out)[COLUMNS]


STRUCTURE = ["entity_id", "entity_type", "programme", "scope", "form", "subject", "of_whole", "baseline_ref", "notes"]
COLUMNS = ["claim_id", "doc", "section", "chapter", "metric", "entity", "entity_id", "entity_type", "programme", "scope",
           "period", "kind", "form", "value", "unit", "value_canonical", "canonical_unit", "subject", "of_whole",
           "baseline_ref", "quote", "quote_zh", "notes"]


def with_structure(out: pd.DataFrame) -> pd.DataFrame:
    """The hand-reviewed structure columns (whose figure, scope, form, subject…) are not in the reference
    ledger: they are carried over, by claim id, from the committed data/claims/claims.csv. A claim without
    them is an error (review it against its seed sentence and add them)."""
    current = pd.read_csv(DATA / "claims" / "claims.csv", dtype=str, keep_default_na=False)
    out = out.merge(current[["claim_id", *STRUCTURE]], on="claim_id", how="left", validate="1:1")
    missing = out.loc[out["entity_id"].isna(), "claim_id"].tolist()
    if missing:
        raise ValueError(f"claims without reviewed structure columns (add them to data/claims/claims.csv): {missing}")
    return out


# ----------------------------------------------------------------------------- official statistics
SERIES_PATTERNS = [  # (regex on the reference `metric` column, series_id); first match wins
    (r"^全国网上零售额 YoY growth", "nbs_online_retail_growth"),
    (r"^全国网上零售额", "nbs_online_retail"),
    (r"^实物商品网上零售额 YoY growth", "nbs_physical_online_retail_growth"),
    (r"^实物商品网上零售额 share of 社零", "nbs_physical_share_of_retail"),
    (r"^实物商品网上零售额", "nbs_physical_online_retail"),
    (r"^社会消费品零售总额", "nbs_retail_sales"),
    (r"^网上商品和服务零售额 YoY growth", "nbs_online_goods_services_growth_2026"),
    (r"^网上商品和服务零售额", "nbs_online_goods_services_2026"),
    (r"^网上商品零售额 .*YoY growth", "nbs_online_goods_growth_2026"),
    (r"^网上商品零售额", "nbs_online_goods_2026"),
    (r"^网上服务零售额", "nbs_online_services_2026"),
    (r"^网民规模", "cnnic_netizens"),
    (r"^互联网普及率", "cnnic_penetration"),
    (r"^网络购物用户规模 online shoppers", "cnnic_online_shoppers"),
    (r"^农村网民规模", "cnnic_rural_netizens"),
    (r"^农村地区互联网普及率", "cnnic_rural_penetration"),
    (r"^电商直播用户规模", "cnnic_ecommerce_live_users"),
    (r"^电商直播用户 share", "cnnic_ecommerce_live_share"),
    (r"^网络直播用户规模", "cnnic_live_users"),
    (r"^网络购物用户规模 /", "cnnic_online_shoppers"),
    (r"^网络直播/电商直播", "cnnic_ecommerce_live_users"),
    (r"^直播电商成交额|^直播电商交易规模", "industry_live_commerce_gmv_estimate"),
    (r"^重点监测电商平台", "mofcom_live_sales_monitored"),
    (r"^直播电商销售额", "mofcom_live_sales"),
    (r"^直播电商网络交易额 YoY", "mofcom_live_sales_growth"),
    (r"^直播电商 full-year", "mofcom_live_sales"),
    (r"^Kuaishou e-commerce GMV", "kuaishou_gmv"),
    (r"^Pinduoduo GMV \(media", "pdd_gmv_estimate"),
    (r"^Pinduoduo GMV", "pdd_gmv"),
    (r"^Pinduoduo active buyers", "pdd_active_buyers"),
    (r"^Douyin e-commerce GMV YoY", "douyin_gmv_growth"),
    (r"^Douyin e-commerce GMV", "douyin_gmv_estimate"),
    (r"^WeChat mini-program transaction volume YoY", "wechat_miniprogram_gmv_growth"),
    (r"^WeChat mini-program transaction volume", "wechat_miniprogram_gmv"),
    (r"^WeChat Channels .*media estimate", "wechat_channels_gmv_estimate"),
    (r"^WeChat Channels", "wechat_channels_gmv_growth"),
    (r"^WeChat mini-program / Channels", "wechat_miniprogram_gmv"),
    (r"^Total population", "census_population"),
    (r"^Population aged 0-14", "census_population_0_14"),
    (r"^Population aged 15-59", "census_population_15_59"),
    (r"^Gen Z population", "genz_population"),
]
UNIT_CANONICAL = {"亿元": ("亿元", 1), "万亿元": ("亿元", 10000), "亿人": ("亿人", 1), "%": ("%", 1),
                  "million": ("亿人", 0.01), "persons": ("亿人", 1e-8), "": ("", 1),
                  "x / %": ("", 1)}


def series_id(metric: str) -> str:
    for pattern, sid in SERIES_PATTERNS:
        if re.search(pattern, metric):
            return sid
    raise ValueError(f"no series for metric {metric!r}")


def parse_value(raw: str) -> tuple[str, float | None, str]:
    """'>9' -> ('>', 9.0, ''); '~4.2' -> ('~', 4.2, ''); '2.2 (LatePost) / 2.7 …' -> ('', 2.2, note)."""
    raw = raw.strip()
    if not raw:
        return "", None, ""
    m = re.match(r"^([<>~]?)\s*([0-9.]+)\s*(.*)$", raw)
    if not m:
        return "", None, f"non-numeric value in source: {raw}"
    qualifier, number, rest = m.groups()
    if rest.startswith("x"):  # '~3x (orders +244%)': a multiple, not a level
        return "", None, f"growth multiple only: {raw}"
    return qualifier, float(number), (f"source value: {raw}" if rest else "")


def grade_parts(verified: str) -> tuple[str, str]:
    m = re.match(r"^(yes-secondary|yes|derived|estimate-unofficial|UNVERIFIED|not found)\s*(?:\((.*)\))?$", verified)
    if not m:
        raise ValueError(f"unknown verification grade {verified!r}")
    return m.group(1), m.group(2) or ""


def period_end(period: str) -> str:
    """ISO date at which a period ends ('2019' -> 2019-12-31, '2020-06' -> 2020-06-30, '2023-H1' -> 2023-06-30)."""
    p = period.strip()
    if m := re.fullmatch(r"(\d{4})", p):
        return f"{p}-12-31"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", p):
        return str(pd.Period(p, freq="M").end_time.date())
    if m := re.fullmatch(r"(\d{4})-H([12])", p):
        return f"{m.group(1)}-{'06-30' if m.group(2) == '1' else '12-31'}"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", p):
        return str(pd.Period(f"{m.group(1)}Q{m.group(2)}", freq="Q").end_time.date())
    if m := re.fullmatch(r"(\d{4})-\d{2}/(\d{2})(?: YTD)?", p):
        return str(pd.Period(f"{m.group(1)}-{m.group(2)}", freq="M").end_time.date())
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})", p):
        return p
    return ""  # ranges such as '2021-2024' or '12m to 2022-04' have no single end date


def import_statistics(reference: Path) -> pd.DataFrame:
    src = pd.read_csv(reference / "public-statistics.csv", dtype=str, keep_default_na=False)
    rows = []
    for r in src.itertuples():
        qualifier, value, note = parse_value(r.value)
        unit, factor = UNIT_CANONICAL[r.unit.strip()]
        grade, grade_note = grade_parts(r.verified)
        sid = series_id(r.metric)
        rows.append({
            "series_id": sid, "period": r.period.strip() or "unknown", "period_end": period_end(r.period),
            "qualifier": qualifier, "value": value, "unit": r.unit.strip(),
            "value_canonical": None if value is None else round(value * factor, 10), "canonical_unit": unit,
            "grade": grade, "grade_note": grade_note, "note": note, "metric_source": r.metric,
            "publisher": r.publisher, "title": r.title, "date_published": r.date, "url": r.url, "quote": r.quote,
        })
    out = pd.DataFrame(rows)
    out = pd.concat([out, growth_from_quotes(out)], ignore_index=True)
    out.insert(0, "obs_id", [f"{s}:{p}" for s, p in zip(out["series_id"], out["period"])])
    dup = out["obs_id"].duplicated(keep=False)
    out.loc[dup, "obs_id"] = out.loc[dup, "obs_id"] + ":" + out.loc[dup].groupby("obs_id").cumcount().add(1).astype(str)
    return out


GROWTH_IN_QUOTE = re.compile(r"(增长|增長|下降|increase of|surging|up)\s*([0-9.]+)\s*(?:%|percent)|([0-9.]+)%増")
LEVEL_TO_GROWTH = {"nbs_online_retail": "nbs_online_retail_growth", "nbs_retail_sales": "nbs_retail_sales_growth",
                   "nbs_physical_online_retail": "nbs_physical_online_retail_growth"}


def growth_from_quotes(stats: pd.DataFrame) -> pd.DataFrame:
    """Official YoY rates printed in the quote of a level row, where no growth row exists.

    NBS rates are on a matched scope and cannot be recomputed from levels, so the published rate is
    the only valid one; it is taken verbatim from the same source sentence as the level."""
    have = set(zip(stats["series_id"], stats["period"]))
    rows = []
    for r in stats[stats["series_id"].isin(LEVEL_TO_GROWTH) & (stats["grade"] != "UNVERIFIED")].itertuples():
        target = LEVEL_TO_GROWTH[r.series_id]
        m = GROWTH_IN_QUOTE.search(r.quote)
        if not m or (target, r.period) in have:
            continue
        rate = float(m.group(2) or m.group(3)) * (-1 if m.group(1) == "下降" else 1)
        have.add((target, r.period))
        rows.append({**r._asdict(), "series_id": target, "qualifier": "", "value": rate, "unit": "%",
                     "value_canonical": rate, "canonical_unit": "%",
                     "note": "rate read from the quote of the level row " + r.series_id})
    return pd.DataFrame(rows).drop(columns="Index")


def write_csv(df: pd.DataFrame, path: Path) -> None:
    def fmt(v):
        if isinstance(v, float):
            if pd.isna(v):
                return ""
            return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
        return v
    df = df.astype(object).map(fmt)
    df.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def run(reference: Path) -> None:
    write_csv(import_claims(reference), DATA / "claims" / "claims.csv")
    write_csv(import_statistics(reference), DATA / "official" / "statistics.csv")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference")
    run(parser.parse_args().reference)
