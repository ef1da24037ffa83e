"""Chapter 5 (implementation): what the chapter reports, each value with the ids it was computed from, and the
frames of its charts and tables."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.analysis import economics, effects, funnel, investment, timelines, whatif
from growthpath.data import claims as ledger
from growthpath.data.assumptions import Register
from growthpath.models import power
from growthpath.data.values import Value, Values, computes, ids, in_english, parameter, sentence
from growthpath.markup import LEDGER_ID

MIGRATION = {"single_platform_dependence_rate": (("market", "segment"), "depend on one platform"),
             "cross_platform_migration_willingness": (("market", "segment"), "willing to migrate"),
             "cross_platform_migration_rate_target": ("market", "2026 migration target"),
             "high_value_user_migration_rate": ("case", "high-value case")}
MARGIN_STEPS = 13                  # points of the illustrative margin grid over the register's range
MONTH_DAYS = 30.4375
UNITS = ("user", "cluster", "platform")
PEOPLE_PER_YI = 1e8                # 亿 = 10^8
GENZ_TIMELINE = ("5.1b", "5.2b", "5.3b", "5.4b")
GLUED_CHAPTERS = (2, 3, 5, 6)      # the chapters of the ledger whose claims this chapter quotes


def effect_dots(claims: pd.DataFrame, findings) -> pd.DataFrame:
    """Effect claims of 000 §5.1 with a multiplier, labelled, for a dot chart."""
    return effects.labelled_effects(claims, findings, [("000", "5.1")])


# ----------------------------------------------------------------------------- §5.1 content originality
@computes
def originality(claims: pd.DataFrame) -> Values:
    """The originality target's move, and whether a platform's figure in the plan equals it (the same number, which
    is all the ledger shows: not that one was taken from the other)."""
    base, goal = (ledger.pick(claims, doc="000", metric=m, scope="market")
                  for m in ("content_originality_baseline", "content_originality_target"))
    same = claims[(claims["metric"] == "content_originality") & (claims["value"] == goal["value"])]
    both = ids(base, goal)
    out = {"orig_points": Value(goal["value"] - base["value"], both, unit="pp"),
           "orig_rel": Value(100 * (goal["value"] / base["value"] - 1), both, unit="%")}
    if same.empty:
        return {**out, "orig_source": sentence("No platform's figure in the plan equals the target.", goal),
                "orig_bullet": sentence(f"**Target without a precedent:** no platform's figure in the plan equals the "
                                        f"{goal['value']:g} % originality target.", goal)}
    whose = " and ".join(f"{e}'s" for e in dict.fromkeys(same["entity"]))
    kinds = set(ledger.entity_type(same))
    what = "a named platform's result" if kinds == {"platform"} else "a result of " + " and ".join(sorted(kinds))
    refs = "; ".join(f"{r.claim_id}, §{r.section}: 「{r.quote_zh}」" for r in same.itertuples())
    return {**out, "orig_source": sentence(f"The target equals {whose} own figure ({refs}), {what}; the plan does not say that "
                                           "the target was derived from it.", goal, same),
            "orig_bullet": sentence(f"**Same number as one platform's result:** the {goal['value']:g} % originality target "
                                    f"equals {whose} own figure ({', '.join(same['claim_id'])}); whether it was derived from it, "
                                    "the plan does not say.", goal, same)}


# ----------------------------------------------------------------------------- §5.2 the funnel
def funnel_rates(claims: pd.DataFrame, overrides: dict) -> dict:
    """The funnel's stages and their rates at baseline and target (data/reference/funnel.csv, overrides applied)."""
    stages = funnel.load(claims)
    return {"stages": stages, "base": funnel.rates(stages, "baseline", overrides), "target": funnel.rates(stages, "target", overrides)}


def funnel_ids(f: dict) -> tuple[str, ...]:
    sources = [*f["stages"]["baseline_source"], *f["stages"]["target_source"]]
    return ids(*(i for text in sources for i in ledger_ids(text)), "parameter:funnel_overrides")


def ledger_ids(text: str) -> list[str]:
    """The ledger claim ids a source text names (`000-3.2-08`)."""
    return LEDGER_ID.findall(str(text))


