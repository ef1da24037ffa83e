"""Churn model: AUC, ROC and calibration against brute force; the logit recovers a planted signal."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpath.models import churn


def test_auc_equals_the_pairwise_definition():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    score = rng.normal(size=300) + y * 0.8
    score[:20] = 0.0  # ties count one half
    pos, neg = score[y == 1], score[y == 0]
    brute = np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])
    assert churn.auc(y, score) == pytest.approx(brute)
    with pytest.raises(ValueError):
        churn.auc([1, 1], [0.2, 0.3])


def test_roc_runs_corner_to_corner_and_its_area_is_the_auc():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 500)
    score = rng.normal(size=500) + y
    roc = churn.roc_curve(y, score)
    assert (roc.iloc[0]["fpr"], roc.iloc[0]["tpr"]) == (0, 0) and (roc.iloc[-1]["fpr"], roc.iloc[-1]["tpr"]) == (1, 1)
    assert np.trapezoid(roc["tpr"], roc["fpr"]) == pytest.approx(churn.auc(y, score))


def test_calibration_bins():
    p = np.linspace(0.01, 0.99, 1000)
    y = (np.random.default_rng(3).random(1000) < p).astype(int)
    cal = churn.calibration(y, p, bins=10)
    assert len(cal) == 10 and cal["customers"].sum() == 1000
    assert np.allclose(cal["observed"], cal["predicted"], atol=0.1)


def synthetic_orders(n=600, seed=4, noise=True):
    """Loyal customers buy every few weeks until a random stop; the others buy once, and (with
    noise) sometimes return once at a random date."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        start = pd.Timestamp("2020-01-01") + pd.Timedelta(days=int(rng.integers(0, 60)))
        if i % 3 == 0:
            stop = int(rng.integers(100, 900)) if noise else 900
            days = list(np.arange(0, min(stop, 700), int(rng.integers(20, 40))))
        else:
            days = [0] + ([int(rng.integers(30, 700))] if noise and rng.random() < 0.3 else [])
        rows += [{"customer_id": f"c{i}", "date": start + pd.Timedelta(days=int(d)), "amount": float(rng.integers(5, 50))} for d in days]
    return pd.DataFrame(rows)


def test_logit_separates_a_planted_signal():
    model = churn.fit(synthetic_orders(), window_days=90)
    ev = churn.evaluate(model)
    assert model.train_cutoff < model.test_cutoff
    assert ev["auc"] > 0.8 and ev["accuracy"] >= ev["majority_accuracy"] and not model.notes
    assert model.result.params["log_recency"] > 0  # the longer since the last purchase, the likelier churn


def test_a_model_that_cannot_be_identified_says_so():
    model = churn.fit(synthetic_orders(noise=False), window_days=90)
    assert any("separation" in note.lower() for note in model.notes)


def test_the_threshold_comes_from_the_register():
    from growthpath.data import assumptions

    A = assumptions.load()
    assert churn.default_threshold() == A["churn_threshold"]
    assert churn.default_threshold(A.with_overrides(churn_threshold=0.7)) == 0.7
    y, prob = np.array([1, 1, 0, 0]), np.array([0.9, 0.6, 0.55, 0.1])
    assert churn.accuracy(y, prob, 0.5) == 0.75 and churn.accuracy(y, prob, 0.58) == 1.0
    assert churn.accuracy(y, prob) == churn.accuracy(y, prob, A["churn_threshold"])
    with pytest.raises(ValueError, match="threshold"):
        churn.accuracy(y, prob, 1.5)
    ev = churn.evaluate(churn.fit(synthetic_orders(), window_days=90), 0.7)
    assert ev["threshold"] == 0.7


def test_window_must_be_sensible():
    with pytest.raises(ValueError):
        churn.fit(synthetic_orders(), window_days=3)


def _distance_to_polyline(px, py, lx, ly):
    ax, ay, bx, by = lx[:-1], ly[:-1], lx[1:], ly[1:]
    dx, dy = bx - ax, by - ay
    t = np.clip(((px[:, None] - ax) * dx + (py[:, None] - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-300), 0, 1)
    return np.hypot(px[:, None] - (ax + t * dx), py[:, None] - (ay + t * dy)).min(axis=1)


def test_a_thinned_roc_curve_draws_within_the_tolerance_of_the_full_one():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 4000)
    score = rng.normal(size=4000) + 0.8 * y
    full = churn.roc_curve(y, score)
    thin = churn.roc_curve(y, score, tolerance=churn.DRAW_TOLERANCE)
    assert len(thin) < len(full) / 10
    assert thin.iloc[[0, -1]].to_numpy().tolist() == [[0, 0], [1, 1]]
    gaps = _distance_to_polyline(full["fpr"].to_numpy(), full["tpr"].to_numpy(), thin["fpr"].to_numpy(), thin["tpr"].to_numpy())
    assert gaps.max() <= churn.DRAW_TOLERANCE + 1e-12
    assert _distance_to_polyline(full["fpr"].to_numpy(), full["tpr"].to_numpy(), full["fpr"].to_numpy()[::400],
                                 full["tpr"].to_numpy()[::400]).max() > churn.DRAW_TOLERANCE  # the check can fail
