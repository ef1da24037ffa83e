"""Chapter 7 (resources): what the chapter reports, each value with the ids it was computed from, and the frames of
its charts and tables."""
from __future__ import annotations

import pandas as pd

from growthpath.data import official
from growthpath.analysis import investment
from growthpath.data import claims as ledger
from growthpath.data.assumptions import Register
from growthpath.data.values import Value, Values, computes, ids, sentence

GLUED = (2, 3, 7)     # the ledger chapters whose claims this chapter quotes
WHOSE = {"platform": "one named platform's", "case": "one unnamed firm's"}
SUBSIDY = "Pinduoduo 百亿补贴"


def glued_claims(claims: pd.DataFrame) -> pd.DataFrame:
    return claims[claims["chapter"].isin(GLUED)]


def _allocation_ids(alloc: pd.DataFrame) -> tuple[str, ...]:
    return ids(*alloc["share_source"].dropna())


@computes
def funding(claims: pd.DataFrame, alloc: pd.DataFrame) -> Values:
    """What the plan's allocations add up to, and the funding phases read with the reserve beside them."""
    sums = investment.allocation_sums(alloc)
    unique = sorted(set(sums["split_sum"]))
    reserve = ledger.pick(claims, doc="000", metric="emergency_reserve_share", scope="plan")
    first = ledger.pick(claims, doc="000", metric="funding_share_infrastructure_phase", scope="plan")
    r = investment.reserve_reading(sums, reserve, first)
    shares = _allocation_ids(alloc)
    return {"split_sums": Value(unique[0] if len(unique) == 1 else float("nan"), shares, unit="%"),
            "phase_sum": Value(r["phase_sum"], shares, unit="%"),
            "funding_total": Value(r["total"], ids(shares, reserve), unit="%"),
            "first_phase_beside": Value(r["first_beside"], ids(first, reserve), unit="% of all funding"),
            "reserve_reading": sentence(r["text"], shares, reserve, first)}


def allocation_bars(alloc: pd.DataFrame) -> pd.DataFrame:
    return alloc.assign(label=alloc["part"] + " (" + alloc["share_source"] + ")")


# ----------------------------------------------------------------------------- return floors
def floors(claims: pd.DataFrame, register: Register) -> dict:
    """The plan's ROI floors with their horizons (from the claims' periods), the spending cases and the yearly return
    each needs (`investment.requirements`) at the register's discount rate over the infrastructure floor's horizon."""
    infra = ledger.pick(claims, doc="000", metric="infrastructure_roi_3y_min", scope="plan")
    cumul = ledger.pick(claims, doc="000", metric="cumulative_roi_5y_min", scope="plan")
    mkt73 = ledger.pick(claims, doc="000", section="7.3", metric="marketing_roi_target_min", scope="plan")
    mkt33 = ledger.pick(claims, doc="000", section="3.3", metric="marketing_roi_target_min", scope="plan")
    years = {c["claim_id"]: investment.period_years(claims, c["claim_id"]) for c in (infra, cumul)}
    label = {c["claim_id"]: investment.floor_label(c, years.get(c["claim_id"])) for c in (infra, cumul, mkt73)}
    stated = {label[c["claim_id"]]: (c["value"], years[c["claim_id"]]) for c in (infra, cumul)}
    rate = register["discount_rate_pct"] / 100
    cases = investment.cases(claims)
    npv_years = years[infra["claim_id"]]       # present value over the infrastructure floor's own horizon
    req = investment.requirements(cases, stated, rate, npv_years=npv_years,
                                  floor_labels={k: f"{v} ({k})" for k, v in label.items()})
    return {"infra": infra, "cumul": cumul, "mkt73": mkt73, "mkt33": mkt33, "years": years, "labels": label, "rate": rate,
            "cases": cases, "npv_years": npv_years, "requirements": req}


