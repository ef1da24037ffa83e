#!/usr/bin/env python
"""The order-level workload of the book at scale, step by step, for scripts/bench.py:
Chapter 2's measures (monthly cohorts, time to second purchase + Kaplan–Meier, top-15 % share, Gini,
Lorenz curve, repurchase within 30/90/180/365 days, median days between purchases) and the customer-value
models' inputs and fits (the per-customer BG/NBD summary, BG/NBD and Gamma-Gamma fitted on weighted
unique patterns aggregated in the backend).

    bench_orders.py engine FILE.parquet [--threads 2] [--memory-limit 4GB] [--temp-directory DIR]
        growthpath.data.order_engine on DuckDB directly: the file read by DuckDB, its purchases materialised once
        (engine.prepare), every measure an Ibis expression over them;
    bench_orders.py frame FILE.parquet
        the chapters' path: the log as a pandas frame (`orders.load`, validated) and the `orders` / `clv`
        wrappers, which hand it to the in-process DuckDB connection;
    bench_orders.py chapters FILE.csv
        what Chapters 2 and 4 and the runner's validation do with an analyst's log, call by call, in one
        process (the chapters' own code: logdesc, churn, the clv fits and predictions included), to show
        where a chapter run's time goes; the two fits also on weighted patterns, for comparison.

Prints one JSON object: per step its seconds and the process's peak resident memory (MiB; sampled
every 0.05 s; DuckDB runs in this process, so this is all of it), and the results."""
from __future__ import annotations

import argparse
import json
import threading
import time

import psutil

CAL_END, HOLD_END = "2024-06-30", "2024-12-31"
REPURCHASE_DAYS = (30, 90, 180, 365)


class Steps:
    def __init__(self):
        self.proc, self.rows, self.peak, self._stop = psutil.Process(), [], 0, threading.Event()
        self.start = time.perf_counter()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.05)

    def __call__(self, name: str, fn):
        self.peak = self.proc.memory_info().rss
        began = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - began
        self.peak = max(self.peak, self.proc.memory_info().rss)
        self.rows.append({"step": name, "seconds": round(seconds, 2), "peak_mib": round(self.peak / 2**20)})
        print(f"  {name}: {seconds:.1f} s, peak {self.peak / 2**20:.0f} MiB", flush=True, file=__import__("sys").stderr)
        return out

    def total(self) -> dict:
        self._stop.set()
        return {"seconds": round(time.perf_counter() - self.start, 2), "peak_mib": max(r["peak_mib"] for r in self.rows)}


def workload(step: Steps, m) -> dict:
    """Chapter 2's measures and the value models on `m`, a namespace of measure functions of one argument."""
    from growthpath.data import orders
    from growthpath.models import clv

    out = {}
    out["cohorts"] = step("cohort retention (monthly)", lambda: m.cohort_retention("M")).shape
    durations = step("time to second purchase", m.time_to_second_purchase)
    km = step("Kaplan-Meier (statsmodels)", lambda: orders.kaplan_meier(durations))
    out["km_rows"] = len(km)
    durations = km = None
    out["top15"] = step("top 15 % share", lambda: m.top_share(15))
    out["gini"] = step("Gini", m.gini)
    out["lorenz_rows"] = len(step("Lorenz curve", m.lorenz))
    out["repurchase"] = step("repurchase within 30/90/180/365 days",
                             lambda: {d: m.repurchase_within(d)["rate"] for d in REPURCHASE_DAYS})
    out["median_gap"] = step("median days between purchases", m.median_gap)
    summary = step("BG/NBD summary (rfm_summary, per customer)", lambda: m.rfm_summary(CAL_END, HOLD_END))
    out["customers"] = len(summary)
    summary = None
    bg = step("BG/NBD patterns + fit (weights)", lambda: clv.fit_bgnbd(m.bgnbd_patterns(CAL_END), weights="n"))
    gg = step("Gamma-Gamma patterns + fit (weights)", lambda: clv.fit_gamma_gamma(m.gamma_gamma_patterns(CAL_END), weights="n"))
    out["bgnbd"] = {"params": bg.params, "bse": bg.bse, "note": bg.note, "converged": bg.converged}
    out["gamma_gamma"] = {"params": gg.params, "bse": gg.bse, "note": gg.note, "converged": gg.converged}
    return out


class EngineMeasures:
    def __init__(self, p):
        from growthpath.data import order_engine

        self.e, self.p = order_engine, p

    def __getattr__(self, name):
        fn = getattr(self.e, name)
        return lambda *args: fn(self.p, *args)

    def median_gap(self):
        return float(self.e._scalar(self.e.inter_purchase_gaps(self.p).days.median()))


class FrameMeasures:
    def __init__(self, frame):
        from growthpath.data import order_engine, orders
        from growthpath.models import clv

        self.frame, self.o, self.clv, self.e = frame, orders, clv, order_engine

    def __getattr__(self, name):
        fn = getattr(self.o, name)
        return lambda *args: fn(self.frame, *args)

    def median_gap(self):
        return float(self.o.inter_purchase_days(self.frame).median())

    def rfm_summary(self, *args):
        return self.clv.rfm_summary(self.frame, *args)

    def bgnbd_patterns(self, cal):
        return self.clv.patterns(self.clv.rfm_summary(self.frame, cal))

    def gamma_gamma_patterns(self, cal):
        s = self.clv.rfm_summary(self.frame, cal)
        return self.clv.patterns(s[s["x"] > 0], self.clv.GAMMA_GAMMA_COLUMNS)


