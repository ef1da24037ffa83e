"""The 2026 scorecard (Chapter 8): every target the book can grade, per scenario, and a verdict.

A target is graded by the evidence that exists for it:
- *modelled* (GMV, users, share of online retail): the verdict comes from the probability of meeting it
  with Chapter 6's shocks applied — on track (P ≥ `scorecard_on_track_p`), at risk (P ≥ `scorecard_at_risk_p`)
  or off track (below); the assumptions the probability rests on are named beside it;
- *measured* (the plan's milestones and paths that a published series covers on the same scope):
  behind or on pace, from the actual;
- everything else is untestable here, and is listed with the series that would settle it.
Whether the plan states a target inconsistently (an audit contradiction among the claims that state it) is
reported in its own column: it does not replace the grade."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.data import official, scenarios
from growthpath.analysis import actuals, stress, targets
from growthpath.audit.registry import published

VERDICTS = ("on track", "at risk", "off track", "behind on actuals", "on pace on actuals", "untestable")
# the modelled headline targets: label, key in the simulation, the ledger metrics (000 §3.1/§3.4) that state them,
# and the assumptions (register ids) its probability rests on besides the scenario
MODELLED = (("GMV (万亿元)", "gmv", ("gmv_target", "gmv_cagr_target"), ("ytd_revision_sd_pp", "share_sd_pp")),
            ("Users (亿人)", "users", ("total_users_target", "user_cagr_target_min"), ("user_share_gain_pp", "user_growth_sd_pp", "user_trend_years")),
            ("Expected share of online retail (%)", "share", ("share_of_online_retail_forecast",),
             ("share_sd_pp",)))
MEASURED = ("Live-commerce growth",)      # actuals rows on a matching scope: graded from the actual


def verdict(p: float, on_track: float, at_risk: float) -> str:
    """The grade of a probability: on track, at risk or off track."""
    if not 0 <= on_track <= 1 or not 0 <= at_risk <= on_track:
        raise ValueError("thresholds must satisfy 0 ≤ at_risk ≤ on_track ≤ 1")
    if p is None or np.isnan(p):
        raise ValueError("a modelled target needs a probability")
    return VERDICTS[0] if p >= on_track else VERDICTS[1] if p >= at_risk else VERDICTS[2]


def simulated(claims, stats, shocks, *, target_p: float = 0.5, stretch_p: float = 0.25, **kwargs) -> dict:
    """Medians and probabilities for GMV, users and share, without and with shocks, and the levels of the
    simulated target year (`levels`) for GMV and users."""
    out = {}
    for label, frame in (("no shocks", shocks.iloc[0:0]), ("with shocks", shocks)):
        r = stress.run(claims, stats, frame, **kwargs)
        out[label] = {"gmv": (float(np.median(r["gmv"][:, -1])) / 1e4, r["p_gmv"],
                              levels(r["gmv"][:, -1] / 1e4, kwargs["ci_level"], target_p, stretch_p)),
                      "users": (float(np.median(r["users"][:, -1])), r["p_users"],
                                levels(r["users"][:, -1], kwargs["ci_level"], target_p, stretch_p)),
                      "share": (float("nan"), r["p_share"], {})}
    return out


def levels(draws: np.ndarray, ci_level: float, target_p: float, stretch_p: float) -> dict[str, float]:
    """The simulated year-end level: median, the interval holding `ci_level` of the draws, the level reached with
    probability `target_p` (a target graded on track) and the stretch level (reached with probability `stretch_p`)."""
    if not 0 < stretch_p < target_p < 1:
        raise ValueError(f"need 0 < stretch_p < target_p < 1 (stretch_p = {stretch_p}, target_p = {target_p})")
    tail = (1 - ci_level) / 2
    low, median, high, target, stretch = np.quantile(draws, [tail, 0.5, 1 - tail, 1 - target_p, 1 - stretch_p])
    return {"low": float(low), "median": float(median), "high": float(high), "revised target": float(target),
            "stretch target": float(stretch)}


def _inconsistent(claims, findings, metrics) -> bool:
    stated = set(claims[(claims["doc"] == "000") & claims["metric"].isin(metrics)]["claim_id"])
    return any(f.severity == "contradiction" and stated & {r.claim_id for r in f.refs} for f in published(findings))


def build(claims, stats, findings, shocks, register, *, current: str, current_adjustment: str, **kwargs) -> pd.DataFrame:
    """One row per (graded target, scenario): target value, projection, P without and with shocks,
    verdict, what it rests on, and whether the plan states it inconsistently. `kwargs` are `stress.settings`
    minus the adjustment; `current`'s adjustment is this run's."""
    on_track, at_risk = register["scorecard_on_track_p"], register["scorecard_at_risk_p"]
    plan_vs_actual = actuals.table(claims, stats)
    rows = []
    for name in scenarios.names():
        q = current_adjustment if name == current else scenarios.params(name)["nowcast_adjustment"]
        sims = simulated(claims, stats, shocks, nowcast_adjustment=q, target_p=on_track,
                         stretch_p=register["stretch_target_p"], **kwargs)
        for label, key, metrics, rests_on in MODELLED:
            goal = claims[(claims["doc"] == "000") & (claims["metric"] == metrics[0])].iloc[0]
            p = sims["with shocks"][key][1]
            rows.append({"target": label, "scenario": name, "target value": float(goal["value"]), "unit": goal["unit"],
                         "other path": float("nan"),
                         "projected (median)": sims["with shocks"][key][0], **sims["with shocks"][key][2],
                         "P without shocks": sims["no shocks"][key][1],
                         "P with shocks": p, "verdict": verdict(p, on_track, at_risk), "evidence": "model",
                         "rests on": ", ".join((("scenario",) if key == "gmv" else ())
                                                   + tuple(register.name(k) for k in rests_on) + ("the shocks",)),
                         "stated inconsistently": _inconsistent(claims, findings, metrics)})
        for row in plan_vs_actual[plan_vs_actual["target"].isin(MEASURED)].itertuples():
            rows.append({"target": f"{row.target} ({row.year})", "scenario": name, "target value": row.plan, "unit": row.unit,
                         "other path": row.plan_other if row.reading == "two paths" else float("nan"),
                         "projected (median)": row.actual, "P without shocks": float("nan"), "P with shocks": float("nan"),
                         "verdict": _measured_verdict(row), "evidence": "published actual",
                         "rests on": official.obs_words(stats, row.actual_source, short=True), "stated inconsistently": row.reading == "two paths"})
    return pd.DataFrame(rows)


def _measured_verdict(row) -> str:
    """Behind or on pace from the published actual; untestable when the plan's own numbers give two paths
    the actual falls between."""
    if row.reading == "two paths" and min(row.plan, row.plan_other) <= row.actual <= max(row.plan, row.plan_other):
        return VERDICTS[5]
    return VERDICTS[3] if row.actual < min(row.plan, row.plan_other if row.reading == "two paths" else row.plan) else VERDICTS[4]


def untestable(claims, findings) -> pd.DataFrame:
    """The KPI targets no series or model reaches, with the data that would settle each."""
    kpis = targets.table(claims, findings)
    settle = actuals.unsettled().set_index("kpi")["data needed"]
    out = kpis[~kpis["target_id"].isin(["share_of_online_retail"])][["label", "baseline", "target", "unit", "target_year", "audit"]].copy()
    out["series that would settle it"] = [_settle(label, settle) for label in out["label"]]
    return out.reset_index(drop=True)


def _settle(label: str, settle: pd.Series) -> str:
    """The monitoring plan's data for a KPI label (matched on its first words), or a generic answer."""
    key = label.split(" (")[0].lower()
    for kpi, data in settle.items():
        if kpi.lower().startswith(key[:12]) or key.startswith(kpi.lower()[:12]):
            return data
    return "platform disclosures of the KPI, defined as in the plan"


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """Cells per verdict, in VERDICTS order (zeros kept, so a reader sees which grades never occur)."""
    found = frame["verdict"].value_counts()
    return {v: int(found.get(v, 0)) for v in VERDICTS[:-1]}


def summary_phrases(frame: pd.DataFrame) -> list[str]:
    """One phrase per graded target, generated from its verdicts across scenarios."""
    out = []
    for target, rows in frame.groupby("target", sort=False):
        grades = list(dict.fromkeys(rows["verdict"]))
        name = target.split(" (")[0] if rows["evidence"].iloc[0] == "model" else target
        name = name[0].lower() + name[1:] if name[1:2].islower() else name
        if rows["evidence"].iloc[0] != "model":       # a published actual: the same in every scenario
            out.append(f"{name} cannot be graded: the plan's own figures give two paths and the published actual lies "
                       "between them" if grades[0] == VERDICTS[5] else
                       f"{name} is {grades[0]} (a published actual, whatever the scenario)")
            continue
        where = "in every scenario" if len(grades) == 1 and rows["scenario"].nunique() > 1 else \
            ", ".join(f"{v} ({', '.join(rows[rows['verdict'] == v]['scenario'])})" for v in grades)
        out.append(f"the {name} target is {grades[0]} {where}" if len(grades) == 1 else f"the {name} target: {where}")
    return out
