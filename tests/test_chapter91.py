"""Appendices A and B: the audit's counts equal the reviewed snapshot (tests/snapshots/audit.json),
the ledger's counts equal a recount of claims.csv."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import data_rows as rows, glued
from test_chapter01 import snapshot_findings


@pytest.mark.slow
def test_appendices_glue_counts(executed):
    audit_values = glued(Path(executed["base"]) / "91_audit.ipynb")
    findings = snapshot_findings()
    assert audit_values["n_findings"] == len(findings)
    for s in ("contradiction", "implausible", "unclear"):
        assert audit_values[f"n_{s}"] == sum(f["severity"] == s for f in findings)
    assert audit_values["n_rejected"] == len(snapshot_findings(rejected=True)) > 0
    ledger_values = glued(Path(executed["base"]) / "92_ledger.ipynb")
    assert ledger_values["n_claims"] == len(rows("claims/claims.csv")) == 612
    assert ledger_values["n_000"] + ledger_values["n_004"] == 612
