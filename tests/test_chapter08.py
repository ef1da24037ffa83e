"""Chapter 8 and the executive summary: the scorecard equals Chapters 3 and 6's own glued results
under every scenario, and the summary page shows the chapters' values."""
from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from conftest import REPO, glued
from conftest import data_rows as rows

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
    from growthpath.markup import spaced_percents

    text = html.unescape(re.sub(r"<[^>]+>", "", (built["html"] / "book" / "summary.html").read_text(encoding="utf-8")))
    text = re.sub(r"\s+", " ", text)
    base = Path(executed["base"])
    ch8, audit, ch4, ch3 = (glued(base / nb) for nb in ("08_outcomes.ipynb", "91_audit.ipynb", "04_theory.ipynb", "03_targets.ipynb"))
    for key in ("gmv", "users"):
        assert f"{100 * ch8[f'sc_p_{key}_shock']:.1f} %" in text      # a glued percentage reads "0.0 %", as the book's own
        low, high = f"{ch8[f'rev_{key}_low']:.2f}", f"{ch8[f'rev_{key}_high']:.2f}"
        assert f"{ch8[f'rev_{key}_median']:.2f} ({low}–{high})" in text, key
        assert f"{ch8[f'rev_{key}_stretch']:.2f}" in text
    for rank in range(1, ch8["prio_n"] + 1):      # the priorities, in the chapter's order
        assert spaced_percents(f"{ch8[f'prio_{rank}_lever']} {ch8[f'prio_{rank}']}") in text, rank   # "5.2 %", as the book
    for key in ("headline_p_gmv", "headline_p_users"):
        assert spaced_percents(ch3[key]) in text, key
    assert f"{ch4['err_hist']:+.0f} % against {ch4['err_model']:+.0f} %" in text
    assert "CDNOW" in text and "1997–98" in text   # the order-level evidence is named as a stand-in
    assert "IPython" not in text and "::" not in text  # every cross-document paste resolved


@pytest.mark.slow
def test_the_revised_targets_are_the_simulated_years_quantiles(executed):
    """Recomputed from the simulation's draws: the median and interval, and the levels met with the on-track and stretch
    probabilities (the share of draws at or above each is that probability)."""
    import json

    import numpy as np

    from growthpath.analysis import stress
    from growthpath.data import assumptions, official, params
    from growthpath.data import claims as ledger

    notebook = Path(executed["base"]) / "08_outcomes.ipynb"
    set_for_run = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["growthpath"]["parameters"]
    ch8, run = glued(notebook), params.declared(REPO / "chapters" / "08_outcomes.ipynb") | set_for_run
    register, claims = assumptions.load(), ledger.load()
    shocks = stress.select(stress.load(claims, register), run["shocks_enabled"])
    settings = stress.settings(register, nowcast_adjustment=run["nowcast_adjustment"], target_year=run["forecast_year"],
                               ci_level=run["ci_level"], n_sims=run["n_sims"], seed=run["seed"])
    draws = stress.run(claims, official.load(), shocks, **settings)
    tail = (1 - run["ci_level"]) / 2
    for key, year_end in (("gmv", draws["gmv"][:, -1] / 1e4), ("users", draws["users"][:, -1])):
        assert ch8[f"rev_{key}_median"] == pytest.approx(np.median(year_end))
        assert (ch8[f"rev_{key}_low"], ch8[f"rev_{key}_high"]) == pytest.approx(tuple(np.quantile(year_end, [tail, 1 - tail])))
        assert ch8[f"rev_{key}_low"] < ch8[f"rev_{key}_revised"] <= ch8[f"rev_{key}_stretch"] < ch8[f"rev_{key}_high"]
        assert (year_end >= ch8[f"rev_{key}_revised"]).mean() == pytest.approx(ch8["on_track_p"], abs=2 / run["n_sims"])
        assert (year_end >= ch8[f"rev_{key}_stretch"]).mean() == pytest.approx(ch8["stretch_p"], abs=2 / run["n_sims"])
    assert ch8["stretch_p"] == register["stretch_target_p"] and ch8["rev_ci_pct"] == 100 * run["ci_level"]


