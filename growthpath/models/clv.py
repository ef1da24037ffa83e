"""Customer lifetime value from an order log: the BG/NBD model of repeat buying (Fader, Hardie & Lee
2005) and the Gamma-Gamma model of spend per transaction (Fader & Hardie 2013), both fitted by
maximum likelihood with statsmodels' `GenericLikelihoodModel`, so every parameter has a standard error.

Time is in weeks. For each customer: `x` repeat purchases in the calibration period (purchase days
after the first), `t_x` the time of the last one, `T` the time from the first purchase to the end of
calibration, all measured from the first purchase."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.base.model import GenericLikelihoodModel

TOP_PCT = 20   # "the top customers": the share of customers whose value share the chapter reports

from growthpath import orders as orders_mod

BGNBD_PARAMS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMS = ("p", "q", "gamma")
# Published maximum-likelihood estimates on the CDNOW 1/10 sample (2,357 customers, 39-week calibration):
# Fader, Hardie & Lee (2005), Marketing Science 24(2) (BG/NBD); Fader & Hardie (2013), note 025 (Gamma-Gamma).
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
PUBLISHED_LOGLIKE = -9582.4


# ----------------------------------------------------------------------------- data preparation
def rfm_summary(orders: pd.DataFrame, calibration_end, holdout_end=None) -> pd.DataFrame:
    """Per customer: x, t_x, T (weeks), mean repeat spend m_x in calibration and, when `holdout_end`
    is given, purchases and spend in the holdout (calibration_end, holdout_end]."""
    if holdout_end is not None and pd.Timestamp(holdout_end) <= pd.Timestamp(calibration_end):
        raise ValueError(f"holdout_end {holdout_end} must come after calibration_end {calibration_end}")
    p = orders_mod.purchases(orders)
    cal_end, first = pd.Timestamp(calibration_end), p.groupby("customer_id")["date"].transform("min")
    if (first > cal_end).all():
        raise ValueError(f"no customer made a first purchase by the calibration end {cal_end.date()}")
    p = p[first <= cal_end].assign(first=first[first <= cal_end])
    cal = p[p["date"] <= cal_end]
    repeat = cal[cal["date"] > cal["first"]]
    g = cal.groupby("customer_id")
    out = pd.DataFrame({"x": repeat.groupby("customer_id").size(), "last": g["date"].max(), "first": g["first"].min()})
    out["x"] = out["x"].fillna(0).astype(int)
    out["t_x"] = (out["last"] - out["first"]).dt.days / 7
    out["T"] = (cal_end - out["first"]).dt.days / 7
    out["m_x"] = repeat.groupby("customer_id")["amount"].mean().reindex(out.index).fillna(0.0)
    if holdout_end is not None:
        hold = p[(p["date"] > cal_end) & (p["date"] <= pd.Timestamp(holdout_end))].groupby("customer_id")
        out["x_holdout"] = hold.size().reindex(out.index).fillna(0).astype(int)
        out["spend_holdout"] = hold["amount"].sum().reindex(out.index).fillna(0.0)
    return out.drop(columns=["last", "first"])


# ----------------------------------------------------------------------------- BG/NBD
def bgnbd_loglikelihood(params, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood, FHL (2005) equation 6."""
    r, alpha, a, b = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    still_alive = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(x > 0, special.betaln(a + 1, b + np.maximum(x, 1) - 1) - special.betaln(a, b)
                           - (r + x) * np.log(alpha + t_x), -np.inf)
    return common + np.logaddexp(still_alive, dropped)


def gamma_gamma_loglikelihood(params, x, m_x) -> np.ndarray:
    """Per-customer log-likelihood of mean spend m_x over x transactions (Fader & Hardie 2013, eq. 4)."""
    p, q, gamma = params
    px = p * x
    return (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(gamma)
            + (px - 1) * np.log(m_x) + px * np.log(x) - (px + q) * np.log(gamma + m_x * x))


class _LogParamModel(GenericLikelihoodModel):
    """Likelihood in log-parameters, so the optimiser cannot leave the positive orthant."""

    loglike_fn = None

    def __init__(self, data: dict, names: tuple[str, ...]):
        self.inputs = data
        super().__init__(endog=np.zeros(len(next(iter(data.values())))), exog=np.ones((len(next(iter(data.values()))), 1)))
        self.exog_names[:] = [f"log_{n}" for n in names]
        self.k_extra, self.k_constant = 0, 0
        self.nparams = len(names)
        self.df_model = len(names)
        self.df_resid = self.endog.shape[0] - len(names)

    def loglikeobs(self, params):
        return type(self).loglike_fn(np.exp(params), **self.inputs)