def funnel_table(f: dict) -> pd.DataFrame:
    stages, fb, ft = f["stages"], f["base"], f["target"]
    shown = stages.assign(baseline=stages["stage"].map(fb).map(lambda r: f"{100 * r:.1f} %"), target=stages["stage"].map(ft).map(lambda r: f"{100 * r:.1f} %"),
                          source=stages["baseline_source"].where(stages["baseline_source"] == stages["target_source"],
                                                                 stages["baseline_source"] + " → " + stages["target_source"]),
                          purchase=stages["includes_purchase"].map({True: "yes", False: "no"}))
    return shown[["stage", "label", "definition_zh", "purchase", "baseline", "target", "source"]].rename(
        columns={"definition_zh": "definition in the seed", "purchase": "ends in a purchase"})


def sensitivity(f: dict, register: Register, reached: int) -> pd.DataFrame:
    return funnel.sensitivity(f["base"], reached, register["funnel_lift_pp"], register["funnel_relative_lift_pct"] / 100)


@computes
def funnel_values(f: dict, register: Register, reached: int) -> Values:
    """End-to-end conversion at baseline and target per people reached, and the stage whose lift gains most."""
    fb, ft, rated = f["base"], f["target"], funnel_ids(f)
    sens = sensitivity(f, register, reached)
    best = sens[sens["lift"].str.contains("points")].nlargest(1, "change").iloc[0]
    label = f["stages"].set_index("stage").at[best["stage"], "label"]
    lifted = (*rated, "assumption:funnel_lift_pp", "assumption:funnel_relative_lift_pct", "parameter:reached_users")
    out = {"reached_g": parameter("reached_users", reached),
           "lift_g": Value(register["funnel_lift_pp"], ("assumption:funnel_lift_pp",), unit="pp"),
           "rel_lift_g": Value(register["funnel_relative_lift_pct"], ("assumption:funnel_relative_lift_pct",), unit="%"),
           "e2e_rel": Value(100 * (funnel.end_to_end(ft) / funnel.end_to_end(fb) - 1), rated, unit="%"),
           "best_stage": sentence(f"*{label}* ({fb[best['stage']]:.1%} today): {best['change']:+,.0f} buyers per {reached:,} reached "
                                  f"for an assumed lift of {register['funnel_lift_pp']:g} points",
                                  lifted),
           "best_stage_short": sentence(label, lifted)}
    for key, r in (("base", fb), ("target", ft)):
        out[f"e2e_{key}"] = Value(funnel.end_to_end(r), rated, unit="share", kind="share")
        out[f"conv_{key}"] = Value(reached * funnel.end_to_end(r), (*rated, "parameter:reached_users"), unit="people")
    return out


def funnel_flow(f: dict, reached: int) -> pd.DataFrame:
    flow = pd.concat([funnel.counts(f["base"], reached).assign(reading="baseline"),
                      funnel.counts(f["target"], reached).assign(reading="target")])
    return flow.assign(share=flow["people"] / reached)


WHAT_IF_STEPS = {"joined": (0.05, 1.0, 0.05), "bought": (0.01, 0.2, 0.01)}   # slider min, max, step per stage


def what_if_sliders(f: dict) -> list[dict]:
    """One slider per funnel stage, starting at the plan's baseline rate."""
    labels = f["stages"].set_index("stage")["label"]
    return [whatif.slider(s, labels[s], lo, hi, step, f["base"][s]) for s, (lo, hi, step) in WHAT_IF_STEPS.items() if s in f["base"]]


def what_if_grid(f: dict, reached: int) -> pd.DataFrame:
    """Buyers per `reached` for every combination of stage rates the sliders can set (their steps, plus the plan's
    baseline and target rates)."""
    rows = whatif.grid(what_if_sliders(f), also={s: [f["target"][s]] for s in f["target"]})
    return rows.assign(buyers=[reached * funnel.end_to_end({**f["base"], **r}) for r in rows.to_dict("records")])


def what_if_references(f: dict, reached: int) -> pd.DataFrame:
    """The plan's baseline and target, as buyers per `reached`."""
    return pd.DataFrame({"label": ["plan's baseline", "plan's target"],
                         "value": [reached * funnel.end_to_end(f["base"]), reached * funnel.end_to_end(f["target"])]})


