"""Chapter 4 under every scenario: glued numbers equal an independent recomputation from data/
(csv, gzip, numpy and scipy only), the BG/NBD fit matches the published estimates, and the
scenarios, which do not enter this chapter's models, leave every number unchanged."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from scipy import optimize, special
from scipy.stats import norm

from conftest import claim_value as claim, data_rows as rows, glued

NB = "04_theory.ipynb"
SCENARIOS = ["base", "optimistic", "pessimistic"]


def purchase_days(rel):
    days = defaultdict(set)
    for r in rows(rel):
        days[r["customer_id"]].add(dt.date.fromisoformat(r["date"]))
    return {c: sorted(d) for c, d in days.items()}


def sample_holdout():
    cal, hold = dt.date(1997, 9, 30), dt.date(1998, 6, 30)
    days = {c: d for c, d in purchase_days("orders/cdnow_sample.csv.gz").items() if d[0] <= cal}
    return len(days), sum(cal < x <= hold for d in days.values() for x in d)


def sample_rfm(cal=dt.date(1997, 9, 30), hold=dt.date(1998, 6, 30)):
    """x, t_x, T (weeks), mean repeat spend and holdout purchases per customer, one purchase per day."""
    spend = defaultdict(float)
    for r in rows("orders/cdnow_sample.csv.gz"):
        spend[r["customer_id"], dt.date.fromisoformat(r["date"])] += float(r["amount"])
    days = defaultdict(list)
    for (c, d), amount in sorted(spend.items()):
        days[c].append((d, amount))
    out = []
    for hist in days.values():
        first = hist[0][0]
        if first > cal:
            continue
        repeat = [(d, a) for d, a in hist[1:] if d <= cal]
        last = max([first] + [d for d, _ in repeat])
        out.append((len(repeat), (last - first).days / 7, (cal - first).days / 7,
                    sum(a for _, a in repeat) / len(repeat) if repeat else 0.0, sum(cal < d <= hold for d, _ in hist)))
    return np.array(out).T


def independent_clv(weeks_ahead=52):
    """BG/NBD (FHL 2005, eq. 6 as A1·(A2 + δ·A3)) and Gamma-Gamma (FH 2013) fitted by Nelder-Mead on
    log-parameters, then the holdout forecast (FHL eq. 10) and the mean 52-week customer value."""
    x, tx, T, mx, xh = sample_rfm()

    def bg_ll(log_p):
        r, al, a, b = np.exp(log_p)
        a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(al)
        beta = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
        a2 = beta - (r + x) * np.log(al + T)
        a3 = np.where(x > 0, beta + np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(al + tx), -np.inf)
        return -np.sum(a1 + np.logaddexp(a2, a3))

    def gg_ll(log_p):
        p, q, g = np.exp(log_p)
        k, m = x[x > 0], mx[x > 0]
        return -np.sum(special.gammaln(p * k + q) - special.gammaln(p * k) - special.gammaln(q) + q * np.log(g)
                       + (p * k - 1) * np.log(m) + p * k * np.log(k) - (p * k + q) * np.log(g + m * k))

    opts = {"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 20000}
    r, al, a, b = np.exp(optimize.minimize(bg_ll, np.log([0.5, 5, 1, 2]), method="Nelder-Mead", options=opts).x)
    p, q, g = np.exp(optimize.minimize(gg_ll, np.log([1, 1, 1]), method="Nelder-Mead", options=opts).x)

    def expected_purchases(t):
        alive = 1 / (1 + (x > 0) * a / (b + x - 1 + (x == 0)) * ((al + T) / (al + tx)) ** (r + x))
        z = t / (al + T + t)
        return (a + b + x - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x) * special.hyp2f1(r + x, b + x, a + b + x - 1, z)) * alive

    hold_weeks = (dt.date(1998, 6, 30) - dt.date(1997, 9, 30)).days / 7
    weight = p * x / (p * x + q - 1)
    spend = (1 - weight) * p * g / (q - 1) + weight * mx
    return {"hold_err": 100 * (expected_purchases(hold_weeks).sum() / xh.sum() - 1),
            "clv_mean": float(np.mean(expected_purchases(weeks_ahead) * spend))}


def churn_base_rate(window=182):
    days = purchase_days("orders/cdnow_master.csv.gz")
    end = max(d[-1] for d in days.values())
    cut = end - dt.timedelta(days=window)
    active = [d for d in days.values() if d[0] <= cut]
    churned = sum(not any(cut < x <= cut + dt.timedelta(days=window) for x in d) for d in active)
    return churned / len(active)


def lifecycle_new_customer(which="baseline", aov=180.0, discount=0.01):
    """Months as a customer and discounted LTV of a new customer, solving the chain's equations."""
    p = {r["parameter"]: float(r[which]) for r in rows("reference/lifecycle.csv")}
    stages = ["potential", "new", "growing", "mature", "declining"]
    Q = np.zeros((5, 5))
    i = {s: k for k, s in enumerate(stages)}
    Q[i["potential"], i["potential"]] = 1 - p["conversion"] - p["potential_loss"]
    Q[i["potential"], i["new"]] = p["conversion"]
    Q[i["new"], i["growing"]], Q[i["new"], i["declining"]] = p["activation"], 1 - p["activation"]
    Q[i["growing"], i["mature"]], Q[i["growing"], i["declining"]] = p["repurchase"], p["growing_decay"]
    Q[i["growing"], i["growing"]] = 1 - p["repurchase"] - p["growing_decay"]
    Q[i["mature"], i["declining"]], Q[i["mature"], i["mature"]] = p["mature_decay"], 1 - p["mature_decay"]
    Q[i["declining"], i["growing"]], Q[i["declining"], i["declining"]] = p["winback"], 1 - p["winback"] - p["lapse"]
    months = np.linalg.solve(np.eye(5) - Q, np.array([0, 1, 1, 1, 1.0]))
    spend = aov * np.array([0, p["orders_new"], p["orders_growing"], p["orders_mature"], p["orders_declining"]])
    ltv = np.linalg.solve(np.eye(5) - Q / (1 + discount), spend)
    return months[1], ltv[1]


