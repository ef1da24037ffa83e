"""The scorecard grades: a modelled target's verdict comes from its probability, a measured one from the
actual, and an inconsistency in how the plan states a target is reported beside the grade, not instead."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.analysis import scorecard


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
    from growthpath import audit
    from growthpath.data import assumptions, claims, official
    from growthpath.analysis import stress

    C, S, A = claims.load(), official.load(), assumptions.load()
    kw = stress.settings(A, nowcast_adjustment="none", target_year=2026, ci_level=0.95, n_sims=2000, seed=3)
    kw.pop("nowcast_adjustment")
    return scorecard.build(C, S, audit.run(), stress.load(C, A), A, current="base", current_adjustment="none", **kw)


def test_every_graded_cell_has_a_grade_and_an_inconsistency_does_not_replace_it(card):
    modelled = card[card["evidence"] == "model"]
    assert set(modelled["verdict"]) <= set(scorecard.VERDICTS[:-1])      # every modelled target gets a grade
    # a measured KPI is ungraded only where the plan's own numbers give two paths and the actual lies between
    ungraded = card[card["verdict"] == "untestable"]
    assert (ungraded["evidence"] == "published actual").all() and ungraded["stated inconsistently"].all()
    assert "contradictory as stated" not in set(card["verdict"])
    flagged = modelled[modelled["stated inconsistently"]]
    assert len(flagged) and set(flagged["verdict"]) <= {"on track", "at risk", "off track"}
    modelled = card[card["evidence"] == "model"]
    assert modelled["P with shocks"].notna().all() and modelled["rests on"].str.len().gt(0).all()
    users = modelled[modelled["target"].str.startswith("Users")]
    assert users["rests on"].str.contains("yearly user-share gain").all() and not users["rests on"].str.contains("scenario").any()


def test_untestable_targets_name_the_data_that_would_settle_them():
    from growthpath import audit
    from growthpath.data import claims

    ut = scorecard.untestable(claims.load(), audit.run())
    assert len(ut) >= 10 and ut["series that would settle it"].str.len().gt(5).all()


def test_counts_keep_grades_that_never_occur():
    frame = pd.DataFrame({"verdict": ["off track", "off track", "behind on actuals"]})
    assert scorecard.counts(frame) == {"on track": 0, "at risk": 0, "off track": 2, "behind on actuals": 1, "on pace on actuals": 0}


def test_live_commerce_has_two_paths_and_is_not_graded_between_them():
    """The plan's share path (GMV growth × its rising live share) and the path from its own stated 2023 level
    to 50 % of the 2026 GMV target disagree; an actual between them cannot be graded against 'the plan'."""
    from growthpath.data import claims, official
    from growthpath.analysis import actuals

    v = claims.load().set_index("claim_id")["value"]
    row = actuals.table(claims.load(), official.load()).set_index("target").loc["Live-commerce growth"]
    share_path = 100 * ((1 + v["000-3.1-06"] / 100) * (v["000-3.1-09"] / v["000-3.1-08"]) ** (1 / 3) - 1)
    level_path = 100 * ((v["000-3.1-09"] / 100 * v["000-3.1-07"] / v["000-1.1-06"]) ** (1 / 3) - 1)
    assert row["plan"] == pytest.approx(share_path) and row["plan_other"] == pytest.approx(level_path)
    assert row["reading"] == "two paths" and row["verdict"].startswith("cannot be graded")
    between = row.copy()
    between["actual"] = (share_path + level_path) / 2
    assert scorecard._measured_verdict(between) == "untestable"
    between["actual"] = min(share_path, level_path) - 1
    assert scorecard._measured_verdict(between) == "behind on actuals"


def test_scorecard_cells_and_table_read_as_words_and_percentages():
    import pandas as pd

    from growthpath.analysis import ch08_outcomes

    card = pd.DataFrame({"target": ["GMV (万亿元)", "Live-commerce growth (2025)"], "scenario": ["base", "base"],
                         "target value": [7.0, 33.6868], "other path": [float("nan"), -10.6096], "unit": ["万亿元", "%"], "projected (median)": [5.183, 11.3],
                         "P without shocks": [0.0123, float("nan")], "P with shocks": [0.004, float("nan")],
                         "verdict": ["off track", "untestable"], "rests on": ["scenario", "NBS"], "stated inconsistently": [False, True]})
    cells = ch08_outcomes.grid_cells({"card": card})
    assert [t.replace("\u00a0", " ") for t in cells["label"]] == ["0.4 %", "11.3 % vs 33.7 % or -10.6 %"]
    table = ch08_outcomes.card_table({"card": card})
    assert list(table["P without shocks"]) == ["1.2%", "–"] and list(table["P with shocks"]) == ["0.4%", "–"]
    assert table["median with shocks, or actual"].tolist() == ["5.18", "11.30"]
    assert table["target value"].tolist() == ["7", "33.7 or -10.6"]
