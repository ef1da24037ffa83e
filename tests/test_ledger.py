"""The claims ledger: complete, traceable to the seeds, units normalised, corrections applied."""
from __future__ import annotations

import re

import opencc
import pandas as pd

from growthpath.data import claims, datapackage


def test_ledger_has_every_reference_claim():
    ledger = claims.load()
    assert len(ledger) == 612
    assert ledger["claim_id"].is_unique
    assert set(ledger["doc"]) == {"000", "004"}


def test_every_quote_occurs_verbatim_in_the_cleaned_seed():
    ledger = claims.load()
    seeds = {"000": datapackage.read_text("seed_000"), "004": datapackage.read_text("seed_004")}
    missing = [r.claim_id for r in ledger.itertuples() if r.quote not in seeds[r.doc]]
    assert missing == []


def test_ids_count_claims_within_section_in_order():
    ledger = claims.load()
    for (doc, section), group in ledger.groupby(["doc", "section"], sort=False):
        numbers = [int(cid.rsplit("-", 1)[1]) for cid in group["claim_id"]]
        assert numbers == list(range(1, len(group) + 1)), (doc, section)
        assert all(cid.startswith(f"{doc}-{section}-") for cid in group["claim_id"])


def test_canonical_value_is_value_times_unit_factor():
    ledger = claims.load()
    units = datapackage.read_table("units").set_index("unit")
    expected = ledger["value"] * ledger["unit"].map(units["factor"])
    assert (ledger["value_canonical"] - expected).abs().max() < 1e-9
    assert (ledger["canonical_unit"] == ledger["unit"].map(units["canonical_unit"])).all()
    assert ledger.loc[ledger["unit"] == "万亿元", "canonical_unit"].eq("亿元").all()
    assert ledger.loc[ledger["unit"] == "个百分点", "canonical_unit"].eq("pp").all()


def test_simplified_quote_is_opencc_of_the_verbatim_quote():
    ledger = claims.load()
    cc = opencc.OpenCC("t2s")
    assert (ledger["quote"].map(cc.convert) == ledger["quote_zh"]).all()


def test_chapter_follows_the_section_map():
    ledger = claims.load()
    sections = datapackage.read_table("sections")
    merged = ledger.merge(sections, on=["doc", "section"], suffixes=("", "_map"))
    assert len(merged) == len(ledger) and (merged["chapter"] == merged["chapter_map"]).all()
    # 004's chapter three (theory) is discussed in book chapter 4, its timeline chapter in chapter 5
    assert set(ledger.loc[(ledger["doc"] == "004") & ledger["section"].str.startswith("3."), "chapter"]) == {4}
    assert set(ledger.loc[(ledger["doc"] == "004") & ledger["section"].str.endswith("b"), "chapter"]) == {5}


def test_corrections_are_applied():
    ledger = claims.load().set_index("claim_id")
    for row in datapackage.read_table("claim_corrections").itertuples():
        assert str(ledger.at[row.claim_id, row.column]) == row.new


def test_pick_requires_exactly_one():
    ledger = claims.load()
    assert claims.pick(ledger, scope="market", doc="000", metric="market_size", period="2020")["value"] == 3.2
    try:
        claims.pick(ledger, scope="any", metric="market_size")
    except LookupError as exc:
        assert "found" in str(exc) and re.search(r"\d{3}-", str(exc))
    else:
        raise AssertionError("ambiguous pick must fail")


def test_claims_table_shows_simplified_quotes():
    t = claims.table(claims.in_sections(claims.load(), "000", "1.1"))
    assert list(t.columns) == list(claims.DISPLAY_COLUMNS.values())
    assert "规模" in t["Quote (原文)"].str.cat() and isinstance(t, pd.DataFrame)


def test_a_quote_with_lost_characters_says_so_in_every_claims_table():
    from growthpath.data import claims

    ledger = claims.load()
    shown = claims.table(ledger).set_index("Ledger id")["Quote (原文)"]
    lost = set(claims.garbled(ledger)["claim_id"])
    assert lost, "the seeds hold at least one garbled quote (004-1.1-04)"
    for claim_id, quote in shown.items():
        assert quote.endswith(claims.GARBLED_NOTE) == (claim_id in lost), claim_id
