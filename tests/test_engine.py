"""The order-level measures exist once, as the Ibis expressions of growthpath.data.order_engine: `orders` and
`clv.rfm_summary` are thin wrappers over them (no pandas implementation of their own), they give the
CDNOW numbers the former pandas implementation gave, and the same code runs on DuckDB (a file DuckDB
reads, a pandas frame handed over) and, unchanged, on Spark in local mode (a small file; needs Java)."""
from __future__ import annotations

import inspect
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from conftest import REPO

CDNOW = REPO / "data" / "orders" / "cdnow_master.csv.gz"
SMALL = REPO / "tests" / "fixtures" / "orders_small.csv"
MAPPING = {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"}
MEASURES = ("purchases", "cohort_retention", "repurchase_within", "inter_purchase_days", "time_to_second_purchase",
            "customer_revenue", "lorenz", "gini", "top_share", "rfm")


def same_as_frame(t, frame, cal_end, hold_end):
    """The engine on table `t` equals the `orders` / `clv` wrappers on the pandas frame of the same log."""
    from growthpath.data import order_engine, orders
    from growthpath.models import clv

    for days in (30, 90, 365):
        assert order_engine.repurchase_within(t, days) == pytest.approx(orders.repurchase_within(frame, days), nan_ok=True)
    assert order_engine.gini(t) == pytest.approx(orders.gini(frame), rel=1e-12)
    for pct in (15, 50):
        assert order_engine.top_share(t, pct) == pytest.approx(orders.top_share(frame, pct), rel=1e-12)
    for freq in ("M", "W"):
        ours, theirs = order_engine.cohort_retention(t, freq), orders.cohort_retention(frame, freq)
        assert list(ours.index) == list(theirs.index.astype(str))
        np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), rtol=1e-12)
    pd.testing.assert_series_equal(order_engine.inter_purchase_days(t), orders.inter_purchase_days(frame))
    pd.testing.assert_frame_equal(order_engine.time_to_second_purchase(t), orders.time_to_second_purchase(frame))
    pd.testing.assert_frame_equal(order_engine.lorenz(t), orders.lorenz(frame), rtol=1e-12)
    pd.testing.assert_series_equal(order_engine.customer_revenue(t), orders.customer_revenue(frame), rtol=1e-12)
    pd.testing.assert_frame_equal(order_engine.rfm(t), orders.rfm(frame), rtol=1e-12)
    pd.testing.assert_frame_equal(order_engine.purchase_days(t), orders.purchases(frame), rtol=1e-12)
    ours, theirs = order_engine.rfm_summary(t, cal_end, hold_end), clv.rfm_summary(frame, cal_end, hold_end)
    assert list(ours.index) == list(theirs.index.astype(str)) and list(ours.columns) == list(theirs.columns)
    np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), rtol=1e-9, atol=1e-9)


def test_duckdb_on_the_file_equals_the_wrappers_on_the_frame():
    from growthpath.data import order_engine, orders

    t = order_engine.read_orders(order_engine.connect(threads=2), CDNOW)
    same_as_frame(t, orders.load(), "1997-09-30", "1998-06-30")
    prepared = order_engine.prepare(t)  # the same measures from purchases materialised once
    same_as_frame(prepared, orders.load(), "1997-09-30", "1998-06-30")
    order_engine.release(prepared)


def test_the_measures_are_the_engines_and_nothing_else():
    # each measure of `orders` (and clv.rfm_summary) only hands the frame to the engine function of its name:
    # no groupby, no second implementation
    from growthpath.data import order_engine, orders
    from growthpath.models import clv

    for name in MEASURES:
        source = inspect.getsource(getattr(orders, name))
        body = source.split('"""')[-1]
        assert not re.search(r"groupby|\.agg\(|\.transform\(|\.diff\(|\.rank\(|np\.(sort|cumsum)", body), name
        assert re.search(rf"engine\.({name}|purchase_days)\(prepared\(orders\)", body), name
        assert callable(getattr(order_engine, name if name != "purchases" else "purchase_days"))
    assert "engine.rfm_summary(orders_mod.prepared(orders)" in inspect.getsource(clv.rfm_summary)
    module = inspect.getsource(orders)
    assert ".groupby(" not in module and "drop_duplicates" not in module  # model_problems counts in the engine too


