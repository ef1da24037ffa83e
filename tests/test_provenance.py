"""Provenance is declared where values are computed: the package's readers note the ids they select
(`provenance.capture`), functions return Values naming them (`growthpath.data.values`), and Chapter 2's CAC figures
name exactly the claims they were computed from."""
from __future__ import annotations

import pytest


def test_capture_collects_what_the_readers_selected_inside_the_block_only():
    from growthpath.data import claims, provenance

    ledger = claims.load()
    claims.pick(ledger, scope="any", doc="000", metric="users_start")        # outside: not collected
    with provenance.capture() as outer:
        start = claims.pick(ledger, scope="any", doc="000", metric="users_start")
        with provenance.capture() as inner:
            end = claims.pick(ledger, scope="any", doc="000", metric="users_end")
    assert outer == [start["claim_id"], end["claim_id"]] and inner == [end["claim_id"]]


def test_a_reused_result_names_the_same_ids_and_is_a_copy():
    """market.outlook is computed once per content and arguments in a process; the second call must still note the
    official rows it stands on, and must not share mutable parts."""
    from growthpath.data import official, provenance
    from growthpath.analysis import market

    stats = official.load()
    market._OUTLOOKS.clear()  # the first call below computes, the second reuses
    kw = dict(forecast_year=2026, ci_level=0.95, nowcast_adjustment="none", revision_sd_pp=1.2)
    with provenance.capture() as first_read:
        first = market.outlook(stats, **kw)
    with provenance.capture() as again_read:
        again = market.outlook(stats, **kw)
    assert again_read == first_read != [] and again["base"] == first["base"]
    again["revisions"].loc[:, "revision"] = -99.0
    assert (market.outlook(stats, **kw)["revisions"]["revision"] > -99).all()
    other = market.outlook(stats, **{**kw, "nowcast_adjustment": "best_revision"})
    assert other["scenario"]["mean"] > first["scenario"]["mean"]


def test_a_chart_carries_a_collapsible_source_naming_the_ids_in_its_data():
    import altair as alt

    from growthpath.data import claims
    from growthpath.charts import renderer

    few = claims.load().query("section == '1.1'").head(3)
    spec = alt.Chart(few[["claim_id", "value"]]).mark_bar().encode(x="claim_id", y="value").to_dict()
    html = renderer.source_html(spec)
    assert html.startswith('<details class="gp-source"><summary>Source</summary>')
    assert all(i in html for i in few["claim_id"])
    assert "no ledger or official ids" in renderer.source_html(alt.Chart(few[["value"]]).mark_bar().encode(y="value").to_dict())


# ----------------------------------------------------------------------------- declared provenance (growthpath.data.values)
# Chapter 2's CAC figures, by the metric of the §2.1 claims each is computed from: its value moves with `VALUE`;
# `SPAN` claims give only the years the stated rate is compounded over (the endpoints' period).
CAC = {"cac_multiple": ({"cac_start", "cac_end"}, set()), "cac_rise_pct": ({"cac_start", "cac_end"}, set()),
       "cac_implied_2": ({"cac_start", "cac_end"}, set()), "cac_implied_3": ({"cac_start", "cac_end"}, set()),
       "cac_at_stated_2": ({"cac_start", "cac_annual_growth"}, {"cac_end"}),
       "cac_at_stated_3": ({"cac_start", "cac_annual_growth"}, {"cac_end"}),
       "ind_multiple_2": ({"cac_annual_growth"}, {"cac_start", "cac_end"}),
       "ind_multiple_3": ({"cac_annual_growth"}, {"cac_start", "cac_end"}),
       "cac_pace": ({"cac_start", "cac_end", "cac_annual_growth"}, set()),
       "cac_scopes": ({"cac_start", "cac_end", "cac_annual_growth"}, set())}


@pytest.fixture(scope="module")
def ledger():
    from growthpath.data import claims

    return claims.load()


