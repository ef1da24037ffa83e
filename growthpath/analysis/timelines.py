"""The plans' timelines as data for a Gantt chart (Chapter 5).

Seed 000 phases its plan by calendar year (2024 foundations, 2025 acceleration, 2026 maturity) with
milestones in §3.2. Seed 004 gives three stages of 3, 6 and 12 months without saying whether the
durations follow one another (*sequential*: months 0–3, 3–9, 9–21) or count from the start
(*cumulative*: months 0–3, 3–6, 6–12); both readings are returned. 004 names no start date, so it is
anchored at `start` (a parameter)."""
from __future__ import annotations

import pandas as pd

from growthpath.data import claims as claims_mod

PHASES_000 = {2024: "foundations", 2025: "acceleration", 2026: "maturity"}


def milestone_label(row: pd.Series) -> str:
    """A target as a timeline labels it: activation_rate_7d_target, 35 % → 'activation rate 7-day 35%'."""
    return f"{claims_mod.metric_label(row['metric'].replace('_target', ''))} {row['value']:g}{row['unit']}"


def phases_000(claims: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bars (task, start, end, reading) and milestones (task, date, label) of 000's yearly phases."""
    bars = pd.DataFrame([{"task": f"000 {y}: {name}", "start": pd.Timestamp(f"{y}-01-01"), "end": pd.Timestamp(f"{y}-12-31"),
                          "reading": "000 (calendar years)"} for y, name in PHASES_000.items()])
    targets = claims_mod.in_sections(claims, "000", "3.2").query("kind == 'target'")
    marks = pd.DataFrame([{"task": f"000 {int(r.period)}: {PHASES_000[int(r.period)]}", "date": pd.Timestamp(f"{int(r.period)}-12-31"),
                           "label": milestone_label(pd.Series(r._asdict())), "claim_id": r.claim_id} for r in targets.itertuples()])
    return bars, marks


def phases_004(claims: pd.DataFrame, start: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bars and end-of-stage milestones of 004's three stages under both readings."""
    s = claims_mod.in_sections(claims, "004", "5.1b")
    durations = [float(claims_mod.pick(s, metric=f"phase{k}_duration", scope="plan")["value"]) for k in (1, 2, 3)]
    goals = [claims_mod.pick(s, metric=m, scope="plan") for m in ("phase1_dau_target", "phase2_conversion_target", "phase3_repurchase_target")]
    origin = pd.Timestamp(start)
    bars, marks = [], []
    for reading in ("sequential", "cumulative"):
        begin = 0.0
        for k, (months, goal) in enumerate(zip(durations, goals), start=1):
            end = begin + months if reading == "sequential" else months
            task = f"004 stage {k} ({reading})"
            a, b = origin + pd.DateOffset(months=int(begin)), origin + pd.DateOffset(months=int(end))
            bars.append({"task": task, "start": a, "end": b, "reading": f"004 read {reading}"})
            marks.append({"task": task, "date": b, "label": milestone_label(goal), "claim_id": goal["claim_id"]})
            begin = end
    return pd.DataFrame(bars), pd.DataFrame(marks)


def gantt_frames(claims: pd.DataFrame, start: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    b0, m0 = phases_000(claims)
    b4, m4 = phases_004(claims, start)
    return pd.concat([b0, b4], ignore_index=True), pd.concat([m0, m4], ignore_index=True)
