#!/usr/bin/env python
"""Write a synthetic order log of any size with a known structure, for scale tests and benchmarks.

Structure (seeded, so the same arguments give the same file): customers = orders // ORDERS_PER_CUSTOMER;
each order picks a customer uniformly at random, a day uniformly in 2023-01-01 … 2024-12-31 and an
amount from a lognormal with median 100 (σ = 0.8), rounded to cents. So the expected number of orders
per customer is ORDERS_PER_CUSTOMER, and the Gini of revenue is that of a Poisson mixture of lognormals.
Columns: customer_id, date, amount (the book's own names). Parquet when the name ends in .parquet.

Usage: .venv/bin/python scripts/make_orders.py 10000000 /tmp/orders_10m.parquet [--seed 1]
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


def chunk(rng: np.random.Generator, n: int, customers: int) -> pa.Table:
    ids = rng.integers(0, customers, n)
    return pa.table({
        "customer_id": pa.array(np.char.add("c", ids.astype(str))),
        "date": pa.array(FIRST_DAY + rng.integers(0, DAYS, n).astype("timedelta64[D]")),
        "amount": pa.array(np.round(np.exp(rng.normal(np.log(100), 0.8, n)), 2)),
    })


def write(n: int, path: Path, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    customers = max(1, n // ORDERS_PER_CUSTOMER)
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = chunk(np.random.default_rng(0), 1, 1).schema
    writer = pq.ParquetWriter(path, schema) if path.suffix == ".parquet" else pacsv.CSVWriter(path, schema)
    with writer:
        for start in range(0, n, CHUNK):
            writer.write_table(chunk(rng, min(CHUNK, n - start), customers))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", type=int, help="number of order lines")
    parser.add_argument("path", type=Path, help="output .csv or .parquet")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.orders < 1:
        parser.error("orders must be at least 1")
    print(write(args.orders, args.path, args.seed))


if __name__ == "__main__":
    main()
