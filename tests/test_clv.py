"""BG/NBD and Gamma-Gamma: the published CDNOW estimates are reproduced (Fader, Hardie & Lee 2005;
Fader & Hardie 2013), and the prediction formulas behave as the algebra says they must."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from growthpath.data import orders
from growthpath.models import clv

CAL_END, HOLD_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def summary():
    return clv.rfm_summary(orders.load(None, None, resource="orders_cdnow_sample"), CAL_END, HOLD_END)


@pytest.fixture(scope="module")
def bg(summary):
    return clv.fit_bgnbd(summary)


def test_summary_matches_the_published_sample(summary):
    # FHL (2005): 2,357 customers, 946 of them with repeat purchases, 2,457 repeat purchases in weeks 1-39
    assert len(summary) == 2357 and (summary["x"] > 0).sum() == 946 and summary["x"].sum() == 2457
    assert summary["T"].max() == pytest.approx(272 / 7) and (summary["t_x"] <= summary["T"]).all()


def test_bgnbd_reproduces_the_published_estimates(bg):
    for k in clv.BGNBD_PARAMS:
        assert bg.params[k] == pytest.approx(clv.PUBLISHED[k], abs=0.0051), k
    assert bg.loglike == pytest.approx(clv.PUBLISHED_LOGLIKE, abs=0.05)
    assert bg.converged and all(0 < se < bg.params[k] for k, se in bg.bse.items())


def test_gamma_gamma_reproduces_the_published_estimates(summary):
    gg = clv.fit_gamma_gamma(summary)
    assert gg.n == 946
    for k in clv.GAMMA_GAMMA_PARAMS:
        assert gg.params[k] == pytest.approx(clv.PUBLISHED[k], abs=0.006), k


def test_loglikelihood_is_a_probability_for_one_customer():
    # for x = 0 the likelihood is P(no repeat purchase in (0, T]); it must fall with T and stay in (0, 1)
    params = (0.5, 5.0, 1.0, 2.0)
    ll = clv.bgnbd_loglikelihood(params, np.zeros(3), np.zeros(3), np.array([1.0, 10.0, 50.0]))
    assert np.all(ll < 0) and np.all(np.diff(ll) < 0)


def test_gamma_gamma_density_integrates_to_one():
    params, x = (6.25, 3.74, 15.44), 3.0
    total, _ = integrate.quad(lambda m: np.exp(clv.gamma_gamma_loglikelihood(params, np.array([x]), np.array([m]))[0]), 0, np.inf)
    assert total == pytest.approx(1.0, abs=1e-6)


def test_p_alive_is_one_without_repeat_purchases_and_falls_with_silence(bg):
    assert clv.p_alive(bg, [0, 0], [0, 0], [5, 30]) == pytest.approx([1, 1])
    recent, silent = clv.p_alive(bg, [3, 3], [29, 5], [30, 30])
    assert 0 < silent < recent < 1


def test_expected_purchases_of_a_new_customer(bg):
    t = np.array([0.0, 10.0, 39.0, 78.0])
    e = clv.expected_purchases_new(bg, t)
    assert e[0] == pytest.approx(0) and np.all(np.diff(e) > 0)
    # a newly acquired customer (x = 0, T = 0) has the unconditional expectation
    assert clv.conditional_expected_purchases(bg, 39.0, 0, 0, 0) == pytest.approx(e[2], rel=1e-9)


def test_expected_spend_shrinks_towards_the_population_mean():
    fit = clv.Fit({"p": 6.25, "q": 3.74, "gamma": 15.44}, {}, 0.0, 1, True)
    population = 6.25 * 15.44 / (3.74 - 1)
    assert clv.expected_spend(fit, 0, 0) == pytest.approx(population)
    few, many = clv.expected_spend(fit, [1, 50], [100.0, 100.0])
    assert population < few < many < 100


def test_holdout_end_must_follow_calibration():
    log = orders.load("tests/fixtures/orders_small.csv", {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"})
    with pytest.raises(ValueError, match="must come after calibration_end"):
        clv.rfm_summary(log, "2020-06-30", "2020-01-01")


def test_prediction_errors_rank_and_total():
    idx = pd.Index(["a", "b", "c", "d", "e"])
    actual = pd.Series([0, 0, 0, 0, 100.0], index=idx)
    pred = pd.DataFrame({"perfect": actual.to_numpy(), "flat": [20.0] * 5}, index=idx)
    out = clv.prediction_errors(pred, actual, top_pct=20).set_index("method")
    assert out.loc["perfect", "total error (%)"] == 0 and out.loc["perfect", "mean absolute error"] == 0
    assert out.loc["perfect", "spend held by predicted top 20 % (%)"] == 100
    assert out.loc["flat", "total error (%)"] == 0 and out.loc["flat", "mean absolute error"] == 32


def test_customer_value_grows_with_the_horizon_and_needs_one(summary, bg):
    gg = clv.fit_gamma_gamma(summary)
    half, year = clv.customer_value(summary, bg, gg, 26), clv.customer_value(summary, bg, gg, 52)
    assert (year >= half - 1e-12).all() and year.sum() > half.sum()
    with pytest.raises(ValueError, match="horizon"):
        clv.customer_value(summary, bg, gg, 0)


# ----------------------------------------------------------------------------- fits on weighted patterns
def relative_gap(ours: dict, theirs: dict) -> float:
    return max(abs(ours[k] / theirs[k] - 1) for k in theirs)


def test_pattern_fits_equal_per_customer_fits(summary, bg):
    # the likelihoods see a customer only through (x, t_x, T) and (x, m_x): n customers sharing a pattern
    # add n × its log-likelihood, so the fits must agree, standard errors and customer counts included
    for columns, fit, per_customer in ((clv.BGNBD_COLUMNS, clv.fit_bgnbd, bg),
                                       (clv.GAMMA_GAMMA_COLUMNS, clv.fit_gamma_gamma, clv.fit_gamma_gamma(summary))):
        table = clv.patterns(summary, columns)
        assert list(table.columns) == [*columns, "n"] and table["n"].sum() == len(summary) > len(table)
        weighted = fit(table, weights="n")
        assert weighted.converged and weighted.n == per_customer.n
        assert relative_gap(weighted.params, per_customer.params) < 1e-6
        assert relative_gap(weighted.bse, per_customer.bse) < 1e-6
        assert weighted.loglike == pytest.approx(per_customer.loglike, rel=1e-12)
    # CDNOW sample: 2,357 customers in 1,016 BG/NBD patterns; 946 repeat buyers in 760 (x, m_x) patterns
    assert len(clv.patterns(summary)) == 1016
    assert len(clv.patterns(summary[summary["x"] > 0], clv.GAMMA_GAMMA_COLUMNS)) == 760


def test_weighted_loglikelihood_is_the_per_customer_sum(summary):
    table = clv.patterns(summary)
    for params in ((0.5, 5.0, 1.0, 2.0), (0.243, 4.414, 0.793, 2.426)):
        per_customer = clv.bgnbd_loglikelihood(params, *(summary[k].to_numpy(float) for k in clv.BGNBD_COLUMNS)).sum()
        weighted = table["n"] @ clv.bgnbd_loglikelihood(params, *(table[k].to_numpy(float) for k in clv.BGNBD_COLUMNS))
        assert weighted == pytest.approx(per_customer, rel=1e-12)


def test_patterns_need_their_weights():
    table = pd.DataFrame({"x": [0, 1, 2] * 4, "t_x": [0.0, 1.0, 2.0] * 4, "T": [3.0] * 12})
    pat = clv.patterns(table)
    assert pat["n"].tolist() == [4, 4, 4]
    pd.testing.assert_frame_equal(clv.patterns(pat, weights="n"), pat)   # re-aggregating changes nothing
    with pytest.raises(ValueError, match="pass weights='n'"):
        clv.fit_bgnbd(pat)
    with pytest.raises(ValueError, match="whole numbers of at least 1"):
        clv.fit_bgnbd(pat.assign(n=[4, 0, 4]), weights="n")
    with pytest.raises(ValueError, match="at least 10 customers"):
        clv.fit_bgnbd(pat.assign(n=[3, 3, 3]), weights="n")
