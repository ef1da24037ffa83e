"""Order-level measures as Ibis expressions, written once: run on DuckDB (embedded, the default) or on
Spark (local mode or a cluster) unchanged. `growthpath.data.orders` and `models.clv.rfm_summary` are thin
wrappers: they hand a pandas frame to an in-process DuckDB connection (`table`, `prepare`; see
`orders.prepared`) and call these. Only the final results come back as pandas.

    con = order_engine.connect()                                   # DuckDB in-process
    con = order_engine.connect("pyspark", session=spark)          # an existing SparkSession (cluster)
    t = order_engine.read_orders(con, "orders.parquet", {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"})
    order_engine.repurchase_within(t, 90)
    p = order_engine.prepare(t)        # large logs: one row per customer and day, materialised once in the backend
    order_engine.repurchase_within(p, 90), order_engine.gini(p), order_engine.rfm_summary(p, "2024-06-30", "2024-12-31")

Every measure takes a table of order lines (customer_id, date, amount; any number of lines per
customer and day) or the result of `prepare`. Lines of one customer on one day are one purchase
(`purchases`). Dates are days: a timestamp's time of day is dropped.
"""
from __future__ import annotations

import functools
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ("customer_id", "date", "amount")
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)   # customer ids come back Arrow-backed, as `orders.load` holds them
_PREPARED: dict = {}                                  # tables `prepare` made: purchases' name -> the customers table
_CALIBRATED: dict = {}                                # (purchases' name, calibration end, holdout end) -> _per_customer table
_LOCAL = None


def connect(backend: str = "duckdb", database: str | Path = ":memory:", **kwargs):
    """An Ibis connection: `duckdb` (embedded, in memory or in the file `database`; kwargs are DuckDB
    settings like threads=2, memory_limit='4GB', temp_directory='/tmp/x') or `pyspark` (pass
    `session=` a SparkSession; without one, a local[*] session is started)."""
    import ibis

    if backend == "duckdb":
        con = ibis.duckdb.connect(str(database))
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


def local():
    """The in-process DuckDB connection that `table` registers pandas frames in (single-threaded, so runs
    are identical to the last bit; created on first use; also Ibis' default backend, which executes
    in-memory tables)."""
    import ibis

    global _LOCAL
    if _LOCAL is None:
        _LOCAL = connect(threads=1)  # one thread adds rows in one order: the book's numbers agree to the last bit
        ibis.set_backend(_LOCAL)
    return _LOCAL


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


def table(frame: pd.DataFrame):
    """An Ibis table over a pandas order log (`orders.load`'s frame: customer_id text, date datetime64,
    amount numeric) in the in-process DuckDB connection. The columns are handed over as Arrow arrays
    (Arrow-backed customer ids and numeric columns without a copy); nothing is loaded twice."""
    import ibis
    import pyarrow as pa

    local()
    ids = frame["customer_id"]
    if not isinstance(ids.dtype, (pd.StringDtype, pd.ArrowDtype)):
        ids = ids.astype(TEXT)
    arrow = pa.table({"customer_id": pa.array(ids), "date": pa.array(frame["date"]),
                      "amount": pa.array(frame["amount"], type=pa.float64(), from_pandas=True)})
    return ibis.memtable(arrow)


def prepare(t, con=None):
    """The purchases of `t` (one row per customer and day, with the customer's first and previous purchase
    day) and one row per customer (first, second and last purchase day, purchases, revenue), materialised in t's backend (DuckDB
    tables, cached Spark DataFrames). Every measure given the result starts from them instead of grouping
    the order lines again: for several measures of one large log. `release` drops them. Revenue measures
    then sum purchases rather than lines (the same up to float rounding)."""
    import ibis

    con = con or ibis.get_backend(t)
    prepared = _keep(con, _dated(t), "purchases")
    _PREPARED[prepared.get_name()] = _keep(con, _customers_of(prepared), "customers")
    return prepared


