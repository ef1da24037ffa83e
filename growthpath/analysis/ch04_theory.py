"""Chapter 4 (theory): what the chapter reports, each value with the ids it was computed from, and the frames of
its charts and tables.

Values from the lifecycle chain name what building the chain read (the claims and assumptions noted while it ran,
`provenance.capture`); values from an order log name the log (`logdesc.log_id`) and the parameters that cut it."""
from __future__ import annotations

import numpy as np
import pandas as pd

from growthpath.data import official, orders, provenance
from growthpath.analysis import economics, effects, logdesc, whatif
from growthpath.data import claims as ledger
from growthpath.data.assumptions import Register
from growthpath.models import churn, clv, fission, lifecycle, power
from growthpath.data.values import Value, Values, computes, ids, parameter, sentence

LEVERS = {"order value": "aov", "activation": "activation", "repurchase": "repurchase"}
GROWTH_K = (0.5, 0.8, 0.95, 1.05, 1.2)                         # the viral coefficients drawn as growth curves
GRID_K = (0.2, 0.5, 0.8, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0)    # and in the grid, against cycle lengths (days)
GRID_DAYS = (1, 3, 7, 14, 30, 60, 90)
CURVE_DAYS = (1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365, 540)
LIFTS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0)      # relative lifts on the power curve
EFFECT_PLACES = [("000", s) for s in ("4.1", "4.2", "4.3", "4.4")] + [("004", s) for s in ("3.1", "3.2", "3.3", "3.4")]
EFFECT_KEYS = {"flagged": "flagged by the audit", "anonymous": "anonymous case", "cited": "cited study, no reference",
               "generic": "generic claim, no source", "named": "named case, no source", "plan": "the plan's own commitment"}
CLV_PARAMS = ("parameter:calibration_end", "parameter:holdout_end")


# ----------------------------------------------------------------------------- set-up
def monthly_discount(register: Register, monthly_discount_pct: float | None) -> float:
    """The run's monthly discount rate (%): as set, or the monthly equivalent of the register's yearly rate."""
    if monthly_discount_pct is not None:
        return monthly_discount_pct
    return economics.monthly_equivalent_pct(register["discount_rate_pct"])


def shown_parameters(register: Register, monthly_pct: float) -> dict:
    """The register values the run-parameters box shows, with the run's monthly discount."""
    return {k: register[k] for k in ("power_alpha", "power_target", "churn_threshold", "icc", "cluster_size")} | \
        {"monthly_discount_pct": monthly_pct}


def invite_claims(claims: pd.DataFrame, invite_conversion_claim: str) -> tuple[pd.Series, pd.Series]:
    """The only invitation conversion the plan states (Pinduoduo's, 000 §1.4), and the claim §4.2 reads its referral
    cases at (`invite_conversion_claim`, that one by default)."""
    invite = ledger.pick(claims, doc="000", metric="invite_conversion_rate", scope="platform")
    used = ledger.pick(claims, claim_id=invite_conversion_claim, unit="%", scope=("platform", "case", "market", "plan"))
    return invite, used


# ----------------------------------------------------------------------------- §4.1 the lifecycle chain
def lifecycle_chain(claims: pd.DataFrame, register: Register, overrides: dict, monthly_pct: float) -> dict:
    """The lifecycle chain at the plan's baseline and its targets (and its platform cases on the baseline), with
    the ids building it read (`ids`)."""
    with provenance.capture() as read:
        lp = lifecycle.load_parameters(claims, register)
        base = lifecycle.rates(lp, "baseline", overrides)
        goal = lifecycle.plan_targets(lp, claims, overrides)   # the plan's own targets: a platform's case stays at baseline
        aov = tuple(ledger.pick(claims, doc="000", metric=m, scope="market")["value"] for m in ("aov_baseline", "aov_target"))
        d = monthly_pct / 100
        P = {"baseline": lifecycle.transition_matrix(lp, base), "target": lifecycle.transition_matrix(lp, goal)}
        V = {"baseline": lifecycle.value_per_month(lp, base, aov[0]), "target": lifecycle.value_per_month(lp, goal, aov[1])}
        case = lifecycle.case_reading(lp, claims, base, aov[0], d)   # a platform's case on its own, on the baseline
        chain = {"parameters": lp, "base": base, "goal": goal, "aov": aov, "cases": lifecycle.case_targets(lp, claims), "P": P,
                 "ltv": {k: lifecycle.lifetime_value(P[k], V[k], d) for k in P},
                 "life": {k: lifecycle.expected_lifetime(P[k]) for k in P},
                 "mix": {k: lifecycle.steady_state_mix(P[k]) for k in P},
                 "levers": lifecycle.lever_effects(lp, base, goal, aov, d).set_index("lever"), "case": case}
    return {**chain, "ids": ids(read, "parameter:lifecycle_overrides")}