# ----------------------------------------------------------------------------- §5.3 migration
def _migration(claims: pd.DataFrame) -> dict[str, pd.Series]:
    return {m: ledger.pick(claims, doc="000", metric=m, scope=scope) for m, (scope, _) in MIGRATION.items()}


def migration_bars(claims: pd.DataFrame) -> pd.DataFrame:
    rows = _migration(claims)
    return pd.DataFrame([{"measure": f"{MIGRATION[m][1]} ({r['claim_id']})", "share": r["value"] / 100, "kind": r["kind"]}
                         for m, r in rows.items()])


@computes
def migration(claims: pd.DataFrame) -> Values:
    """The migration target against the share of users who say they would migrate, in words."""
    rows = _migration(claims)
    will, goal, hv = (rows[m] for m in ("cross_platform_migration_willingness", "cross_platform_migration_rate_target",
                                        "high_value_user_migration_rate"))
    member = ledger.pick(claims, doc="000", metric="abandon_cross_platform_due_to_membership", scope="source")
    gap, more = goal["value"] - will["value"], "more than " if "不足" in will["quote"] else ""  # 不足25%: the gap is a lower bound
    above = gap > 0
    verdict = (
        f"The {goal['period']} target, a migration rate of {goal['value']:g} % (§3.2), is {more}{gap:g} points above that stated "
        "willingness: ambitious rather than contradictory, because the two measure different things. Willingness is what users "
        f"say today; the target is what they are to do by {goal['period']}, after the plan's measures: §3.2 ties it to connecting "
        "the data of WeChat, Douyin and Kuaishou, and §5.3 builds shared memberships to 「提升用户迁移意愿」. The plan's own survey "
        f"suggests room to move: {member['value']:g} % of users say they gave up buying across platforms because memberships do "
        f"not carry over (§2.5, {member['claim_id']}). The target therefore assumes those measures raise the share of users willing "
        f"to migrate by {more}{gap:g} points; none of the §5.3 cases measures that share." if above else
        f"The {goal['period']} target, a migration rate of {goal['value']:g} % (§3.2), is within that stated willingness: it needs "
        "most of the users who say they are willing to act, which the plan's data and membership measures are meant to bring about.")
    high = (f" One unnamed platform reports {hv['value']:g} % for its high-value users ({hv['claim_id']}), through a dedicated "
            "channel: a select group, not all users." if hv["value"] > goal["value"] else "")
    pair = ids(goal, will)
    return {"mig_gap": Value(gap, pair, unit="pp"),
            "mig_verdict": sentence(verdict + high, goal, will, member, hv),
            "mig_bullet": sentence(f"**Ambitious:** a {goal['value']:g} % migration target is {more}{gap:g} points above the share "
                                   "of users who say today they would migrate; it assumes the plan's data and membership measures raise "
                                   "that share, which none of its cases measures." if above else
                                   f"**Within stated willingness:** a {goal['value']:g} % migration target needs most of the users "
                                   "who say they would migrate to do so.", pair),
            "mig_short": sentence("the migration target is above the share of users who say today they would migrate, so it assumes "
                                  "the plan's measures raise that share" if above else
                                  "the migration target is within the share of users who say they would migrate", pair)}


# ----------------------------------------------------------------------------- §5.4 lower-tier logistics
def _logistics(claims: pd.DataFrame):
    now = ledger.pick(claims, doc="000", metric="logistics_cost_share_of_aov", scope="market")       # lower-tier markets, §2.1
    goal = ledger.pick(claims, doc="000", metric="logistics_cost_share_target_max", scope="market")  # lower-tier logistics, §3.3
    aov = [ledger.pick(claims, doc="000", metric=m, scope="market") for m in ("aov_baseline", "aov_target")]  # all users, §3.3
    return now, goal, aov, [now["value"] / 100, goal["value"] / 100]