def chapters(step: Steps, path: str) -> dict:
    """The order work of the runner's validation and of Chapters 2 and 4 on one log, as they call it."""
    import gc

    import pandas as pd

    from growthpath.data import orders
    from growthpath.analysis import logdesc
    from growthpath.models import churn, clv

    cal, hold, days = CAL_END, HOLD_END, list(REPURCHASE_DAYS)
    log = step("runner: orders.read (validated)", lambda: orders.read(path))
    step("runner: model_problems (prepares the purchases; the parameters of Chapters 2 and 4 merged; every core)",
         lambda: orders.model_problems(log.frame, log.label, lines=log.lines, threads=2, cohort_freq="M", repurchase_days=days,
                                       churn_window_days=182, calibration_end=cal, holdout_end=hold))
    step("runner: keep_checked (the copy the chapters read; after a run of the same log: found, not written)",
         lambda: orders.keep_checked(log))
    log = None
    gc.collect()
    o = step("ch2: orders.load (the runner's checked copy)", lambda: orders.load(path))
    step("ch2: logdesc.describe (reads the copy's purchases)", lambda: logdesc.describe(o, path))
    step("ch2: cohort_retention", lambda: orders.cohort_retention(o, "M"))
    step("ch2: time_to_second_purchase + kaplan_meier", lambda: orders.kaplan_meier(orders.time_to_second_purchase(o)))
    step("ch2: top_share, gini, lorenz", lambda: (orders.top_share(o, 15), orders.gini(o), orders.lorenz(o)))
    step("ch2: logdesc.repurchase_rates (4 windows)", lambda: logdesc.repurchase_rates(o, days))
    step("ch2: inter_purchase_days median", lambda: orders.inter_purchase_days(o).median())
    o = None
    gc.collect()
    orders._LOADED.clear()   # a chapter is a new process: nothing loaded yet
    o = step("ch4: orders.load (CLV log, the runner's checked copy)", lambda: orders.load(path))
    step("ch4: logdesc.describe (reads the copy's purchases)", lambda: logdesc.describe(o, path))
    summ = step("ch4: clv.rfm_summary", lambda: clv.rfm_summary(o, cal, hold))
    bg = step("ch4: clv.fit_bgnbd on weighted patterns", lambda: clv.fit_bgnbd(clv.patterns(summ, clv.BGNBD_COLUMNS), weights="n"))
    gg = step("ch4: clv.fit_gamma_gamma on weighted patterns",
              lambda: clv.fit_gamma_gamma(clv.patterns(summ, clv.GAMMA_GAMMA_COLUMNS), weights="n"))
    weeks = (pd.Timestamp(hold) - pd.Timestamp(cal)).days / 7
    pred = step("ch4: conditional_expected_purchases", lambda: clv.conditional_expected_purchases(bg, weeks, summ["x"], summ["t_x"], summ["T"]))
    step("ch4: cumulative_tracking", lambda: clv.cumulative_tracking(bg, o, int(round(summ["T"].max() + weeks))))
    step("ch4: holdout_by_frequency, p_alive, customer_value", lambda: (clv.holdout_by_frequency(summ, pred),
                                                                      clv.p_alive(bg, summ["x"], summ["t_x"], summ["T"]),
                                                                      clv.customer_value(summ, bg, gg, 52)))
    known = summ[summ["T"] > 0]
    step("ch4: holdout_value_predictions + prediction_errors",
         lambda: clv.prediction_errors(clv.holdout_value_predictions(known, bg, gg, weeks), known["spend_holdout"]))
    o2 = step("ch4: orders.load (churn log: the same file, the frame read before)", lambda: orders.load(path))
    step("ch4: churn.fit", lambda: churn.fit(o2, 182))
    return {"customers": len(summ), "bgnbd": {"params": bg.params, "note": bg.note}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["engine", "frame", "chapters"])
    parser.add_argument("path")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's memory limit (it spills beyond it)")
    parser.add_argument("--temp-directory", default=None, help="where DuckDB spills (default: next to the file)")
    args = parser.parse_args()
    step = Steps()
    if args.mode == "chapters":
        out = chapters(step, args.path)
        print(json.dumps({"mode": args.mode, "steps": step.rows, **step.total(), "results": out}, default=str))
        return
    if args.mode == "engine":
        from growthpath.data import order_engine

        settings = {"threads": args.threads, "memory_limit": args.memory_limit, "preserve_insertion_order": "false",
                    "temp_directory": args.temp_directory or f"{args.path}.duckdb.tmp"}
        con = order_engine.connect(**settings)
        t = step("read (DuckDB, Parquet)", lambda: order_engine.read_orders(con, args.path))
        p = step("purchases, materialised once (engine.prepare)", lambda: order_engine.prepare(t))
        measures = EngineMeasures(p)
    else:
        from growthpath.data import order_engine, orders

        order_engine.local().raw_sql(f"SET threads = {args.threads}")
        frame = step("orders.load (validated frame)", lambda: orders.load(args.path))
        measures = FrameMeasures(frame)
        step("purchases, materialised once (orders.prepared)", lambda: orders.prepared(frame))
    out = workload(step, measures)
    print(json.dumps({"mode": args.mode, "steps": step.rows, **step.total(), "results": out}, default=str))


if __name__ == "__main__":
    main()
