"""The runner's checked copy of an order log (`orders.keep_checked`): a chapter loading the same log reads
the copy instead of parsing and grouping the file again, gets the same frame and the same measures to
the last bit, and never gets the copy for anything else (another file, a changed file, a filtered frame)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpath.data import orders
from growthpath.models import clv


def write_log(path, customers=300, seed=7):
    rng = np.random.default_rng(seed)
    n = customers * 4
    frame = pd.DataFrame({"customer_id": [f"c{i}" for i in rng.integers(0, customers, n)],
                          "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
                          "amount": rng.gamma(2.0, 30.0, n).round(2)})
    frame.to_csv(path, index=False)
    return path


def measures(frame):
    summary = clv.rfm_summary(frame, "2024-06-30", "2024-12-01")
    return {"retention": orders.cohort_retention(frame), "second": orders.time_to_second_purchase(frame),
            "top": orders.top_share(frame, 15.0), "gini": orders.gini(frame), "revenue": orders.customer_revenue(frame),
            "rfm": summary.sort_values(list(summary.columns)).reset_index(drop=True)}


def same(a, b):
    for key in a:
        if isinstance(a[key], pd.DataFrame):
            pd.testing.assert_frame_equal(a[key], b[key], check_exact=True)
        elif isinstance(a[key], pd.Series):
            pd.testing.assert_series_equal(a[key].sort_index(), b[key].sort_index(), check_exact=True)
        else:
            assert a[key] == b[key], key


@pytest.fixture
def kept(project, tmp_path):
    path = write_log(tmp_path / "mine.csv")
    log = orders.read(path)
    folder = orders.keep_checked(log)
    return path, log, folder


def test_the_copy_gives_the_frame_read_and_the_same_measures_to_the_last_bit(kept):
    path, log, folder = kept
    assert sorted(p.name for p in folder.iterdir()) == ["customers.parquet", "done", "orders.parquet", "purchases.parquet"]
    frame = orders.load(path)
    assert frame is not log.frame
    pd.testing.assert_frame_equal(frame, log.frame, check_exact=True)   # dtypes too: Arrow-backed ids, datetime64[us]
    same(measures(frame), measures(log.frame.copy()))                    # a copy of the frame is prepared afresh


def test_a_chapter_reads_the_copys_purchases_not_the_file(kept):
    path, log, folder = kept
    doubled = pd.read_parquet(folder / "purchases.parquet").assign(amount=lambda d: 2 * d["amount"])
    doubled.to_parquet(folder / "purchases.parquet", index=False)
    customers = pd.read_parquet(folder / "customers.parquet").assign(revenue=lambda d: 2 * d["revenue"])
    customers.to_parquet(folder / "customers.parquet", index=False)
    frame = orders.load(path)
    fresh = orders.customer_revenue(log.frame.copy()).sum()
    assert orders.customer_revenue(frame).sum() == pytest.approx(2 * fresh)         # what the runner prepared
    assert orders.customer_revenue(frame[frame["amount"] > 0]).sum() == pytest.approx(fresh)  # a frame of its own


def test_a_changed_file_or_another_reading_is_not_given_the_copy(kept):
    path, log, folder = kept
    assert id(orders.load(path, date_format="%Y-%m-%d")) not in orders._COPIES  # read another way: another key
    with open(path, "a", encoding="utf-8") as f:
        f.write("c1,2024-12-01,5.00\n")
    frame = orders.load(path)
    assert len(frame) == len(log.frame) + 1 and id(frame) not in orders._COPIES


def test_only_the_latest_copies_stay(project, tmp_path):
    folders = [orders.keep_checked(orders.read(write_log(tmp_path / f"log{i}.csv", seed=i))) for i in range(orders.KEEP_COPIES + 2)]
    assert [f.exists() for f in folders] == [False, False] + [True] * orders.KEEP_COPIES


@pytest.mark.slow
def test_a_book_run_keeps_a_checked_copy_of_each_bundled_log(executed):
    from conftest import rooted

    with rooted(executed["root"]):  # the CDNOW master file (Chapter 2, churn) and its sample (the customer-value models)
        kept = [orders.checked_copy(resource=name) for name in ("orders_cdnow", "orders_cdnow_sample")]
    assert all(kept) and kept[0] != kept[1], kept