def _discount_ids(monthly_discount_pct) -> tuple[str, ...]:
    return ("parameter:monthly_discount_pct",) if monthly_discount_pct is not None else ("assumption:discount_rate_pct",)


@computes
def lifecycle_values(chain: dict, claims: pd.DataFrame, register: Register, monthly_pct: float,
                     monthly_discount_pct: float | None) -> Values:
    """The chain's parameters, lifetimes, values, reach and mix at baseline and target, each lever's effect, the
    platform cases and the plan's own LTVs against the chain's."""
    lp, base, chained, disc = chain["parameters"], chain["base"], chain["ids"], _discount_ids(monthly_discount_pct)
    valued = (*chained, *disc)
    assumed = lifecycle.is_assumed(lp)
    cycle = {m: ledger.pick(claims, doc="000", section="2.3", metric=m, scope=s) for m, s in
             (("repurchase_cycle", "case"), ("repurchase_cycle_reasonable", ("benchmark", "market")))}
    levers = chain["levers"]
    ranked = levers.loc[[x for x in LEVERS if x in levers.index], "change"].sort_values(ascending=False)
    plan_ltv = tuple(ledger.pick(claims, doc="000", section="3.1", metric=m, scope="market") for m in ("ltv_baseline", "ltv_target"))
    ltv, case = chain["ltv"], chain["case"]
    out = {"n_lc_params": Value(len(lp), chained), "n_lc_assumed": Value(int(assumed.sum()), chained),
           "n_lc_from_plan": Value(int((~assumed).sum()), chained),
           "orders_mature_phrase": sentence("once" if base["orders_mature"] == 1 else f"{base['orders_mature']:g} times",
                                            "assumption:orders_mature"),
           "orders_at_measured": Value(cycle["repurchase_cycle_reasonable"]["value"] / cycle["repurchase_cycle"]["value"],
                                       ids(*cycle.values()), unit="orders/month"),
           "disc_pct": Value(monthly_pct, disc, unit="%/month"),
           "disc_basis": sentence("as set for this run" if monthly_discount_pct is not None else
                                  f"the monthly equivalent of the register's {register['discount_rate_pct']:g} % a year", disc),
           "lever_ranking": sentence(f"{ranked.index[0]} moves LTV most ({ranked.iloc[0]:,.0f} 元), ahead of "
                                     + " and ".join(f"{k} ({v:,.0f} 元)" for k, v in ranked.iloc[1:].items()), valued),
           "reach_case": Value(case["reach_case"], chained, unit="share"),
           "ltv_compare": sentence(f"gives {ltv['baseline']['new'] / plan_ltv[0]['value']:.0%} of the first and "
                                   f"{ltv['target']['new'] / plan_ltv[1]['value']:.0%} of the second, with the assumptions in "
                                   "the table above", valued, plan_ltv)}
    for k, short in (("baseline", "base"), ("target", "target")):
        out[f"lt_{short}"] = Value(chain["life"][k]["new"], chained, unit="months")
        out[f"ltv_{short}"] = Value(ltv[k]["new"], valued, unit="元")
        out[f"reach_{short}"] = Value(lifecycle.share_ever_reaching(chain["P"][k], "new"), chained, unit="share")
        out[f"mature_{short}"] = Value(chain["mix"][k]["mature"], chained, unit="share")
    for lever, key in LEVERS.items():
        out[f"lever_{key}"] = Value(levers.loc[lever, "change"] if lever in levers.index else 0.0, valued, unit="元")
    for key in ("note", "text", "item"):
        out[f"case_{key}"] = sentence(case[key], chained, [c["claim_id"] for c in case["cases"].values()])
    return out


def lifecycle_table(chain: dict, register: Register) -> pd.DataFrame:
    """The chain's monthly parameters at baseline and target, with where each comes from (an assumption by its register
    name)."""
    lp = chain["parameters"]
    lp = lp.assign(**{c: lp[c].map(register.source_words) for c in ("baseline_source", "target_source")})
    shown = lp.assign(baseline=lp["parameter"].map(chain["base"]), target=lp["parameter"].map(chain["goal"]),
                      move=(lp["from_state"] + " → " + lp["to_state"]).where(lp["to_state"] != "", "orders a month when " + lp["from_state"]),
                      source=lp["baseline_source"].where(lp["baseline_source"] == lp["target_source"],
                                                         lp["baseline_source"] + " → " + lp["target_source"]))
    shown["source"] = shown["source"].where(~shown["parameter"].isin(chain["cases"]), shown["baseline_source"]
                                            + "; no plan target (" + shown["target_source"] + " is a platform's case)")
    return shown.assign(parameter=shown["parameter"].map(ledger.metric_label))[["parameter", "move", "baseline", "target", "source"]]


def by_stage(chain: dict, what: str, column: str) -> pd.DataFrame:
    """Lifetime value (`what="ltv"`) or steady-state mix (`"mix"`) by stage, at baseline and target."""
    return pd.DataFrame([{"stage": s, "reading": k, column: chain[what][k][s]} for k in chain["P"] for s in lifecycle.STAGES])


