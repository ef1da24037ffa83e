"""Chapter 8 and the executive summary: the scorecard equals Chapters 3 and 6's own glued results
under every scenario, and the summary page shows the chapters' values."""
from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from conftest import REPO, glued

SCENARIOS = ["base", "optimistic", "pessimistic"]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scorecard_equals_the_chapters(executed, scenario):
    folder = Path(executed[scenario])
    ch8, ch3, ch6 = (glued(folder / nb) for nb in ("08_outcomes.ipynb", "03_targets.ipynb", "06_risk.ipynb"))
    for key in ("gmv", "users", "share"):
        assert ch8[f"sc_p_{key}"] == ch3[f"p_{key}"], key
        assert ch8[f"sc_{key}_{scenario}"] == ch8[f"sc_p_{key}_shock"]
    assert ch8["sc_p_gmv_shock"] == ch6["p_gmv_shock"] and ch8["sc_p_users_shock"] == ch6["p_users_shock"]
    with open(REPO / "data" / "claims" / "claims.csv", encoding="utf-8", newline="") as fh:
        assert ch8["n_81"] == sum(r["doc"] == "000" and r["section"] == "8.1" for r in csv.DictReader(fh))
    assert ch8["sc_gmv_min"] <= ch8["sc_p_gmv_shock"] <= ch8["sc_gmv_max"]
    # grades come from the probabilities and the register's thresholds, not from the audit
    on_track, at_risk = ch8["on_track_p"], ch8["at_risk_p"]
    for key in ("gmv", "users", "share"):
        p = ch8[f"sc_p_{key}_shock"]
        grade = "on track" if p >= on_track else "at risk" if p >= at_risk else "off track"
        assert grade in ch8["sc_summary"]
    assert ch8["sc_on_track"] == 0 and ch8["on_track_sentence"].startswith("no graded")


@pytest.mark.slow
def test_executive_summary_shows_the_chapters_numbers(executed, built):
    text = html.unescape(re.sub(r"<[^>]+>", "", (built["html"] / "book" / "summary.html").read_text(encoding="utf-8")))
    base = Path(executed["base"])
    ch8, audit, ch4 = (glued(base / nb) for nb in ("08_outcomes.ipynb", "91_audit.ipynb", "04_theory.ipynb"))
    for scenario in SCENARIOS:
        assert f"{ch8[f'sc_gmv_{scenario}']:.1%}" in text
    ch3 = glued(base / "03_targets.ipynb")
    for key in ("headline_p_gmv", "headline_p_users", "headline_shoppers_2026"):
        assert ch3[key] in text, key
    assert f"{ch4['err_hist']:+.0f} % against {ch4['err_model']:+.0f} %" in text
    assert "CDNOW" in text and "1997–98" in text   # the order-level evidence is named as a stand-in
    assert "IPython" not in text and "::" not in text  # every cross-document paste resolved