def save_prepared(prepared, folder: Path) -> None:
    """Write `prepare`'s tables (purchases, customers) to `folder` as Parquet, rows in their order, for
    `load_prepared` in another process (DuckDB only). Rows are sorted by customer (and day), so the copy
    is the same however many threads prepared it: its sums are compensated (`_sum`), and a reader adding
    its rows on one thread adds them in one order."""
    import ibis

    con = ibis.get_backend(prepared)
    for kind, table, order in (("purchases", prepared, "customer_id, date"), ("customers", _PREPARED[prepared.get_name()], "customer_id")):
        name = table.get_name().split(".")[-1]
        con.raw_sql(f"COPY (SELECT * FROM temp.main.\"{name}\" ORDER BY {order}) TO {_quoted(folder / f'{kind}.parquet')} (FORMAT parquet)")


def load_prepared(folder: Path, con):
    """`prepare`'s tables as `save_prepared` wrote them, as tables of `con` (DuckDB): what `prepare`
    returned for the same log, without grouping its lines again."""
    tables = {}
    for kind in ("purchases", "customers"):
        name = f"gp_{kind}_{uuid.uuid4().hex}"
        con.raw_sql(f"CREATE TEMP TABLE \"{name}\" AS SELECT * FROM read_parquet({_quoted(folder / f'{kind}.parquet')})")
        tables[kind] = con.table(name)
    _PREPARED[tables["purchases"].get_name()] = tables["customers"]
    return tables["purchases"]


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _keep(con, expr, kind: str):
    """`expr` materialised in `con`: a temporary DuckDB table, a cached Spark DataFrame."""
    if con.name == "duckdb":
        return con.create_table(f"gp_{kind}_{uuid.uuid4().hex}", expr, temp=True)
    return expr.cache()


def release(prepared) -> None:
    """Drop the tables `prepare` made (and the calibration summaries made from them)."""
    import ibis

    name = prepared.get_name()
    customers = _PREPARED.pop(name, None)
    calibrated = [_CALIBRATED.pop(key) for key in [k for k in _CALIBRATED if k[0] == name]]
    con = ibis.get_backend(prepared)
    for table in (prepared, customers, *calibrated):
        if table is None:
            continue
        if con.name == "duckdb":
            con.raw_sql(f'DROP TABLE IF EXISTS temp.main."{table.get_name().split(".")[-1]}"')
        elif hasattr(table, "release"):
            table.release()


def _prepared(t) -> bool:
    try:
        return t.get_name() in _PREPARED
    except Exception:  # an expression, not a table in the backend
        return False


def purchases(t):
    """One row per customer and day, amount summed over that day's lines (as `orders.purchases`)."""
    if _prepared(t):
        return t.select(*COLUMNS)
    lines = t.mutate(date=t.date.cast("date"))
    return lines.group_by(["customer_id", "date"]).aggregate(amount=_sum(lines.amount))


def _dated(t):
    """`purchases(t)` with each customer's first purchase day, `first`, and previous purchase day, `previous`
    (NULL on the first): one window, sorted once."""
    import ibis

    if _prepared(t):
        return t
    p = purchases(t)
    by_day = ibis.window(group_by=p.customer_id, order_by=p.date)
    return p.mutate(first=p.date.first().over(by_day), previous=p.date.lag().over(by_day))


def purchase_days(t) -> pd.DataFrame:
    """`purchases(t)` as pandas, sorted by customer and day (as `orders.purchases`)."""
    return _frame(purchases(t).order_by(["customer_id", "date"]))


# ----------------------------------------------------------------------------- sums of money
def _duckdb(expr) -> bool:
    import ibis

    try:
        return ibis.get_backend(expr).name == "duckdb"
    except Exception:  # no backend bound (a bare in-memory table): Ibis' default, DuckDB
        return True


@functools.cache
def _compensated():
    import ibis

    @ibis.udf.agg.builtin(name="fsum")
    def fsum(x: float) -> float:
        """DuckDB's compensated (Kahan-Babuska) sum."""

    @ibis.udf.agg.builtin(name="favg")
    def favg(x: float) -> float:
        """DuckDB's compensated mean."""

    return fsum, favg


def _sum(column, where=None):
    """Sum of an amount. On DuckDB compensated (`fsum`): the result is the correctly rounded sum almost
    always, whatever the order in which threads add the rows up, so runs agree to the last bit (a plain
    parallel SUM does not); elsewhere (Spark) SUM."""
    return _compensated()[0](column, where=where) if _duckdb(column) else column.sum(where=where)


def _mean(column, where=None):
    """Mean of an amount; compensated on DuckDB (`favg`), as `_sum`."""
    return _compensated()[1](column, where=where) if _duckdb(column) else column.mean(where=where)


