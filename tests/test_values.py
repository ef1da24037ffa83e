"""Declared provenance: package functions return Values naming the ids they were computed from, and
`book.glue_all` records exactly those ids (growthpath.data.values)."""
from __future__ import annotations

import pandas as pd
import pytest

from growthpath.data import values
from growthpath.publish import page
from growthpath.data.values import Value


@pytest.fixture
def results():
    page.RESULTS.clear()
    yield page.RESULTS
    page.RESULTS.clear()


@values.computes
def _ratio(a: pd.Series, b: pd.Series) -> dict:
    return {"ratio": Value(b["value"] / a["value"], values.ids(a, b), unit="×"),
            "said": values.sentence("**rose**", b)}


def _row(claim_id, value):
    return pd.Series({"claim_id": claim_id, "value": value, "unit": "元"})


def test_glue_all_records_the_declared_ids_and_function(results):
    page.glue_all(_ratio(_row("000-2.1-02", 2.0), _row("000-2.1-03", 3.0)))
    assert results["ratio"] == {"value": 1.5, "unit": "×", "source": "ledger", "data_ids": "000-2.1-02, 000-2.1-03",
                                "computed_by": [f"{__name__}._ratio"]}
    assert results["said"]["data_ids"] == "000-2.1-03" and results["said"]["value"] == "**rose**"


def test_a_value_keeps_its_year_and_kind(results):
    page.glue("p", Value(0.25, ("assumption:icc",), kind="probability", year=2026))
    assert results["p"]["kind"] == "probability" and results["p"]["year"] == 2026
    assert results["p"]["source"] == "assumption register"


def test_ids_are_kept_once_in_order_from_rows_frames_values_and_strings():
    frame = pd.DataFrame({"obs_id": ["nbs_online_retail:2023", "nbs_online_retail:2024"]})
    got = values.ids(Value(1, ("b", "a")), frame, "a", [_row("000-1.1-01", 1)])
    assert got == ("b", "a", "nbs_online_retail:2023", "nbs_online_retail:2024", "000-1.1-01")
    with pytest.raises(TypeError):
        values.ids(3.5)


def test_source_names_the_kinds_of_data():
    assert values.source(["000-2.1-01", "nbs_online_retail:2023", "parameter:x", "orders:orders_cdnow"]) == \
        "ledger, official statistics, parameter, order log"


def test_a_non_finite_or_non_numeric_value_is_refused(results):
    with pytest.raises(ValueError):
        page.glue("x", Value(float("nan"), ("a",)))
    with pytest.raises(TypeError):
        page.glue("x", Value(True, ("a",)))


def test_computes_keeps_an_inner_functions_name():
    inner = Value(1.0, ("a",), computed_by="growthpath.x.inner")
    outer = values.computes(lambda: {"v": inner, "w": Value(2.0, ("a",))})
    out = outer()
    assert out["v"].computed_by == "growthpath.x.inner" and out["w"].computed_by.endswith("<lambda>")


def test_a_figure_in_a_chinese_large_number_unit_said_in_english():
    from growthpath.data.values import in_english

    assert in_english(7, "万亿元") == "¥7 trillion" and in_english(39029, "亿元") == "¥3.9 trillion"
    assert in_english(2, "亿元") == "¥200 million" and in_english(9.15, "亿人") == "915 million"
    assert in_english(10, "亿") == "1 billion" and in_english(1.4, "万亿美元") == "US$1.4 trillion"
    assert in_english(510, "万元") == "¥5.1 million" and in_english(1.5, "万元") == "¥15,000"
    assert in_english(12, "%") is None and in_english("7", "万亿元") is None and in_english(float("nan"), "亿元") is None
    # rounding can carry a figure into the next scale word; a negative figure keeps its sign before the currency
    assert in_english(9996, "亿元") == "¥1 trillion" and in_english(9.996, "亿人") == "1 billion"
    assert in_english(11.25, "亿人") == "1.13 billion"    # a half rounds up, as a reader rounds (not Python's half-even)
    assert in_english(-3, "亿元") == "-¥300 million"


def test_sentence_helpers_list_and_lower_case_names():
    from growthpath.markup import and_list, in_sentence

    assert [and_list(["a"]), and_list(["a", "b"]), and_list(iter(["a", "b", "c"]))] == ["a", "a and b", "a, b and c"]
    assert [in_sentence("Online shopping users"), in_sentence("NBS online retail"), in_sentence("GMV")] == [
        "online shopping users", "NBS online retail", "GMV"]