def lever_bars(chain: dict) -> pd.DataFrame:
    bars = chain["levers"].reset_index().query("lever not in ['all baseline', 'all target']")
    return bars.assign(reading="one lever at its target")


# ----------------------------------------------------------------------------- §4.1 customer value on orders
def fit_clv(path: str, columns: dict, encoding: str, date_format: str, calibration_end: str, holdout_end: str) -> dict:
    """BG/NBD and Gamma-Gamma fitted to the CLV sample (or the analyst's log) over the calibration period, customers
    grouped by identical histories (each group weighted by its size: the same likelihood, computed once per history),
    with the holdout's predictions and the check against the published fit."""
    log = orders.load_parameters(path, columns, encoding, date_format, resource="orders_cdnow_sample")
    d = logdesc.describe(log, path, resource="orders_cdnow_sample")
    summ = clv.rfm_summary(log, calibration_end, holdout_end)
    bg, bg_notes = logdesc.fitted(clv.fit_bgnbd, clv.patterns(summ, clv.BGNBD_COLUMNS), weights="n")
    gg, gg_notes = logdesc.fitted(clv.fit_gamma_gamma, clv.patterns(summ, clv.GAMMA_GAMMA_COLUMNS), weights="n")
    hold_weeks = (pd.Timestamp(holdout_end) - pd.Timestamp(calibration_end)).days / 7
    pred = clv.conditional_expected_purchases(bg, hold_weeks, summ["x"], summ["t_x"], summ["T"])
    return {"orders": log, "log": d, "summary": summ, "bg": bg, "gg": gg, "notes": {"BG/NBD": bg_notes, "Gamma-Gamma": gg_notes},
            "hold_weeks": hold_weeks, "pred": pred, "calibration_end": calibration_end, "holdout_end": holdout_end,
            "published": logdesc.published_check(d, calibration_end, holdout_end, {"bg": bg, "gg": gg}, clv.PUBLISHED),
            "ids": (logdesc.log_id(d), *CLV_PARAMS)}


@computes
def clv_values(fit: dict) -> Values:
    """The sample, the fitted parameters, the holdout check and the verdict against the published fit."""
    summ, bg, gg, fitted, d = fit["summary"], fit["bg"], fit["gg"], fit["ids"], fit["log"]
    log = (logdesc.log_id(d),)
    out = {"clv_customers": Value(len(summ), log), "clv_sample_label": sentence(logdesc.clv_sample_label(d), log),
           "cal_end": sentence(fit["calibration_end"], "parameter:calibration_end"),
           "hold_end": sentence(fit["holdout_end"], "parameter:holdout_end"),
           "cal_weeks": Value(((pd.Timestamp(fit["calibration_end"]) - fit["orders"]["date"].min()).days + 1) / 7,
                              (*log, "parameter:calibration_end"), unit="weeks"),
           "bg_r_se_text": sentence(logdesc.standard_error(bg, "r"), fitted),
           "bg_ll": Value(bg.loglike, fitted), "gg_n": Value(gg.n, fitted),
           "hold_pred": Value(float(fit["pred"].sum()), fitted), "hold_actual": Value(int(summ["x_holdout"].sum()), fitted),
           "hold_err": Value(100 * (fit["pred"].sum() / summ["x_holdout"].sum() - 1), fitted, unit="%", kind="estimate"),
           "clv_status": sentence(logdesc.fit_status({"BG/NBD": bg, "Gamma-Gamma": gg}, fit["notes"]), fitted),
           "fit_verdict": sentence(fit["published"]["verdict"], fitted),
           "bg_vs_published": sentence(fit["published"]["sentence"], fitted)}
    for name, model in (("bg", bg), ("gg", gg)):
        out.update({f"{name}_{k}": Value(v, fitted, kind="estimate") for k, v in model.params.items()})
    if pd.notna(bg.bse["r"]):    # no standard error when the fit is not regular
        out["bg_r_se"] = Value(bg.bse["r"], fitted)
    return out


def fit_table(fit: dict) -> dict:
    """The arguments of the estimates table (`page.table`): beside the published values when the data are the same."""
    published = clv.PUBLISHED if fit["published"]["comparable"] else None
    fits = pd.concat([fit["bg"].table(published).assign(model="BG/NBD"), fit["gg"].table(published).assign(model="Gamma-Gamma")])
    shown = fits.assign(**{c: fits[c].map(lambda v: "–" if pd.isna(v) else f"{v:.3f}") for c in ("estimate", "std. error")})
    columns = ["model", "parameter", "estimate", "std. error"]
    if published:
        shown, columns = shown.assign(published=fits["published"].map("{:g}".format)), [*columns, "published"]
    return {"frame": shown[columns], "caption": "Maximum-likelihood estimates with delta-method standard errors"
            + (", beside the published values" if published else "")}


