"""Customer lifetime value from an order log: the BG/NBD model of repeat buying (Fader, Hardie & Lee
2005) and the Gamma-Gamma model of spend per transaction (Fader & Hardie 2013), both fitted by
maximum likelihood with statsmodels' `GenericLikelihoodModel`, so every parameter has a standard error.

Time is in weeks. For each customer: `x` repeat purchases in the calibration period (purchase days
after the first), `t_x` the time of the last one, `T` the time from the first purchase to the end of
calibration, all measured from the first purchase.

Both likelihoods depend on a customer only through (x, t_x, T) and (x, m_x), so the fits also take a
table of unique patterns with a count `n` of the customers sharing each (`patterns`, or
`engine.bgnbd_patterns` / `engine.gamma_gamma_patterns` straight from the database) and
`weights="n"`: the log-likelihood is then the sum of n × the pattern's, and estimates, standard errors,
log-likelihood and `Fit.n` (customers, not patterns) are those of the per-customer fit."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.base.model import GenericLikelihoodModel
from statsmodels.tools.numdiff import approx_hess3

TOP_PCT = 20   # "the top customers": the share of customers whose value share the chapter reports

from growthpath import orders as orders_mod

BGNBD_PARAMS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMS = ("p", "q", "gamma")
BGNBD_COLUMNS = ("x", "t_x", "T")       # what the BG/NBD likelihood sees of a customer
GAMMA_GAMMA_COLUMNS = ("x", "m_x")      # and the Gamma-Gamma
WEIGHT = "n"                            # customers sharing a pattern, in `patterns` tables
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


def patterns(summary: pd.DataFrame, columns=BGNBD_COLUMNS, weights: str | None = None) -> pd.DataFrame:
    """`summary` aggregated by the unique values of `columns` (BGNBD_COLUMNS or GAMMA_GAMMA_COLUMNS):
    one row per pattern, sorted, with `n` the number of customers sharing it. `weights` names a column
    of counts when `summary` is already aggregated. Fit with `fit_bgnbd(patterns(s), weights="n")`."""
    cols, w = list(columns), _weights(summary, weights)
    n = np.ones(len(summary), dtype=np.int64) if w is None else w.astype(np.int64)
    return summary[cols].assign(**{WEIGHT: n}).groupby(cols, sort=True, dropna=False)[WEIGHT].sum().reset_index()


def _weights(frame: pd.DataFrame, weights: str | None) -> np.ndarray | None:
    if weights is None:
        if WEIGHT in frame.columns:
            raise ValueError(f"the summary has a column {WEIGHT!r}: pass weights={WEIGHT!r} if its rows are patterns "
                             "shared by that many customers")
        return None
    w = frame[weights].to_numpy(float)
    if not (np.all(w >= 1) and np.all(w == np.round(w))):
        raise ValueError(f"weights column {weights!r} must count customers: whole numbers of at least 1")
    return w


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
    """Likelihood in log-parameters, so the optimiser cannot leave the positive orthant. With `weights`
    each row of `data` stands for that many customers and contributes weight × its log-likelihood.

    statsmodels takes the number of observations from len(endog): the optimiser minimises
    -loglike / nobs, and the results' nobs, df_resid, AIC and BIC use it. The likelihood reads no endog,
    so endog is a read-only zero-stride stand-in of length = customers (Σ weights): nobs is the customer
    count either way, the weighted fit minimises the same objective as the per-customer one (equal up to
    rounding), and memory stays proportional to the rows of `data`."""

    loglike_fn = None
    HESSIAN_STEP = 2e-3

    def __init__(self, data: dict, names: tuple[str, ...], weights: np.ndarray | None = None):
        self.inputs, self.weights = data, weights
        nobs = len(next(iter(data.values()))) if weights is None else int(round(weights.sum()))
        super().__init__(endog=np.broadcast_to(0.0, (nobs,)), extra_params_names=[f"log_{n}" for n in names])
        self.k_extra, self.k_constant = 0, 0
        self.nparams = len(names)
        self.df_model = len(names)
        self.df_resid = nobs - len(names)

    def loglikeobs(self, params):
        """Per row of `data` (a customer, or a pattern times its weight)."""
        ll = type(self).loglike_fn(np.exp(params), **self.inputs)
        return ll if self.weights is None else self.weights * ll

    def hessian(self, params):
        """Central differences with steps h and 2h in every log-parameter, Richardson-extrapolated
        (error O(h^4)). statsmodels' default step, 1.2e-4 x |log-parameter|, is so small that the
        rounding of a sum over thousands of customers moves standard errors by up to 1e-5 (the same data
        summed per customer or per pattern); with h = 2e-3 they agree to 1e-7 and differ from the
        default's by at most 3e-6 on CDNOW."""
        h = self.HESSIAN_STEP
        return (4 * approx_hess3(params, self.loglike, epsilon=h) - approx_hess3(params, self.loglike, epsilon=2 * h)) / 3


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
    note: str = ""  # why standard errors are missing or the optimiser stopped, in words a page can print

    @property
    def usable(self) -> bool:
        """Converged with finite standard errors: estimates a page may report as a fit."""
        return self.converged and not self.note

    def table(self, published: dict[str, float] | None = None) -> pd.DataFrame:
        out = pd.DataFrame({"parameter": list(self.params), "estimate": list(self.params.values()),
                            "std. error": list(self.bse.values())})
        if published:
            out["published"] = [published.get(k, float("nan")) for k in self.params]
        return out


