"""The lifecycle chain: closed-form absorbing-chain results, parameter checks against the ledger."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpath.data import assumptions, claims
from growthpath.data.datapackage import DataError
from growthpath.models import lifecycle


def params(rows):
    cols = ["parameter", "kind", "from_state", "to_state", "baseline", "target", "baseline_source", "target_source", "note"]
    return pd.DataFrame([dict(zip(cols, r + ("assumption", "assumption", ""))) for r in rows])


SIMPLE = params([
    ("conversion", "transition", "potential", "new", 1.0, 1.0),
    ("activation", "transition", "new", "growing", 1.0, 1.0),
    ("decay", "transition", "growing", "declining", 0.5, 0.25),
    ("lapse", "transition", "declining", "churned", 1.0, 1.0),
    ("matured", "transition", "mature", "churned", 1.0, 1.0),
])


def test_absorbing_chain_lifetime_has_the_closed_form():
    # new (1 month) → growing (geometric, mean 1 / decay) → declining (1 month) → churned
    for which, decay in (("baseline", 0.5), ("target", 0.25)):
        P = lifecycle.transition_matrix(SIMPLE, lifecycle.rates(SIMPLE, which))
        assert np.allclose(P.sum(axis=1), 1)
        life = lifecycle.expected_lifetime(P)
        assert life["new"] == pytest.approx(1 + 1 / decay + 1)
        assert life["potential"] == pytest.approx(life["new"])  # conversion is certain and takes a month outside "active"
        assert lifecycle.share_ever_reaching(P, "declining") == pytest.approx(1.0)


def test_lifetime_value_equals_months_times_spend_and_discounting_lowers_it():
    P = lifecycle.transition_matrix(SIMPLE, lifecycle.rates(SIMPLE, "baseline"))
    spend = {s: 10.0 for s in lifecycle.ACTIVE}
    assert lifecycle.lifetime_value(P, spend)["new"] == pytest.approx(10 * 4)
    # discounted: 10 (new) + 10·d·Σ 0.5^k d^k (growing) + declining after the growing spell
    d = 1 / 1.01
    growing = d / (1 - 0.5 * d)
    declining = d * growing * 0.5
    assert lifecycle.lifetime_value(P, spend, 0.01)["new"] == pytest.approx(10 * (1 + growing + declining))


def test_steady_state_mix_is_the_entry_row_of_N():
    P = lifecycle.transition_matrix(SIMPLE, lifecycle.rates(SIMPLE, "baseline"))
    mix = lifecycle.steady_state_mix(P)
    assert mix.sum() == pytest.approx(1) and mix["growing"] == pytest.approx(2 / 5)


def test_probabilities_over_one_are_refused():
    with pytest.raises(ValueError, match="stage 'growing'"):
        lifecycle.transition_matrix(SIMPLE, {**lifecycle.rates(SIMPLE, "baseline"), "decay": 1.5})
    with pytest.raises(ValueError, match="unknown lifecycle parameter"):
        lifecycle.rates(SIMPLE, "baseline", {"nonsense": 0.1})


def test_book_parameters_match_the_ledger_and_the_register():
    C = claims.load()
    A = assumptions.load()
    table = lifecycle.load_parameters(C)
    assert set(table["from_state"]) <= set(lifecycle.STAGES)
    assumed = lifecycle.is_assumed(table)
    assert (~assumed).sum() >= 5 and assumed.sum() == 7
    for row in table[assumed].itertuples():  # every assumption is a register row, with the register's value
        key = assumptions.source_id(row.baseline_source)
        assert key == row.parameter and row.baseline == row.target == A[key]
    assert table.set_index("parameter").at["orders_mature", "baseline"] == A["orders_mature"] == 1.0


def test_a_register_override_reaches_the_chain():
    table = lifecycle.load_parameters(claims.load(), assumptions.load().with_overrides(mature_decay=0.05))
    assert lifecycle.rates(table, "baseline")["mature_decay"] == 0.05
    assert lifecycle.rates(lifecycle.load_parameters(), "target")["mature_decay"] == assumptions.load()["mature_decay"]


def test_a_typed_value_that_disagrees_with_the_register_is_located(project):
    path = project / "data" / "reference" / "lifecycle.csv"
    text = path.read_text(encoding="utf-8")
    assert "orders_mature,orders_per_month,mature,,1.0," in text
    path.write_text(text.replace("orders_mature,orders_per_month,mature,,1.0,", "orders_mature,orders_per_month,mature,,2.0,"), encoding="utf-8")
    from growthpath.data import datapackage
    datapackage.refresh_hashes()
    with pytest.raises(DataError) as err:
        lifecycle.load_parameters()
    assert "lifecycle.csv" in str(err.value) and "orders_mature" in str(err.value) and "assumptions.csv" in str(err.value)
    assert "line 12, column 'baseline'" in str(err.value)  # header is line 1


def test_a_parameter_that_disagrees_with_its_claim_is_located(project):
    path = project / "data" / "reference" / "lifecycle.csv"
    text = path.read_text(encoding="utf-8").replace("activation,transition,new,growing,0.28", "activation,transition,new,growing,0.30")
    path.write_text(text, encoding="utf-8")
    from growthpath.data import datapackage
    datapackage.refresh_hashes()
    with pytest.raises(DataError) as err:
        lifecycle.load_parameters(claims.load())
    assert "lifecycle.csv" in str(err.value) and "baseline" in str(err.value) and "000-2.1-08" in str(err.value)


def test_levers_add_up_to_the_target_only_roughly():
    C = claims.load()
    table = lifecycle.load_parameters(C)
    base, goal = lifecycle.rates(table, "baseline"), lifecycle.rates(table, "target")
    out = lifecycle.lever_effects(table, base, goal, (180.0, 250.0), 0.01).set_index("lever")
    assert out.loc["all target", "ltv"] > out.loc["all baseline", "ltv"]
    assert out.loc["conversion", "change"] == pytest.approx(0)  # conversion acts before a customer exists
    assert (out.drop(["all baseline", "all target"])["change"] >= -1e-9).all()


def test_a_platform_case_is_not_read_as_a_plan_target():
    # the plan sets no conversion target: lifecycle.csv's target column holds Pinduoduo's 砍一刀 case
    C = claims.load()
    table = lifecycle.load_parameters(C)
    assert lifecycle.case_targets(table, C) == ["conversion"]
    row = table.set_index("parameter").loc["conversion"]
    case = C.set_index("claim_id").loc[row["target_source"]]
    assert case["kind"] == "case" and case["entity"].startswith("Pinduoduo")
    base, goal = lifecycle.rates(table, "baseline"), lifecycle.plan_targets(table, C)
    assert goal["conversion"] == base["conversion"] == row["baseline"]
    assert goal["activation"] == lifecycle.rates(table, "target")["activation"] != base["activation"]  # plan targets stay
    assert lifecycle.plan_targets(table, C, {"conversion": 0.5})["conversion"] == 0.5  # an analyst's override applies to both readings
    levers = lifecycle.lever_effects(table, base, goal, (180.0, 250.0), 0.01)
    assert "conversion" not in set(levers["lever"])


def test_the_case_is_read_apart_from_the_targets():
    C = claims.load()
    table = lifecycle.load_parameters(C)
    base = lifecycle.rates(table, "baseline")
    out = lifecycle.case_reading(table, C, base, 180.0, 0.01)
    pdd = C.set_index("claim_id").loc["000-4.1-01", "value"] / 100
    assert out["rates"]["conversion"] == pytest.approx(pdd)
    loss = base["potential_loss"]  # a potential user converts, is lost or waits: reach = c / (c + loss)
    assert out["reach_case"] == pytest.approx(pdd / (pdd + loss)) and out["reach_base"] == pytest.approx(base["conversion"] / (base["conversion"] + loss))
    assert out["ltv_change"] == pytest.approx(0, abs=1e-9)  # conversion acts before a customer exists
    assert "Pinduoduo" in out["text"] and "not a plan target" in out["text"] and "raise" in out["text"] and "unchanged" in out["text"]
    assert "no conversion target" in out["note"] and out["item"].startswith("**A platform's case, not a plan target:**")


def test_the_lifecycle_table_names_assumptions_and_parameters_in_words():
    from growthpath.analysis import ch04_theory
    from growthpath.data import assumptions, claims as ledger

    register = assumptions.load()
    chain = ch04_theory.lifecycle_chain(ledger.load(), register, {}, 1.0)
    shown = ch04_theory.lifecycle_table(chain, register)
    assert not shown["source"].str.contains("assumption:").any()
    assert any(f"assumed: {register.name('potential_loss')}" in s for s in shown["source"])
    assert "potential loss" in set(shown["parameter"]) and not shown["parameter"].str.contains("_").any()
    assert shown["source"].str.contains(r"000-\d").any()                   # the plan's figures keep their ledger ids
