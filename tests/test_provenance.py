"""Provenance is recorded from the notebook's own code as values are glued: run cells in a real
IPython shell and check the functions and ids recorded for a glued value and a chart."""
from __future__ import annotations

import pytest


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    from growthpath import book, provenance

    ip = InteractiveShell.instance()
    book.RESULTS.clear()
    provenance.NOTED.clear()
    yield lambda code: ip.run_cell(code, store_history=True).raise_error()
    InteractiveShell.clear_instance()


def test_a_glued_value_names_the_functions_and_the_claims_it_came_from(shell):
    from growthpath import book

    shell("from growthpath import book, claims\nC = claims.load()")
    shell("start = claims.pick(C, scope='any', doc='000', metric='users_start')['value']\nunrelated = claims.pick(C, scope='any', doc='000', metric='gmv_target', section='3.1')")
    shell("end = claims.pick(C, scope='any', doc='000', metric='users_end')['value']")
    shell("ratio = end / start")
    shell("book.glue_number('growth', ratio)")
    record = book.RESULTS["growth"]
    assert record["computed_by"] == ["growthpath.claims.load", "growthpath.claims.pick"]
    assert record["data_ids"] == "000-4.2-04, 000-4.2-05"


def test_values_computed_by_package_functions_name_them(shell):
    from growthpath import book

    shell("from growthpath import book, official, market\nS = official.load()")
    shell("out = market.outlook(S, forecast_year=2026, ci_level=0.95, nowcast_adjustment='none', revision_sd_pp=1.2)")
    shell("book.glue_number('m', out['base']['mean'])")
    record = book.RESULTS["m"]
    assert "growthpath.market.outlook" in record["computed_by"] and "growthpath.official.load" in record["computed_by"]
    assert record["data_ids"].startswith("nbs_online_retail:")


def test_a_reused_result_has_the_same_provenance_and_is_a_copy(shell):
    """market.outlook is computed once per content and arguments in a process; the second call (a
    later cell) must still name the official rows it stands on, and must not share mutable parts."""
    from growthpath import book, market

    market._OUTLOOKS.clear()  # the first call below computes, the second reuses
    shell("from growthpath import book, official, market\nS = official.load()")
    kw = "forecast_year=2026, ci_level=0.95, nowcast_adjustment='none', revision_sd_pp=1.2"
    shell(f"first = market.outlook(S, {kw})")
    shell("book.glue_number('first', first['base']['mean'])")
    shell(f"again = market.outlook(S, {kw})")
    shell("book.glue_number('again', again['base']['mean'])")
    assert book.RESULTS["again"]["data_ids"] == book.RESULTS["first"]["data_ids"] != ""
    assert book.RESULTS["again"]["value"] == book.RESULTS["first"]["value"]
    shell("again['revisions'].loc[:, 'revision'] = -99.0")
    shell(f"third = market.outlook(S, {kw})\nassert (third['revisions']['revision'] > -99).all()")
    other = kw.replace("'none'", "'best_revision'")
    shell(f"other = market.outlook(S, {other})")
    shell("assert other['scenario']['mean'] > first['scenario']['mean']")


def test_a_chart_carries_a_collapsible_source(shell):
    from growthpath.charts import render

    shell("import pandas as pd\nimport altair as alt\nfrom growthpath import claims\nC = claims.load()")
    shell("few = C[C['section'] == '1.1'].head(3)")
    shell("spec = alt.Chart(few).mark_bar().encode(x='claim_id', y='value').to_dict()")
    html = render.source_html(__import__("IPython").get_ipython().user_ns["spec"])
    assert html.startswith('<details class="gp-source"><summary>Source</summary>')
    assert "000-1.1-01" in html


def test_outside_a_kernel_the_trace_is_empty():
    from growthpath import provenance

    assert provenance.trace("anything") == provenance.Trace()
