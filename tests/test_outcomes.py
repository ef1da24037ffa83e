"""Chapter 8's package functions (growthpath.analysis.ch08_outcomes): scorecard values name the shocks only where shocks were
applied, and what building the scorecard read."""
from __future__ import annotations

import pytest

from growthpath import audit
from growthpath.analysis import ch08_outcomes


@pytest.fixture(scope="module")
def card(data):
    claims, stats, register = data
    return ch08_outcomes.build(claims, stats, audit.run(by_place=True), register, ["outage"], scenario="base",
                          nowcast_adjustment="none", forecast_year=2026, ci_level=0.95, n_sims=200, seed=5)


def test_scorecard_values_name_the_shocks_only_with_shocks(card, data):
    _, _, register = data
    got = ch08_outcomes.scorecard_values(card, register, "base", 2026)
    assert "shock:outage" in got["sc_p_gmv_shock"].ids and "shock:outage" not in got["sc_p_gmv"].ids
    assert got["sc_gmv_min"].value <= got["sc_p_gmv_shock"].value <= got["sc_gmv_max"].value
    assert got["sc_on_track"].value == (card["card"]["verdict"] == "on track").sum()
    assert "assumption:scorecard_on_track_p" in got["sc_on_track"].ids


def test_the_grid_colours_only_the_verdicts_present(card):
    colours = {"on track": "green", "at risk": "amber", "off track": "red", "never": "grey"}
    got = ch08_outcomes.grid_colours(card, colours)
    assert set(got) == set(card["card"]["verdict"]) & set(colours) and "never" not in got
