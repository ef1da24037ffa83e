"""Order-level computations as Ibis expressions: written once, run on DuckDB (embedded, the default)
or on Spark (local mode or a cluster) unchanged. Results equal `growthpath.orders` / `models.clv`
(the pandas path) on the same data; only the final, small results come back as pandas.

    con = engine.connect()                                   # DuckDB in-process
    con = engine.connect("pyspark", session=spark)          # an existing SparkSession (cluster)
    t = engine.read_orders(con, "orders.parquet", {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"})
    engine.repurchase_within(t, 90)
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

COLUMNS = ("customer_id", "date", "amount")


def connect(backend: str = "duckdb", **kwargs):
    """An Ibis connection: `duckdb` (embedded; kwargs like threads=2, memory_limit='4GB') or `pyspark`
    (pass `session=` a SparkSession; without one, a local[*] session is started)."""
    import ibis

    if backend == "duckdb":
        con = ibis.duckdb.connect()
        for key, value in kwargs.items():
            con.raw_sql(f"SET {key} = '{value}'")
        return con
    if backend == "pyspark":
        session = kwargs.pop("session", None)
        if session is None:
            from pyspark.sql import SparkSession

            session = (SparkSession.builder.master("local[*]").appName("growthpath")
                       .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
        return ibis.pyspark.connect(session)
    raise ValueError(f"unknown backend {backend!r}; choose duckdb or pyspark")


def read_orders(con, path: str | Path, columns: dict[str, str] | None = None):
    """Order lines from CSV (gzipped or not) or Parquet, renamed to customer_id, date, amount."""
    path = str(path)
    table = con.read_parquet(path) if path.endswith(".parquet") else con.read_csv(path)
    mapping = columns or {}
    missing = [mapping.get(c, c) for c in COLUMNS if mapping.get(c, c) not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(table.columns)}")
    return table.select(customer_id=table[mapping.get("customer_id", "customer_id")].cast("string"),
                        date=table[mapping.get("date", "date")].cast("date"),
                        amount=table[mapping.get("amount", "amount")].cast("float64"))


def purchases(t):
    """One row per customer and day, amount summed (as `orders.purchases`)."""
    return t.group_by(["customer_id", "date"]).aggregate(amount=t.amount.sum())


def _scalar(expr):
    return expr.to_pyarrow().as_py()


def repurchase_within(t, days: int, end=None) -> dict:
    """Share of customers (first purchase ≥ `days` before the end) buying again within `days`."""
    import ibis

    p = purchases(t)
    end = pd.Timestamp(end).date() if end is not None else _scalar(p.date.max())
    ranked = p.mutate(n=ibis.row_number().over(group_by=p.customer_id, order_by=p.date))
    per = ranked.group_by("customer_id").aggregate(first=ranked.date.min(), second=ranked.date.min(where=ranked.n == 1))
    cutoff = ibis.literal(pd.Timestamp(end).date() - pd.Timedelta(days=days).to_pytimedelta())
    eligible = per.filter(per.first <= cutoff)
    gap = eligible.second.delta(eligible.first, unit="day")
    counts = eligible.aggregate(eligible=eligible.count(), repurchased=(gap <= days).fill_null(False).cast("int64").sum()).execute()
    counts = counts.fillna(0)  # Spark returns NULL, not 0, for aggregates over no rows
    n, hit = int(counts["eligible"].iloc[0]), int(counts["repurchased"].iloc[0])
    return {"days": days, "eligible": n, "repurchased": hit, "rate": hit / n if n else float("nan")}


def customer_revenue(t):
    return t.group_by("customer_id").aggregate(revenue=t.amount.sum())


def gini(t) -> float:
    """Gini coefficient of revenue per customer (as `orders.gini`)."""
    import ibis

    r = customer_revenue(t)
    ranked = r.mutate(i=ibis.row_number().over(order_by=r.revenue) + 1)
    s = ranked.aggregate(n=ranked.count(), total=ranked.revenue.sum(), weighted=(ranked.i * ranked.revenue).sum()).execute().iloc[0]
    n = int(s["n"])
    return float(2 * s["weighted"] / (n * s["total"]) - (n + 1) / n)


def top_share(t, top_pct: float) -> float:
    """Share of revenue from the top `top_pct` % of customers (as `orders.top_share`)."""
    import ibis

    if not 0 < top_pct <= 100:
        raise ValueError("top_pct must be in (0, 100]")
    r = customer_revenue(t)
    n = int(_scalar(r.count()))
    k = max(1, math.ceil(n * top_pct / 100))
    ranked = r.mutate(rank=ibis.row_number().over(order_by=ibis.desc(r.revenue)))
    s = ranked.aggregate(top=ranked.revenue.sum(where=ranked["rank"] < k), total=ranked.revenue.sum()).execute().iloc[0]
    return float(s["top"] / s["total"])


def cohort_retention(t, freq: str = "M") -> pd.DataFrame:
    """Share of each monthly ('M') or weekly ('W') acquisition cohort buying in each later period
    (as `orders.cohort_retention`: periods after the end of the data are NaN)."""
    import ibis

    if freq not in ("M", "W"):
        raise ValueError("freq must be 'M' (monthly) or 'W' (weekly) cohorts")
    p = purchases(t)
    period = p.date.truncate(freq)
    p = p.mutate(period=period)
    p = p.mutate(cohort=p.period.min().over(group_by=p.customer_id))
    if freq == "M":
        offset = (p.period.year() - p.cohort.year()) * 12 + p.period.month() - p.cohort.month()
    else:
        offset = p.period.delta(p.cohort, unit="day") // 7
    counts = (p.mutate(offset=offset).group_by(["cohort", "offset"]).aggregate(customers=ibis._.customer_id.nunique())
              .execute())
    last = _scalar(period.max())
    grid = counts.pivot(index="cohort", columns="offset", values="customers").fillna(0)
    grid = grid.reindex(columns=range(int(counts["offset"].max()) + 1), fill_value=0)
    share = grid.div(grid[0], axis=0)
    last_period = pd.Period(pd.Timestamp(last), freq)
    for cohort in share.index:
        observable = (last_period - pd.Period(pd.Timestamp(cohort), freq)).n
        share.loc[cohort, [c for c in share.columns if c > observable]] = float("nan")
    share.index = [str(pd.Period(pd.Timestamp(c), freq)) for c in share.index]
    share.index.name, share.columns.name = "cohort", "offset"
    return share


def rfm_summary(t, calibration_end, holdout_end=None) -> pd.DataFrame:
    """BG/NBD inputs per customer: x, t_x, T (weeks), m_x, and holdout purchases and spend
    (as `models.clv.rfm_summary`)."""
    import ibis

    cal_end = pd.Timestamp(calibration_end).date()
    p = purchases(t)
    p = p.mutate(first=p.date.min().over(group_by=p.customer_id))
    p = p.filter(p.first <= ibis.literal(cal_end))
    in_cal, repeat = p.date <= ibis.literal(cal_end), (p.date <= ibis.literal(cal_end)) & (p.date > p.first)
    metrics = dict(first=p.first.min(), last=p.date.max(where=in_cal), x=repeat.cast("int64").sum(),
                   m_x=p.amount.mean(where=repeat))
    if holdout_end is not None:
        hold = (p.date > ibis.literal(cal_end)) & (p.date <= ibis.literal(pd.Timestamp(holdout_end).date()))
        metrics.update(x_holdout=hold.cast("int64").sum(), spend_holdout=p.amount.sum(where=hold))
    out = p.group_by("customer_id").aggregate(**metrics).execute().set_index("customer_id").sort_index()
    first, last = pd.to_datetime(out.pop("first")), pd.to_datetime(out.pop("last"))
    out["t_x"] = (last - first).dt.days / 7
    out["T"] = (pd.Timestamp(cal_end) - first).dt.days / 7
    out["m_x"] = out["m_x"].fillna(0.0)
    if holdout_end is not None:
        out["spend_holdout"] = out["spend_holdout"].fillna(0.0)
        out["x_holdout"] = out["x_holdout"].astype(int)
    out["x"] = out["x"].astype(int)
    columns = ["x", "t_x", "T", "m_x"] + (["x_holdout", "spend_holdout"] if holdout_end is not None else [])
    return out[columns]