class _BGNBD(_LogParamModel):
    loglike_fn = staticmethod(bgnbd_loglikelihood)


class _GammaGamma(_LogParamModel):
    loglike_fn = staticmethod(gamma_gamma_loglikelihood)


@dataclass
class Fit:
    """Parameters on their natural scale with delta-method standard errors."""

    params: dict[str, float]
    bse: dict[str, float]
    loglike: float
    n: int
    converged: bool

    def table(self, published: dict[str, float] | None = None) -> pd.DataFrame:
        out = pd.DataFrame({"parameter": list(self.params), "estimate": list(self.params.values()),
                            "std. error": list(self.bse.values())})
        if published:
            out["published"] = [published.get(k, float("nan")) for k in self.params]
        return out


def _fit(model: _LogParamModel, names, start) -> Fit:
    res = model.fit(start_params=np.log(start), method="bfgs", maxiter=2000, disp=False)
    est = np.exp(res.params)
    with np.errstate(invalid="ignore"):
        se = est * np.sqrt(np.diag(res.cov_params()))  # delta method: d exp(u) = exp(u) du
    return Fit(dict(zip(names, map(float, est))), dict(zip(names, map(float, se))), float(res.llf), int(model.endog.shape[0]),
               bool(res.mle_retvals.get("converged", False)))


def fit_bgnbd(summary: pd.DataFrame, start=(0.5, 5.0, 1.0, 2.0)) -> Fit:
    """Maximum-likelihood BG/NBD fit to an `rfm_summary` frame (columns x, t_x, T)."""
    data = {k: summary[k].to_numpy(float) for k in ("x", "t_x", "T")}
    if len(data["x"]) < 10 or data["x"].sum() == 0:
        raise ValueError("BG/NBD needs at least 10 customers and some repeat purchases")
    return _fit(_BGNBD(data, BGNBD_PARAMS), BGNBD_PARAMS, start)


def fit_gamma_gamma(summary: pd.DataFrame, start=(1.0, 1.0, 1.0)) -> Fit:
    """Gamma-Gamma fit to customers with at least one repeat purchase (columns x, m_x)."""
    rep = summary[summary["x"] > 0]
    if len(rep) < 10 or (rep["m_x"] <= 0).any():
        raise ValueError("Gamma-Gamma needs at least 10 repeat buyers, all with positive spend")
    data = {"x": rep["x"].to_numpy(float), "m_x": rep["m_x"].to_numpy(float)}
    return _fit(_GammaGamma(data, GAMMA_GAMMA_PARAMS), GAMMA_GAMMA_PARAMS, start)


# ----------------------------------------------------------------------------- predictions
def _hyp2f1(a, b, c, z):
    return special.hyp2f1(a, b, c, z)


def expected_purchases_new(fit: Fit, t) -> np.ndarray:
    """E[X(t)]: repeat purchases in (0, t] of a customer just acquired (FHL eq. 7)."""
    r, alpha, a, b = (fit.params[k] for k in BGNBD_PARAMS)
    t = np.asarray(t, dtype=float)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * _hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def p_alive(fit: Fit, x, t_x, T) -> np.ndarray:
    """P(still active at T | x, t_x, T) (FHL appendix)."""
    r, alpha, a, b = (fit.params[k] for k in BGNBD_PARAMS)
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    odds = np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    return 1 / (1 + odds)