def tracking_chart(fit: dict) -> dict:
    """The arguments of the cumulative-tracking chart (`charts.helpers.lines`)."""
    first = fit["orders"]["date"].min()
    track = clv.cumulative_tracking(fit["bg"], fit["orders"], int(round(fit["summary"]["T"].max() + fit["hold_weeks"])))
    cut = pd.DataFrame({"label": ["calibration ends"], "value": [(pd.Timestamp(fit["calibration_end"]) - first).days / 7]})
    return {"df": track.melt("week", var_name="series", value_name="purchases"), "x": "week", "y": "purchases",
            "series": "series", "x_rules": cut, "x_title": "week since the sample's first purchase",
            "y_title": "cumulative repeat purchases"}


def holdout_bars(fit: dict) -> pd.DataFrame:
    byf = clv.holdout_by_frequency(fit["summary"], fit["pred"])
    return byf.melt(["label"], ["observed", "predicted"], var_name="series", value_name="purchases")


def _customer_value(fit: dict, horizon_weeks: int) -> pd.Series:
    return clv.customer_value(fit["summary"], fit["bg"], fit["gg"], horizon_weeks)


@computes
def value_values(fit: dict, register: Register, horizon_weeks: int) -> Values:
    """Repeat buyers, the share of them the model takes for gone, and predicted customer value over the horizon."""
    summ, d, fitted = fit["summary"], fit["log"], (*fit["ids"], "parameter:clv_horizon_weeks")
    alive = clv.p_alive(fit["bg"], summ["x"], summ["t_x"], summ["T"])
    rep = summ["x"] > 0
    value = _customer_value(fit, horizon_weeks)
    top = value.sort_values(ascending=False)
    return {"n_repeaters": Value(int(rep.sum()), fit["ids"][:1]),
            "share_dead": Value(float((1 - alive[rep] >= register["churn_threshold"]).mean()),
                                (*fit["ids"], "assumption:churn_threshold"), unit="share"),
            "clv_horizon": parameter("clv_horizon_weeks", horizon_weeks, unit="weeks"),
            "clv_currency": sentence(d.money, fit["ids"][:1]),
            "clv_median": Value(float(value.median()), fitted, unit=d.unit),
            "clv_mean": Value(float(value.mean()), fitted, unit=d.unit, kind="estimate"),
            "horizon_note": sentence(logdesc.horizon_note(fit["hold_weeks"], horizon_weeks), fitted),
            "clv_top20": Value(float(top.iloc[: int(len(top) * clv.TOP_PCT / 100)].sum() / top.sum()), fitted, unit="share"),
            "top_pct_g": Value(clv.TOP_PCT, fitted, unit="%")}


CAPPED_PCT = 1   # the histogram caps the highest-value customers so the bulk stays readable (a display choice, not data)


def value_histogram(fit: dict, horizon_weeks: int) -> dict:
    """The arguments of the customer-value histogram (`charts.helpers.histogram`), the top `CAPPED_PCT` % capped."""
    value = _customer_value(fit, horizon_weeks)
    refs = pd.DataFrame({"label": ["median", "mean"], "value": [value.median(), value.mean()]})
    return {"df": pd.DataFrame({"value": value.clip(upper=value.quantile(1 - CAPPED_PCT / 100))}), "value": "value", "bins": 50,
            "rules": refs,
            "x_title": f"predicted spend in the next {horizon_weeks} weeks ({logdesc.value_axis(fit['log'])}top {CAPPED_PCT:g} % capped)"}


def _method_errors(fit: dict) -> tuple[pd.DataFrame, str, int]:
    summ = fit["summary"]
    known = summ[summ["T"] > 0]   # a customer first buying on calibration_end itself has no history to extrapolate
    methods = clv.holdout_value_predictions(known, fit["bg"], fit["gg"], fit["hold_weeks"])
    errors = clv.prediction_errors(methods, known["spend_holdout"]).set_index("method")
    return errors, next(c for c in errors.columns if c.startswith("spend held")), len(summ) - len(known)


@computes
def method_values(fit: dict) -> Values:
    """How well the model, the historical average and each customer's own history predict holdout spend."""
    errors, top_col, left_out = _method_errors(fit)
    fitted = fit["ids"]
    out = {}
    for key, method in (("model", "model"), ("hist", "historical average"), ("own", "own history")):
        out[f"err_{key}"] = Value(errors.loc[method, "total error (%)"], fitted, unit="%")
        out[f"top_{key}"] = Value(errors.loc[method, top_col], fitted, unit="%")
    said = logdesc.value_methods(errors, top_col, clv.TOP_PCT, fit["log"], left_out)   # who wins: computed
    return {**out, **{f"{key}_sentence": sentence(text, fitted) for key, text in said.items()}}


def method_table(fit: dict) -> pd.DataFrame:
    return _method_errors(fit)[0].reset_index().round(1)


