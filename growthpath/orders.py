"""Order logs: loading with a column mapping, validation with located errors, and the
customer-level measures the book uses (cohort retention, repurchase, inter-purchase times, time to
second purchase, revenue concentration, RFM).

An order log has one row per order line: `customer_id`, `date`, `amount` and optionally `channel`.
Lines of one customer on one day form one *purchase* (as in Fader & Hardie's CDNOW analyses)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from growthpath import datapackage, paths
from growthpath.datapackage import DataError, Problem

REQUIRED = ("customer_id", "date", "amount")
OPTIONAL = ("channel", "quantity")
DEFAULT_RESOURCE = "orders_cdnow"
MAX_LISTED = 20


# ----------------------------------------------------------------------------- loading and validation
def _read(path: Path, label: str) -> pd.DataFrame:
    raw = datapackage.read_text_bytes(path, label)
    import io
    try:
        return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise DataError([Problem(label, f"not a well-formed CSV: {exc}")]) from None


# what spreadsheets and databases write for a missing id: each would otherwise become one large "customer"
NULL_IDS = ("", "null", "nan", "none", "na", "n/a", "-", "--", "nil")


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) + 2 for i in np.flatnonzero(mask.to_numpy())]  # header is line 1


def validate_frame(df: pd.DataFrame, label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame and every problem found (empty list when valid)."""
    problems: list[Problem] = []
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        return df, [Problem(label, f"missing column(s) {', '.join(missing)}; found {', '.join(df.columns) or 'none'} "
                                   "(map your names with orders_columns / --param orders_columns=...)")]
    out = pd.DataFrame({"customer_id": df["customer_id"].str.strip()})
    out["date"] = pd.to_datetime(df["date"].str.strip(), errors="coerce", format="mixed")
    out["amount"] = pd.to_numeric(df["amount"].str.strip(), errors="coerce")
    for col in OPTIONAL:
        if col in df.columns:
            out[col] = df[col].str.strip() if col == "channel" else pd.to_numeric(df[col], errors="coerce")
    checks = [
        (out["customer_id"].str.lower().isin(NULL_IDS), "customer_id", "empty or null-like customer id (not a customer)"),
        (out["date"].isna(), "date", "not a valid date (expected e.g. 2024-03-31)"),
        (out["amount"].isna() | ~np.isfinite(out["amount"].fillna(0)), "amount", "not a number"),
        (out["amount"] < 0, "amount", "negative amount (refunds belong in a separate file)"),
    ]
    for mask, column, what in checks:
        rows = _rows(mask)
        for r in rows[:MAX_LISTED]:
            raw = df.iloc[r - 2][column] if column in df.columns else ""
            problems.append(Problem(label, f"{what}; found {raw!r}", row=r, column=column))
        if len(rows) > MAX_LISTED:
            problems.append(Problem(label, f"{len(rows) - MAX_LISTED} more rows with: {what}", column=column))
    return out, problems


def load(path: str | Path | None = None, columns: dict[str, str] | None = None,
         resource: str = DEFAULT_RESOURCE) -> pd.DataFrame:
    """A validated order log: the file at `path`, or by default the data package's `resource` (the
    CDNOW master file). `columns` maps the book's names to yours, e.g.
    {"customer_id": "buyer", "date": "paid_at", "amount": "gmv"}."""
    if path is None or str(path) == "":
        res = datapackage.resource(resource)
        file = paths.data_dir() / res["path"]
        datapackage.check(resource)
    else:
        file = Path(path)
        if not file.is_absolute():
            file = paths.root() / file
    label = paths.relative(file)
    df = _read(file, label)
    if columns:
        unknown = [k for k in columns if k not in REQUIRED + OPTIONAL]
        absent = [v for v in columns.values() if v not in df.columns]
        if unknown or absent:
            raise DataError([Problem(label, (f"unknown target column(s) {unknown}; use {', '.join(REQUIRED + OPTIONAL)}. " if unknown else "")
                                     + (f"mapped column(s) {absent} not in the file; it has {', '.join(df.columns)}" if absent else ""))])
        df = df.rename(columns={v: k for k, v in columns.items()})
    out, problems = validate_frame(df, label)
    if problems:
        raise DataError(problems)
    datapackage.record_read(file)
    return out


