"""Churn prediction from an order log: a statsmodels Logit on recency, frequency, monetary value and
tenure, fitted at one cutoff and evaluated out of time at a later one.

A customer counts at a cutoff if they bought on or before it; they *churn* if they make no purchase in
the `window_days` after it. Training uses the cutoff `2 × window_days` before the end of the data,
testing the one `window_days` before, so the test labels lie entirely after the training data."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.discrete.discrete_model import Logit
from statsmodels.tools.tools import add_constant
from scipy import stats

from growthpath.data import assumptions, orders as orders_mod

THRESHOLD_ID = "churn_threshold"   # the register's cut-off: a customer is predicted to churn from this probability
FEATURES = ("log_recency", "log_frequency", "log_monetary", "log_tenure")


def features(orders: pd.DataFrame, cutoff, window_days: int) -> pd.DataFrame:
    """One row per customer active by `cutoff` (sorted by id): the four features and the churn label
    (`engine.churn_features` on the frame's purchases)."""
    from growthpath.data import order_engine

    cutoff = pd.Timestamp(cutoff)
    c = order_engine.churn_features(orders_mod.prepared(orders), cutoff, window_days)
    out = pd.DataFrame({
        "log_recency": np.log1p((cutoff - c["last"]).dt.days),
        "log_frequency": np.log(c["purchases"]),
        "log_monetary": np.log1p(c["monetary"]),
        "log_tenure": np.log1p((cutoff - c["first"]).dt.days),
    })
    out["churned"] = (1 - c["returned"]).astype(int)
    return out


@dataclass
class ChurnModel:
    result: object  # statsmodels LogitResults
    train: pd.DataFrame
    test: pd.DataFrame
    train_cutoff: pd.Timestamp
    test_cutoff: pd.Timestamp
    notes: list[str] = field(default_factory=list)   # fitting problems (separation, non-convergence)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.result.predict(add_constant(frame[list(FEATURES)], has_constant="add")))


def fit(orders: pd.DataFrame, window_days: int = 182) -> ChurnModel:
    """Fit on the earlier cutoff, keep the later one for evaluation."""
    if window_days < 7:
        raise ValueError("window_days must be at least 7")
    end = orders_mod.purchases(orders)["date"].max()
    train_cut, test_cut = end - pd.Timedelta(days=2 * window_days), end - pd.Timedelta(days=window_days)
    train, test = features(orders, train_cut, window_days), features(orders, test_cut, window_days)
    if train["churned"].nunique() < 2:
        raise ValueError("the training window has only one class (everyone churned or nobody did)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Logit(train["churned"], add_constant(train[list(FEATURES)], has_constant="add")).fit(disp=False, maxiter=200)
    notes = sorted({str(w.message).split("\n")[0] for w in caught})
    if not result.mle_retvals.get("converged", True):
        notes.append("the likelihood maximisation did not converge")
    return ChurnModel(result, train, test, train_cut, test_cut, notes)


def auc(y, score) -> float:
    """Area under the ROC curve = P(score of a random churner > that of a random stayer)."""
    y, score = np.asarray(y), np.asarray(score)
    pos, neg = score[y == 1], score[y == 0]
    if not len(pos) or not len(neg):
        raise ValueError("AUC needs both classes")
    return float(stats.mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg)))


DRAW_TOLERANCE = 0.001  # a tenth of a percentage point: below one pixel of a book-width chart


def roc_curve(y, score, tolerance: float = 0.0) -> pd.DataFrame:
    """False- and true-positive rates at every distinct threshold (from (0, 0) to (1, 1)).

    With `tolerance` > 0 the curve is thinned for drawing: points closer than `tolerance` to the line
    through their kept neighbours are dropped (Ramer-Douglas-Peucker), so a 20,000-threshold curve
    becomes a few hundred points that draw the same. The AUC is always computed from the full curve."""
    y, score = np.asarray(y), np.asarray(score)
    order = np.argsort(-score, kind="mergesort")
    y, s = y[order], score[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # last index of each tied block
    tp, fp = np.cumsum(y)[last], np.cumsum(1 - y)[last]
    fpr, tpr = np.r_[0, fp / fp[-1]], np.r_[0, tp / tp[-1]]
    if tolerance > 0:
        keep = simplified(fpr, tpr, tolerance)
        fpr, tpr = fpr[keep], tpr[keep]
    return pd.DataFrame({"fpr": fpr, "tpr": tpr})


def simplified(x: np.ndarray, y: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices of the points that Ramer-Douglas-Peucker keeps: every dropped point lies within
    `tolerance` of the segment joining the kept points around it. First and last are always kept."""
    keep = np.zeros(len(x), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(x) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        dx, dy = x[b] - x[a], y[b] - y[a]
        inner = slice(a + 1, b)
        norm = np.hypot(dx, dy)
        if norm == 0:
            dist = np.hypot(x[inner] - x[a], y[inner] - y[a])
        else:
            dist = np.abs(dy * (x[inner] - x[a]) - dx * (y[inner] - y[a])) / norm
        worst = int(np.argmax(dist))
        if dist[worst] > tolerance:
            mid = a + 1 + worst
            keep[mid] = True
            stack += [(a, mid), (mid, b)]
    return np.flatnonzero(keep)


def calibration(y, prob, bins: int = 10) -> pd.DataFrame:
    """Mean predicted vs observed churn by predicted-probability decile."""
    frame = pd.DataFrame({"y": np.asarray(y), "p": np.asarray(prob)})
    frame["bin"] = pd.qcut(frame["p"].rank(method="first"), bins, labels=False)
    return frame.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"), customers=("y", "size")).reset_index()


def default_threshold(register: assumptions.Register | None = None) -> float:
    """The probability from which a customer is predicted to churn: `churn_threshold` of the assumption
    register (the project's register when None)."""
    value = (assumptions.load() if register is None else register)[THRESHOLD_ID]
    if not 0 < value < 1:
        raise ValueError(f"{THRESHOLD_ID} must be a probability in (0, 1), got {value:g}")
    return value


def accuracy(y, prob, threshold: float | None = None) -> float:
    """Share of customers classified correctly when those with probability ≥ the threshold (the
    register's by default) are predicted to churn."""
    cut = default_threshold() if threshold is None else threshold
    if not 0 < cut < 1:
        raise ValueError(f"the churn threshold must be in (0, 1), got {cut:g}")
    return float(np.mean((np.asarray(prob) >= cut).astype(int) == np.asarray(y)))


def evaluate(model: ChurnModel, threshold: float | None = None) -> dict:
    """Out-of-time AUC, accuracy at the churn threshold (the register's by default) and the accuracy of
    always predicting the majority class."""
    cut = default_threshold() if threshold is None else threshold
    y, prob = model.test["churned"].to_numpy(), model.predict(model.test)
    base = float(max(y.mean(), 1 - y.mean()))
    return {"auc": auc(y, prob), "accuracy": accuracy(y, prob, cut), "threshold": cut, "majority_accuracy": base,
            "churn_rate": float(y.mean()),
            "n_train": len(model.train), "n_test": len(model.test), "pseudo_r2": float(model.result.prsquared)}