# ----------------------------------------------------------------------------- §4.2 fission
def _netizens(stats: pd.DataFrame) -> pd.Series:
    return official.latest(stats, "cnnic_netizens")


def _rate(used: pd.Series) -> str:
    return f"{used['entity']}'s {used['value']:g} % ({used['claim_id']})"   # the conversion §4.2 reads its cases at


@computes
def fission_setup(stats: pd.DataFrame, invite: pd.Series, used: pd.Series, seed_users: float, cycle_days: int,
                  months: int) -> Values:
    """The fission model's settings, the latest netizens (its ceiling) and the invitation conversion it borrows."""
    net = _netizens(stats)
    return {"fission_seed_g": parameter("fission_seed_users", seed_users),
            "fission_cycle_g": parameter("fission_cycle_days", cycle_days),
            "fission_months_g": parameter("fission_months", months),
            "netizens_latest": Value(net["value_canonical"], ids(net), unit="亿人"),
            "netizens_period": sentence(f"CNNIC, {net['period']}", net),
            "invite_claim_pct": Value(invite["value"], ids(invite), unit="%"),
            "invite_entity": sentence(invite["entity"], invite),
            "invite_conv_g": Value(used["value"], ids(used), unit="%"),
            "invite_use": sentence("This section borrows it for both cases." if used["claim_id"] == invite["claim_id"] else
                                   f"This run reads both cases at {_rate(used)} instead.", invite, used,
                                   "parameter:invite_conversion_claim"),
            "invite_source": sentence(_rate(used), used)}


def growth_curves(seed_users: float, cycle_days: int, months: int) -> pd.DataFrame:
    curves = fission.growth_curves(seed_users, list(GROWTH_K), cycle_days, months)
    return curves.assign(series="K = " + curves["K"].map("{:g}".format))


def growth_grid(stats: pd.DataFrame, seed_users: float, months: int) -> pd.DataFrame:
    """Users after `months` for each K and cycle length, capped at the latest netizens."""
    grid = fission.users_grid(seed_users, list(GRID_K), list(GRID_DAYS), months)
    grid = fission.cap_at(grid, _netizens(stats)["value_canonical"] * 1e8)
    return grid.assign(cycle=grid["cycle_days"].astype(str) + " d")


def _luckin(claims: pd.DataFrame, used: pd.Series):
    end, start = (ledger.pick(claims, doc="000", section="4.2", metric=m, scope="platform") for m in ("users_end", "users_start"))
    invites = ledger.pick(claims, doc="000", section="4.2", metric="fission_index_invitees_per_user", scope="platform")
    months = ledger.period_months(claims, end["claim_id"])
    multiple = end["value"] / start["value"]
    return start, end, invites, months, multiple, fission.referral_case(invites["value"], used["value"] / 100, multiple, months,
                                                                        _rate(used))


REFERRAL_STEPS = {"invites": (1.0, 10.0, 1.0), "conversion": (0.05, 0.5, 0.05), "cycle_days": (7.0, 63.0, 7.0)}  # min, max, step
REFERRAL_LABELS = {"invites": "invitations per user", "conversion": "conversion of an invitation", "cycle_days": "cycle (days)"}


def referral_what_if(claims: pd.DataFrame, stats: pd.DataFrame, used: pd.Series, seed_users: float, cycle_days: int,
                     months: int) -> dict:
    """The referral what-if: sliders for invitations per user (starting at Luckin's fission index), their conversion
    (the rate §4.2 reads) and the cycle (this run's); users after `months` for every slider position (each user invites
    once, capped at China's netizens); the netizens as a reference line."""
    invites = ledger.pick(claims, doc="000", section="4.2", metric="fission_index_invitees_per_user", scope="platform")
    start = {"invites": float(invites["value"]), "conversion": float(used["value"]) / 100, "cycle_days": float(cycle_days)}
    sliders = [whatif.slider(k, REFERRAL_LABELS[k], lo, hi, step, start[k]) for k, (lo, hi, step) in REFERRAL_STEPS.items()]
    grid = whatif.grid(sliders)
    ceiling = float(_netizens(stats)["value_canonical"]) * 1e8
    reached = [fission.one_shot_users(seed_users, fission.k_factor(r.invites, r.conversion), fission.cycles(months, r.cycle_days))
               for r in grid.itertuples()]
    return {"grid": grid.assign(users=np.minimum(np.asarray(reached, dtype=float), ceiling)), "sliders": sliders, "start": start,
            "references": pd.DataFrame({"label": ["China's netizens"], "value": [ceiling]}),
            "ids": ids(invites, used, _netizens(stats), "parameter:fission_seed_users", "parameter:fission_cycle_days",
                       "parameter:fission_months")}


