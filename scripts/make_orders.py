#!/usr/bin/env python
"""Write a synthetic order log of any size with a known structure, for scale tests and benchmarks.

Default structure (seeded, so the same arguments give the same file): customers = orders //
ORDERS_PER_CUSTOMER; each order picks a customer uniformly at random, a day uniformly in 2023-01-01 …
2024-12-31 and an amount from a lognormal with median 100 (σ = 0.8), rounded to cents. So the expected
number of orders per customer is ORDERS_PER_CUSTOMER, and the Gini of revenue is that of a Poisson
mixture of lognormals. Such buying never stops: a BG/NBD model fitted to it sits at the edge of its
parameter space (no dropout), and `clv.fit_bgnbd` reports NaN standard errors with a note.

`--dropout` instead simulates the BG/NBD story (Fader, Hardie & Lee 2005), in days: each customer
makes a first purchase on a day uniform in the two years, then buys at a Poisson rate λ ~ Gamma(r,
rate α) and, after each repeat purchase, drops out for good with probability p ~ Beta(a, b) (defaults
DROPOUT: r = 0.8, α = 16 days, a = 2, b = 8: about five lines per customer, as by default). Each purchase is one
line; its amount is lognormal around the customer's own median (itself lognormal around 100), so the
Gamma-Gamma spend model has between-customer variation to fit. Customers are simulated in batches
until the log has exactly `orders` lines (the last customer may be cut short); lines are shuffled
within a batch. Fits on such logs are regular: the parameters are identifiable and have standard errors.

Columns: customer_id, date, amount (the book's own names). Parquet when the name ends in .parquet,
CSV otherwise.

Usage: .venv/bin/python scripts/make_orders.py 10000000 /tmp/orders_10m.parquet [--seed 1] [--dropout]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ORDERS_PER_CUSTOMER = 5
FIRST_DAY, DAYS = np.datetime64("2023-01-01"), 731
CHUNK = 2_000_000
DROPOUT = {"r": 0.8, "alpha": 16.0, "a": 2.0, "b": 8.0}  # BG/NBD parameters (days) of --dropout


def chunk(rng: np.random.Generator, n: int, customers: int) -> pa.Table:
    ids = rng.integers(0, customers, n)
    return pa.table({
        "customer_id": pa.array(np.char.add("c", ids.astype(str))),
        "date": pa.array(FIRST_DAY + rng.integers(0, DAYS, n).astype("timedelta64[D]")),
        "amount": pa.array(np.round(np.exp(rng.normal(np.log(100), 0.8, n)), 2)),
    })


def _table(ids: np.ndarray, days: np.ndarray, amounts: np.ndarray) -> pa.Table:
    return pa.table({"customer_id": pa.array(np.char.add("c", ids.astype(str))),
                     "date": pa.array(FIRST_DAY + days.astype("timedelta64[D]")),
                     "amount": pa.array(amounts)})


def dropout_batch(rng: np.random.Generator, first_id: int, m: int, params: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lines of `m` customers (ids first_id …): customer id, day (0 … DAYS-1) and amount, sorted by customer."""
    start = rng.integers(0, DAYS, m).astype(float)
    rate = rng.gamma(params["r"], 1 / params["alpha"], m)
    leave = rng.beta(params["a"], params["b"], m)
    median = np.exp(rng.normal(np.log(100), 0.5, m))
    who, when = [np.arange(m)], [start.copy()]
    t, active = start, np.ones(m, bool)
    while active.any():
        idx = np.flatnonzero(active)
        t[idx] += rng.exponential(1 / rate[idx])
        inside = t[idx] < DAYS
        buyers = idx[inside]
        who.append(buyers)
        when.append(t[buyers].copy())
        active[idx[~inside]] = False
        active[buyers[rng.random(len(buyers)) < leave[buyers]]] = False  # dropout after a repeat purchase
    who, when = np.concatenate(who), np.concatenate(when)
    order = np.lexsort((when, who))
    who, when = who[order], when[order]
    amounts = np.round(median[who] * np.exp(rng.normal(0, 0.6, len(who))), 2)
    return who + first_id, np.floor(when).astype(np.int64), amounts


def write(n: int, path: Path, seed: int = 1, dropout: dict | None = None) -> Path:
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = chunk(np.random.default_rng(0), 1, 1).schema
    writer = pq.ParquetWriter(path, schema) if path.suffix == ".parquet" else pacsv.CSVWriter(path, schema)
    with writer:
        if dropout is None:
            customers = max(1, n // ORDERS_PER_CUSTOMER)
            for start in range(0, n, CHUNK):
                writer.write_table(chunk(rng, min(CHUNK, n - start), customers))
            return path
        written, first_id, per_customer = 0, 0, float(ORDERS_PER_CUSTOMER)
        while written < n:
            m = max(1, int((min(CHUNK, n - written)) / per_customer) + 1)
            ids, days, amounts = dropout_batch(rng, first_id, m, dropout)
            per_customer = max(1.0, len(ids) / m)
            keep = min(len(ids), n - written)  # whole customers, but the last
            shuffle = rng.permutation(keep)
            writer.write_table(_table(ids[:keep][shuffle], days[:keep][shuffle], amounts[:keep][shuffle]))
            written += keep
            first_id += m
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", type=int, help="number of order lines")
    parser.add_argument("path", type=Path, help="output .csv or .parquet")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dropout", action="store_true", help="BG/NBD-like buying with dropout (see the module docstring)")
    args = parser.parse_args()
    if args.orders < 1:
        parser.error("orders must be at least 1")
    print(write(args.orders, args.path, args.seed, DROPOUT if args.dropout else None))


if __name__ == "__main__":
    main()
