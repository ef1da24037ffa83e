"""Chapter 3 under every scenario: glued numbers equal an independent recomputation from data/
(plain csv/numpy/scipy.stats, analytic probabilities where they exist)."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
import numpy as np
from scipy import integrate, optimize
from scipy.stats import norm

from conftest import REPO, glued

NB = "03_targets.ipynb"


def rows(rel):
    with open(REPO / "data" / rel, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def claim(cid):
    return float(next(r["value"] for r in rows("claims/claims.csv") if r["claim_id"] == cid))


def stat(obs_id):
    return next(r for r in rows("official/statistics.csv") if r["obs_id"] == obs_id)


def expected():
    target, cum, new = claim("000-3.1-03"), claim("000-8.1-02"), claim("000-3.2-01")
    base = target / (1 + cum / 100)
    growth = [float(stat(f"nbs_online_retail_growth:{y}")["value"]) for y in range(2021, 2026)]
    a, b = stat("cnnic_online_shoppers:2020-12"), stat("cnnic_online_shoppers:2024-12")
    days = (pd_date(b["period_end"]) - pd_date(a["period_end"])).days / 365.25
    return {"users_base": base, "req_users": 100 * ((target / base) ** (1 / 3) - 1),
            "growth_2024": 100 * new / base, "growth_after": 100 * ((target / (base + new)) ** 0.5 - 1),
            "hist_online": sum(growth) / len(growth),
            "hist_shoppers": 100 * ((float(b["value"]) / float(a["value"])) ** (1 / days) - 1),
            "n_targets": len(rows("reference/targets.csv"))}


def decimal_year(text):
    d = pd_date(text)
    return d.year + (d.timetuple().tm_yday - 1) / 365.25


def shoppers_logistic_2026(end=2026.99):
    """CNNIC online shoppers, logistic K / (1 + exp(-r (t - m))) fitted by least squares in calendar years."""
    obs = sorted((r for r in rows("official/statistics.csv") if r["series_id"] == "cnnic_online_shoppers"
                  and r["grade"] in ("yes", "yes-secondary") and r["value"]), key=lambda r: r["period_end"])
    t = np.array([decimal_year(r["period_end"]) for r in obs])
    y = np.array([float(r["value_canonical"]) for r in obs])
    fit = optimize.least_squares(lambda p: p[0] / (1 + np.exp(-p[1] * (t - p[2]))) - y, [y.max() * 1.2, 0.5, t.mean()],
                                 bounds=([y.max(), 1e-4, t.min() - 50], [y.max() * 20, 10, t.min() + 100]), xtol=1e-14, ftol=1e-14)
    K, r, m = fit.x
    return K / (1 + math.exp(-r * (end - m)))


def p_gmv_analytic(ch1, share_sd=1.0, ci=0.95):
    """P(share_2026 × online_2026 ≥ GMV target) with online ~ lognormal (Chapter 1's 2026 interval,
    shifted by the scenario) and share ~ normal (three yearly gains at the plan's own pace)."""
    target = float(next(r for r in rows("claims/claims.csv") if r["claim_id"] == "000-3.1-07")["value_canonical"])
    factor = ch1["scenario_mean"] / ch1["ols_mean"]
    mu, sd = math.log(ch1["ols_mean"] * factor), math.log(ch1["ols_upper"] / ch1["ols_lower"]) / (2 * norm.ppf(0.5 + ci / 2))
    pace = (claim("000-1.1-07") - claim("000-1.1-05")) / 3
    mean_share, sd_share = claim("000-1.1-07") + 3 * pace, share_sd * math.sqrt(3)
    tail = lambda z: norm.sf((100 * target / math.exp(mu + sd * z) - mean_share) / sd_share) * norm.pdf(z)
    return integrate.quad(tail, -10, 10)[0]


def pd_date(text):
    import datetime as dt
    return dt.date.fromisoformat(text)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["base", "optimistic", "pessimistic"])
def test_chapter3_numbers(executed, scenario):
    values = glued(Path(executed[scenario]) / NB)
    for key, want in expected().items():
        assert values[key] == pytest.approx(want, rel=1e-9), key
    # share of online retail in 2026: 25.3 + three N(pace, sd) gains, an analytic normal probability
    pace = (claim("000-1.1-07") - claim("000-1.1-05")) / 3
    z = (claim("000-3.4-12") - claim("000-1.1-07") - 3 * pace) / (1.0 * math.sqrt(3))
    assert values["share_pace"] == pytest.approx(pace)
    assert values["p_share"] == pytest.approx(1 - norm.cdf(z), abs=0.006)  # 20,000 draws: ±4 standard errors
    # users cannot exceed the fitted online-shopper ceiling, which is below the user target
    assert values["K_shoppers"] < claim("000-3.1-03") and values["p_users"] < 0.01
    ch1 = glued(Path(executed[scenario]) / "01_background.ipynb")
    assert values["p_gmv"] == pytest.approx(p_gmv_analytic(ch1), abs=0.004)  # 20,000 draws: about ±4 standard errors
    assert values["shop_end"] == pytest.approx(shoppers_logistic_2026(), rel=1e-4)


@pytest.mark.slow
def test_scenarios_move_gmv_in_the_expected_order(executed):
    p = {s: glued(Path(executed[s]) / NB)["p_gmv"] for s in ("base", "optimistic", "pessimistic")}
    assert p["pessimistic"] <= p["base"] <= p["optimistic"]
