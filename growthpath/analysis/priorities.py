"""What moves value, ranked: each lever the book's models can value, moved alone from its current figure to the plan's
target, in one currency: lifetime order value added to one new cohort, the buyers `PER_REACHED` people reached bring.

Two of the book's models are chained. Chapter 5's private-domain funnel turns people reached into buyers; a buyer has
paid for a first order, so in Chapter 4's lifecycle chain it starts as an activated customer (`START`). A funnel stage's
lever adds buyers at that lifetime value; a lifecycle lever (order value, repurchase) adds lifetime value to the
cohort's buyers. Activation (a first order within seven days) is the funnel's own last step, so it is not counted again.
What the ranking leaves out: costs (order value is not profit), customers acquired before (order value and repurchase
would lift them too), and the plan's implied fall in order frequency (Chapter 3). Both models rest on the register's
assumptions where the plan gives no figure; the ranking takes the register's values and the plan's figures, not a
run's overrides."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.analysis import ch04_theory, ch05_implementation, funnel
from growthpath.data import claims as ledger
from growthpath.data.values import Value, Values, computes, sentence
from growthpath.models import lifecycle

PER_REACHED = 10_000       # a display scale: the ranking does not depend on it
START = "growing"          # the lifecycle state of a buyer the funnel brings (activated: has paid for a first order)
FIRST_MEASURE = {          # what to measure before scaling each lever
    "bought": "group members' first orders, in a test that randomises whole groups",
    "joined": "the share of people reached who join a group, per channel",
    "order value": "buyers' order value by cohort, on the platform's own orders",
    "repurchase": "activated customers' monthly repeat rate, on the platform's own orders"}


def build(claims: pd.DataFrame, register) -> dict:
    """The two models at the plan's figures and the register's assumptions (no run overrides): Chapter 4's lifecycle
    chain (`chain`), each lifecycle lever's effect on the lifetime value of an activated customer (`levers`) and that
    value at baseline (`ltv`), and Chapter 5's funnel rates (`rates`)."""
    monthly = ch04_theory.monthly_discount(register, None)
    chain = ch04_theory.lifecycle_chain(claims, register, {}, monthly)
    levers = lifecycle.lever_effects(chain["parameters"], chain["base"], chain["goal"], chain["aov"], monthly / 100, start=START)
    return {"chain": chain, "levers": levers.set_index("lever"), "ltv": float(chain["ltv"]["baseline"][START]),
            "rates": ch05_implementation.funnel_rates(claims, {})}


def ranked(models: dict, claims: pd.DataFrame) -> pd.DataFrame:
    """One row per lever that moves value here: its current figure and target, the plan's target claim and year, the value
    it adds to the cohort (元 of lifetime order value per `PER_REACHED` reached), that value as a share of the cohort's
    lifetime order value today (`share of today`) and its rank (1 = moves most)."""
    rates, ltv, levers = models["rates"], models["ltv"], models["levers"]
    buyers = PER_REACHED * funnel.end_to_end(rates["base"])
    stages = rates["stages"].set_index("stage")
    rows = [{"lever": stages.at[s, "label"], "key": s, "model": "funnel, Chapter 5", "baseline": rates["base"][s],
             "target": rates["target"][s], "unit": "share", "target claim": stages.at[s, "target_source"],
             "value added": ltv * (PER_REACHED * funnel.end_to_end({**rates["base"], s: rates["target"][s]}) - buyers)}
            for s in rates["base"] if rates["target"][s] != rates["base"][s]]
    rows += [{"lever": name, "key": name, "model": "lifecycle chain, Chapter 4", **_lifecycle_figures(models["chain"], claims, name),
              "value added": buyers * float(levers.loc[name, "change"])}
             for name in ch04_theory.LEVERS if name in levers.index and not np.isclose(levers.loc[name, "change"], 0.0)]
    out = pd.DataFrame(rows).sort_values("value added", ascending=False, kind="stable").reset_index(drop=True)
    periods = claims.set_index("claim_id")["period"]
    out["target year"] = out["target claim"].map(periods)
    out["share of today"] = out["value added"] / (buyers * ltv)
    out["measure first"] = out["key"].map(FIRST_MEASURE)
    return out.assign(rank=range(1, len(out) + 1))