def expected():
    n_customers, holdout = sample_holdout()
    rate = churn_base_rate()
    net = max((r for r in rows("official/statistics.csv") if r["series_id"] == "cnnic_netizens"), key=lambda r: r["period_end"])
    k_yunji = claim("000-4.2-06") * 0.23
    z = norm.ppf(0.975) + norm.ppf(0.8)
    n = lambda a, b: math.ceil(2 * (z / (2 * math.asin(math.sqrt(b)) - 2 * math.asin(math.sqrt(a)))) ** 2)
    lt, ltv = lifecycle_new_customer()
    lt_t, ltv_t = lifecycle_new_customer("target", aov=claim("000-3.3-09"))
    return {"clv_customers": n_customers, "hold_actual": holdout, "churn_rate": rate, "churn_majority": max(rate, 1 - rate),
            "luckin_multiple": claim("000-4.2-05") / claim("000-4.2-04"), "yunji_k": k_yunji,
            "yunji_months": math.log(float(net["value_canonical"]) * 1e8 / 1e4) / math.log(1 + k_yunji),
            "lr_implied": claim("000-4.3-03") - claim("000-4.3-04"),
            "n_private": n(claim("000-3.2-08") / 100, claim("000-3.2-09") / 100),
            "n_activation": n(claim("000-2.1-08") / 100, claim("000-3.2-03") / 100),
            "lt_base": lt, "ltv_base": ltv, "lt_target": lt_t, "ltv_target": ltv_t,
            "n_lc_params": len(rows("reference/lifecycle.csv")), "cal_weeks": 39.0}


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chapter4_numbers(executed, scenario):
    values = glued(Path(executed[scenario]) / NB)
    for key, want in expected().items():
        assert values[key] == pytest.approx(want, rel=1e-9), key
    published = {"bg_r": 0.243, "bg_alpha": 4.414, "bg_a": 0.793, "bg_b": 2.426}  # Fader, Hardie & Lee (2005)
    for key, want in published.items():
        assert values[key] == pytest.approx(want, abs=0.0051), key
    assert 0.5 < values["churn_auc"] < 1 and values["err_hist"] > values["err_model"]


@pytest.mark.slow
def test_customer_value_matches_an_independent_fit(executed):
    values = glued(Path(executed["base"]) / NB)
    for key, want in independent_clv(values["clv_horizon"]).items():
        assert values[key] == pytest.approx(want, rel=1e-3, abs=0.05), key


@pytest.mark.slow
def test_scenarios_do_not_change_chapter4(executed):
    runs = {s: glued(Path(executed[s]) / NB) for s in SCENARIOS}
    assert runs["base"] == runs["optimistic"] == runs["pessimistic"]