@computes
def floor_values(f: dict, register: Register) -> Values:
    """The floors' horizons, the yearly return the infrastructure floor needs read gross and net, and the present
    value's break-even; which phase each floor is stated for, and the two marketing floors compared."""
    infra, cumul, mkt33, mkt73 = f["infra"], f["cumul"], f["mkt33"], f["mkt73"]
    gross = 100 * investment.required_return(1.0, f["npv_years"], infra["value"], reading="gross")
    net = 100 * investment.required_return(1.0, f["npv_years"], infra["value"], reading="net")
    phases = {infra["claim_id"]: "the 2024 infrastructure", mkt73["claim_id"]: "the 2025 growth engine",
              cumul["claim_id"]: "the 2026 long-term mechanisms"}       # the phases of 000 §7.3 each floor is stated for
    m = investment.compare_floors(mkt33, mkt73)
    both = ids(mkt33, mkt73)
    cases = ids(*f["cases"]["investment_source"].dropna())
    return {"disc_g": Value(register["discount_rate_pct"], ("assumption:discount_rate_pct",), unit="%"),
            "infra_years": Value(f["years"][infra["claim_id"]], ids(infra), unit="years"),
            "cum_years": Value(f["years"][cumul["claim_id"]], ids(cumul), unit="years"),
            "npv_years_g": Value(f["npv_years"], ids(infra), unit="years"),
            "req_gross": Value(gross, ids(infra), unit="% of cost"),
            "req_net": Value(net, ids(infra), unit="% of cost", kind="threshold"),
            "req_diff": Value(net - gross, ids(infra), unit="% of cost"),
            "req_npv": Value(100 * investment.break_even_return(1.0, f["npv_years"], f["rate"]),
                             (infra["claim_id"], "assumption:discount_rate_pct"), unit="% of cost", kind="threshold"),
            "floor_phases": sentence(investment.phase_floors_text(f["cases"], f["labels"], phases), cases, infra, mkt73, cumul),
            "mkt_ratio": Value(m["ratio"], both, unit="×"),
            "mkt_floors": sentence(m["text"], both), "mkt_bullet": sentence(m["bullet"], both), "mkt_short": sentence(m["short"], both)}


# ----------------------------------------------------------------------------- what a budget buys per user
def bridge(claims: pd.DataFrame, cases: pd.DataFrame) -> dict:
    """Each spending case per new user and per user of the industry the plan implies, with the CAC and LTV they are
    set against (one head platform's CAC, the industry's LTV)."""
    new = ledger.pick(claims, doc="000", metric="new_users_target", scope="market")
    total = ledger.pick(claims, doc="000", section="3.1", metric="total_users_target", scope="market")
    growth = ledger.pick(claims, doc="000", metric="user_growth_vs_2023", scope="market")
    head = ledger.pick(claims, doc="000", section="2.1", metric="cac_end", scope="case")      # one unnamed head platform's CAC
    ltv = ledger.pick(claims, doc="000", section="3.1", metric="ltv_baseline", scope="market")
    base = total["value_canonical"] / (1 + growth["value"] / 100)
    frame = cases.assign(cac_saving=[investment.per_user_needed(a, new["value_canonical"]) for a in cases["amount"]],
                         ltv_gain=[investment.per_user_needed(a, base) for a in cases["amount"]])
    return {"frame": frame, "new": new, "total": total, "growth": growth, "head": head, "ltv": ltv, "users_base": base}