def _cac_claims(ledger):
    rows = ledger[(ledger["doc"] == "000") & (ledger["section"] == "2.1") & ledger["metric"].str.startswith("cac_")]
    return dict(zip(rows["metric"], rows["claim_id"]))


def test_each_of_chapter_2s_cac_values_names_exactly_the_claims_it_was_computed_from(ledger):
    from growthpath.analysis import ch02_problem_definition

    by_metric = _cac_claims(ledger)
    got = ch02_problem_definition.cac(ledger)
    assert got.keys() == CAC.keys()
    for key, (moves, span) in CAC.items():
        assert set(got[key].ids) == {by_metric[m] for m in moves | span}, key
    for metric, claim_id in by_metric.items():   # a claim whose value moves a figure is named by it, and only then
        changed = ledger.assign(value=ledger["value"].where(ledger["claim_id"] != claim_id, ledger["value"] * 1.1))
        again = ch02_problem_definition.cac(changed)
        moved = {k for k in CAC if again[k].value != got[k].value}
        expected = {k for k, (moves, _) in CAC.items() if metric in moves}
        assert moved <= expected and {k for k in expected if not got[k].markdown} <= moved, metric  # a phrase may not move


def _chapter2_values(ledger):
    from growthpath import audit
    from growthpath.data import orders
    from growthpath.analysis import logdesc, ch02_problem_definition as ch2

    log = orders.load()
    d = logdesc.describe(log)
    retained = orders.cohort_retention(log, "M")
    durations = orders.time_to_second_purchase(log)
    windows = [30, 90, 180, 365]
    calls = {"log_values": lambda: ch2.log_values(d), "cac": lambda: ch2.cac(ledger),
             "ltv_and_baseline": lambda: ch2.ltv_and_baseline(ledger), "activation": lambda: ch2.activation(ledger),
             "retention": lambda: ch2.retention(retained, d, ledger, "M"),
             "repeat_purchase": lambda: ch2.repeat_purchase(durations, orders.kaplan_meier(durations), d, windows),
             "concentration": lambda: ch2.concentration(log, d, ledger, 15.0),
             "repurchase": lambda: ch2.repurchase(log, logdesc.repurchase_rates(log, windows), d, windows),
             "conversion_gap": lambda: ch2.conversion_gap(ledger), "genz_sums": lambda: ch2.genz_sums(ledger),
             "in_sections": lambda: audit.in_sections(audit.run(by_place=True), "000 §2.1", key="s21").values}
    return logdesc.log_id(d), calls


def test_no_value_of_chapter_2_names_an_id_its_function_did_not_read(ledger):
    """Ledger ids: among the claims the function picked (noted by `claims.pick`), or cited by the findings it
    counted; the order log: the one it was given; parameters: the chapter's own."""
    import json

    from growthpath import audit
    from growthpath.data import provenance
    from conftest import REPO

    nb = json.loads((REPO / "chapters" / "02_problem_definition.ipynb").read_text(encoding="utf-8"))
    own = "".join(next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))["source"])
    log_id, calls = _chapter2_values(ledger)
    for name, call in calls.items():
        with provenance.capture() as read:
            got = call()
        if name == "in_sections":
            here = audit.in_sections(audit.run(by_place=True), "000 §2.1", key="s21").found
            read = [*read, *(r.claim_id for f in here for r in f.refs), *(o for f in here for o in f.official)]
        assert got, name
        for key, v in got.items():
            assert v.ids, (name, key)                                    # every value names at least one id
            for i in v.ids:
                kind, _, rest = i.partition(":")
                if kind == "orders":
                    assert i == log_id, (name, key, i)
                elif kind == "parameter":
                    assert f"\n{rest} =" in f"\n{own}", (name, key, i)
                elif kind == "section":
                    assert i == "section:000 §2.1", (name, key, i)
                else:                                                    # a claim id, or an official obs_id
                    assert i in read, (name, key, i)
            assert v.computed_by.startswith("growthpath."), (name, key)
