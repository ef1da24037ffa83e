"""The scorecard grades: a modelled target's verdict comes from its probability, a measured one from the
actual, and an inconsistency in how the plan states a target is reported beside the grade, not instead."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath import scorecard


@pytest.mark.parametrize("p,grade", [(0.8, "on track"), (0.5, "on track"), (0.49, "at risk"), (0.1, "at risk"), (0.0999, "off track"), (0.0, "off track")])
def test_verdict_from_the_probability(p, grade):
    assert scorecard.verdict(p, 0.5, 0.1) == grade


def test_verdict_refuses_bad_thresholds_and_a_missing_probability():
    with pytest.raises(ValueError):
        scorecard.verdict(0.3, 0.1, 0.5)
    with pytest.raises(ValueError):
        scorecard.verdict(float("nan"), 0.5, 0.1)


@pytest.fixture(scope="module")
def card():
    from growthpath import assumptions, audit, claims, official, stress

    C, S, A = claims.load(), official.load(), assumptions.load()
    kw = stress.settings(A, nowcast_adjustment="none", target_year=2026, ci_level=0.95, n_sims=2000, seed=3)
    kw.pop("nowcast_adjustment")
    return scorecard.build(C, S, audit.run(), stress.load(C, A), A, current="base", current_adjustment="none", **kw)


def test_every_graded_cell_has_a_grade_and_an_inconsistency_does_not_replace_it(card):
    assert set(card["verdict"]) <= set(scorecard.VERDICTS[:-1])          # nothing untestable in the grid
    assert "contradictory as stated" not in set(card["verdict"])
    flagged = card[card["stated inconsistently"]]
    assert len(flagged) and set(flagged["verdict"]) <= {"on track", "at risk", "off track"}
    modelled = card[card["evidence"] == "model"]
    assert modelled["P with shocks"].notna().all() and modelled["rests on"].str.len().gt(0).all()
    users = modelled[modelled["target"].str.startswith("Users")]
    assert users["rests on"].str.contains("user_share_gain_pp").all() and not users["rests on"].str.contains("scenario").any()


def test_untestable_targets_name_the_data_that_would_settle_them():
    from growthpath import audit, claims

    ut = scorecard.untestable(claims.load(), audit.run())
    assert len(ut) >= 10 and ut["series that would settle it"].str.len().gt(5).all()


def test_counts_keep_grades_that_never_occur():
    frame = pd.DataFrame({"verdict": ["off track", "off track", "behind on actuals"]})
    assert scorecard.counts(frame) == {"on track": 0, "at risk": 0, "off track": 2, "behind on actuals": 1, "on pace on actuals": 0}
