"""Chapter 2's package functions (growthpath.analysis.ch02_problem_definition) on the ledger and on small made-up inputs: the
sentences follow the numbers, and each value names what it was computed from."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath import audit
from growthpath.data import claims as ledger, orders
from growthpath.analysis import logdesc, ch02_problem_definition as ch2


@pytest.fixture(scope="module")
def claims():
    return ledger.load()


def _reading(same_scope: bool) -> dict:
    return {"rate_entity": "industry", "endpoints_entity": "unnamed head platform", "first_year": 2021, "last_year": 2023,
            "stated_pct": 22.0, "start": 35.0, "end": 89.0, "implied_pct": {2: 59.5, 3: 36.4}, "same_scope": same_scope}


def test_the_scopes_sentence_says_contradiction_only_for_one_scope():
    two, one = ch2.scopes_sentence(_reading(False)), ch2.scopes_sentence(_reading(True))
    assert "two scopes, so they do not" in two and "22 % a year" in two
    assert "so they contradict each other" in one and "36.4–59.5 %" in one


def test_activation_decline_is_per_year_of_the_claims_own_periods(claims):
    first = ledger.pick(claims, doc="000", metric="activation_rate_7d", period="2020", scope="market")
    last = ledger.pick(claims, doc="000", metric="activation_rate_7d", period="2023", scope="market")
    got = ch2.activation(claims)["activation_pp_per_year"]
    assert got.value == pytest.approx((first["value"] - last["value"]) / 3)
    assert got.ids == (first["claim_id"], last["claim_id"]) and got.unit == "pp (decline)"


def test_the_funnel_has_only_the_two_stages_the_plan_gives(claims):
    frame = ch2.first_order_funnel(claims)
    loss = ledger.pick(claims, doc="000", section="2.1", metric="browse_cart_order_dropoff_rate", scope="case")["value"]
    assert frame["share"].tolist() == [1.0, 1 - loss / 100] and len(frame) == 2


def test_payment_shares_sum_names_both_claims_and_select_notes_them(claims):
    from growthpath.data import provenance

    with provenance.capture() as read:
        pay = ledger.select(claims, doc="004", metric="payment_market_share")
    assert read == pay["claim_id"].tolist() and len(pay) == 2
    got = ch2.genz_sums(claims)["payment_sum"]
    assert got.value == pytest.approx(pay["value"].sum()) and set(got.ids) == set(pay["claim_id"])


def test_the_repurchase_table_adds_a_note_only_when_a_window_is_not_observable():
    rates = pd.DataFrame({"days": [30, 900], "eligible": [10, 0], "repurchased": [3, 0], "rate": [0.3, float("nan")],
                          "observable": [True, False], "note": ["", "not observable"]})
    assert list(ch2.repurchase_table(rates).columns)[-1] == "note"
    assert "note" not in ch2.repurchase_table(rates.iloc[:1]).columns


def test_section_counts_name_the_sections_and_the_claims_their_findings_cite():
    found = audit.run(by_place=True)
    here = audit.in_sections(found, "000 §2.1", key="s21")
    assert here.values["s21_findings"].value == len(here.found) > 0
    cited = {r.claim_id for f in here.found for r in f.refs}
    assert set(here.values["s21_findings"].ids) == {"section:000 §2.1"} | cited | {o for f in here.found for o in f.official}
    contradictions = [f for f in here.found if f.severity == "contradiction"]
    assert here.values["s21_contradictions"].value == len(contradictions)


def test_an_analysts_log_is_named_by_its_file(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("customer_id,date,amount\na,2024-01-02,10\na,2024-02-03,12\nb,2024-01-05,7\n", encoding="utf-8")
    frame = orders.load_parameters(str(path))
    d = logdesc.describe(frame, str(path))
    assert logdesc.log_id(d) == f"orders:{d.file}" and d.file.endswith("mine.csv")
    assert logdesc.log_id(logdesc.describe(orders.load_parameters())) == f"orders:{orders.DEFAULT_RESOURCE}"