@computes
def logistics(claims: pd.DataFrame) -> Values:
    """What the lower-tier logistics target asks of cost or order value, and, as an illustration only, where the whole
    market's order-value rise would take the share (the plan gives no lower-tier order value)."""
    now, goal, aov, share = _logistics(claims)
    levers = investment.share_levers(*share)
    rise = aov[1]["value"] / aov[0]["value"] - 1
    share_if = share[0] / (1 + rise)
    shares, all_four = ids(now, goal), ids(now, goal, *aov)
    return {"logi_cost_cut": Value(100 * levers["cost_cut"], shares, unit="%"),
            "logi_aov_rise": Value(100 * levers["order_value_rise"], shares, unit="%"),
            "market_aov_rise": Value(100 * rise, ids(*aov), unit="%"),
            "logi_share_if_market": Value(100 * share_if, ids(now, *aov), unit="%"),
            "logi_if_market": sentence(
                f"If lower-tier orders grew in the same proportion as the whole market's order-value target (+{100 * rise:.1f} %, "
                f"{aov[0]['claim_id']} → {aov[1]['claim_id']}), that alone would bring the share to {100 * share_if:.1f} %, "
                + ("within the target" if share_if <= share[1] else "still above the target")
                + "; this is an illustration, not a reading of the plan, which gives no reason to expect the same growth in the "
                "lower-tier markets.", all_four)}


@computes
def margins(claims: pd.DataFrame, register: Register) -> Values:
    """What is left of a lower-tier order after logistics at the assumed gross margin, and across the register's range."""
    now, goal, _, share = _logistics(claims)
    margin = register["gross_margin_pct"] / 100
    lo, hi = register.range("gross_margin_pct")
    contrib = [economics.contribution_per_order(1.0, s, margin) for s in share]   # per 元 of order value: a share
    assumed, ranged = ("assumption:gross_margin_pct",), ids(now, goal, "assumption:gross_margin_pct")
    verdict = (f"a lower-tier order covers its logistics only where the margin exceeds the logistics share, {100 * share[0]:g} % "
               f"today and {100 * share[1]:g} % at the target; "
               + ("at the low end of the range it does not, even at the target." if lo / 100 < share[1] else
                  "at the low end of the range it does not today but would at the target." if lo / 100 < share[0] else
                  "across the whole range it does, today and at the target."))
    return {"contrib_base": Value(100 * contrib[0], ids(now, *assumed), unit="% of order value"),
            "contrib_target": Value(100 * contrib[1], ids(goal, *assumed), unit="% of order value"),
            "margin_g": Value(register["gross_margin_pct"], assumed, unit="%"),
            "margin_lo": Value(lo, assumed, unit="%"), "margin_hi": Value(hi, assumed, unit="%"),
            "margin_verdict": sentence(verdict, ranged)}


def margin_lines(claims: pd.DataFrame, register: Register) -> pd.DataFrame:
    """What is left after logistics across an illustrative grid over the register's margin range."""
    share = _logistics(claims)[3]
    lo, hi = register.range("gross_margin_pct")
    grid = np.linspace(lo, hi, MARGIN_STEPS) / 100
    labels = {0: "today (§2.1)", 1: "target (§3.3)"}
    return pd.DataFrame([{"margin": m, "left": economics.contribution_per_order(1.0, s, m),
                          "series": f"logistics {s:.0%} of order value, {labels[i]}"} for i, s in enumerate(share) for m in grid])


def uncovered_line() -> pd.DataFrame:
    return pd.DataFrame({"label": ["logistics not covered below this line"], "value": [0.0]})


# ----------------------------------------------------------------------------- 004 §4 and the timeline
def timeline_claims(claims: pd.DataFrame) -> pd.DataFrame:
    return ledger.in_sections(claims, "004", list(GENZ_TIMELINE))


@computes
def programme_length(claims: pd.DataFrame, start: str) -> Values:
    """How long 004's programme runs read sequentially and read cumulatively."""
    bars, marks = timelines.gantt_frames(claims, start)
    read = ids(*marks["claim_id"].dropna(), "parameter:programme_start")
    months = {r: (bars[bars["reading"] == f"004 read {r}"]["end"].max() - pd.Timestamp(start)).days / MONTH_DAYS
              for r in ("sequential", "cumulative")}
    return {"seq_months": Value(round(months["sequential"]), read, unit="months"),
            "cum_months": Value(round(months["cumulative"]), read, unit="months"),
            "start_g": sentence(start, "parameter:programme_start")}


