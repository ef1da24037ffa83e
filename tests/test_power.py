"""Sample sizes match Cohen's (1988) table and the closed-form normal approximation."""
from __future__ import annotations

import math

import pytest
from scipy.stats import norm

from growthpath.models import power


def test_cohens_table_value():
    # Cohen (1988), Table 6.4.1: h = 0.20, two-sided α = 0.05, power 0.80 → n = 392 per group
    p1 = 0.5
    p2 = math.sin(math.asin(math.sqrt(p1)) + 0.1) ** 2  # h = 2·asin√p2 − 2·asin√p1 = 0.2
    assert power.sample_size_per_arm(p1, p2) in (392, 393)


def test_closed_form():
    p1, p2, a, b = 0.052, 0.08, 0.05, 0.8
    h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
    n = 2 * ((norm.ppf(1 - a / 2) + norm.ppf(b)) / h) ** 2
    assert power.sample_size_per_arm(p1, p2, a, b) == math.ceil(n)


def test_minimum_detectable_lift_inverts_sample_size():
    lift = power.minimum_detectable_lift(0.05, 10_000)
    assert power.sample_size_per_arm(0.05, 0.05 * (1 + lift)) == pytest.approx(10_000, abs=1)


def test_curve_falls_with_effect_size():
    c = power.curve([0.05], [0.05, 0.1, 0.5])
    assert list(c["n_per_arm"]) == sorted(c["n_per_arm"], reverse=True)


@pytest.mark.parametrize("args", [(0, 0.1), (0.1, 0.1), (0.1, 1.2), (0.1, 0.2, 0.0)])
def test_invalid_inputs(args):
    with pytest.raises(ValueError):
        power.sample_size_per_arm(*args)
