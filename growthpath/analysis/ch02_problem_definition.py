"""Chapter 2 (problem definition): what the chapter reports, each value with the ids it was computed from.

The chapter notebook calls these functions and glues what they return (`page.glue_all`); the frames they
return are ready for the chapter's charts and tables."""
from __future__ import annotations

import pandas as pd

from growthpath.data import claims as ledger
from growthpath.data import orders
from growthpath.analysis import economics, logdesc
from growthpath.analysis.logdesc import LogDescription
from growthpath.data.values import Value, Values, claim, claim_key, computes, ids, parameter, sentence

LATER_PERIOD = 6        # retention is also reported this many cohort periods after acquisition
HEATMAP_PERIODS = 12    # the cohort chart shows the periods after acquisition up to this one
SAME_SHARE_PP = 10      # a plan's concentration point within this many points of the log's is 'close to' it
SAME_GAP_PP = 0.05      # a stated gap within this of the difference of its two rates matches it


# ----------------------------------------------------------------------------- the order log
@computes
def log_values(d: LogDescription) -> Values:
    """The order log this run measured: its size and last date, how the chapter names it, the data box and the
    phrases that depend on whose log it is."""
    log = logdesc.log_id(d)
    box = {f"orders_{k}": text for k, text in logdesc.chapter2_box(d).items()}
    texts = {"last_date": str(d.last_date.date()), "orders_label": logdesc.orders_label(d), **box,
             **logdesc.chapter2_phrases(d)}
    return {"n_customers": Value(d.n_customers, (log,)), "n_lines": Value(d.n_lines, (log,)),
            **{k: sentence(t, log) for k, t in texts.items()}}


# ----------------------------------------------------------------------------- §2.1 acquisition cost
@computes
def cac(claims: pd.DataFrame) -> Values:
    """The industry's stated CAC growth against one platform's start and end CAC (`economics.endpoints_vs_rate`):
    each figure names the claims it was computed from: the endpoints for what they imply, the rate for what it
    compounds to (and the endpoints' years for over how long), all three where they are compared."""
    r = economics.endpoints_vs_rate(claims, "000", "2.1", "cac")
    start, end, rate = r["claim_ids"]
    ends, span = (start, end), (rate, start, end)
    out = {"cac_multiple": Value(r["multiple"], ends, unit="×"),
           "cac_rise_pct": Value(100 * (r["multiple"] - 1), ends, unit="%"),
           "cac_pace": sentence(economics.pace_phrase(r["implied_pct"], r["stated_pct"]), span),
           "cac_scopes": sentence(scopes_sentence(r), span)}
    for n in r["implied_pct"]:
        out[f"cac_implied_{n}"] = Value(r["implied_pct"][n], ends, unit="%")
        out[f"cac_at_stated_{n}"] = Value(r["end_at_stated"][n], span, unit="元/人")
        out[f"ind_multiple_{n}"] = Value(r["stated_multiple"][n], span, unit="×")
    return out


def scopes_sentence(r: dict) -> str:
    """Whether the stated rate and the endpoints (`economics.endpoints_vs_rate`) are one series or two scopes."""
    rate_who, ends_who = economics.entity_phrase(r["rate_entity"]), economics.entity_phrase(r["endpoints_entity"])
    span = f"{r['first_year']}–{r['last_year']}"
    if r["same_scope"]:
        return (f"Both figures are about {rate_who}: over {span} the endpoints imply {r['implied_pct'][3]:.1f}–"
                f"{r['implied_pct'][2]:.1f} % a year, not the stated {r['stated_pct']:g} %, so they contradict each other.")
    return (f"The {r['stated_pct']:g} % a year is {rate_who}'s CAC growth over {span}; {r['start']:g} → {r['end']:g} 元 is "
            f"{ends_who}'s CAC, to which the plan's sentence gives no years (the ledger files it under {span} because it "
            "follows the industry's rate). Read as one series the two seem to contradict each other; they are two "
            "scopes, so they do not.")


