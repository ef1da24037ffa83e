"""The appendices' package functions (growthpath.publish.appendices): counts name what they count."""
from __future__ import annotations

import pytest

from growthpath import audit
from growthpath.data import assumptions
from growthpath.publish import appendices


def test_audit_counts_add_up_by_severity_and_name_the_claims_cited(data):
    claims, _, _ = data
    found = audit.run()
    got = appendices.audit_counts(found, claims)
    assert sum(got[f"n_{s}"].value for s in audit.SEVERITIES) == got["n_findings"].value
    cited = {r.claim_id for f in audit.published(found) for r in f.refs}
    assert got["n_claims_flagged"].value == len(cited) and cited <= set(got["n_findings"].ids)
    assert got["n_rules"].ids == tuple(f"rule:{r}" for r in audit.RULES)
    facts = [f for f in audit.published(found) if f.rule == "known_facts"]
    assert got["n_fact_conflicts"].value + got["n_fact_unclear"].value == len(facts)      # every one, split by severity
    assert got["n_fact_unclear"].value == sum(f.severity == "unclear" for f in facts) > 0


def test_of_problem_refuses_an_unknown_problem():
    with pytest.raises(KeyError, match="no problem"):
        appendices.of_problem([], "Not a problem")


def test_ledger_counts_name_every_claim(data):
    claims, _, _ = data
    got = appendices.ledger_counts(claims)
    assert got["n_000"].value + got["n_004"].value == got["n_claims"].value == len(got["n_claims"].ids)


def test_register_counts_name_every_assumption():
    table = assumptions.table()
    got = appendices.register_counts(table)
    assert got["n_assumptions"].ids == tuple(f"assumption:{i}" for i in table["id"])


def test_a_scenario_without_results_is_missing():
    assert appendices.missing([], "base") == ["base"] and appendices.missing([{"key": "x"}], "base") == []
    assert appendices.records_of({"base": [{"key": "x"}]}, "optimistic") == []


def test_the_rules_table_counts_the_published_findings_and_the_rejected_apart():
    findings = audit.run()
    table = appendices.rules_table(findings)
    rejected = [f for f in findings if f.review == "rejected"]
    assert rejected, "no rejected finding: the check below would be empty"
    assert table["findings"].sum() == len(audit.published(findings)) == len(findings) - len(rejected)
    assert table["rejected on review"].sum() == len(rejected)
    assert set(appendices.RULES_IN_PRINT) <= set(table.columns)