@computes
def referral_what_if_values(what_if: dict) -> Values:
    """Users after the run's months at the sliders' starting positions (what the printed chart shows)."""
    grid, start = what_if["grid"], what_if["start"]
    at_start = grid[np.all([np.isclose(grid[k], v) for k, v in start.items()], axis=0)]["users"]
    return {"wi_users": Value(float(at_start.iloc[0]), what_if["ids"], unit="people"),
            "wi_invites": Value(start["invites"], what_if["ids"][:1]), "wi_conversion": Value(start["conversion"], what_if["ids"][1:2], unit="share")}


@computes
def referral_values(claims: pd.DataFrame, stats: pd.DataFrame, used: pd.Series, seed_users: float, cycle_days: int) -> Values:
    """Luckin's and Yunji's referral cases read as K = invitations × conversion, and what K their growth needs."""
    start, end, invites, months, multiple, referral = _luckin(claims, used)
    case = ids(start, end, invites, used)
    yunji = ledger.pick(claims, doc="000", section="4.2", metric="monthly_invites_per_member", scope="platform")
    k_yunji = fission.k_factor(yunji["value"], used["value"] / 100)
    net = _netizens(stats)
    reach = (*ids(yunji, net), "parameter:fission_seed_users")
    out = {"luckin_months": Value(months, ids(end), unit="months"),
           "luckin_multiple": Value(multiple, ids(start, end)),
           "luckin_k": Value(referral["K"], ids(invites, used)),
           "luckin_k_cycle": Value(fission.implied_k(multiple, fission.cycles(months, cycle_days)),
                                   (*ids(start, end), "parameter:fission_cycle_days")),
           "luckin_verdict": sentence(referral["verdict"], case), "luckin_box": sentence(referral["box"], case),
           "yunji_k": Value(k_yunji, ids(yunji, used)),
           "yunji_months": Value(fission.months_to_reach(seed_users, k_yunji, fission.DAYS_PER_MONTH, net["value_canonical"] * 1e8),
                                 (*reach, used["claim_id"]), unit="months"),
           "yunji_months_all": Value(fission.months_to_reach(seed_users, yunji["value"], fission.DAYS_PER_MONTH,
                                                             net["value_canonical"] * 1e8), reach, unit="months")}
    for key, name in (("k_min", "luckin_k_min"), ("k_max", "luckin_k_max"), ("cycles", "luckin_cycles"),
                      ("every_days", "luckin_cycle_days_all"), ("persistent_days", "luckin_cycle_days")):
        out[name] = Value(referral[key], case)   # luckin_cycle_days: the cycle if every user keeps inviting
    return out


def referral_chart(claims: pd.DataFrame, used: pd.Series) -> dict:
    """The arguments of the chart of the K Luckin's growth needs against the cycle length (`charts.helpers.lines`)."""
    start, end, invites, months, multiple, referral = _luckin(claims, used)
    days = [d for d in CURVE_DAYS if d <= months * fission.DAYS_PER_MONTH]
    regimes = (("one-shot", "each user invites once"), ("persistent", "every user keeps inviting"))
    rows = [{"cycle_days": d, "K": fission.implied_k(multiple, fission.cycles(months, d), regime),
             "series": label} for regime, label in regimes for d in days]
    marks = pd.DataFrame({"label": [f"Luckin: {invites['value']:g} invitations × {used['value']:g} %",
                                    f"Luckin: {invites['value']:g} invitations, all converting"],
                          "value": [referral["K"], fission.k_factor(invites["value"], 1.0)]})
    return {"df": pd.DataFrame(rows), "x": "cycle_days", "y": "K", "series": "series", "log_y": True, "y_format": "~g",
            "rules": marks, "x_title": "length of one referral cycle (days)",
            "y_title": f"K for {multiple:g}-fold growth in {months:g} months (log scale)"}


# ----------------------------------------------------------------------------- §4.3 experiments
def tested_experiments(claims: pd.DataFrame, register: Register) -> pd.DataFrame:
    """Chapter 5's experiment plan (`power.experiment_plan`) for the initiatives that can be randomised (by user or by
    group), with each one's baseline rate `p`."""
    plan = power.experiment_plan(claims, register=register)
    value = claims.set_index("claim_id")["value"] / 100
    tested = plan[plan["unit"].isin(["user", "cluster"])].reset_index(drop=True)
    return tested.assign(p=[value[c.split(" → ")[0]] for c in tested["claims"]])


def _experiment_ids(row: pd.Series) -> tuple[str, ...]:
    return tuple(row["claims"].split(" → "))


