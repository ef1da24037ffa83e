"""The target table on a hand-made ledger and on the real one."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.data import claims
from growthpath.analysis import targets
from growthpath.audit import registry


def test_table_on_a_small_ledger():
    c = pd.DataFrame({"claim_id": ["000-3.3-01", "000-3.3-02", "000-2.1-01", "000-2.1-02", "000-3.2-01"],
                      "doc": ["000"] * 5, "metric": ["cac_baseline", "cac_target", "act", "act", "act_target"],
                      "period": ["current (2023)", "2026", "2020", "2023", "2024"],
                      "value": [89.0, 60.0, 42.0, 28.0, 35.0], "unit": ["元/人", "元/人", "%", "%", "%"]})
    spec = pd.DataFrame({"target_id": ["cac", "act"], "label": ["CAC", "Activation"], "dimension": ["efficiency", "quality"],
                         "better": ["lower", "higher"], "baseline_metric": ["cac_baseline", "act"], "target_metric": ["cac_target", "act_target"]})
    f = registry.Finding("x", "contradiction", [registry.Ref("000", "3.3", "000-3.3-02")], {}, "", "", "m.")
    t = targets.table(c, [f], spec).set_index("target_id")
    assert t.at["cac", "cagr_pct"] == pytest.approx(100 * ((60 / 89) ** (1 / 3) - 1))
    assert t.at["cac", "direction_ok"] and t.at["cac", "audit"] == "contradiction"
    assert t.at["act", "baseline"] == 28.0 and t.at["act", "baseline_year"] == 2023  # the latest observation
    assert t.at["act", "audit"] == "no finding"


def test_real_targets_cover_four_dimensions():
    t = targets.table(claims.load())
    assert set(t["dimension"]) == {"scale", "quality", "value", "efficiency"}
    assert t["direction_ok"].all() and (t["target_year"] > t["baseline_year"]).all()
