"""Monte Carlo helpers: deterministic for a seed, exact without noise, ceilings and shocks apply."""
from __future__ import annotations

import numpy as np
import pytest

from growthpath.analysis import simulate as sim

SPEC = sim.GrowthSpec(start=100.0, start_year=2023, end_year=2026, growth_mean=0.10, growth_sd=0.0)


def test_no_noise_is_exact_compounding():
    p = sim.paths(SPEC, 5, seed=1)
    assert p.shape == (5, 4) and p[0].tolist() == pytest.approx([100, 110, 121, 133.1])


def test_same_seed_same_paths_and_different_seed_differs():
    spec = sim.GrowthSpec(100, 2023, 2026, 0.1, 0.05)
    assert np.array_equal(sim.paths(spec, 100, 7), sim.paths(spec, 100, 7))
    assert not np.array_equal(sim.paths(spec, 100, 7), sim.paths(spec, 100, 8))


def test_probability_matches_the_normal_distribution():
    spec = sim.GrowthSpec(100, 2025, 2026, 0.10, 0.05)
    p = sim.paths(spec, 200_000, 3)[:, -1]
    assert sim.probability_at_least(p, 110) == pytest.approx(0.5, abs=0.01)
    assert sim.probability_at_least(p, 100 * (1 + 0.10 + 1.6449 * 0.05)) == pytest.approx(0.05, abs=0.005)


def test_ceiling_and_shocks():
    capped = sim.paths(SPEC, 2, 1, ceiling=np.array([100, 105, 105, 105]))
    assert capped[0].tolist() == [100, 105, 105, 105]
    shocked = sim.paths(SPEC, 1, 1, shocks=np.full((1, 3), -0.10))
    assert shocked[0].tolist() == pytest.approx([100, 100, 100, 100])
    assert np.array_equal(sim.paths(SPEC, 3, 1, shocks=np.zeros((3, 3))), sim.paths(SPEC, 3, 1))


def test_summary_and_lognormal():
    s = sim.summary(sim.paths(sim.GrowthSpec(100, 2023, 2026, 0.1, 0.02), 1000, 1), 2023)
    assert s["year"].tolist() == [2023, 2024, 2025, 2026] and (s["q05"] <= s["q95"]).all()
    d = sim.lognormal_draws(100, 80, 125, 0.95, 100_000, 2)
    assert np.median(d) == pytest.approx(100, rel=0.01) and np.mean((d >= 80) & (d <= 125)) == pytest.approx(0.95, abs=0.01)


def test_bad_spec():
    with pytest.raises(ValueError):
        sim.paths(sim.GrowthSpec(1, 2026, 2026, 0.1, 0.1), 10, 1)
