#!/usr/bin/env python
"""One order-level workload (repurchase within 90 days, Gini, top-15 % share, monthly cohorts, BG/NBD
summary) on one engine, for scripts/bench.py: `bench_orders.py duckdb|pandas FILE.parquet`."""
from __future__ import annotations

import sys
import time

CAL_END, HOLD_END = "2024-06-30", "2024-12-31"


def with_duckdb(path: str) -> dict:
    from growthpath import engine

    t = engine.read_orders(engine.connect(threads=2, memory_limit="4GB"), path)
    return {"repurchase_90d": engine.repurchase_within(t, 90)["rate"], "gini": engine.gini(t),
            "top15": engine.top_share(t, 15), "cohorts": engine.cohort_retention(t).shape[0],
            "rfm_customers": len(engine.rfm_summary(t, CAL_END, HOLD_END))}


def with_pandas(path: str) -> dict:
    import pandas as pd

    from growthpath import orders
    from growthpath.models import clv

    frame = pd.read_parquet(path)
    frame["date"] = pd.to_datetime(frame["date"])
    return {"repurchase_90d": orders.repurchase_within(frame, 90)["rate"], "gini": orders.gini(frame),
            "top15": orders.top_share(frame, 15), "cohorts": orders.cohort_retention(frame).shape[0],
            "rfm_customers": len(clv.rfm_summary(frame, CAL_END, HOLD_END))}


if __name__ == "__main__":
    start = time.perf_counter()
    out = {"duckdb": with_duckdb, "pandas": with_pandas}[sys.argv[1]](sys.argv[2])
    print(out, f"{time.perf_counter() - start:.1f}s")