@computes
def power_values(tested: pd.DataFrame, register: Register) -> Values:
    """Users (or groups) per arm for the activation, repurchase and private-domain experiments."""
    by_claims = tested.set_index("claims", drop=False)
    private, activation, repurchase = (by_claims.loc[f"{b} → {t}"] for b, t in
                                       (("000-3.2-08", "000-3.2-09"), ("000-2.1-08", "000-3.2-03"), ("000-2.3-01", "000-3.1-16")))
    if not (private["unit"] == "cluster" and activation["unit"] == repurchase["unit"] == "user"):
        raise ValueError("data/reference/experiments.csv: the private-domain test randomises groups, the others users")
    sized = ("assumption:power_alpha", "assumption:power_target")
    grouped = (*sized, "assumption:icc", "assumption:cluster_size")
    return {"alpha_g": Value(register["power_alpha"], sized[:1]), "power_g": Value(register["power_target"], sized[1:]),
            "n_activation": Value(int(activation["users per arm"]), (*_experiment_ids(activation), *sized), unit="users per arm"),
            "n_repurchase": Value(int(repurchase["users per arm"]), (*_experiment_ids(repurchase), *sized), unit="users per arm"),
            "n_private": Value(int(private["users per arm"]), (*_experiment_ids(private), *grouped),
                               unit="group members per arm (whole groups randomised, design effect applied)"),
            "n_private_individual": Value(int(private["n if users were independent"]), (*_experiment_ids(private), *sized),
                                          unit="users per arm if users could be randomised one by one"),
            "private_de": Value(float(private["design effect"]), grouped[2:]),
            "private_groups": Value(int(private["groups per arm"]), (*_experiment_ids(private), *grouped), unit="groups per arm"),
            "private_m": Value(register["cluster_size"], ("assumption:cluster_size",), unit="members per group"),
            "private_icc": Value(register["icc"], ("assumption:icc",))}


@computes
def small_lift(tested: pd.DataFrame, register: Register) -> Values:
    """The size a small lift on the lowest tested rate would need, for the unit that would be randomised (groups:
    design effect included)."""
    lowest, lift = tested.loc[tested["p"].idxmin()], register["power_illustration_lift_pct"] / 100
    grouped = lowest["unit"] == "cluster"
    m, icc = (register["cluster_size"], register["icc"]) if grouped else (1, 0.0)
    small = power.cluster_sample_size(lowest["p"], lowest["p"] * (1 + lift), m, icc, register["power_alpha"], register["power_target"])
    size = f"{small['users_per_arm']:,} " + (f"members per arm in {small['groups_per_arm']:,} groups (design effect included)"
                                             if grouped else "users per arm")
    used = (_experiment_ids(lowest)[0], "assumption:power_illustration_lift_pct", "assumption:power_alpha",
            "assumption:power_target", *(("assumption:icc", "assumption:cluster_size") if grouped else ()))
    return {"n_small_lift": Value(small["users_per_arm"], used, unit="users per arm"),
            "small_lift_size": sentence(size, used),
            "small_rate": Value(lowest["p"], _experiment_ids(lowest)[:1], unit="share"),
            "small_rate_label": sentence(lowest["metric"].split(" (")[0], _experiment_ids(lowest)[:1]),
            "small_lift": Value(lift, ("assumption:power_illustration_lift_pct",), unit="share")}


def experiment_table(tested: pd.DataFrame) -> dict:
    """The arguments of the experiment-size table (`page.table`)."""
    def counts(s):
        return s.map(lambda v: "—" if pd.isna(v) else f"{int(v):,}")

    shown = tested.assign(**{c: counts(tested[c]) for c in ("n if users were independent", "users per arm", "groups per arm")},
                          **{"design effect": tested["design effect"].map("{:.2f}".format)})
    return {"frame": shown[["initiative", "unit", "metric", "baseline", "target", "n if users were independent", "design effect",
                            "users per arm", "groups per arm", "claims"]],
            "caption": "Users (and groups) per arm to detect the plan's target moves, by what can be randomised "
                       "(Chapter 5's experiment plan)",
            "print_columns": ("initiative", "unit", "baseline", "target", "design effect", "users per arm", "groups per arm")}