def purchases(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and day: amount summed over that day's lines."""
    day = orders.assign(date=orders["date"].dt.normalize())
    return day.groupby(["customer_id", "date"], as_index=False)["amount"].sum().sort_values(["customer_id", "date"], ignore_index=True)


# ----------------------------------------------------------------------------- retention and repurchase
def cohort_retention(orders: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Share of each acquisition cohort (period of first purchase) buying in each later period.
    Rows: cohort; columns: periods since acquisition (0 = the first period, always 1.0); periods
    beyond the end of the data are NaN."""
    if freq not in ("M", "W"):
        raise ValueError("freq must be 'M' (monthly) or 'W' (weekly) cohorts")
    p = purchases(orders)
    period = p["date"].dt.to_period(freq)
    first = period.groupby(p["customer_id"]).transform("min")
    offset = (period - first).map(lambda d: d.n)
    active = pd.DataFrame({"cohort": first.astype(str), "offset": offset, "customer_id": p["customer_id"]}).drop_duplicates()
    counts = active.groupby(["cohort", "offset"])["customer_id"].nunique().unstack(fill_value=0)
    counts = counts.reindex(columns=range(int(offset.max()) + 1), fill_value=0)  # periods nobody bought in
    share = counts.div(counts[0], axis=0)
    last = period.max()
    for cohort in share.index:  # periods after the end of the data are unknown, not zero
        observable = (last - pd.Period(cohort, freq)).n
        share.loc[cohort, [c for c in share.columns if c > observable]] = np.nan
    return share


def repurchase_within(orders: pd.DataFrame, days: int, end: pd.Timestamp | None = None) -> dict:
    """Share of customers with a second purchase within `days` of their first. Only customers whose
    first purchase is at least `days` before the end of the data count (no censoring bias)."""
    p = purchases(orders)
    end = pd.Timestamp(end) if end is not None else p["date"].max()
    g = p.groupby("customer_id")["date"]
    first = g.min()
    nth = g.nth(1)  # purchases are sorted by customer and date: each customer's second purchase day
    second = pd.Series(nth.to_numpy(), index=p.loc[nth.index, "customer_id"].to_numpy()).reindex(first.index)
    eligible = first <= end - pd.Timedelta(days=days)
    hit = (second - first <= pd.Timedelta(days=days)) & eligible
    n = int(eligible.sum())
    return {"days": days, "eligible": n, "repurchased": int(hit.sum()), "rate": float(hit.sum() / n) if n else float("nan")}


def inter_purchase_days(orders: pd.DataFrame) -> pd.Series:
    """Days between consecutive purchases of the same customer."""
    p = purchases(orders)
    gaps = p.groupby("customer_id")["date"].diff().dt.days
    return gaps.dropna().astype(int).rename("days")


def time_to_second_purchase(orders: pd.DataFrame, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per customer: days from first to second purchase (event=1), or to the end of data (event=0)."""
    p = purchases(orders)
    end = pd.Timestamp(end) if end is not None else p["date"].max()
    g = p.groupby("customer_id")["date"]
    first = g.min()
    second = p.loc[g.cumcount() == 1].set_index("customer_id")["date"].reindex(first.index)  # NaT: no second
    event = second.notna()
    duration = (second.where(event, end) - first).dt.days
    return pd.DataFrame({"duration": duration.astype(float), "event": event.astype(int)})


def kaplan_meier(durations: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan–Meier estimate of P(no second purchase yet) with pointwise confidence bands."""
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(durations["duration"].to_numpy(), durations["event"].to_numpy())
    lo, hi = _pointwise(sf, alpha)
    return pd.DataFrame({"days": sf.surv_times, "survival": sf.surv_prob, "lower": lo, "upper": hi})


def _pointwise(sf, alpha: float):
    from scipy.stats import norm

    z = norm.ppf(1 - alpha / 2)
    se = sf.surv_prob_se
    return np.clip(sf.surv_prob - z * se, 0, 1), np.clip(sf.surv_prob + z * se, 0, 1)


# ----------------------------------------------------------------------------- value concentration
def customer_revenue(orders: pd.DataFrame) -> pd.Series:
    return orders.groupby("customer_id")["amount"].sum()


def lorenz(orders: pd.DataFrame) -> pd.DataFrame:
    """Lorenz curve of revenue over customers: cumulative share of customers (poorest first) vs
    cumulative share of revenue, starting at (0, 0)."""
    rev = np.sort(customer_revenue(orders).to_numpy())
    cum = np.concatenate([[0.0], np.cumsum(rev) / rev.sum()])
    share = np.arange(len(rev) + 1) / len(rev)
    return pd.DataFrame({"customers": share, "revenue": cum})


def gini(orders: pd.DataFrame) -> float:
    """Gini coefficient of revenue per customer (0 = equal, →1 = one customer has everything)."""
    x = np.sort(customer_revenue(orders).to_numpy())
    n = len(x)
    return float((2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum())) - (n + 1) / n)


def top_share(orders: pd.DataFrame, top_pct: float) -> float:
    """Share of revenue from the top `top_pct` % of customers (by revenue; ties broken by order)."""
    if not 0 < top_pct <= 100:
        raise ValueError("top_pct must be in (0, 100]")
    rev = np.sort(customer_revenue(orders).to_numpy())[::-1]
    k = max(1, int(np.ceil(len(rev) * top_pct / 100)))
    return float(rev[:k].sum() / rev.sum())


def rfm(orders: pd.DataFrame, asof: pd.Timestamp | None = None, bins: int = 5) -> pd.DataFrame:
    """Recency (days since last purchase), frequency (purchases), monetary (total amount) per
    customer, each scored 1..bins by quantile (higher = better; ties share a rank)."""
    p = purchases(orders)
    asof = pd.Timestamp(asof) if asof is not None else p["date"].max()
    g = p.groupby("customer_id")
    out = pd.DataFrame({"recency": (asof - g["date"].max()).dt.days, "frequency": g.size(), "monetary": g["amount"].sum()})

    def score(s: pd.Series, ascending: bool) -> pd.Series:
        ranks = s.rank(method="min", ascending=ascending, pct=True)
        return np.ceil(ranks * bins).clip(1, bins).astype(int)

    out["R"], out["F"], out["M"] = score(out["recency"], False), score(out["frequency"], True), score(out["monetary"], True)
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out
