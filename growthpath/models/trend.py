"""Trend models for an annual series: log-linear OLS and Holt's linear trend (ETS) on log values.

Both return a `TrendFit` with fitted values and a forecast with prediction intervals, so a chapter
can set the plan's figure against them. Fits on logs model constant percentage growth."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class TrendFit:
    model: str
    years: np.ndarray
    values: np.ndarray
    forecast: pd.DataFrame            # year, mean, lower, upper (original units)
    annual_growth: float              # implied constant growth per year, e.g. 0.08
    ok: bool = True
    note: str = ""
    stats: dict = field(default_factory=dict)

    def at(self, year: int) -> pd.Series:
        row = self.forecast[self.forecast["year"] == year]
        if row.empty:
            raise LookupError(f"{self.model}: no forecast for {year}")
        return row.iloc[0]


def _check(years, values, min_obs: int) -> tuple[np.ndarray, np.ndarray]:
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    if len(years) != len(values):
        raise ValueError("years and values differ in length")
    if len(years) < min_obs:
        raise ValueError(f"need at least {min_obs} observations, got {len(years)}")
    if np.any(values <= 0):
        raise ValueError("log models need positive values")
    if np.any(np.diff(years) <= 0):
        raise ValueError("years must be strictly increasing")
    return years, values


def fit_loglinear(years, values, horizon_year: int, ci_level: float = 0.95) -> TrendFit:
    """OLS of log(value) on year; prediction intervals for new observations (obs_ci) back-transformed."""
    from statsmodels.regression.linear_model import OLS  # here, not at import: the audit and the CLI
    from statsmodels.tools.tools import add_constant      # import this module without needing statsmodels

    years, values = _check(years, values, 3)
    X = add_constant(years)
    res = OLS(np.log(values), X).fit()
    future = np.arange(years[-1] + 1, horizon_year + 1)
    frame = res.get_prediction(add_constant(future, has_constant="add")).summary_frame(alpha=1 - ci_level)
    forecast = pd.DataFrame({"year": future.astype(int), "mean": np.exp(frame["mean"]),
                             "lower": np.exp(frame["obs_ci_lower"]), "upper": np.exp(frame["obs_ci_upper"])})
    return TrendFit("log-linear OLS", years, values, forecast, float(np.exp(res.params[1]) - 1),
                    stats={"r2": float(res.rsquared), "n": int(res.nobs), "slope_se": float(res.bse[1]),
                           "resid_sd": float(np.sqrt(res.scale))})


def fit_holt(years, values, horizon_year: int, ci_level: float = 0.95, damped: bool = False) -> TrendFit:
    """Holt's linear trend (statsmodels ETSModel, additive errors) on log values.

    With few observations the fit can fail to converge; the result then says so (`ok=False`)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    years, values = _check(years, values, 5)
    y = pd.Series(np.log(values), index=pd.RangeIndex(len(values)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ETSModel(y, error="add", trend="add", damped_trend=damped).fit(disp=False, maxiter=2000)
    steps = int(horizon_year - years[-1])
    pred = res.get_prediction(start=len(y), end=len(y) + steps - 1).summary_frame(alpha=1 - ci_level)
    forecast = pd.DataFrame({"year": np.arange(years[-1] + 1, horizon_year + 1).astype(int),
                             "mean": np.exp(pred["mean"].to_numpy()),
                             "lower": np.exp(pred["pi_lower"].to_numpy()), "upper": np.exp(pred["pi_upper"].to_numpy())})
    slope = float(res.states.iloc[-1]["trend"]) if "trend" in res.states else float("nan")
    problems = [str(w.message) for w in caught if "converge" in str(w.message).lower()]
    ok = bool(res.mle_retvals.get("converged", True)) and not problems if hasattr(res, "mle_retvals") and res.mle_retvals else not problems
    note = "" if ok else "the optimiser did not converge: " + "; ".join(problems)[:200]
    return TrendFit("Holt (ETS) on logs", years, values, forecast, float(np.exp(slope) - 1), ok=ok, note=note,
                    stats={"aic": float(res.aic), "n": len(values), **_named_params(res)})


def _named_params(res) -> dict:
    named = dict(zip(res.model.param_names, np.asarray(res.params, dtype=float)))
    return {"alpha": float(named.get("smoothing_level", np.nan)), "beta": float(named.get("smoothing_trend", np.nan))}


def shift_growth(fit: TrendFit, shift_pp: float) -> pd.DataFrame:
    """The forecast with `shift_pp` percentage points added to each year's growth (a scenario lever)."""
    g = fit.annual_growth
    factor = ((1 + g + shift_pp / 100) / (1 + g)) ** (fit.forecast["year"] - fit.years[-1])
    out = fit.forecast.copy()
    for col in ("mean", "lower", "upper"):
        out[col] = out[col] * factor
    return out


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate between two levels `years` apart."""
    if start_value <= 0 or end_value <= 0 or years <= 0:
        raise ValueError("CAGR needs positive levels and a positive span")
    return (end_value / start_value) ** (1 / years) - 1


def span_readings(first_year: int, last_year: int) -> list[int]:
    """'2021-2023' can mean 2 or 3 years of growth; both readings, shortest first (never 0)."""
    return sorted({last_year - first_year, last_year - first_year + 1} - {0})


def implied_rates_pct(start: float, end: float, first_year: int, last_year: int) -> dict[int, float]:
    """Compound growth per year (%) from `start` to `end` under each reading of the span."""
    return {n: 100 * cagr(start, end, n) for n in span_readings(first_year, last_year)}