@computes
def bridge_values(b: dict, claims: pd.DataFrame) -> Values:
    """Whose CAC the comparison uses, the budget per new and per existing user, and the largest case in those terms."""
    head, frame, ltv = b["head"], b["frame"], b["ltv"]
    cac = head["value"]
    plan_cac = ledger.pick(claims, doc="000", metric="cac_baseline", scope="plan")         # the plan's §3.3 baseline
    top, others = frame.nlargest(1, "amount").iloc[0], frame.drop(index=frame["amount"].idxmax())
    source = ledger.pick(claims, claim_id=top["investment_source"], scope=("platform", "case"))   # a single firm's budget
    base_ids, new_ids = ids(b["total"], b["growth"]), ids(b["new"])
    cases = ids(*frame["investment_source"].dropna())
    scope = (f"one unnamed head platform's figure, {cac:g} 元, to which the plan's sentence gives no year (§2.1, {head['claim_id']}), "
             + (f"which §3.3 adopts as the plan's baseline ({plan_cac['claim_id']}: 「{plan_cac['quote_zh']}」)" if plan_cac["value"] == cac
                else f"while the plan's §3.3 baseline is {plan_cac['value']:g} 元 ({plan_cac['claim_id']})"))
    largest = (f"the largest case, {top['case']} ({top['amount']:g} 亿元{' a year' if top['recurring'] else ''}, "
               f"{WHOSE[ledger.entity_type(source)]} own budget), comes to {top['cac_saving']:.1f} 元 per new user of the industry "
               f"({100 * top['cac_saving'] / cac:.0f} % of the head platform's CAC) or {top['ltv_gain']:.1f} 元 per user of the "
               f"industry ({100 * top['ltv_gain'] / ltv['value']:.1f} % of the industry's LTV)")
    return {"cac_scope": sentence(scope, head, plan_cac),
            "per_new_user": Value(investment.per_user_needed(1.0, b["new"]["value_canonical"]), new_ids, unit="元"),
            "per_base_user": Value(investment.per_user_needed(1.0, b["users_base"]), base_ids, unit="元"),
            "users_base": Value(b["users_base"], base_ids, unit="亿人"),
            "largest_case": sentence(largest, source, new_ids, base_ids, head, ltv),
            "others_cac": Value(100 * float((others["cac_saving"] / cac).max()), ids(cases, new_ids, head), unit="% of CAC"),
            "others_ltv": Value(100 * float((others["ltv_gain"] / ltv["value"]).max()), ids(cases, base_ids, ltv), unit="% of LTV")}


@computes
def subsidy(b: dict, stats: pd.DataFrame) -> Values:
    """Pinduoduo's subsidy spread over its own active buyers (the one base of the same entity), and against the plan's
    implied industry base."""
    pdd = official.latest(stats, "pdd_active_buyers")
    row = b["frame"].set_index("case").loc[SUBSIDY]
    per = investment.per_user_needed(row["amount"], pdd["value_canonical"]) if pdd["canonical_unit"] == "亿人" else float("nan")
    base, cac = b["users_base"], b["head"]["value"]
    said = (f"The seed gives no Pinduoduo user count, acquisition cost or lifetime value, and no year for the {row['amount']:g} 亿元. "
            f"The book's official data have Pinduoduo's annual active buyers only to {pdd['period']} ({pdd['value_canonical']:.2f} 亿, "
            f"company release): spread over them, the subsidy is {per:.2f} 元 per active buyer a year. That keeps one scope, the "
            "platform that pays; it is still not comparable with the head platform's CAC or the industry's LTV (other firms, other "
            "populations), and the subsidy's year is unknown. "
            + (f"Pinduoduo's active buyers alone outnumber the plan's implied industry base of {base:.2f} 亿 users, so the two counts "
               "are not defined alike (anyone who bought on one platform in a year, against the plan's social e-commerce users) and "
               "cannot be mixed." if pdd["value_canonical"] > base else
               f"They are {pdd['value_canonical'] / base:.0%} of the plan's implied industry base of {base:.2f} 亿 users."))
    case = ids(row["investment_source"])
    return {"pdd_buyers": Value(pdd["value_canonical"], ids(pdd), unit="亿人"),
            "pdd_year": Value(int(pdd["period"]), ids(pdd), unit="year"),
            "pdd_per_buyer": Value(per, ids(case, pdd), unit="元 per active buyer"),
            "pdd_base": sentence(said, case, pdd, b["total"], b["growth"]),
            "largest_short": sentence(f"{SUBSIDY} comes to {row['cac_saving']:.1f} 元 per new user of the industry, "
                                      f"{100 * row['cac_saving'] / cac:.0f} % of one head platform's CAC; on Pinduoduo's own active "
                                      f"buyers ({pdd['period']}) the subsidy is {per:.2f} 元 a buyer a year",
                                      case, b["new"], b["head"], pdd)}


def bridge_bars(b: dict) -> pd.DataFrame:
    frame, cac, ltv = b["frame"], b["head"]["value"], b["ltv"]["value"]
    return pd.concat([frame.assign(measure="per industry new user, share of one head platform's CAC", share=frame["cac_saving"] / cac),
                      frame.assign(measure="per industry user, share of the industry's LTV", share=frame["ltv_gain"] / ltv)])
