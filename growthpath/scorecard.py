"""The 2026 scorecard (Chapter 8): every target, its projection per scenario with and without the
risk shocks (Chapters 3 and 6, by rerunning `stress.run`), and a verdict.

Verdicts, in order of precedence:
- *contradictory as stated*: the audit finds a contradiction in the target's own claims;
- *on track* / *at risk* / *infeasible*: P(meeting the target) ≥ `on_track`, ≥ `at_risk`, or below,
  with the shocks applied (only the targets the simulation covers);
- *untestable*: no official series or model reaches the target; it can be tracked, not projected."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath import scenarios, stress, targets

VERDICTS = ("on track", "at risk", "infeasible", "contradictory as stated", "untestable")
SIMULATED = {"share_of_online_retail": ("share", "p_share")}
# the simulated headline targets: label, key in the simulation, the ledger metrics (000 §3.1) that state them
EXTRA = (("GMV (万亿元)", "gmv", ("gmv_target", "gmv_cagr_target")), ("Users (亿人)", "users", ("total_users_target", "user_cagr_target_min")))


def verdict(p: float | None, contradiction: bool, on_track: float = 0.5, at_risk: float = 0.1) -> str:
    if contradiction:
        return VERDICTS[3]
    if p is None or np.isnan(p):
        return VERDICTS[4]
    return VERDICTS[0] if p >= on_track else VERDICTS[1] if p >= at_risk else VERDICTS[2]


def simulated(claims, stats, shocks, scenario_params: dict, **kwargs) -> dict:
    """Medians and probabilities for GMV, users and share, without and with shocks."""
    out = {}
    for label, frame in (("no shocks", shocks.iloc[0:0]), ("with shocks", shocks)):
        r = stress.run(claims, stats, frame, **scenario_params, **kwargs)
        out[label] = {"gmv": (float(np.median(r["gmv"][:, -1])), r["p_gmv"]),
                      "users": (float(np.median(r["users"][:, -1])), r["p_users"]),
                      "share": (float("nan"), r["p_share"])}
    return out


def build(claims, stats, findings, shocks, *, overrides: dict | None = None, current: str = "base", **kwargs) -> pd.DataFrame:
    """One row per (target, scenario): target value, projected median, P without and with shocks,
    verdict. `overrides` replaces the named scenario's parameters (this run's values)."""
    kpis = targets.table(claims, findings)
    contradiction = {r.target_id: r.audit == "contradiction" for r in kpis.itertuples()}
    rows = []
    for name in scenarios.names():
        params = {k: scenarios.params(name)[k] for k in ("fit_start_year", "growth_shift_pp")}
        if name == current and overrides:
            params.update(overrides)
        sims = simulated(claims, stats, shocks, params, **kwargs)
        for label, key, metrics in EXTRA:
            stated = claims[(claims["doc"] == "000") & (claims["section"] == "3.1") & claims["metric"].isin(metrics)]
            goal = stated[stated["metric"] == metrics[0]].iloc[0]
            flagged = any(f.severity == "contradiction" and set(stated["claim_id"]) & {r.claim_id for r in f.refs} for f in findings)
            rows.append(_row(label, name, goal["value"], goal["unit"], sims, key, flagged,
                             scale=1e4 if key == "gmv" else 1.0))
        for k in kpis.itertuples():
            key = SIMULATED.get(k.target_id, (None,))[0]
            rows.append({"target": k.label, "scenario": name, "target value": k.target, "unit": k.unit,
                         "projected (median)": float("nan"),
                         "P without shocks": sims["no shocks"][key][1] if key else float("nan"),
                         "P with shocks": sims["with shocks"][key][1] if key else float("nan"),
                         "verdict": verdict(sims["with shocks"][key][1] if key else None, contradiction[k.target_id])})
    return pd.DataFrame(rows)


def _row(label, scenario, target_value, unit, sims, key, contradiction, scale=1.0) -> dict:
    return {"target": label, "scenario": scenario, "target value": float(target_value), "unit": unit,
            "projected (median)": sims["no shocks"][key][0] / scale, "P without shocks": sims["no shocks"][key][1],
            "P with shocks": sims["with shocks"][key][1], "verdict": verdict(sims["with shocks"][key][1], contradiction)}