@computes
def ltv_and_baseline(claims: pd.DataFrame) -> Values:
    """LTV against the platform's CAC, and §3.3's CAC baseline against §2.1's figures."""
    r = economics.endpoints_vs_rate(claims, "000", "2.1", "cac")
    start, end, _ = r["claim_ids"]
    growth = ledger.pick(claims, doc="000", section="2.1", metric="ltv_growth", scope=("case", "ambiguous"))
    ltv = ledger.pick(claims, doc="000", metric="ltv_baseline", scope="market")
    base = ledger.pick(claims, doc="000", section="3.3", metric="cac_baseline", scope="plan")   # no scope in the text
    goal = ledger.pick(claims, doc="000", section="3.3", metric="cac_target", scope="market")
    ends_who, base_who = economics.entity_phrase(r["endpoints_entity"]), economics.entity_phrase(base["entity"])
    mixed = economics.entity_scope(ltv["entity"]) != economics.entity_scope(r["endpoints_entity"])
    borrowed = base["value"] == r["end"] and economics.entity_scope(base["entity"]) != economics.entity_scope(r["endpoints_entity"])
    baseline = ids(base, goal, end, start)
    return {**{claim_key(row["claim_id"]): claim(row) for row in (ltv, base, goal)},
            "ltv_cac_fall": Value(r["multiple"] / (1 + growth["value"] / 100), ids(start, end, growth)),
            "ltv_cac_2023": Value(economics.ltv_cac(ltv["value"], r["end"]), ids(ltv, end)),
            "ltv_cac_scopes": sentence(f"{economics.entity_phrase(ltv['entity'])}'s value over {ends_who}'s cost: a ratio "
                                       "of two scopes that no acquisition decision can use" if mixed else
                                       "one entity's value over its own cost", ltv, start),
            "cac_baseline_note": sentence(
                f"§3.3 sets the plan's CAC target ({goal['value']:g} 元 by {goal['period']}) against a starting CAC of "
                f"{base['value']:g} 元 per user (「{base['quote_zh']}」), whose scope the text does not give: it is "
                f"{ends_who}'s figure from §2.1. §2.1 gives the industry a growth rate, not a level, so the target appears "
                "to start from one platform's cost." if borrowed else
                f"§3.3's CAC baseline ({base['value']:g} 元) is not the platform's {r['end']:g} 元 from §2.1.", baseline),
            "cac_baseline_item": sentence(
                f"**Unsupported:** §3.3 starts its CAC target of {goal['value']:g} 元 from {r['end']:g} 元, a figure it gives "
                f"no scope, which is {ends_who}'s from §2.1." if borrowed else
                f"**Separate baselines:** §3.3's CAC baseline of {base['value']:g} 元 is its own figure.", baseline)}


def cac_index(claims: pd.DataFrame) -> dict:
    """The arguments of the CAC index chart (`charts.helpers.levels_with_claims`): the stated rate's path and the
    platform's two figures, first year = 100."""
    r = economics.endpoints_vs_rate(claims, "000", "2.1", "cac")
    stated, ends = economics.index_paths(r)
    rate_who = economics.entity_phrase(r["rate_entity"])
    return {"series": stated.assign(series=f"{rate_who}: {r['stated_pct']:g} % a year, as stated"),
            "claims": ends.assign(label=[f"{r['start']:g} 元 = 100",
                                       f"{r['end']:g} 元 = {100 * r['multiple']:.0f}, if in {r['last_year']}"]),
            "y_title": f"CAC index ({r['first_year']} = 100)", "series_field": "series"}


