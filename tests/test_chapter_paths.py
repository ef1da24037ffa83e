"""What Chapters 2 and 4 compute from a log goes through the engine and scales: the log description,
the daily counts behind the tracking chart and the churn features equal a plain pandas recomputation;
the model fits use exact gradients (checked against finite differences) and patterns (the same
estimates as per customer); a histogram holds one row per bin; and loading the same log twice in a
chapter gives the frame read before only while file and frame are unchanged."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime

from conftest import REPO

CDNOW = REPO / "data" / "orders" / "cdnow_master.csv.gz"


@pytest.fixture(scope="module")
def cdnow():
    from growthpath.data import orders

    return orders.load(CDNOW)


def pandas_purchases(frame):
    day = frame.assign(date=frame["date"].dt.normalize())
    return day.groupby(["customer_id", "date"], as_index=False)["amount"].sum()


def test_log_description_equals_pandas(cdnow):
    from growthpath.analysis import logdesc

    d = logdesc.describe(cdnow, str(CDNOW))
    day = cdnow["date"].dt.normalize()
    first = day.groupby(cdnow["customer_id"]).min()
    assert (d.first_date, d.last_date) == (day.min(), day.max())
    assert d.n_customers == cdnow["customer_id"].nunique() and d.n_lines == len(cdnow)
    assert (d.acquired_from, d.acquired_to) == (first.min(), first.max())
    assert d.late_share == pytest.approx(float((first.dt.to_period("Q") > day.min().to_period("Q")).mean()))


def test_late_share_counts_customers_acquired_after_the_first_quarter(tmp_path):
    from growthpath.data import orders
    from growthpath.analysis import logdesc

    rows = [("a", "2024-01-05", 10), ("a", "2024-02-01", 5), ("b", "2024-03-31", 7), ("c", "2024-04-01", 3),
            ("d", "2024-09-09", 4), ("e", "2024-01-20", 2), ("e", "2024-11-02", 8)]
    path = tmp_path / "log.csv"
    pd.DataFrame(rows, columns=["customer_id", "date", "amount"]).to_csv(path, index=False)
    d = logdesc.describe(orders.load(path), str(path))
    assert d.late_share == pytest.approx(2 / 5)     # c (1 April) and d; b on 31 March is still the first quarter
    assert (str(d.acquired_from.date()), str(d.acquired_to.date())) == ("2024-01-05", "2024-09-09")


def test_cumulative_tracking_equals_the_per_customer_computation(cdnow):
    from growthpath.data import orders
    from growthpath.models import clv

    fit = clv.fit_bgnbd(clv.rfm_summary(cdnow, "1997-09-30", "1998-06-30"))
    ours = clv.cumulative_tracking(fit, cdnow, 78)
    p = pandas_purchases(cdnow)
    origin, first = p["date"].min(), p.groupby("customer_id")["date"].transform("min")
    repeat_week = ((p.loc[p["date"] > first, "date"] - origin).dt.days // 7).to_numpy()
    starts = ((p.groupby("customer_id")["date"].min() - origin).dt.days / 7).to_numpy()
    for w in (1, 12, 40, 78):
        row = ours.loc[ours["week"] == w].iloc[0]
        assert row["observed"] == (repeat_week < w).sum()
        assert row["predicted"] == pytest.approx(clv.expected_purchases_new(fit, np.clip(w - starts, 0, None)).sum(), rel=1e-10)
    assert orders.purchases(cdnow)["customer_id"].nunique() == len(starts)


def test_churn_features_equal_pandas(cdnow):
    from growthpath.models import churn

    cutoff, window = pd.Timestamp("1997-12-31"), 182
    ours = churn.features(cdnow, cutoff, window)
    p = pandas_purchases(cdnow)
    past, future = p[p["date"] <= cutoff], p[(p["date"] > cutoff) & (p["date"] <= cutoff + pd.Timedelta(days=window))]
    g = past.groupby("customer_id")
    theirs = pd.DataFrame({"log_recency": np.log1p((cutoff - g["date"].max()).dt.days), "log_frequency": np.log(g.size()),
                           "log_monetary": np.log1p(g["amount"].mean()), "log_tenure": np.log1p((cutoff - g["date"].min()).dt.days)})
    theirs["churned"] = (~theirs.index.isin(future["customer_id"])).astype(int)
    assert list(ours.index) == list(theirs.index)
    np.testing.assert_allclose(ours[list(churn.FEATURES)].to_numpy(), theirs[list(churn.FEATURES)].to_numpy(), rtol=1e-12)
    assert (ours["churned"].to_numpy() == theirs["churned"].to_numpy()).all() and 0 < ours["churned"].mean() < 1


@pytest.mark.parametrize("model", ["bgnbd", "gamma_gamma"])
def test_exact_gradients_match_finite_differences(model):
    from growthpath.models import clv

    rng = np.random.default_rng(7)
    x = rng.integers(0, 12, 400).astype(float)
    if model == "bgnbd":
        T = rng.uniform(0.5, 80, 400)
        data, params = dict(x=x, t_x=np.where(x > 0, T * rng.uniform(0, 1, 400), 0.0), T=T), np.array([0.3, 5.0, 0.8, 2.5])
        ll, grad = clv.bgnbd_loglikelihood, clv.bgnbd_gradient
    else:
        x = x[x > 0]
        data, params = dict(x=x, m_x=rng.lognormal(3, 0.8, len(x))), np.array([6.0, 3.5, 15.0])
        ll, grad = clv.gamma_gamma_loglikelihood, clv.gamma_gamma_gradient
    levels = np.unique(data["x"], return_inverse=True)
    numeric = approx_fprime(params, lambda q: ll(q, **data).sum(), 1e-7)
    exact = grad(params, **data).sum(axis=0)
    np.testing.assert_allclose(exact, numeric, rtol=1e-5)
    np.testing.assert_allclose(grad(params, **data, levels=levels), grad(params, **data), rtol=1e-14)
    np.testing.assert_allclose(ll(params, **data, levels=levels), ll(params, **data), rtol=1e-14)


def test_fits_reproduce_the_published_cdnow_estimates_per_customer_and_by_pattern():
    from growthpath.data import orders
    from growthpath.models import clv

    s = clv.rfm_summary(orders.load(REPO / "data" / "orders" / "cdnow_sample.csv.gz"), "1997-09-30", "1998-06-30")
    per_customer = clv.fit_bgnbd(s)
    by_pattern = clv.fit_bgnbd(clv.patterns(s, clv.BGNBD_COLUMNS), weights="n")
    for k, published in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():  # Fader, Hardie & Lee (2005)
        assert per_customer.params[k] == pytest.approx(published, abs=1e-3)   # published to three decimals
        assert by_pattern.params[k] == pytest.approx(per_customer.params[k], rel=1e-7)
        assert by_pattern.bse[k] == pytest.approx(per_customer.bse[k], rel=1e-6)
    assert by_pattern.n == per_customer.n == len(s) and per_customer.usable


def test_histogram_holds_one_row_per_bin():
    from growthpath.charts import helpers

    values = pd.Series(np.random.default_rng(3).lognormal(4, 1, 200_000))
    chart = helpers.histogram(pd.DataFrame({"v": values}), value="v", bins=50)
    rows = chart.to_dict()["datasets"]
    assert max(len(r) for r in rows.values()) <= 50
    counts = helpers.binned_counts(values, 50)
    assert counts["count"].sum() == len(values) and len(counts) <= 50
    step = counts["end"] - counts["start"]
    assert np.allclose(step, step.iloc[0]) and counts["start"].iloc[0] <= values.min() and counts["end"].iloc[-1] >= values.max()
    mantissa = step.iloc[0] / 10 ** np.floor(np.log10(step.iloc[0]))
    assert round(mantissa, 9) in (1, 2, 5)


def test_loading_a_log_twice_gives_the_same_frame_only_while_nothing_changed(tmp_path):
    from growthpath.data import orders

    path = tmp_path / "log.csv"
    pd.DataFrame({"customer_id": list("aabbcc"), "date": ["2024-01-01", "2024-02-01"] * 3,
                  "amount": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}).to_csv(path, index=False)
    first = orders.load(path)
    assert orders.load(path) is first
    first.loc[first.index[0], "amount"] = first["amount"].iloc[0] + 1   # edited in place: read again
    second = orders.load(path)
    assert second is not first and second["amount"].iloc[0] == first["amount"].iloc[0] - 1
    os.utime(path, ns=(0, 0))                                           # the file changed (its mtime)
    assert orders.load(path) is not second
