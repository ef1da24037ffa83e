"""Chapter 1 runs under every scenario, and its glued numbers equal an independent recomputation
from the CSV files in data/ (plain csv/numpy here, not the package's loaders or models)."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, glued

DATA = REPO / "data"
SCENARIOS = ["base", "optimistic", "pessimistic"]


def rows(rel):
    with open(DATA / rel, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def claim(**where):
    found = [r for r in rows("claims/claims.csv") if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, where
    return found[0]


def official(series, period):
    best = {"yes": 0, "yes-secondary": 1}
    found = sorted((r for r in rows("official/statistics.csv") if r["series_id"] == series and r["period"] == period
                    and r["grade"] in best and r["value_canonical"]), key=lambda r: best[r["grade"]])
    return float(found[0]["value_canonical"])


def assumption(key):
    return float(next(r["value"] for r in rows("reference/assumptions.csv") if r["id"] == key))


def shift(scenario, revisions):
    """The scenario's revision on record: none, the most favourable, or the average (data/scenarios.yml)."""
    import yaml
    spec = yaml.safe_load((DATA / "scenarios.yml").read_text(encoding="utf-8"))
    rule = spec["scenarios"][scenario]["params"]["nowcast_adjustment"]
    return {"none": 0.0, "best_revision": max(revisions), "mean_revision": sum(revisions) / len(revisions)}[rule]


def ytd_rows(series_ids):
    """(year, months, value, period_end) of year-to-date growth rows with an accepted grade."""
    out = []
    for r in rows("official/statistics.csv"):
        if r["series_id"] in series_ids and r["grade"] in ("yes", "yes-secondary") and r["value"]:
            y, m1, m2 = int(r["period"][:4]), int(r["period"][5:7]), int(r["period"][8:10])
            out.append((y, m2 - m1 + 1, float(r["value"]), r["period_end"]))
    return sorted(out, key=lambda t: t[3])


def expected(scenario):
    from scipy.stats import norm

    v = lambda r: float(r["value_canonical"])
    size2020, size2026 = v(claim(doc="000", metric="market_size", period="2020")), v(claim(doc="000", metric="market_size", period="2026"))
    share2020 = float(claim(doc="000", metric="share_of_online_retail", period="2020")["value"])
    s2024 = v(claim(doc="004", metric="market_size", period="2024"))
    cagr004 = float(claim(doc="004", metric="market_cagr")["value"])
    anchor = official("nbs_online_retail", "2025")
    ytd = ytd_rows({"nbs_online_retail_growth_ytd", "nbs_online_goods_services_growth_2026"})
    now = [t for t in ytd if t[0] == 2026][-1]
    full = {y: official("nbs_online_retail_growth", str(y)) for y in range(2014, 2026)}
    revisions = [full[y] - g for y, m, g, _ in ytd if y < 2026 and m == now[1]]
    # a scenario's revision leaves out 2021, whose January–August growth came off the lockdown-depressed 2020
    scenario_revisions = [full[y] - g for y, m, g, _ in ytd if 2021 < y < 2026 and m == now[1]]
    sd, z = assumption("ytd_revision_sd_pp"), norm.ppf(0.975)
    growth = now[2] + shift(scenario, scenario_revisions)
    gmv = sum(v(claim(doc="000", section="1.5", metric="gmv", entity=e)) for e in
              ("WeChat mini-program e-commerce", "Douyin e-commerce", "Kuaishou e-commerce"))
    share68 = float(claim(doc="000", metric="combined_market_share")["value"])
    pen = float(claim(doc="000", metric="penetration_share_of_online_retail")["value"])
    policies = rows("reference/policies.csv")
    holds = sum(1 for p in policies if p["plan_year"] and p["plan_year"] in {p["date_adopted"][:4], p["date_effective"][:4]})
    ch1 = [r for r in rows("claims/claims.csv") if r["chapter"] == "1"]
    out = {
        "implied_online_2020": size2020 / (share2020 / 100),
        "implied_ratio_2020": size2020 / (share2020 / 100) / official("nbs_online_retail", "2020"),
        "cagr_2020_2026": 100 * ((size2026 / size2020) ** (1 / 6) - 1),
        "m2026_at_004_rate": s2024 * (1 + cagr004 / 100) ** 2 / 1e4,
        "cagr_2024_2026_needed": 100 * ((size2026 / s2024) ** 0.5 - 1),
        "share_004_2024": 100 * s2024 / official("nbs_online_retail", "2024"),
        "anchor_value": anchor, "anchor_year": 2025, "anchor_growth": full[2025], "nowcast_pct": now[2], "nowcast_months": now[1],
        "base_mean": anchor * (1 + now[2] / 100), "base_lower": anchor * (1 + (now[2] - z * sd) / 100),
        "base_upper": anchor * (1 + (now[2] + z * sd) / 100),
        "n_revisions": len(revisions), "sd_pp": sd,
        "scenario_growth": growth, "scenario_mean": anchor * (1 + growth / 100),
        "band_low": 0.0, "band_high": max(full[2025], max(g for y, m, g, _ in ytd if y == 2026)),
        "hist_start": 2014, "g_first": full[2014],
        "plan_implied_online_2026": size2026 / (float(claim(doc="000", metric="share_of_online_retail_forecast")["value"]) / 100),
        "plan_share_of_forecast": 100 * size2026 / (anchor * (1 + now[2] / 100)),
        "gmv_sum": gmv, "gmv_implied_market": gmv / (share68 / 100),
        "implied_vs_nbs_pct": 100 * gmv / (share68 / 100) / official("nbs_online_retail", "2023"),
        "share_reading_2023": pen / 100 * official("nbs_online_retail", "2023"),
        "genz_implied_pop": float(claim(doc="004", metric="z_gen_population")["value"]) / (float(claim(doc="004", metric="z_gen_share_of_population")["value"]) / 100),
        "census_pop": official("census_population", "2020-11-01"),
        "policy_holds": holds, "policy_n": len(policies),
        "ch1_n_claims": len(ch1), "ch1_n_case": sum(r["kind"] == "case" for r in ch1),
        "n_gmv_holds": 1,  # Kuaishou: 1.2万亿 vs the company's stated 1.18万亿 (within the register's 5 %)
    }
    for name in SCENARIOS:
        g = now[2] + shift(name, scenario_revisions)
        out[f"outlook_{name}_growth"], out[f"outlook_{name}_mean"] = g, anchor * (1 + g / 100)
    return out