# ----------------------------------------------------------------------------- §2.1 activation, funnel, lower tiers
def _activation(claims: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    first = ledger.pick(claims, doc="000", metric="activation_rate_7d", period="2020", scope="market")
    last = ledger.pick(claims, doc="000", metric="activation_rate_7d", period="2023", scope="market")
    target = ledger.pick(claims, doc="000", metric="activation_rate_7d_target", scope="market")
    loss = ledger.pick(claims, doc="000", section="2.1", metric="browse_cart_order_dropoff_rate", scope="case")
    return first, last, target, loss


@computes
def activation(claims: pd.DataFrame) -> Values:
    """Seven-day activation's yearly decline and the jump the 2024 target asks for; one unnamed platform's
    first-order share."""
    first, last, target, loss = _activation(claims)
    years = int(last["period"]) - int(first["period"])
    return {claim_key(target["claim_id"]): claim(target),
            "activation_pp_per_year": Value(-economics.annual_change_pp(first["value"], last["value"], years),
                                            ids(first, last), unit="pp (decline)"),
            "activation_jump": Value(target["value"] - last["value"], ids(last, target), unit="pp"),
            "first_order_share": Value(100 - loss["value"], ids(loss), unit="% (one unnamed platform's new users)")}


def first_order_funnel(claims: pd.DataFrame) -> pd.DataFrame:
    """The two ends of the unnamed platform's first-purchase funnel (the plan gives no cart stage)."""
    loss = _activation(claims)[3]
    return pd.DataFrame({"stage": ["browse (new users)", "first order"], "share": [1.0, 1 - loss["value"] / 100]})


# ----------------------------------------------------------------------------- §2.2 retention on orders
@computes
def retention(retained: pd.DataFrame, d: LogDescription, claims: pd.DataFrame, freq: str) -> Values:
    """One period's and LATER_PERIOD periods' cohort retention (`orders.cohort_retention`), the latter only when
    some cohort is followed that long, and the first set against the plan's post-subsidy retention."""
    log = logdesc.log_id(d)
    p1 = 100 * retained[1].mean()
    later = logdesc.retention_at(retained, LATER_PERIOD)
    subsidy = ledger.pick(claims, doc="000", section="2.2", metric="retention_after_subsidy_end", scope=("segment", "market"))
    out = {"retention_p1": Value(p1, (log,), unit="%"),
           "retention_later": sentence(logdesc.retention_later(later, LATER_PERIOD, freq, d.periods(freq)), log),
           "retention_vs_subsidy": sentence(("already below" if p1 < subsidy["value"] else "above")
                                            + f" the {subsidy['value']:g} % the plan reports for subsidy-dependent users "
                                            "after offers end", log, subsidy)}
    if later is not None:
        out["retention_p6"] = Value(100 * later, (log,), unit="%")
    return out


def retention_cells(retained: pd.DataFrame) -> pd.DataFrame:
    """The cohort table in long form (cohort, offset, retained) from the first period after acquisition up to
    HEATMAP_PERIODS, for a heatmap. The acquisition period itself is left out: every cohort buys in it by definition, and
    on one colour scale it would wash out the differences the chart is for."""
    return retained.iloc[:, 1:HEATMAP_PERIODS + 1].stack(future_stack=True).rename("retained").reset_index()


def periods_after(freq: str) -> str:
    """The cohort chart's axis title: 'months after the first purchase' (or weeks)."""
    return {"M": "months", "W": "weeks"}[freq] + " after the first purchase"


@computes
def repeat_purchase(durations: pd.DataFrame, km: pd.DataFrame, d: LogDescription, windows) -> Values:
    """The Kaplan–Meier share who bought again within the longest repurchase window any buyer is followed for,
    and when half have."""
    log = logdesc.log_id(d)
    days = int(max(w for w in windows if w <= durations["duration"].max()))
    below = km[km["survival"] <= 0.5]
    median = (f"half of the buyers have bought again after {int(below['days'].iloc[0])} days." if len(below)
              else "more than half of the buyers never buy again within the data.")
    return {"km_days": Value(days, (log, "parameter:repurchase_days")),
            "km_repeat_pct": Value(100 * (1 - logdesc.survival_at(km, days)), (log, "parameter:repurchase_days"), unit="%"),
            "km_median": sentence(median, log),
            "km_band": sentence(km_band_words(km, len(durations)), log)}


LINE_WIDTH_PP = 1.5   # a band narrower than this many points hides behind the curve's line on the chart


def km_band_words(km: pd.DataFrame, buyers: int) -> str:
    """How wide the Kaplan–Meier curve's pointwise band is, and whether a reader can see it on the chart."""
    widest = 100 * float((km["upper"] - km["lower"]).max())
    hidden = ", about the width of the line, so the chart cannot show it" if widest < LINE_WIDTH_PP else ""
    return (f"With {buyers:,} buyers the curve's {100 * (1 - orders.KM_ALPHA):g} % pointwise band is at most "
            f"{widest:.1f} points wide{hidden}.")


# ----------------------------------------------------------------------------- §2.3 concentration and repurchase
def _plan_points(claims: pd.DataFrame) -> tuple[pd.Series, ...]:
    hv = ledger.pick(claims, doc="000", section="2.3", metric="high_value_user_share", scope="market")
    gmv = ledger.pick(claims, doc="000", section="2.3", metric="high_value_user_gmv_share", scope="market")
    users = ledger.pick(claims, doc="000", section="2.4", metric="top_user_share", scope=("segment", "market"))
    acts = ledger.pick(claims, doc="000", section="2.4", metric="top_user_interaction_share", scope=("segment", "market"))
    return hv, gmv, users, acts


@computes
def concentration(order_log: pd.DataFrame, d: LogDescription, claims: pd.DataFrame, top_pct: float) -> Values:
    """The top customers' share of revenue and the Gini coefficient in the log, and the plan's concentration
    point against them."""
    log = logdesc.log_id(d)
    share = 100 * orders.top_share(order_log, top_pct)
    plan = _plan_points(claims)[1]["value"]
    compare = ("close to" if abs(plan - share) <= SAME_SHARE_PP else
               "more concentrated than" if plan > share else "less concentrated than")
    return {"top_pct": parameter("top_share_pct", top_pct, unit="%"),
            "top_share_orders": Value(share, (log, "parameter:top_share_pct"), unit="%", kind="share"),
            "gini_orders": Value(orders.gini(order_log), (log,), kind="estimate"),
            "lorenz_compare": sentence(compare, _plan_points(claims)[1], log, "parameter:top_share_pct")}


def lorenz_points(claims: pd.DataFrame) -> pd.DataFrame:
    """The plan's two concentration claims as points on a Lorenz curve."""
    hv, gmv, users, acts = _plan_points(claims)
    return pd.DataFrame([economics.lorenz_point(hv["value"], gmv["value"], f"plan: {hv['value']:g} % → {gmv['value']:g} % of GMV"),
                         economics.lorenz_point(users["value"], acts["value"],
                                                f"plan: {users['value']:g} % → {acts['value']:g} % of interactions")])


@computes
def repurchase(order_log: pd.DataFrame, rates: pd.DataFrame, d: LogDescription, windows) -> Values:
    """Repurchase within each observable window (`logdesc.repurchase_rates`), the windows asked for, the median gap
    between purchases and the sentences about them."""
    log, asked = logdesc.log_id(d), "parameter:repurchase_days"
    seen = rates[rates["observable"]]
    phrases = logdesc.repurchase_phrases(rates, d.days)
    return {**{f"repurchase_{int(r.days)}d": Value(100 * r.rate, (log, asked), unit="%", kind="share") for r in seen.itertuples()},
            "rep_days_min": parameter("repurchase_days", min(windows), unit="days"),
            "rep_days_max": parameter("repurchase_days", max(windows), unit="days"),
            "median_gap": Value(float(orders.inter_purchase_days(order_log).median()), (log,), unit="天"),
            **{f"repurchase_{k}": sentence(text, log, asked) for k, text in phrases.items()}}


def repurchase_table(rates: pd.DataFrame) -> pd.DataFrame:
    """The repurchase windows as the chapter's table (a note column only when some window is not observable)."""
    columns = ["days", "eligible", "repurchased", "rate"] + ([] if rates["observable"].all() else ["note"])
    return rates.assign(rate=(100 * rates["rate"]).round(1))[columns].rename(columns={
        "days": "window (days)", "eligible": "buyers observed", "repurchased": "bought again", "rate": "repurchase rate (%)"})


# ----------------------------------------------------------------------------- §2.4–2.5 private domain, barriers
def _conversion(claims: pd.DataFrame) -> pd.DataFrame:
    steps = ledger.pick(claims, doc="000", section="2.4", metric="community_conversion_path_steps", scope="market")["value"]
    return ledger.chart_frame(claims, "000", {"community_conversion_rate": f"community ({steps:g}-step path)",
                                              "direct_ecommerce_conversion_rate": "direct e-commerce"},
                              section="2.4", scope="market")


@computes
def conversion_gap(claims: pd.DataFrame) -> Values:
    """Direct e-commerce's conversion minus the community path's, and whether the plan's stated gap matches it."""
    conv = _conversion(claims)
    diff = conv["value"].iloc[1] - conv["value"].iloc[0]
    gap = ledger.pick(claims, doc="000", section="2.4", metric="conversion_gap_vs_direct", scope="market")
    return {"gap_check": Value(diff, ids(conv), unit="pp"),
            "gap_agrees": sentence("which matches the difference of the two rates" if abs(gap["value"] - diff) < SAME_GAP_PP
                                   else "but the two rates differ by a different amount", conv, gap)}


def conversion(claims: pd.DataFrame) -> pd.DataFrame:
    """Community and direct conversion as shares, for a funnel chart."""
    conv = _conversion(claims)
    return conv.assign(value=conv["value"] / 100)


# ----------------------------------------------------------------------------- seed 004, chapter 2
# 004 §2.1 gives KOL and KOC shares (占比) of one decision weight; ordinary users' reviews get an 'influence degree'
# (影响度), not stated as a share of it: the split holds the two shares only
SPLITS = {"influence weights": {"kol_decision_weight": "KOL", "koc_decision_weight": "KOC"},
          "3S decision chain": {"decision_share_social": "social", "decision_share_search": "search",
                                "decision_share_scene": "scene"},
          "3R sustainability": {"sustainability_share_reduce": "reduce", "sustainability_share_reuse": "reuse",
                                "sustainability_share_recycle": "recycle"}}


def genz_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Seed 004's chapter 2 claims."""
    return claims[(claims["doc"] == "004") & claims["section"].str.startswith("2.")]


def _payments(claims: pd.DataFrame) -> pd.DataFrame:
    return ledger.select(claims, doc="004", metric="payment_market_share")


def genz_splits(claims: pd.DataFrame) -> pd.DataFrame:
    """Seed 004's splits of one whole (and its payment 'market shares'), one row per part, for a stacked bar."""
    parts = [ledger.chart_frame(claims, "004", labels, scope="segment").assign(split=split) for split, labels in SPLITS.items()]
    pay = _payments(claims)
    return pd.concat([*parts, pd.DataFrame({"label": pay["entity"], "value": pay["value"], "split": "payment market shares",
                                            "claim_id": pay["claim_id"]})])


@computes
def genz_sums(claims: pd.DataFrame) -> Values:
    """What the KOL and KOC shares of the decision weight and the two payment 'market shares' add up to; what the
    two shares leave of the weight, and what ordinary users' review influence would make it if read as a third share."""
    influence = ledger.chart_frame(claims, "004", SPLITS["influence weights"], scope="segment")
    reviews = ledger.pick(claims, doc="004", metric="ordinary_user_review_influence", scope="segment")
    pay = _payments(claims)
    total = float(influence["value"].sum())
    return {"influence_sum": Value(total, ids(influence), unit="%"),
            "influence_left": Value(100 - total, ids(influence), unit="%"),
            "influence_if_share": Value(total + float(reviews["value"]), ids(influence, reviews), unit="%"),
            "payment_sum": Value(float(pay["value"].sum()), ids(pay), unit="%")}