def _fit(model: _LogParamModel, names, start) -> Fit:
    """Fit, never raising for a fit that is merely bad: a singular information matrix (estimates at the
    edge of the parameter space, e.g. buying with no dropout) gives NaN standard errors and a `note`;
    an optimiser that did not converge gives `converged=False`. statsmodels' warnings become the note."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(start_params=np.log(start), method="bfgs", maxiter=2000, disp=False)
        est = np.exp(res.params)
        try:
            with np.errstate(invalid="ignore"):
                se = est * np.sqrt(np.diag(res.cov_params()))  # delta method: d exp(u) = exp(u) du
        except (ValueError, np.linalg.LinAlgError):
            se = np.full(len(est), np.nan)
    note = ""
    if not np.all(np.isfinite(se)):
        note = ("standard errors are not available: the information matrix is singular, so the estimates sit at "
                "the edge of what the model can express")
    elif caught:
        note = f"the optimiser warned: {type(caught[0].message).__name__}"
    converged = bool(res.mle_retvals.get("converged", False)) and bool(np.all(np.isfinite(est)))
    return Fit(dict(zip(names, map(float, est))), dict(zip(names, map(float, se))), float(res.llf), int(res.nobs),
               converged, note)


def fit_bgnbd(summary: pd.DataFrame, start=(0.5, 5.0, 1.0, 2.0), weights: str | None = None) -> Fit:
    """Maximum-likelihood BG/NBD fit to an `rfm_summary` frame (columns x, t_x, T), or, with `weights`
    naming a column of customer counts, to a table of patterns (`patterns`, `engine.bgnbd_patterns`)."""
    data = {k: summary[k].to_numpy(float) for k in BGNBD_COLUMNS}
    w = _weights(summary, weights)
    customers, repeats = (len(data["x"]), data["x"].sum()) if w is None else (w.sum(), (w * data["x"]).sum())
    if customers < 10 or repeats == 0:
        raise ValueError("BG/NBD needs at least 10 customers and some repeat purchases")
    return _fit(_BGNBD(data, BGNBD_PARAMS, w), BGNBD_PARAMS, start)


def fit_gamma_gamma(summary: pd.DataFrame, start=(1.0, 1.0, 1.0), weights: str | None = None) -> Fit:
    """Gamma-Gamma fit to customers with at least one repeat purchase (columns x, m_x), or, with
    `weights`, to a table of (x, m_x) patterns (`patterns(s, GAMMA_GAMMA_COLUMNS)`, `engine.gamma_gamma_patterns`)."""
    rep = summary[summary["x"] > 0]
    w = _weights(rep, weights)
    if (len(rep) if w is None else w.sum()) < 10 or (rep["m_x"] <= 0).any():
        raise ValueError("Gamma-Gamma needs at least 10 repeat buyers, all with positive spend")
    data = {k: rep[k].to_numpy(float) for k in GAMMA_GAMMA_COLUMNS}
    return _fit(_GammaGamma(data, GAMMA_GAMMA_PARAMS, w), GAMMA_GAMMA_PARAMS, start)


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