def power_curve(tested: pd.DataFrame, register: Register) -> pd.DataFrame:
    """Users per arm against the lift to detect, at the lowest, middle and highest tested rate."""
    rates = sorted(set(tested["p"]))
    shown = list(dict.fromkeys([rates[0], rates[len(rates) // 2], rates[-1]]))
    curve = power.curve(shown, list(LIFTS), register["power_alpha"], register["power_target"])
    return curve.assign(series="baseline " + (curve["baseline"] * 100).map("{:g}".format) + " %")


# ----------------------------------------------------------------------------- §4.3 churn on orders
@computes
def churn_values(model, d: logdesc.LogDescription, claims: pd.DataFrame, register: Register, window_days: int) -> Values:
    """The churn logit's out-of-time evaluation, its cut-offs and status, the plan's accuracy claims against a
    constant guess, and the sentences about the log it was fitted to."""
    ev = churn.evaluate(model, register["churn_threshold"])
    log = logdesc.log_id(d)
    fitted = (log, "parameter:churn_window_days")
    judged = (*fitted, "assumption:churn_threshold")
    acc, gain = (ledger.pick(claims, doc="000", metric=m, scope="platform")
                 for m in ("churn_prediction_accuracy", "accuracy_gain_vs_logistic_regression"))
    implied = acc["value"] - gain["value"]
    cal = churn.calibration(model.test["churned"], model.predict(model.test))
    out = {name: Value(ev[key], judged if key == "accuracy" else fitted) for key, name in
           (("auc", "churn_auc"), ("accuracy", "churn_acc"), ("majority_accuracy", "churn_majority"), ("churn_rate", "churn_rate"))}
    phrases = logdesc.churn_phrases(d, ev["churn_rate"], ev["majority_accuracy"])
    return {**out, "churn_n_train": Value(ev["n_train"], fitted),
            "churn_threshold": Value(ev["threshold"], ("assumption:churn_threshold",)),
            "churn_window_g": parameter("churn_window_days", window_days, unit="days"),
            "churn_train_cut": sentence(str(model.train_cutoff.date()), fitted),
            "churn_test_cut": sentence(str(model.test_cutoff.date()), fitted),
            "churn_status": sentence("The logit converged without warnings." if not model.notes else
                                     "**The logit has fitting problems** (" + "; ".join(model.notes)
                                     + "): read its coefficients with care.", fitted),
            "lr_implied": Value(implied, ids(acc, gain), unit="%"),
            "lr_vs_majority": sentence(("below" if implied < 100 * ev["majority_accuracy"] else "not below")
                                       + f" the {ev['majority_accuracy']:.1%} a constant guess reaches {d.on}", acc, gain, fitted),
            **{key: sentence(text, fitted) for key, text in phrases.items()},
            "churn_calibration": sentence(logdesc.calibration_phrase(cal), fitted)}


@computes
def logs_box(clv_fit: dict, churn_log: logdesc.LogDescription) -> Values:
    """Which logs this run used (the bundled CDNOW logs or the analyst's), for the chapter's data box."""
    box = logdesc.chapter4_box(clv_fit["log"], churn_log)
    both = (logdesc.log_id(clv_fit["log"]), logdesc.log_id(churn_log))
    return {"ch4_lead": sentence(box["lead"], both), "ch4_rest": sentence(box["rest"], both)}


def coefficients(model) -> pd.DataFrame:
    coef = model.result.summary2().tables[1].reset_index().rename(columns={"index": "feature"})
    coef["P>|z|"] = coef["P>|z|"].map(lambda p: "< 0.001" if p < 0.001 else f"{p:.3f}")
    return coef[["feature", "Coef.", "Std.Err.", "z", "P>|z|"]].round(3)


def roc(model) -> pd.DataFrame:
    prob = model.predict(model.test)
    return churn.roc_curve(model.test["churned"], prob, tolerance=churn.DRAW_TOLERANCE).assign(series="logit, out of time")


def calibration(model) -> pd.DataFrame:
    return churn.calibration(model.test["churned"], model.predict(model.test)).assign(series="deciles of predicted churn")


# ----------------------------------------------------------------------------- §4.4 and 004 §3
def tactics_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Seed 004's §3.1–3.4 claims."""
    return ledger.in_sections(claims, "004", ["3.1", "3.2", "3.3", "3.4"])


@computes
def anchor_check(claims: pd.DataFrame) -> Values:
    """Whether 004's price anchor is above the price it is meant to make look cheap."""
    anchor = ledger.pick(claims, doc="004", metric="anchor_original_price", scope="case")
    price = ledger.pick(claims, doc="004", metric="actual_price", scope="case")
    return {"anchor_check": sentence("does not work as described: the \"original\" anchor is *below* the selling price, so it "
                                     "cannot make the price look cheaper" if anchor["value"] < price["value"] else
                                     "is at least coherent: the anchor is above the price", anchor, price)}


def effect_frame(claims: pd.DataFrame, findings) -> pd.DataFrame:
    """Effect claims in 000 §4.1–4.4 and 004 §3.1–3.4 with the evidence behind each (`effects.effect_claims`)."""
    return effects.effect_claims(claims, findings, EFFECT_PLACES)


@computes
def effect_values(found: pd.DataFrame) -> Values:
    """How many effect claims there are, their median multiplier and how many rest on each kind of evidence."""
    counts = effects.summary(found)
    every = ids(found)
    with_multiplier = ids(found.dropna(subset=["multiplier"]))
    out = {"n_effects": Value(counts["n"], every), "effects_median": Value(counts["median_multiplier"], with_multiplier or every)}
    for key, verdict in EFFECT_KEYS.items():
        out[f"n_effects_{key}"] = Value(counts[verdict], ids(found[found["verdict"] == verdict]) or every)
    return {**out, "effects_breakdown": sentence(effects.breakdown(counts), every)}  # every verdict; raises unless they add up


def effect_dots(found: pd.DataFrame) -> pd.DataFrame:
    shown = found.dropna(subset=["multiplier"])
    return shown.assign(label=shown["claim_id"] + " " + shown["effect"])


def effect_table(found: pd.DataFrame) -> pd.DataFrame:
    return found[["claim_id", "entity", "effect", "multiplier", "verdict", "quote"]].round(2)
