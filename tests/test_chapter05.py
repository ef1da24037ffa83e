"""Chapter 5 under every scenario: glued numbers equal an independent recomputation from data/."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from scipy.stats import norm

from conftest import claim_value as claim, data_rows as rows, glued

NB = "05_implementation.ipynb"
SCENARIOS = ["base", "optimistic", "pessimistic"]


def expected():
    stages = rows("reference/funnel.csv")
    e2e_base = math.prod(float(r["baseline"]) for r in stages)
    e2e_target = math.prod(float(r["target"]) for r in stages)
    aov0, aov1 = claim("000-3.3-08"), claim("000-3.3-09")
    s0, s1 = claim("000-2.1-13") / 100, claim("000-3.3-03") / 100
    z = norm.ppf(0.975) + norm.ppf(0.8)
    ns = [math.ceil(2 * (z / (2 * math.asin(math.sqrt(claim(r["target_source"]) / 100))
                             - 2 * math.asin(math.sqrt(claim(r["baseline_source"]) / 100)))) ** 2) for r in rows("reference/experiments.csv")]
    return {"e2e_base": e2e_base, "e2e_target": e2e_target, "conv_base": 1e4 * e2e_base, "conv_target": 1e4 * e2e_target,
            "logi_base": aov0 * s0, "logi_target": aov1 * s1, "logi_change": aov1 * s1 - aov0 * s0,
            "contrib_base": aov0 * (0.30 - s0), "contrib_target": aov1 * (0.30 - s1),
            "orig_points": claim("000-3.2-05") - claim("000-3.2-04"), "mig_gap": claim("000-3.2-14") - claim("000-2.5-09"),
            "seq_months": 21, "cum_months": 12, "largest_n": max(ns)}


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_chapter5_numbers(executed, scenario):
    values = glued(Path(executed[scenario]) / NB)
    want = expected()
    assert f"{want.pop('largest_n'):,} users per arm" in values["largest_test"]
    for key, value in want.items():
        assert values[key] == pytest.approx(value, rel=1e-9), key


@pytest.mark.slow
def test_scenarios_do_not_change_chapter5(executed):
    runs = {s: glued(Path(executed[s]) / NB) for s in SCENARIOS}
    assert runs["base"] == runs["optimistic"] == runs["pessimistic"]
