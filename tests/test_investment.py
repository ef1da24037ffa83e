"""Investment calculator against hand-computed cases; allocations checked against the ledger."""
from __future__ import annotations

import pytest

from growthpath import claims, investment


def test_npv_by_hand():
    # -100 now, 60 at the end of years 1 and 2 at 10 %: -100 + 54.545 + 49.587 = 4.132
    assert investment.npv([-100, 60, 60], 0.10) == pytest.approx(4.1322, abs=1e-4)
    assert investment.npv(investment.cashflows(100, 60, 2), 0.10) == pytest.approx(4.1322, abs=1e-4)
    with pytest.raises(ValueError):
        investment.npv([1], -1.0)


def test_recurring_costs_are_paid_every_year():
    assert list(investment.cashflows(10, 12, 3, recurring=True)) == [-10, 2, 2, 12]


def test_roi_readings_and_required_returns():
    # cost 2, returns 1 a year for 3 years: gross 3/2 = 1.5, net 0.5
    assert investment.roi(2, 1, 3) == pytest.approx(1.5)
    assert investment.roi(2, 1, 3, reading="net") == pytest.approx(0.5)
    assert investment.required_return(2, 3, 1.5) == pytest.approx(1.0)
    assert investment.required_return(2, 3, 1.5, reading="net") == pytest.approx(2 * 2.5 / 3)
    assert investment.required_return(50, 3, 1.5, recurring=True) == pytest.approx(75)
    assert investment.payback_years(2, 1) == 2 and investment.payback_years(2, 0) == float("inf")


def test_break_even_return_makes_npv_zero():
    for recurring in (False, True):
        r = investment.break_even_return(10, 3, 0.08, recurring)
        assert investment.npv(investment.cashflows(10, r, 3, recurring), 0.08) == pytest.approx(0, abs=1e-9)
    assert investment.break_even_return(9, 3, 0.0) == pytest.approx(3)


def test_per_user():
    assert investment.per_user_needed(50, 2.5) == pytest.approx(20)
    with pytest.raises(ValueError):
        investment.per_user_needed(1, 0)


def test_book_allocations_and_cases():
    C = claims.load()
    sums = investment.allocation_sums(investment.allocations(C)).set_index("allocation")
    assert (sums["split_sum"] == 100).all()
    assert sums.loc["Funding by phase", "with_separate"] == 120
    cases = investment.cases(C)
    assert cases.set_index("case").loc["Pinduoduo 百亿补贴", "amount"] == 50 and set(cases["amount_unit"]) == {"亿元"}