def _lifecycle_figures(chain: dict, claims: pd.DataFrame, lever: str) -> dict:
    """A lifecycle lever's figure today, the plan's target and the ledger id of that target: order value in 元 (its own
    claim), a monthly rate as a share (the chain's target source)."""
    key = ch04_theory.LEVERS[lever]
    if key == "aov":
        claim = ledger.pick(claims, doc="000", metric="aov_target", scope="market")["claim_id"]
        return {"baseline": float(chain["aov"][0]), "target": float(chain["aov"][1]), "unit": "元", "target claim": str(claim)}
    params = chain["parameters"].set_index("parameter")
    return {"baseline": float(params.at[key, "baseline"]), "target": float(params.at[key, "target"]), "unit": "share",
            "target claim": str(params.at[key, "target_source"])}


@computes
def priority_values(models: dict, claims: pd.DataFrame) -> Values:
    """The ranked levers, each as its name (`prio_<rank>_lever`) and a sentence (`prio_<rank>`), their count, the value of the top lever and the buyers and lifetime
    value the ranking starts from."""
    chain, rates = models["chain"], models["rates"]
    table = ranked(models, claims)
    read = (*chain["ids"], *ch05_implementation.funnel_ids(rates), *table["target claim"])
    out = {"prio_n": Value(len(table), read, kind="count"), "prio_per": Value(PER_REACHED, read, unit="people"),
           "prio_buyers": Value(PER_REACHED * funnel.end_to_end(rates["base"]), read, unit="people"),
           "prio_ltv": Value(models["ltv"], chain["ids"], unit="元"),
           "prio_top_value": Value(float(table["value added"].iloc[0]), read, unit="元")}
    for _, row in table.iterrows():
        out[f"prio_{row['rank']}_lever"] = sentence(row["lever"][0].upper() + row["lever"][1:], read)
        out[f"prio_{row['rank']}"] = sentence(_priority(row), read)
    return out


def _priority(row: pd.Series) -> str:
    """What a lever adds and what to measure first, in words (plain text: the summary pastes it from another page)."""
    moved = (f"from {row['baseline']:,.0f} 元 to the plan's {row['target']:,.0f} 元" if row["unit"] == "元"
             else f"from {row['baseline']:.1%} to the plan's {row['target']:.1%}")
    year = f" for {row['target year']}" if isinstance(row["target year"], str) and row["target year"] else ""
    return (f"{moved}{year} ({row['target claim']}; {row['model']}): {rounded(row['value added']):+,.0f} 元 of "
            f"lifetime order value per {PER_REACHED:,} reached, {row['share of today']:+.0%} on today's. "
            f"Measure first: {row['measure first']}.")


def rounded(x: float, digits: int = 3) -> float:
    """`x` to `digits` significant figures: the models' inputs are not more precise than that."""
    return float(f"{x:.{digits}g}")


def table(models: dict, claims: pd.DataFrame) -> pd.DataFrame:
    """The ranking as the chapter shows it."""
    shown = ranked(models, claims)
    shown = shown.assign(**{"value added": shown["value added"].map(rounded),
                            "share of today": shown["share of today"].map("{:+.0%}".format),
                            "plan's target": [c + (f", for {y}" if isinstance(y, str) and y else "")   # no year: an assumption
                                              for c, y in zip(shown["target claim"], shown["target year"])]})
    return shown[["rank", "lever", "model", "plan's target", "value added", "share of today", "measure first"]].rename(
        columns={"value added": f"元 per {PER_REACHED:,} reached", "share of today": "on today's value"})