def test_cdnow_numbers_are_those_of_the_former_pandas_implementation():
    # what orders.* / clv.rfm_summary gave on the CDNOW master log before they ran on the engine
    from growthpath.data import orders
    from growthpath.models import clv

    o = orders.load()
    for days, (eligible, repurchased) in {30: (23570, 4115), 90: (23570, 6887), 180: (23570, 8827), 365: (23570, 10810)}.items():
        r = orders.repurchase_within(o, days)
        assert (r["eligible"], r["repurchased"]) == (eligible, repurchased)
    assert orders.gini(o) == pytest.approx(0.634571184581596, rel=1e-13)
    assert orders.top_share(o, 15) == pytest.approx(0.6058292168497142, rel=1e-13)
    monthly = orders.cohort_retention(o, "M")
    assert monthly.shape == (3, 18) and int(monthly.notna().sum().sum()) == 51
    assert monthly[1].mean() == pytest.approx(0.1482125923331353, rel=1e-15)
    assert monthly.loc["1997-01"].iloc[:4].tolist() == pytest.approx([1.0, 0.1474636757583482, 0.12286515421871017, 0.10323731837879174],
                                                                     rel=1e-15)
    weekly = orders.cohort_retention(o, "W")
    assert weekly.shape == (13, 79) and weekly[1].mean() == pytest.approx(0.05620200600035044, rel=1e-15)
    d = orders.time_to_second_purchase(o)
    assert (len(d), int(d["duration"].sum()), int(d["event"].sum())) == (23570, 7330622, 11516)
    km = orders.kaplan_meier(d)
    assert len(km) == 516 and km["survival"].iloc[-1] == pytest.approx(0.5072612218716924, rel=1e-13)
    gaps = orders.inter_purchase_days(o)
    assert (len(gaps), int(gaps.sum()), gaps.median(), gaps.index[:3].tolist()) == (44021, 3178932, 34.0, [3, 4, 5])
    p = orders.purchases(o)
    assert len(p) == 67591 and p["amount"].sum() == pytest.approx(2500315.63, rel=1e-13)
    scores = orders.rfm(o)
    assert scores[["R", "F", "M"]].sum().tolist() == [70650, 57913, 70602]
    assert scores["RFM"].value_counts().head(3).to_dict() == {"555": 2340, "111": 1740, "211": 1622}
    s = clv.rfm_summary(o, "1997-09-30", "1998-06-30")
    assert (len(s), int(s["x"].sum()), int(s["x_holdout"].sum())) == (23570, 24337, 19684)
    assert [s["t_x"].sum(), s["T"].sum()] == pytest.approx([161377.7142857143, 771390.8571428572], rel=1e-15)
    assert [s["m_x"].sum(), s["spend_holdout"].sum()] == pytest.approx([336714.2874382242, 776961.1300000001], rel=1e-13)


def test_a_frame_is_prepared_once_and_again_when_it_changes():
    from growthpath.data import order_engine, orders

    o = orders.load(SMALL, MAPPING)
    first = orders.prepared(o)
    assert orders.prepared(o) is first  # reused while the frame is unchanged
    before = orders.gini(o)
    o.loc[0, "amount"] = o["amount"].max() * 50  # an in-place edit: the frame's purchases are made again
    assert orders.prepared(o) is not first
    assert orders.gini(o) != before and orders.gini(o) == pytest.approx(order_engine.gini(order_engine.table(o)), rel=1e-12)


def test_column_mapping_and_missing_columns():
    from growthpath.data import order_engine

    con = order_engine.connect()
    with pytest.raises(ValueError, match="missing column\\(s\\) date, amount; found buyer"):
        order_engine.read_orders(con, SMALL, {"customer_id": "buyer"})
    with pytest.raises(ValueError, match="unknown backend"):
        order_engine.connect("oracle")


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning",  # py4j's sockets
                            "ignore:The copy keyword is deprecated:DeprecationWarning")  # pyspark's toPandas on pandas 3
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (Debian: default-jre-headless)")
def test_spark_local_mode_runs_the_same_code():
    from growthpath.data import order_engine, orders

    con = order_engine.connect("pyspark")
    try:
        t = order_engine.read_orders(con, SMALL, MAPPING)
        frame = orders.load(SMALL, MAPPING)
        cal_end = str(frame["date"].quantile(0.5).date())
        same_as_frame(t, frame, cal_end, str(frame["date"].max().date()))
    finally:
        con._session.stop()


def test_duckdb_patterns_equal_the_summarys_patterns_on_cdnow():
    # BG/NBD patterns are grouped on whole days in DuckDB: exactly the per-customer summary's, aggregated
    from growthpath.data import order_engine, orders
    from growthpath.models import clv

    t = order_engine.read_orders(order_engine.connect(threads=2), CDNOW)
    summary = clv.rfm_summary(orders.load(), "1997-09-30")
    bg = order_engine.bgnbd_patterns(t, "1997-09-30")
    pd.testing.assert_frame_equal(bg, clv.patterns(summary), check_exact=True)
    assert len(bg) == 8685 and bg["n"].sum() == len(summary) == 23570
    # Gamma-Gamma patterns: the compensated mean spend is the same whichever way DuckDB reads the log
    gg = order_engine.gamma_gamma_patterns(t, "1997-09-30")
    repeaters = summary[summary["x"] > 0]
    pd.testing.assert_frame_equal(gg, clv.patterns(repeaters, clv.GAMMA_GAMMA_COLUMNS), check_exact=True)
    assert gg["n"].sum() == len(repeaters) == 9451 and len(gg) == 6037
