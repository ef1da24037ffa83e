"""Investment calculator against hand-computed cases; allocations checked against the ledger."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.data import claims
from growthpath.analysis import investment


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


def test_requirements_take_their_horizon_from_the_caller():
    frame = pd.DataFrame({"case": ["a", "b"], "amount": [3.0, 2.0], "recurring": [False, True], "floor_source": ["X-1", ""]})
    with pytest.raises(TypeError):
        investment.requirements(frame, {"f": (1.5, 3)}, 0.08)  # no default horizon
    with pytest.raises(ValueError):
        investment.requirements(frame, {"f": (1.5, 3)}, 0.08, npv_years=0)
    req = investment.requirements(frame, {"f": (1.5, 3)}, 0.0, npv_years=3, floor_labels={"X-1": "floor X"})
    assert list(req["NPV ≥ 0 in 3 y"]) == pytest.approx([1.0, 2.0])  # at 0 %: cost ÷ 3, or each year's cost
    assert list(req["f, gross"]) == pytest.approx([1.5, 3.0]) and list(req["f, net"]) == pytest.approx([2.5, 5.0])
    assert list(req["the plan's floor for its phase"]) == ["floor X", "none stated"]
    assert "the plan's floor for its phase" not in investment.requirements(frame, {}, 0.0, npv_years=1)


def test_period_years():
    C = pd.DataFrame({"claim_id": ["a", "b", "c", "d", "e"], "period": ["2024-2026", "5 years", "36 months", "18 months", "2026-2024"]})
    assert [investment.period_years(C, i) for i in "abc"] == [3, 5, 3]
    for bad in "de":
        with pytest.raises(ValueError):
            investment.period_years(C, bad)
    book = claims.load()
    assert investment.period_years(book, "000-7.3-06") == 3 and investment.period_years(book, "000-7.3-18") == 5


def test_share_levers():
    # 28 % → 20 %: the cost of an order falls by 8/28 = 2/7, or the order grows by 28/20 − 1 = 40 %
    levers = investment.share_levers(0.28, 0.20)
    assert levers["cost_cut"] == pytest.approx(2 / 7) and levers["order_value_rise"] == pytest.approx(0.40)
    assert investment.share_levers(0.2, 0.2) == {"cost_cut": 0.0, "order_value_rise": 0.0}
    for bad in ((0.0, 0.2), (0.28, 0.0), (1.5, 0.2)):
        with pytest.raises(ValueError):
            investment.share_levers(*bad)


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
    # each §7.3 case carries the floor of its own funding phase; §7.4's have none
    by_floor = {k: set(g) for k, g in cases.groupby("floor_source")["section"]}
    assert by_floor == {"": {"000 §7.4"}, "000-7.3-06": {"000 §7.3"}, "000-7.3-12": {"000 §7.3"}, "000-7.3-18": {"000 §7.3"}}
    metrics = C.set_index("claim_id").loc[["000-7.3-06", "000-7.3-12", "000-7.3-18"], "metric"]
    assert all("roi" in m for m in metrics)


def test_floors_in_words():
    row = lambda **kw: pd.Series({"claim_id": "X", "section": "7.3", "period": "2025", "quote": "q", "quote_zh": "q", "unit": "比值", **kw})
    assert investment.floor_label(row(value=1.5), 3) == "ROI ≥ 1.5 in 3 y"
    assert investment.floor_label(row(value=3.0, unit="比值(1:x)")) == "marketing ROI ≥ 1:3"
    # 1.5 (§3.3) against 1:3 (§7.3): twice as high, and neither gross/net mix (1.5, 2.5 vs 3, 4) reconciles them
    m = investment.compare_floors(row(value=1.5, section="3.3", claim_id="A"), row(value=3.0, claim_id="B", unit="比值(1:x)"))
    assert m["ratio"] == 2 and not m["reconciled"] and m["short"] == "differs" and "§7.3's floor is 2 times §3.3's" in m["text"]
    assert investment.compare_floors(row(value=2.0), row(value=3.0))["reconciled"]  # net 2 = gross 3
    assert investment.compare_floors(row(value=2.0), row(value=2.0))["short"] == "agrees"


def test_reserve_is_read_as_ambiguous():
    sums = pd.DataFrame({"allocation": ["Funding by phase"], "split_sum": [100.0], "with_separate": [120.0]})
    reserve = pd.Series({"claim_id": "R", "value": 20.0, "quote": "保持20%的應急資金儲備", "quote_zh": "保持20%的应急资金储备"})
    first = pd.Series({"claim_id": "F", "value": 40.0, "period": "2024"})
    r = investment.reserve_reading(sums, reserve, first)
    assert (r["phase_sum"], r["total"], r["first_beside"]) == (100, 120, 32)  # 40 % of the 80 % left after the reserve
    assert "ambiguous rather than contradictory" in r["text"]


def test_phase_floors_text():
    cases = pd.DataFrame({"case": ["a", "b", "c"], "section": ["000 §7.3", "000 §7.3", "000 §7.4"], "floor_source": ["F1", "F1", ""]})
    text = investment.phase_floors_text(cases, {"F1": "ROI ≥ 1.5 in 3 y"}, {"F1": "the 2024 infrastructure"})
    assert text == "ROI ≥ 1.5 in 3 y (F1) to the 2024 infrastructure (a and b). The §7.4 cases (c) have none."