def conditional_expected_purchases(fit: Fit, t, x, t_x, T) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: purchases in the next t weeks given the history (FHL eq. 10)."""
    r, alpha, a, b = (fit.params[k] for k in BGNBD_PARAMS)
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    head = (a + b + x - 1) / (a - 1)
    tail = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * _hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    return head * tail * p_alive(fit, x, t_x, T)


def expected_spend(fit: Fit, x, m_x) -> np.ndarray:
    """E[M | x, m_x]: a customer's expected spend per purchase (Fader & Hardie 2013, eq. 5); customers
    without repeat purchases get the population mean."""
    p, q, gamma = (fit.params[k] for k in GAMMA_GAMMA_PARAMS)
    x, m_x = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    population = p * gamma / (q - 1)
    weight = p * x / (p * x + q - 1)
    return (1 - weight) * population + weight * m_x


def cumulative_tracking(fit: Fit, orders: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Cumulative repeat purchases week by week: observed vs predicted for the whole customer base
    (FHL Figure 2). Week 0 starts on the first purchase date in the data."""
    p = orders_mod.purchases(orders)
    origin = p["date"].min()
    first = p.groupby("customer_id")["date"].transform("min")
    repeat_week = ((p.loc[p["date"] > first, "date"] - origin).dt.days // 7).to_numpy()
    starts = ((p.groupby("customer_id")["date"].min() - origin).dt.days / 7).to_numpy()
    grid = np.arange(1, weeks + 1)
    observed = np.array([(repeat_week < w).sum() for w in grid])
    predicted = np.array([expected_purchases_new(fit, np.clip(w - starts, 0, None)).sum() for w in grid])
    return pd.DataFrame({"week": grid, "observed": observed, "predicted": predicted})


def holdout_by_frequency(summary: pd.DataFrame, predicted: np.ndarray, cap: int = 7) -> pd.DataFrame:
    """Mean holdout purchases, observed vs predicted, by calibration repeat frequency (`cap`+ pooled)."""
    group = summary["x"].clip(upper=cap)
    frame = pd.DataFrame({"x": group, "observed": summary["x_holdout"], "predicted": predicted, "n": 1})
    out = frame.groupby("x").agg(observed=("observed", "mean"), predicted=("predicted", "mean"), customers=("n", "sum")).reset_index()
    out["label"] = out["x"].astype(str).where(out["x"] < cap, f"{cap}+")
    return out


# ----------------------------------------------------------------------------- LTV methods compared
def holdout_value_predictions(summary: pd.DataFrame, bgnbd: Fit, gamma_gamma: Fit, weeks: float) -> pd.DataFrame:
    """Each customer's spend in the next `weeks` predicted three ways:
    `model` (BG/NBD purchases × Gamma-Gamma spend), `historical average` (the calibration period's
    mean repeat spend per customer-week, the same for everyone: the "历史均值法" the plan says most
    platforms use) and `own history` (the customer's own repeat spend per week, extrapolated)."""
    weekly = summary["x"] * summary["m_x"] / summary["T"]
    purchases = conditional_expected_purchases(bgnbd, weeks, summary["x"], summary["t_x"], summary["T"])
    return pd.DataFrame({
        "model": purchases * expected_spend(gamma_gamma, summary["x"], summary["m_x"]),
        "historical average": np.full(len(summary), (summary["x"] * summary["m_x"]).sum() / summary["T"].sum() * weeks),
        "own history": weekly.to_numpy() * weeks,
    }, index=summary.index)


def prediction_errors(predicted: pd.DataFrame, actual: pd.Series, top_pct: float = TOP_PCT) -> pd.DataFrame:
    """Per method: error of the total (% of actual), mean absolute error per customer, and the share
    of actual holdout spend held by the customers the method ranks in its top `top_pct` % (ties
    broken at random with a fixed seed, so a method that cannot rank scores about `top_pct` %)."""
    actual = actual.reindex(predicted.index).to_numpy(float)
    k = int(np.ceil(len(actual) * top_pct / 100))
    jitter = np.random.default_rng(0).random(len(actual))
    rows = []
    for method in predicted.columns:
        pred = predicted[method].to_numpy(float)
        top = np.lexsort((jitter, -pred))[:k]
        rows.append({"method": method, "total error (%)": 100 * (pred.sum() / actual.sum() - 1),
                     "mean absolute error": float(np.abs(pred - actual).mean()),
                     f"spend held by predicted top {top_pct:g} % (%)": 100 * actual[top].sum() / actual.sum()})
    return pd.DataFrame(rows)


def customer_value(summary: pd.DataFrame, bgnbd: Fit, gamma_gamma: Fit, weeks: float) -> pd.Series:
    """Each customer's expected spend over the next `weeks` (undiscounted): purchases × spend."""
    if not weeks > 0:
        raise ValueError(f"the horizon must be a positive number of weeks, got {weeks!r}")
    purchases = conditional_expected_purchases(bgnbd, weeks, summary["x"], summary["t_x"], summary["T"])
    return pd.Series(purchases * expected_spend(gamma_gamma, summary["x"], summary["m_x"]), index=summary.index, name="value")