def test_the_revision_sentence_reports_the_range_or_its_absence():
    import pandas as pd
    from growthpath.analysis import market

    revs = pd.DataFrame({"year": [2023, 2024], "ytd": [12.1, 8.9], "full": [11.0, 7.2], "revision": [-1.1, -1.7]})
    assert "between -1.7 and -1.1 percentage points" in market.revision_sentence(revs)
    assert "rests on the assumption below alone" in market.revision_sentence(revs.iloc[:0])


def test_local_level_check_recomputed_with_statsmodels():
    """The history-only check is statsmodels' local-level model on the published growth rates."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents
    from growthpath.data import official as off
    from growthpath.analysis import market

    growth = [official("nbs_online_retail_growth", str(y)) for y in range(2014, 2026)]
    res = UnobservedComponents(np.array(growth), level="llevel").fit(disp=False)
    want = res.get_forecast(1).summary_frame(alpha=0.05).iloc[0]
    out = market.outlook(off.load(), forecast_year=2026, ci_level=0.95, nowcast_adjustment="none", revision_sd_pp=1.2)
    got = out["history_check"].forecast.iloc[0]
    assert got["mean"] == pytest.approx(want["mean"], rel=1e-6) and got["upper"] == pytest.approx(want["mean_ci_upper"], rel=1e-6)


def test_the_scenarios_stay_in_the_band_the_book_states():
    """Every scenario's 2026 growth over the 2025 actual lies between no growth (online retail has never
    fallen on record) and the fastest rate of 2025 or any 2026 reading; the band excludes a one-year jump
    such as the +55 % a level trend from 2014 once implied."""
    for name in SCENARIOS:
        e = expected(name)
        implied = 100 * (e["scenario_mean"] / e["anchor_value"] - 1)
        assert e["band_low"] <= implied <= e["band_high"], (name, implied)
    assert not (0.0 <= 55.0 <= expected("base")["band_high"])


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_glued_numbers_match_independent_recomputation(executed, scenario):
    values = glued(Path(executed[scenario]) / "01_background.ipynb")
    for key, want in expected(scenario).items():
        assert values[key] == pytest.approx(want, rel=1e-9), key


@pytest.mark.slow
def test_every_claim_glued_in_prose_matches_the_ledger(executed):
    values = glued(Path(executed["base"]) / "01_background.ipynb")
    claims = {r["claim_id"]: float(r["value"]) for r in rows("claims/claims.csv")}
    claim_keys = {k: v for k, v in values.items() if k.startswith("claim_") and not k.endswith("_en")}
    assert len(claim_keys) >= 60
    for key, value in claim_keys.items():
        doc, a, b, n = key.removeprefix("claim_").split("_")
        assert value == claims[f"{doc}-{a}.{b}-{n}"], key


@pytest.mark.slow
def test_run_parameters_box_and_hidden_injected_cell(executed):
    import json

    nb = json.loads((Path(executed["pessimistic"]) / "01_background.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and "remove-cell" in injected[0]["metadata"]["tags"]
    assert nb["metadata"]["growthpath"]["scenario"] == "pessimistic"
    text = json.dumps(nb, ensure_ascii=False)
    assert "Run parameters" in text and "<td>nowcast_adjustment</td>" in text and "<td>mean_revision</td>" in text
    assert "`nowcast_adjustment` = mean\\\\_revision" in text                  # the print paragraph: the name in code
    assert "`ytd_revision_sd_pp` = 1.2 (assumption register)" in text


def snapshot_findings(rejected: bool = False):
    """The reviewed findings the chapters show (or, with `rejected`, those the review rejected)."""
    import json
    found = json.loads((REPO / "tests" / "snapshots" / "audit.json").read_text(encoding="utf-8"))
    return [f for f in found if (f.get("review", {}).get("verdict") == "rejected") == rejected]


@pytest.mark.slow
def test_findings_in_place_match_the_reviewed_audit(executed):
    values = glued(Path(executed["base"]) / "01_background.ipynb")
    places = {"s11": [("000", "1.1"), ("004", "1.2")], "s12": [("000", "1.2")], "s13": [("000", "1.3")],
              "s14": [("000", "1.4"), ("004", "1.1")], "s15": [("000", "1.5"), ("004", "1.3")]}
    findings = snapshot_findings()
    for key, where in places.items():
        here = [f for f in findings if any((r["doc"], r["section"]) in where for r in f["refs"])]
        assert values[f"{key}_findings"] == len(here), key
        assert values[f"{key}_contradictions"] == sum(f["severity"] == "contradiction" for f in here), key