@pytest.mark.slow
def test_the_priorities_chain_chapter_5s_funnel_with_chapter_4s_lifecycle(executed):
    """Each priority's value, recomputed: Chapter 5's glued buyers and end-to-end rates, and the lifecycle chain's value of
    an activated customer (a buyer has paid for a first order) from the chain's own matrices at the ledger's order
    values. A lifecycle lever adds its gain in that value to each buyer; the funnel's lever adds buyers at it. Ranked
    from the largest; activation, the funnel's own last step, is not counted twice."""
    from growthpath.analysis import ch04_theory
    from growthpath.data import assumptions
    from growthpath.data import claims as ledger
    from growthpath.models import lifecycle

    base = Path(executed["base"])
    ch8, ch5 = (glued(base / nb) for nb in ("08_outcomes.ipynb", "05_implementation.ipynb"))
    register, claims = assumptions.load(), ledger.load()
    d = ch04_theory.monthly_discount(register, None) / 100
    lp = lifecycle.load_parameters(claims, register)
    base_rates, goal = lifecycle.rates(lp, "baseline", {}), lifecycle.plan_targets(lp, claims, {})
    aov = [float(r["value"]) for r in rows("claims/claims.csv") if r["doc"] == "000" and r["scope"] == "market"
           and r["metric"] in ("aov_baseline", "aov_target")]
    aov_base, aov_goal = sorted(aov)   # the plan raises order value

    def value(rates, order_value):
        P = lifecycle.transition_matrix(lp, rates)
        V = lifecycle.value_per_month(lp, rates, order_value)
        return float(lifecycle.lifetime_value(P, V, d)["growing"])

    ltv = value(base_rates, aov_base)
    assert ch8["prio_ltv"] == pytest.approx(ltv) and ch8["prio_buyers"] == pytest.approx(ch5["conv_base"])
    expected = {"Joined → paid for an order": ltv * ch8["prio_per"] * (ch5["e2e_target"] - ch5["e2e_base"]),
                "Order value": ch5["conv_base"] * (value(base_rates, aov_goal) - ltv),
                "Repurchase": ch5["conv_base"] * (value({**base_rates, "repurchase": goal["repurchase"]}, aov_base) - ltv)}
    assert value({**base_rates, "activation": goal["activation"]}, aov_base) == pytest.approx(ltv)  # nothing to add twice
    shown = {ch8[f"prio_{rank}_lever"]: ch8[f"prio_{rank}"] for rank in range(1, ch8["prio_n"] + 1)}
    assert list(shown) == sorted(expected, key=expected.get, reverse=True)
    for lever, sentence in shown.items():
        found = float(re.search(r"([+-][\d,]+) 元", sentence).group(1).replace(",", ""))
        assert found == pytest.approx(expected[lever], rel=5e-3), lever     # shown to 3 significant figures
        assert "Measure first: " in sentence
        share = float(re.search(r"([+-]\d+) % on today's", sentence).group(1)) / 100   # against the cohort's value today
        assert share == pytest.approx(expected[lever] / (ch5["conv_base"] * ltv), abs=0.005), lever
    # each names the plan's target claim and its year, as the ledger has them
    targets = {r["claim_id"]: r["period"] for r in rows("claims/claims.csv")}
    for sentence in shown.values():
        year, claim = re.search(r" for (\d{4}) \((\d{3}-\d\.\d-\d{2});", sentence).groups()
        assert targets[claim] == year, sentence
    assert "for 2025 (000-3.2-09;" in shown["Joined → paid for an order"]      # the funnel's target year is not 2026


def test_levels_are_quantiles_and_refuse_an_inverted_stretch():
    import numpy as np

    from growthpath.analysis import scorecard

    draws = np.arange(1.0, 10_001.0)
    out = scorecard.levels(draws, ci_level=0.9, target_p=0.5, stretch_p=0.2)
    assert out["median"] == out["revised target"] == pytest.approx(5000.5)
    assert (out["low"], out["high"]) == pytest.approx((500.95, 9500.05))
    assert (draws >= out["stretch target"]).mean() == pytest.approx(0.2, abs=1e-4)
    for target_p, stretch_p in ((0.5, 0.5), (0.5, 0.6), (0.5, 0.0), (1.0, 0.2)):
        with pytest.raises(ValueError, match="stretch_p"):
            scorecard.levels(draws, 0.9, target_p, stretch_p)
