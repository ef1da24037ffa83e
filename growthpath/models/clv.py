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

TOP_PCT = 20   # "the top customers": the share of customers whose value share the chapter reports

from growthpath.data import orders as orders_mod

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
    is given, purchases and spend in the holdout (calibration_end, holdout_end]: `engine.rfm_summary`
    on the frame's purchases in the in-process DuckDB connection."""
    from growthpath.data import order_engine

    return order_engine.rfm_summary(orders_mod.prepared(orders), calibration_end, holdout_end)


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
def _by_x(fn, x, levels):
    """fn(x) elementwise; with `levels` = np.unique(x, return_inverse=True) computed once per distinct x
    (a log has a few dozen purchase counts and up to millions of customers)."""
    if levels is None:
        return fn(x)
    values, index = levels
    return fn(values)[index]


def bgnbd_loglikelihood(params, x, t_x, T, levels=None) -> np.ndarray:
    """Per-customer log-likelihood, FHL (2005) equation 6 (`levels`: see `_by_x`)."""
    r, alpha, a, b = params
    common = _by_x(lambda v: special.gammaln(r + v) - special.gammaln(r), x, levels) + r * np.log(alpha)
    return common + _bgnbd_branches(params, x, t_x, T, levels)[0]


def _bgnbd_branches(params, x, t_x, T, levels):
    """log of the likelihood's two branches' sum, and each branch's share of it: still alive at T, and
    dropped out right after the last purchase (only with a repeat purchase)."""
    r, alpha, a, b = params
    beta = _by_x(lambda v: special.betaln(a, b + v) - special.betaln(a, b), x, levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta_dropped = _by_x(lambda v: np.where(v > 0, special.betaln(a + 1, b + np.maximum(v, 1) - 1) - special.betaln(a, b),
                                                -np.inf), x, levels)
    still_alive = beta - (r + x) * np.log(alpha + T)
    dropped = beta_dropped - (r + x) * np.log(alpha + t_x)
    total = np.logaddexp(still_alive, dropped)
    return total, np.exp(still_alive - total), np.exp(dropped - total)


def bgnbd_gradient(params, x, t_x, T, levels=None) -> np.ndarray:
    """Per-customer derivatives of `bgnbd_loglikelihood` by r, alpha, a, b (rows: customers)."""
    r, alpha, a, b = params
    _, alive, dropped = _bgnbd_branches(params, x, t_x, T, levels)
    d_r = (_by_x(lambda v: special.digamma(r + v) - special.digamma(r), x, levels) + np.log(alpha)
           - alive * np.log(alpha + T) - dropped * np.log(alpha + t_x))
    d_alpha = r / alpha - (r + x) * (alive / (alpha + T) + dropped / (alpha + t_x))
    shared = _by_x(lambda v: special.digamma(a + b) - special.digamma(a + b + v), x, levels)
    d_a = shared + dropped / a
    d_b = (shared + _by_x(lambda v: special.digamma(b + v) - special.digamma(b), x, levels)
           - dropped / np.where(x > 0, b + x - 1, 1.0))
    return np.column_stack([d_r, d_alpha, d_a, d_b])


def gamma_gamma_gradient(params, x, m_x, levels=None) -> np.ndarray:
    """Per-customer derivatives of `gamma_gamma_loglikelihood` by p, q, gamma (rows: customers)."""
    p, q, gamma = params
    spent = gamma + m_x * x
    psi = _by_x(lambda v: special.digamma(p * v + q), x, levels)
    d_p = x * (psi - _by_x(lambda v: special.digamma(p * v) - np.log(v), x, levels) + np.log(m_x) - np.log(spent))
    d_q = psi - special.digamma(q) + np.log(gamma) - np.log(spent)
    d_gamma = q / gamma - (p * x + q) / spent
    return np.column_stack([d_p, d_q, d_gamma])


def gamma_gamma_loglikelihood(params, x, m_x, levels=None) -> np.ndarray:
    """Per-customer log-likelihood of mean spend m_x over x transactions (Fader & Hardie 2013, eq. 4)."""
    p, q, gamma = params
    px = p * x
    by_x = _by_x(lambda v: special.gammaln(p * v + q) - special.gammaln(p * v) + p * v * np.log(v), x, levels)
    return by_x - special.gammaln(q) + q * np.log(gamma) + (px - 1) * np.log(m_x) - (px + q) * np.log(gamma + m_x * x)


class _LogParamModel(GenericLikelihoodModel):
    """Likelihood in log-parameters, so the optimiser cannot leave the positive orthant. With `weights`
    each row of `data` stands for that many customers and contributes weight × its log-likelihood.

    statsmodels takes the number of observations from len(endog): the optimiser minimises
    -loglike / nobs, and the results' nobs, df_resid, AIC and BIC use it. The likelihood reads no endog,
    so endog is a read-only zero-stride stand-in of length = customers (Σ weights): nobs is the customer
    count either way, the weighted fit minimises the same objective as the per-customer one (equal up to
    rounding), and memory stays proportional to the rows of `data`."""

    loglike_fn = gradient_fn = None
    HESSIAN_STEP = 2e-3

    def __init__(self, data: dict, names: tuple[str, ...], weights: np.ndarray | None = None):
        self.inputs, self.weights = {**data, "levels": np.unique(data["x"], return_inverse=True)}, weights
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

    def score_obs(self, params):
        """Exact derivatives by the log-parameters (chain rule: d/du = theta d/dtheta), so the optimiser
        needs no numerical gradient: one gradient costs about one likelihood, not five."""
        theta = np.exp(params)
        g = type(self).gradient_fn(theta, **self.inputs) * theta
        return g if self.weights is None else self.weights[:, None] * g

    def score(self, params):
        return self.score_obs(params).sum(axis=0)

    def hessian(self, params):
        """Central differences of the exact gradient with steps h and 2h in every log-parameter,
        Richardson-extrapolated (error O(h^4)) and symmetrised: 4k gradients. statsmodels' default, second
        differences of the likelihood with a step of 1.2e-4 x |log-parameter|, lets the rounding of a sum
        over thousands of customers move standard errors by up to 1e-5 (the same data summed per customer
        or per pattern); this agrees with itself across the two to 1e-7."""
        h, k = self.HESSIAN_STEP, len(params)

        def jacobian(step):
            cols = [(self.score(params + step * e) - self.score(params - step * e)) / (2 * step) for e in np.eye(k)]
            return np.column_stack(cols)

        H = (4 * jacobian(h) - jacobian(2 * h)) / 3
        return (H + H.T) / 2


class _BGNBD(_LogParamModel):
    loglike_fn = staticmethod(bgnbd_loglikelihood)
    gradient_fn = staticmethod(bgnbd_gradient)


class _GammaGamma(_LogParamModel):
    loglike_fn = staticmethod(gamma_gamma_loglikelihood)
    gradient_fn = staticmethod(gamma_gamma_gradient)


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
    (FHL Figure 2). Week 0 starts on the first purchase date in the data. Customers acquired on the same
    day share their expectation, so the prediction costs days × weeks, not customers × weeks."""
    from growthpath.data import order_engine

    days = order_engine.daily_purchases(orders_mod.prepared(orders))
    since = (days["date"] - days["date"].min()).dt.days.to_numpy()
    grid = np.arange(1, weeks + 1)
    repeat_week = since // 7
    observed = np.array([days["repeat"].to_numpy()[repeat_week < w].sum() for w in grid])
    acquired = days[days["first"] > 0]
    starts, n = since[days["first"].to_numpy() > 0] / 7, acquired["first"].to_numpy()
    predicted = np.array([(n * expected_purchases_new(fit, np.clip(w - starts, 0, None))).sum() for w in grid])
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
