"""Chapter 4's package functions (growthpath.analysis.ch04_theory): values name the claims, assumptions, parameters and logs
they were computed from."""
from __future__ import annotations

import pytest

from growthpath import audit
from growthpath.data import assumptions, claims as ledger
from growthpath.analysis import economics, logdesc, ch04_theory


@pytest.fixture(scope="module")
def data():
    return ledger.load(), assumptions.load()


def test_the_monthly_discount_is_the_parameter_or_the_registers_yearly_rate(data):
    _, register = data
    assert ch04_theory.monthly_discount(register, 1.5) == 1.5
    assert ch04_theory.monthly_discount(register, None) == pytest.approx(economics.monthly_equivalent_pct(register["discount_rate_pct"]))


def test_lifecycle_values_name_what_the_chain_read_and_the_discount(data):
    claims, register = data
    pct = ch04_theory.monthly_discount(register, None)
    chain = ch04_theory.lifecycle_chain(claims, register, {}, pct)
    got = ch04_theory.lifecycle_values(chain, claims, register, pct, None)
    assert "assumption:discount_rate_pct" in got["ltv_base"].ids and "assumption:discount_rate_pct" not in got["lt_base"].ids
    assert any(not i.startswith(("assumption:", "parameter:")) for i in got["lt_base"].ids)   # the plan's rates
    assert got["disc_pct"].ids == ("assumption:discount_rate_pct",)
    assert ch04_theory.lifecycle_values(chain, claims, register, 2.0, 2.0)["disc_pct"].ids == ("parameter:monthly_discount_pct",)


def test_experiment_sizes_name_their_claims_and_the_power_assumptions(data):
    claims, register = data
    got = ch04_theory.power_values(ch04_theory.tested_experiments(claims, register), register)
    assert got["n_activation"].ids == ("000-2.1-08", "000-3.2-03", "assumption:power_alpha", "assumption:power_target")
    assert {"assumption:icc", "assumption:cluster_size"} <= set(got["n_private"].ids)
    assert got["n_private"].value >= got["n_private_individual"].value      # a design effect of at least one


def test_effect_counts_add_up_and_name_the_claims_counted(data):
    claims, _ = data
    found = ch04_theory.effect_frame(claims, audit.run(by_place=True))
    got = ch04_theory.effect_values(found)
    assert sum(got[f"n_effects_{k}"].value for k in ch04_theory.EFFECT_KEYS) == got["n_effects"].value == len(got["n_effects"].ids)


def test_own_logs_is_true_when_any_log_parameter_is_set():
    assert logdesc.own_logs("", "mine.csv") and not logdesc.own_logs("", "")
