"""Order-log loading and customer measures on tiny hand-made tables with known answers."""
from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from growthpath.data import orders as o
from growthpath.data.datapackage import DataError


def log(rows):
    df = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    df["date"] = pd.to_datetime(df["date"])
    return df


SMALL = log([("a", "2024-01-01", 10), ("a", "2024-01-01", 5), ("a", "2024-01-21", 20), ("a", "2024-03-05", 5),
             ("b", "2024-01-15", 40), ("b", "2024-04-10", 40),
             ("c", "2024-02-01", 10),
             ("d", "2024-02-20", 100)])


def test_purchases_merge_lines_of_one_day():
    p = o.purchases(SMALL)
    assert len(p) == 7 and p.loc[p["customer_id"] == "a", "amount"].tolist() == [15, 20, 5]


def test_cohort_retention_monthly():
    m = o.cohort_retention(SMALL, "M")
    # Jan cohort: a, b (2). Month +1 (Feb): none; +2 (Mar): a; +3 (Apr): b
    assert m.loc["2024-01"].tolist() == [1.0, 0.0, 0.5, 0.5]
    assert m.loc["2024-02", 0] == 1.0 and m.loc["2024-02", 1] == 0.0
    assert np.isnan(m.loc["2024-02", 3])  # April is the last month: Feb + 3 is unobserved
    with pytest.raises(ValueError):
        o.cohort_retention(SMALL, "Q")


def test_repurchase_within_excludes_censored_customers():
    r = o.repurchase_within(SMALL, 30, end=pd.Timestamp("2024-04-10"))
    # eligible: first purchase on or before 2024-03-11: a, b, c, d (4); a rebought after 20 days
    assert (r["eligible"], r["repurchased"], r["rate"]) == (4, 1, 0.25)
    r = o.repurchase_within(SMALL, 90, end=pd.Timestamp("2024-04-10"))
    # eligible: first purchase on or before 2024-01-11: only a
    assert (r["eligible"], r["repurchased"]) == (1, 1)


def test_inter_purchase_days():
    assert sorted(o.inter_purchase_days(SMALL).tolist()) == [20, 44, 86]


def test_time_to_second_purchase_and_kaplan_meier():
    d = o.time_to_second_purchase(SMALL, end=pd.Timestamp("2024-04-10"))
    assert d.loc["a"].tolist() == [20, 1] and d.loc["c"].tolist() == [69, 0] and d.loc["d"].tolist() == [50, 0]
    km = o.kaplan_meier(d)
    # events at 20 (4 at risk) and 86 (b, 1 at risk after c (69) and d (50) are censored)
    assert km.loc[km["days"] == 20, "survival"].item() == pytest.approx(0.75)
    assert km["survival"].iloc[-1] == pytest.approx(0.0)


def test_concentration_known_values():
    equal = log([(c, "2024-01-01", 10) for c in "abcd"])
    assert o.gini(equal) == pytest.approx(0.0)
    assert o.top_share(equal, 25) == pytest.approx(0.25)
    one = log([("a", "2024-01-01", 100)] + [(c, "2024-01-01", 0.0) for c in "bcd"])
    assert o.gini(one) == pytest.approx(0.75)  # (n-1)/n for n = 4
    assert o.top_share(one, 25) == 1.0
    lz = o.lorenz(equal)
    assert lz.iloc[0].tolist() == [0, 0] and lz.iloc[-1].tolist() == [1, 1] and np.allclose(lz["customers"], lz["revenue"])


def test_rfm_scores():
    r = o.rfm(SMALL, asof=pd.Timestamp("2024-04-10"), bins=2)
    assert r.loc["b", "recency"] == 0 and r.loc["a", "frequency"] == 3 and r.loc["d", "monetary"] == 100
    assert r.loc["b", "R"] == 2 and r.loc["c", "R"] == 1 and r.loc["a", "F"] == 2 and r.loc["d", "M"] == 2


def _write(tmp_path, text, name="orders.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_own_file_with_mapping(tmp_path):
    path = _write(tmp_path, "buyer,paid_at,gmv,channel\nx,2024-01-02,9.5,wechat\ny,2024-01-03,1,douyin\n")
    df = o.load(path, {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"})
    assert df["amount"].tolist() == [9.5, 1.0] and df["channel"].tolist() == ["wechat", "douyin"]


@pytest.mark.parametrize("text,where", [
    ("customer_id,date,amount\nx,2024-02-30,1\n", ("date", 2)),
    ("customer_id,date,amount\nx,2024-01-01,1\ny,2024-01-02,-3\n", ("amount", 3)),
    ("customer_id,date,amount\nx,2024-01-01,lots\n", ("amount", 2)),
    ("customer_id,date,amount\n,2024-01-01,1\n", ("customer_id", 2)),
    ("customer_id,date,amount\nx,2024-01-01,1\nNULL,2024-01-02,1\n", ("customer_id", 3)),
    ("customer_id,date,amount\nnan,2024-01-01,1\n", ("customer_id", 2)),
    ("customer_id,date,amount\nx,2024-01-01,1\n - ,2024-01-02,1\n", ("customer_id", 3)),
    ("customer_id,date,amount\nNone,2024-01-01,1\n", ("customer_id", 2)),
])
def test_bad_rows_are_named(tmp_path, text, where):
    with pytest.raises(DataError) as exc:
        o.load(_write(tmp_path, text))
    p = exc.value.problems[0]
    assert (p.column, p.row) == where and "orders.csv" in p.file


def test_wrong_mapping_and_missing_columns(tmp_path):
    path = _write(tmp_path, "buyer,paid_at,gmv\nx,2024-01-02,9.5\n")
    with pytest.raises(DataError, match="missing column"):
        o.load(path)
    with pytest.raises(DataError, match="not in the file"):
        o.load(path, {"customer_id": "client", "date": "paid_at", "amount": "gmv"})


def test_gzip_and_empty_files(tmp_path):
    gz = tmp_path / "o.csv.gz"
    gz.write_bytes(gzip.compress(b"customer_id,date,amount\nx,2024-01-02,1\n"))
    assert len(o.load(gz)) == 1
    with pytest.raises(DataError, match="empty"):
        o.load(_write(tmp_path, ""))


def test_cdnow_is_what_the_literature_says():
    df = o.load()
    assert len(df) == 69659 and df["customer_id"].nunique() == 23570
    assert df["date"].min() == pd.Timestamp("1997-01-01") and df["date"].max() == pd.Timestamp("1998-06-30")
    sample = o.load("data/orders/cdnow_sample.csv.gz")
    assert sample["customer_id"].nunique() == 2357