# ----------------------------------------------------------------------------- execution
def _scalar(expr):
    return expr.to_pyarrow().as_py()


def _frame(expr) -> pd.DataFrame:
    """A result as pandas: text Arrow-backed, dates datetime64[us]."""
    import pyarrow as pa

    arrow = expr.to_pyarrow()
    arrow = arrow.cast(pa.schema([pa.field(f.name, pa.timestamp("us")) if pa.types.is_date(f.type) else
                                  pa.field(f.name, pa.large_string()) if pa.types.is_string(f.type) else f for f in arrow.schema]))
    return arrow.to_pandas(types_mapper={pa.large_string(): TEXT}.get, split_blocks=True, self_destruct=True)


def _customer_index(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("customer_id")


def _day(value):
    """A date or timestamp as the day (a datetime.date) for comparisons in the backend."""
    return pd.Timestamp(value).date()


def last_day(t):
    """The last day with an order (a datetime.date): the end of the data."""
    return _scalar(_customers(t)["last"].max() if _prepared(t) else t.date.cast("date").max())


def _customers(t):
    """One row per customer: first and second purchase days (second NULL without a repeat purchase), last
    purchase day, purchases (days) and revenue (summed over the purchases)."""
    return _PREPARED[t.get_name()] if _prepared(t) else _customers_of(_dated(t))


def _customers_of(p):
    return p.group_by("customer_id").aggregate(first=p.first.min(), second=p.date.min(where=p.date > p.first),
                                               last=p.date.max(), purchases=p.count(), revenue=_sum(p.amount))


# ----------------------------------------------------------------------------- retention and repurchase
def cohort_retention(t, freq: str = "M") -> pd.DataFrame:
    """Share of each monthly ('M') or weekly ('W') acquisition cohort buying in each later period.
    Rows: cohort (the period of the first purchase, as text); columns: periods since acquisition (0 = the
    first period, always 1.0); periods beyond the end of the data are NaN."""
    if freq not in ("M", "W"):
        raise ValueError("freq must be 'M' (monthly) or 'W' (weekly) cohorts")
    p = _dated(t)
    p = p.mutate(period=p.date.truncate(freq), cohort=p.first.truncate(freq))
    if freq == "M":
        offset = (p.period.year() - p.cohort.year()) * 12 + p.period.month() - p.cohort.month()
    else:
        offset = p.period.delta(p.cohort, unit="day") // 7
    active = p.select("cohort", "customer_id", offset=offset.cast("int64")).distinct()
    counts = _frame(active.group_by(["cohort", "offset"]).aggregate(customers=active.count()))
    last = pd.Period(pd.Timestamp(last_day(t)), freq)
    cohorts = counts["cohort"].dt.to_period(freq)
    counts["cohort"] = cohorts.astype(str)
    grid = counts.pivot(index="cohort", columns="offset", values="customers").fillna(0).astype("int64")
    grid = grid.reindex(columns=range(int(counts["offset"].max()) + 1), fill_value=0)  # periods nobody bought in
    share = grid.div(grid[0], axis=0)
    observable = pd.Series({str(c): (last - c).n for c in cohorts.unique()})
    beyond = np.asarray(share.columns)[None, :] > observable.reindex(share.index).to_numpy()[:, None]
    share = share.mask(beyond)  # periods after the end of the data are unknown, not zero
    share.index.name, share.columns.name = "cohort", "offset"
    return share


def repurchase_within(t, days: int, end=None) -> dict:
    """Share of customers with a second purchase within `days` of their first. Only customers whose
    first purchase is at least `days` before the end of the data (default: the last day with an order)
    count (no censoring bias)."""
    import ibis

    end = _day(end) if end is not None else last_day(t)
    c = _customers(t)
    eligible = c.filter(c.first <= ibis.literal(end - pd.Timedelta(days=days).to_pytimedelta()))
    gap = eligible.second.delta(eligible.first, unit="day")
    counts = _frame(eligible.aggregate(eligible=eligible.count(), repurchased=(gap <= days).fill_null(False).cast("int64").sum()))
    counts = counts.fillna(0)  # Spark returns NULL, not 0, for aggregates over no rows
    n, hit = int(counts["eligible"].iloc[0]), int(counts["repurchased"].iloc[0])
    return {"days": days, "eligible": n, "repurchased": hit, "rate": float(hit / n) if n else float("nan")}


def inter_purchase_gaps(t):
    """One row per repeat purchase (an Ibis table): customer_id, date and `days` since the customer's
    previous purchase. Reduce it in the backend on large logs, e.g. `inter_purchase_gaps(t).days.median()`."""
    p = _dated(t)
    gaps = p.select("customer_id", "date", days=p.date.delta(p.previous, unit="day"))
    return gaps.filter(gaps.days.notnull())


def inter_purchase_days(t) -> pd.Series:
    """Days between consecutive purchases of the same customer, in the order of the purchases (by customer
    and day) and indexed by the purchase's position there (as `orders.purchases(...)`'s index)."""
    p = _dated(t)
    days = p.select("customer_id", "date", days=p.date.delta(p.previous, unit="day")).order_by(["customer_id", "date"])
    days = days.select("days").to_pyarrow().column("days")
    kept = np.flatnonzero(days.is_valid().to_numpy(zero_copy_only=False))
    values = days.drop_null().to_numpy().astype("int64")
    return pd.Series(values, index=pd.Index(kept, dtype="int64"), name="days")


def time_to_second_purchase(t, end=None) -> pd.DataFrame:
    """Per customer (sorted): days from first to second purchase (`event` 1), or to the end of the data
    (default: the last day with an order; `event` 0)."""
    import ibis

    end = _day(end) if end is not None else last_day(t)
    c = _customers(t)
    durations = c.select("customer_id", duration=c.second.fill_null(ibis.literal(end)).delta(c.first, unit="day").cast("float64"),
                         event=c.second.notnull().cast("int64")).order_by("customer_id")
    return _customer_index(_frame(durations))


# ----------------------------------------------------------------------------- value concentration
def _revenue(t):
    """Revenue per customer (a table: customer_id, revenue), summed over the order lines (or, prepared, over
    the purchases)."""
    if _prepared(t):
        return _customers(t).select("customer_id", "revenue")
    return t.group_by("customer_id").aggregate(revenue=_sum(t.amount))


def customer_revenue(t) -> pd.Series:
    """Revenue per customer, sorted by customer (as `orders.customer_revenue`)."""
    r = _revenue(t).order_by("customer_id")
    return _customer_index(_frame(r))["revenue"].rename("amount")


def lorenz(t) -> pd.DataFrame:
    """Lorenz curve of revenue over customers: cumulative share of customers (poorest first) vs cumulative
    share of revenue, starting at (0, 0)."""
    import ibis

    r = _revenue(t)
    curve = r.select("revenue", cum=r.revenue.cumsum(order_by=r.revenue), total=_sum(r.revenue).over(ibis.window()))
    curve = curve.order_by(["revenue", "cum"])
    out = curve.to_pyarrow()
    cum, total = out.column("cum").to_numpy(), out.column("total").to_numpy()
    share = np.concatenate([[0.0], cum / total[0]]) if len(cum) else np.zeros(1)
    return pd.DataFrame({"customers": np.arange(len(cum) + 1) / max(len(cum), 1), "revenue": share})


def gini(t) -> float:
    """Gini coefficient of revenue per customer (0 = equal, →1 = one customer has everything)."""
    import ibis

    r = _revenue(t)
    ranked = r.mutate(i=ibis.row_number().over(order_by=r.revenue) + 1)
    s = _frame(ranked.aggregate(n=ranked.count(), total=_sum(ranked.revenue), weighted=_sum(ranked.i * ranked.revenue))).iloc[0]
    n = int(s["n"])
    return float(2 * s["weighted"] / (n * s["total"]) - (n + 1) / n)


def top_share(t, top_pct: float) -> float:
    """Share of revenue from the top `top_pct` % of customers (by revenue; ties broken by order)."""
    import ibis

    if not 0 < top_pct <= 100:
        raise ValueError("top_pct must be in (0, 100]")
    r = _revenue(t)
    ranked = r.mutate(rank=ibis.row_number().over(order_by=ibis.desc(r.revenue)), n=r.customer_id.count().over(ibis.window()))
    k = (ranked.n * top_pct / 100).ceil().cast("int64")
    s = _frame(ranked.aggregate(top=_sum(ranked.revenue, where=ranked["rank"] < ibis.greatest(k, 1)), total=_sum(ranked.revenue))).iloc[0]
    return float(s["top"] / s["total"])


def rfm(t, asof=None, bins: int = 5) -> pd.DataFrame:
    """Recency (days since last purchase), frequency (purchases), monetary (total amount) per customer
    (sorted), each scored 1..bins by quantile (higher = better; ties share the lowest rank)."""
    import ibis

    asof = _day(asof) if asof is not None else last_day(t)
    c = _customers(t)
    c = c.select("customer_id", recency=ibis.literal(asof).delta(c["last"], unit="day").cast("int64"),
                 frequency=c.purchases.cast("int64"), monetary=c.revenue, n=c.customer_id.count().over(ibis.window()))

    def score(column, ascending: bool):  # pandas' rank(method="min", pct=True), then ceil(rank × bins) in 1..bins
        order = column if ascending else ibis.desc(column)
        pct = (ibis.rank().over(order_by=order) + 1).cast("float64") / c.n.cast("float64")
        return (pct * bins).ceil().clip(1, bins).cast("int64")

    out = c.select("customer_id", "recency", "frequency", "monetary", R=score(c.recency, False),
                   F=score(c.frequency, True), M=score(c.monetary, True)).order_by("customer_id")
    out = _customer_index(_frame(out))
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


# ----------------------------------------------------------------------------- the customer-value models
def _per_customer(t, cal_end, holdout_end=None):
    """One row per customer first buying by `cal_end` (a date): first and last calibration purchase
    days, repeat purchases x, mean repeat spend m_x (NULL without repeats) and the holdout's. Of a
    prepared table, materialised once per calibration (the summary and both models' patterns share it)."""
    import ibis

    if not _prepared(t):
        return _calibrate(t, cal_end, holdout_end)
    name, hold = t.get_name(), (_day(holdout_end) if holdout_end is not None else None)
    for (of, cal, held), table in _CALIBRATED.items():
        if of == name and cal == cal_end and (held == hold or hold is None):
            return table
    table = _keep(ibis.get_backend(t), _calibrate(t, cal_end, holdout_end), "calibration")
    _CALIBRATED[(name, cal_end, hold)] = table
    return table


def _calibrate(t, cal_end, holdout_end=None):
    import ibis

    p = _dated(t)
    p = p.filter(p.first <= ibis.literal(cal_end))
    in_cal, repeat = p.date <= ibis.literal(cal_end), (p.date <= ibis.literal(cal_end)) & (p.date > p.first)
    metrics = dict(first=p.first.min(), last=p.date.max(where=in_cal), x=repeat.cast("int64").sum(),
                   m_x=_mean(p.amount, where=repeat))
    if holdout_end is not None:
        hold = (p.date > ibis.literal(cal_end)) & (p.date <= ibis.literal(_day(holdout_end)))
        metrics.update(x_holdout=hold.cast("int64").sum(), spend_holdout=_sum(p.amount, where=hold))
    return p.group_by("customer_id").aggregate(**metrics)


def rfm_summary(t, calibration_end, holdout_end=None) -> pd.DataFrame:
    """BG/NBD inputs per customer first buying by `calibration_end` (sorted): x repeat purchases, t_x the
    time of the last and T the time to calibration_end since the first (weeks), m_x the mean repeat spend
    in calibration (0 without repeats) and, with `holdout_end`, purchases and spend in the holdout
    (calibration_end, holdout_end] (as `models.clv.rfm_summary`)."""
    import ibis

    if holdout_end is not None and pd.Timestamp(holdout_end) <= pd.Timestamp(calibration_end):
        raise ValueError(f"holdout_end {holdout_end} must come after calibration_end {calibration_end}")
    cal_end = _day(calibration_end)
    c = _per_customer(t, cal_end, holdout_end)
    columns = dict(x=c.x.cast("int64"), t_x=c["last"].delta(c.first, unit="day").cast("float64") / 7,
                   T=ibis.literal(cal_end).delta(c.first, unit="day").cast("float64") / 7, m_x=c.m_x.fill_null(0.0))
    if holdout_end is not None:
        columns.update(x_holdout=c.x_holdout.fill_null(0).cast("int64"), spend_holdout=c.spend_holdout.fill_null(0.0))
    out = _customer_index(_frame(c.select("customer_id", **columns).order_by("customer_id")))
    if out.empty:
        raise ValueError(f"no customer made a first purchase by the calibration end {cal_end}")
    return out


def bgnbd_patterns(t, calibration_end) -> pd.DataFrame:
    """BG/NBD inputs aggregated in the backend: one row per unique (x, t_x, T), sorted, with `n` the
    customers sharing it (equal to `clv.patterns(rfm_summary(t, calibration_end))`). Only the patterns
    come back: fit with `clv.fit_bgnbd(patterns, weights="n")`. Grouped on whole days, so t_x and T
    (weeks) are exactly the per-customer summary's."""
    import ibis

    cal_end = _day(calibration_end)
    c = _per_customer(t, cal_end)
    c = c.select(x=c.x, t_x_days=c["last"].delta(c.first, unit="day"), T_days=ibis.literal(cal_end).delta(c.first, unit="day"))
    out = c.group_by(["x", "t_x_days", "T_days"]).aggregate(n=c.count()).execute()
    out = pd.DataFrame({"x": out["x"].astype("int64"), "t_x": out["t_x_days"].astype("int64") / 7,
                        "T": out["T_days"].astype("int64") / 7, "n": out["n"].astype("int64")})
    return out.sort_values(["x", "t_x", "T"], ignore_index=True)


def gamma_gamma_patterns(t, calibration_end) -> pd.DataFrame:
    """Gamma-Gamma inputs aggregated in the backend: one row per unique (x, m_x) among repeat buyers,
    sorted, with `n` the customers sharing it; fit with `clv.fit_gamma_gamma(patterns, weights="n")`.
    m_x is the backend's mean (compensated on DuckDB, so the same in every run): its last bit can differ
    from a pandas mean's, so a pattern may split or merge (CDNOW master: 6,037 patterns of 9,451 repeat
    buyers, 6,038 from the former pandas summary); each keeps its customers' likelihood, and the fit
    equals the per-customer one to 1e-7."""
    c = _per_customer(t, _day(calibration_end))
    c = c.filter(c.x > 0)
    out = c.group_by(["x", "m_x"]).aggregate(n=c.count()).execute()
    out = out.astype({"x": "int64", "m_x": "float64", "n": "int64"})[["x", "m_x", "n"]]
    return out.sort_values(["x", "m_x"], ignore_index=True)


# ----------------------------------------------------------------------------- what a log can feed (orders.model_problems)
def buyers(t) -> dict:
    """Customers, repeat buyers (two or more purchase days) and the first and last day."""
    c = _customers(t)
    s = _frame(c.aggregate(customers=c.count(), repeaters=(c.purchases > 1).cast("int64").sum(),
                           first=c.first.min(), last=c["last"].max())).fillna(0).iloc[0]
    return {"customers": int(s["customers"]), "repeaters": int(s["repeaters"]), "first": s["first"], "last": s["last"]}


def periods(t, freq: str) -> int:
    """Distinct calendar months ('M') or weeks ('W', Monday to Sunday) with a purchase."""
    p = purchases(t)
    return int(_scalar(p.date.truncate(freq).nunique()))


def longest_wait(t) -> float:
    """The longest time observed to a second purchase or to the end of the data (days):
    `time_to_second_purchase(t)["duration"].max()`."""
    import ibis

    c = _customers(t)
    return float(_scalar(c.second.fill_null(ibis.literal(last_day(t))).delta(c.first, unit="day").max()))


def churn_cutoff(t, cutoff, window_days: int) -> dict:
    """At `cutoff`: customers who bought on or before it, and how many of them buy again in the
    `window_days` after it (the churn model's labels; all or none of them: no model)."""
    import ibis

    cut = _day(cutoff)
    p = purchases(t)
    c = p.group_by("customer_id").aggregate(
        before=(p.date <= ibis.literal(cut)).cast("int64").max(),
        after=((p.date > ibis.literal(cut)) & (p.date <= ibis.literal(cut + pd.Timedelta(days=window_days).to_pytimedelta())))
        .cast("int64").max())
    s = _frame(c.aggregate(before=c.before.sum(), returning=(c.before * c.after).sum())).fillna(0).iloc[0]
    return {"before": int(s["before"]), "returning": int(s["returning"])}


def calibration(t, calibration_end, holdout_end=None) -> dict:
    """What the customer-value models get by `calibration_end`: customers, repeat buyers, repeat buyers
    with no repeat spend (and the first of them, by id), distinct mean repeat spends (and one), holdout
    purchases of the calibration customers, and customers first buying on calibration_end itself."""
    import ibis

    cal_end = _day(calibration_end)
    c = _per_customer(t, cal_end, holdout_end)
    repeat = c.x > 0
    broke = repeat & (c.m_x <= 0)
    metrics = dict(customers=c.count(), repeaters=repeat.cast("int64").sum(), broke=broke.cast("int64").sum(),
                   first_broke=c.customer_id.min(where=broke), spends=c.m_x.nunique(where=repeat), spend=c.m_x.max(where=repeat),
                   newcomers=(c.first == ibis.literal(cal_end)).cast("int64").sum())
    if holdout_end is not None:
        metrics["holdout"] = c.x_holdout.sum()
    s = _frame(c.aggregate(**metrics)).iloc[0]
    out = {k: s[k] for k in metrics}
    for k in ("customers", "repeaters", "broke", "spends", "newcomers", "holdout"):
        if k in out:
            out[k] = 0 if pd.isna(out[k]) else int(out[k])
    return out


def newcomers(t, calibration_end) -> pd.Series:
    """The customers whose first purchase is on `calibration_end` itself (sorted)."""
    import ibis

    c = _customers(t)
    ids = c.filter(c.first == ibis.literal(_day(calibration_end))).select("customer_id").order_by("customer_id")
    return _frame(ids)["customer_id"]


# ----------------------------------------------------------------------------- what a chapter says of a log
def acquisition(t) -> dict:
    """The log's first and last day with a purchase, its customers, the first and last day a customer
    was acquired, and the share acquired after the calendar quarter of the first purchase."""
    import ibis

    b = buyers(t)
    next_quarter = (pd.Timestamp(b["first"]).to_period("Q") + 1).start_time.date()
    c = _customers(t)
    s = _frame(c.aggregate(acquired_to=c.first.max(), late=(c.first >= ibis.literal(next_quarter)).cast("int64").sum())).iloc[0]
    return {"first_date": b["first"], "last_date": b["last"], "customers": b["customers"], "acquired_from": b["first"],
            "acquired_to": s["acquired_to"], "late_share": float(s["late"]) / b["customers"]}


def daily_purchases(t) -> pd.DataFrame:
    """Per day with a purchase, sorted: `first`, customers making their first purchase that day, and
    `repeat`, repeat purchases (a customer's later purchase days)."""
    p = _dated(t)
    is_first = p.date == p.first
    return _frame(p.group_by("date").aggregate(first=is_first.cast("int64").sum(), repeat=(~is_first).cast("int64").sum())
                  .order_by("date"))


def churn_features(t, cutoff, window_days: int) -> pd.DataFrame:
    """One row per customer who bought on or before `cutoff` (indexed by customer_id, sorted): the last
    and first purchase day by then, purchases (days) and their mean amount, and `returned`, whether the
    customer buys in the `window_days` after the cutoff (the churn model's inputs)."""
    import ibis

    cut = _day(cutoff)
    until = cut + pd.Timedelta(days=window_days).to_pytimedelta()
    p = purchases(t)
    past, ahead = p.date <= ibis.literal(cut), (p.date > ibis.literal(cut)) & (p.date <= ibis.literal(until))
    c = p.group_by("customer_id").aggregate(last=p.date.max(where=past), first=p.date.min(where=past),
                                            purchases=past.cast("int64").sum(), monetary=_mean(p.amount, where=past),
                                            returned=ahead.cast("int64").max())
    return _customer_index(_frame(c.filter(c.purchases > 0).order_by("customer_id")))


def repeated_lines(t) -> tuple[int, pd.DataFrame]:
    """Order lines (raw lines, not purchases) that repeat an earlier one exactly: how many, and the repeated
    (customer_id, date, amount) keys (few; to locate them)."""
    keys = ["customer_id", "date", "amount"]
    groups = t.group_by(keys).aggregate(n=t.count())
    repeated = _frame(groups.filter(groups.n > 1))
    return int((repeated["n"] - 1).sum()), repeated[keys]
