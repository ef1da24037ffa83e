"""Saturating growth curves (logistic, Gompertz) for user counts, fitted by nonlinear least squares
(scipy `curve_fit`), with delta-method prediction intervals that include the residual variance."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats


def logistic(t, K, r, t0):
    return K / (1 + np.exp(-r * (t - t0)))


def gompertz(t, K, b, c):
    return K * np.exp(-b * np.exp(-c * t))


MODELS = {"logistic": logistic, "gompertz": gompertz}


@dataclass
class SaturationFit:
    model: str
    params: dict
    cov: np.ndarray
    sigma: float
    n: int
    t_origin: float
    ok: bool
    note: str = ""

    def predict(self, t, ci_level: float = 0.95) -> pd.DataFrame:
        """Mean and prediction interval at decimal years `t`."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        f, p = MODELS[self.model], np.array(list(self.params.values()))
        x = t - self.t_origin
        mean = f(x, *p)
        eps = 1e-6 * np.maximum(np.abs(p), 1e-3)
        jac = np.column_stack([(f(x, *(p + np.eye(len(p))[i] * eps[i])) - mean) / eps[i] for i in range(len(p))])
        var = np.einsum("ij,jk,ik->i", jac, self.cov, jac) + self.sigma ** 2
        q = stats.t.ppf(0.5 + ci_level / 2, max(self.n - len(p), 1))
        return pd.DataFrame({"t": t, "mean": mean, "lower": mean - q * np.sqrt(var), "upper": mean + q * np.sqrt(var)})


def fit(t, y, model: str = "logistic") -> SaturationFit:
    """Fit a saturating curve to (decimal year, level); `ok` is False (with a note) when the
    optimiser fails or the ceiling is not identified by the data."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose {', '.join(MODELS)}")
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    if len(t) < 4 or np.any(~np.isfinite(y)) or np.any(y <= 0):
        raise ValueError("need at least 4 positive observations")
    origin = float(t.min())
    x = t - origin
    ymax = float(y.max())
    if model == "logistic":
        p0, bounds = [ymax * 1.2, 0.5, x.mean()], ([ymax, 1e-4, -50], [ymax * 20, 10, 100])
    else:
        p0, bounds = [ymax * 1.2, 0.5, 0.3], ([ymax, 1e-4, 1e-4], [ymax * 20, 50, 10])
    try:
        p, cov = optimize.curve_fit(MODELS[model], x, y, p0=p0, bounds=bounds, maxfev=20000)
    except (RuntimeError, ValueError) as exc:
        return SaturationFit(model, {}, np.full((3, 3), np.nan), float("nan"), len(t), origin, False, str(exc))
    resid = y - MODELS[model](x, *p)
    dof = max(len(t) - 3, 1)
    sigma = float(np.sqrt(resid @ resid / dof))
    names = ["K", "r", "t0"] if model == "logistic" else ["K", "b", "c"]
    ok, note = bool(np.all(np.isfinite(cov))), ""
    if not ok:
        note = "the parameter covariance could not be estimated"
    elif p[0] >= bounds[1][0] * 0.99:
        ok, note = False, "the ceiling runs to its upper bound: the data do not identify saturation"
    return SaturationFit(model, dict(zip(names, map(float, p))), cov, sigma, len(t), origin, ok, note)


def decimal_year(dates: pd.Series) -> np.ndarray:
    d = pd.to_datetime(dates)
    return (d.dt.year + (d.dt.day_of_year - 1) / 365.25).to_numpy()
