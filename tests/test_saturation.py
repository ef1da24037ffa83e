"""Saturating growth models recover known curves and report fits that do not identify a ceiling."""
from __future__ import annotations

import numpy as np
import pytest

from growthpath.models import saturation as s

T = np.arange(2010, 2026, 0.5)


def test_logistic_recovers_parameters():
    y = s.logistic(T - T.min(), 12.0, 0.45, 6.0)
    f = s.fit(T, y, "logistic")
    assert f.ok and f.params["K"] == pytest.approx(12.0, rel=1e-4) and f.params["r"] == pytest.approx(0.45, rel=1e-4)
    pred = f.predict([2030.0])
    assert pred["mean"].item() == pytest.approx(s.logistic(2030.0 - T.min(), 12.0, 0.45, 6.0), rel=1e-4)


def test_gompertz_recovers_parameters():
    y = s.gompertz(T - T.min(), 10.0, 2.0, 0.3)
    f = s.fit(T, y, "gompertz")
    assert f.ok and f.params["K"] == pytest.approx(10.0, rel=1e-3) and f.params["c"] == pytest.approx(0.3, rel=1e-3)


def test_interval_contains_mean_and_widens_with_noise():
    rng = np.random.default_rng(1)
    y = s.logistic(T - T.min(), 12.0, 0.45, 6.0) + rng.normal(0, 0.1, len(T))
    p = s.fit(T, y).predict([2026.0, 2030.0])
    assert np.all(p["lower"] < p["mean"]) and np.all(p["mean"] < p["upper"])
    assert (p["upper"] - p["lower"]).iloc[1] > (p["upper"] - p["lower"]).iloc[0]


def test_unidentified_ceiling_is_reported():
    y = np.exp(0.1 * (T - T.min()))  # pure exponential growth: no saturation in sight
    f = s.fit(T, y, "logistic")
    assert not f.ok and "ceiling" in f.note


def test_bad_input():
    with pytest.raises(ValueError):
        s.fit([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError):
        s.fit(T, np.ones(len(T)), "cubic")
