"""The order-level layer written once in Ibis equals the pandas path: on the full CDNOW log with DuckDB,
and, unchanged, on Spark in local mode (a small file; needs Java)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from conftest import REPO

CDNOW = REPO / "data" / "orders" / "cdnow_master.csv.gz"
SMALL = REPO / "tests" / "fixtures" / "orders_small.csv"
MAPPING = {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"}


def same_as_pandas(t, frame, cal_end, hold_end):
    from growthpath import engine, orders
    from growthpath.models import clv

    for days in (30, 90, 365):
        assert engine.repurchase_within(t, days) == pytest.approx(orders.repurchase_within(frame, days), nan_ok=True)
    assert engine.gini(t) == pytest.approx(orders.gini(frame), rel=1e-12)
    for pct in (15, 50):
        assert engine.top_share(t, pct) == pytest.approx(orders.top_share(frame, pct), rel=1e-12)
    for freq in ("M", "W"):
        ours, theirs = engine.cohort_retention(t, freq), orders.cohort_retention(frame, freq)
        assert list(ours.index) == list(theirs.index.astype(str))
        np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), rtol=1e-12)
    ours, theirs = engine.rfm_summary(t, cal_end, hold_end), clv.rfm_summary(frame, cal_end, hold_end)
    assert list(ours.index) == list(theirs.index.astype(str)) and list(ours.columns) == list(theirs.columns)
    np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), rtol=1e-9, atol=1e-9)


def test_duckdb_equals_pandas_on_cdnow():
    from growthpath import engine, orders

    t = engine.read_orders(engine.connect(threads=2), CDNOW)
    same_as_pandas(t, orders.load(), "1997-09-30", "1998-06-30")


def test_column_mapping_and_missing_columns():
    from growthpath import engine

    con = engine.connect()
    with pytest.raises(ValueError, match="missing column\\(s\\) date, amount; found buyer"):
        engine.read_orders(con, SMALL, {"customer_id": "buyer"})
    with pytest.raises(ValueError, match="unknown backend"):
        engine.connect("oracle")


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")  # py4j's sockets
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (Debian: default-jre-headless)")
def test_spark_local_mode_runs_the_same_code():
    from growthpath import engine, orders

    con = engine.connect("pyspark")
    try:
        t = engine.read_orders(con, SMALL, MAPPING)
        frame = orders.load(SMALL, MAPPING)
        cal_end = str(frame["date"].quantile(0.5).date())
        same_as_pandas(t, frame, cal_end, str(frame["date"].max().date()))
    finally:
        con._session.stop()


def test_duckdb_patterns_equal_pandas_patterns_on_cdnow():
    # BG/NBD patterns are grouped on whole days in DuckDB: exactly the pandas summary's, aggregated
    import pandas as pd

    from growthpath import engine, orders
    from growthpath.models import clv

    t = engine.read_orders(engine.connect(threads=2), CDNOW)
    summary = clv.rfm_summary(orders.load(), "1997-09-30")
    bg = engine.bgnbd_patterns(t, "1997-09-30")
    pd.testing.assert_frame_equal(bg, clv.patterns(summary), check_exact=True)
    assert len(bg) == 8685 and bg["n"].sum() == len(summary) == 23570
    # Gamma-Gamma patterns carry DuckDB's mean spend (equal to pandas' up to the last bit, so a few may split)
    gg = engine.gamma_gamma_patterns(t, "1997-09-30")
    repeaters = summary[summary["x"] > 0]
    assert gg["n"].sum() == len(repeaters) and (gg["n"] * gg["x"]).sum() == repeaters["x"].sum()
    assert (gg["n"] * gg["x"] * gg["m_x"]).sum() == pytest.approx((repeaters["x"] * repeaters["m_x"]).sum(), rel=1e-12)
    assert len(clv.patterns(repeaters, clv.GAMMA_GAMMA_COLUMNS)) <= len(gg) < 1.01 * len(clv.patterns(repeaters, clv.GAMMA_GAMMA_COLUMNS))