# ----------------------------------------------------------------------------- the experiment plan
def _plan_ids(rows: pd.DataFrame) -> tuple[str, ...]:
    return ids(*(i for text in rows["claims"].dropna() for i in ledger_ids(text)))


@computes
def experiments(plan: pd.DataFrame, claims: pd.DataFrame, register: Register) -> Values:
    """What can be randomised (by user, group or platform), the size of the clustered test, and whether the largest
    test fits the plan's new users."""
    sized = ("assumption:power_alpha", "assumption:power_target")
    grouped = (*sized, "assumption:icc", "assumption:cluster_size")
    cl = plan[plan["unit"] == "cluster"].iloc[0]
    top = plan.dropna(subset=["users per arm"]).nlargest(1, "users per arm").iloc[0]
    new_users = ledger.pick(claims, doc="000", metric="new_users_target", scope="market")
    both_arms = 2 * int(top["users per arm"])
    fits = both_arms <= new_users["value"] * PEOPLE_PER_YI
    groups = "" if pd.isna(top["groups per arm"]) else f", {int(top['groups per arm']):,} groups of {register['cluster_size']:,.0f} per arm"
    largest = (f"The largest test, *{top['initiative']}* ({int(top['users per arm']):,} users per arm{groups}), needs "
               f"{both_arms / (new_users['value'] * PEOPLE_PER_YI):.3%} of the {new_users['value']:g} 亿 ({in_english(new_users['value'], '亿')}) new users the plan targets "
               f"for {new_users['period']} ({new_users['claim_id']}) across both arms: "
               + ("it fits on any national platform, " if fits else "more people than the plan expects to gain, ")
               + ("but only a brand that runs that many groups can run it." if groups else "so it can be run before the initiative is scaled."))
    out = {"alpha_g": Value(register["power_alpha"], sized[:1]), "power_g": Value(register["power_target"], sized[1:]),
           "icc_g": Value(register["icc"], ("assumption:icc",)), "m_g": Value(register["cluster_size"], ("assumption:cluster_size",),
                                                                             unit="members"),
           "de_g": Value(cl["design effect"], grouped[2:]),
           "cl_n_ind": Value(int(cl["n if users were independent"]), (*_plan_ids(plan[plan["unit"] == "cluster"]), *sized),
                             unit="users per arm"),
           "cl_users": Value(int(cl["users per arm"]), (*_plan_ids(plan[plan["unit"] == "cluster"]), *grouped), unit="users per arm"),
           "cl_groups": Value(int(cl["groups per arm"]), (*_plan_ids(plan[plan["unit"] == "cluster"]), *grouped), unit="groups per arm"),
           "largest_test": sentence(largest, _plan_ids(plan), new_users, grouped)}
    for unit in UNITS:
        rows = plan[plan["unit"] == unit]
        named = _plan_ids(rows) or _plan_ids(plan)
        out[f"n_{unit}"] = Value(len(rows), named, unit="initiatives")
        out[f"{unit}_list"] = sentence(", ".join(f"*{i}*" for i in rows["initiative"]) or "none", named)
    return out


def experiment_table(plan: pd.DataFrame) -> dict:
    """The arguments of the experiment-plan table (`page.table`)."""
    def counts(s):
        return s.map(lambda v: "—" if pd.isna(v) else f"{int(v):,}")

    shown = plan.assign(**{"users per arm": counts(plan["users per arm"]), "groups per arm": counts(plan["groups per arm"]),
                           "design effect": plan["design effect"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}")})
    return {"frame": shown[["initiative", "unit", "metric", "baseline", "target", "design effect", "users per arm", "groups per arm",
                            "evaluation", "claims"]],
            "caption": "Experiment plan: what can be randomised, and the users (and groups) per arm to detect each target",
            "print_columns": ("initiative", "unit", "users per arm", "groups per arm", "evaluation")}


def experiment_plan(claims: pd.DataFrame, register: Register) -> pd.DataFrame:
    return power.experiment_plan(claims, register=register)


def milestones_table(marks: pd.DataFrame) -> pd.DataFrame:
    return marks[["task", "label", "claim_id"]].rename(columns={"label": "milestone"})
