"""Chapter 6 (risk): what the chapter reports, each value with the ids it was computed from, and the frames of its
charts and tables.

Risks are named by the risk register's ids (`risk:<id>`), shocks by the shock register's (`shock:<name>`); a
stress-test value names what its runs read (claims, official observations, assumptions), the shocks and the run."""
from __future__ import annotations

import pandas as pd

from growthpath.data import provenance, risks, scenarios
from growthpath.analysis import effects, simulate, stress
from growthpath.data import claims as ledger
from growthpath.data.assumptions import Register
from growthpath.data.values import Value, Values, computes, ids, sentence

REGISTER_COLUMNS = ["risk_id", "risk", "evidence", "mitigation", "likelihood", "impact", "basis"]
GLUED = (3, 6)                      # the ledger chapters whose claims this chapter quotes (and §2.1's CAC growth)
GLUED_CLAIMS = ("000-2.1-01",)
TARGETS = (("GMV ≥ target", "p_gmv"), ("users ≥ target", "p_users"), ("share ≥ expected", "p_share"))
RUNS = ("no shocks", "with shocks")
BASE_YEAR = 2023
RUN = ("parameter:seed", "parameter:n_sims", "parameter:shocks_enabled")


def glued_claims(claims: pd.DataFrame) -> pd.DataFrame:
    return claims[claims["chapter"].isin(GLUED) | claims["claim_id"].isin(GLUED_CLAIMS)]


def _risk_ids(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(f"risk:{i}" for i in frame["risk_id"])


def register_rows(register: pd.DataFrame, doc: str, section: str | None = None) -> pd.DataFrame:
    """The register's risks of one seed section (or, with no section, of the whole document, with its sections)."""
    if section is None:
        rows = register[register["doc"] == doc]
        return rows[[REGISTER_COLUMNS[0], "section", *REGISTER_COLUMNS[1:]]]
    return register[(register["doc"] == doc) & (register["section"] == section)][REGISTER_COLUMNS]


@computes
def register_summary(register: pd.DataFrame, claims: pd.DataFrame, assumptions: Register) -> Values:
    """How many risks the register holds, which score high, how many have a mitigation, and the range of the churn
    figures the risks' evidence and the stress test's loss sizes give."""
    high = register[register["score"] >= assumptions["risk_high_score"]].sort_values("score", ascending=False)
    mitigated = register[register["mitigation"].fillna("") != ""]
    evidence = risks.claims_of(register, claims, "evidence")
    shock_claims = claims[claims["claim_id"].isin(stress.load(claims, assumptions)["size_source"])]  # loss sizes count too
    churn = pd.concat([evidence, shock_claims])
    churn = churn[churn["metric"].str.contains("churn") & churn["unit"].eq("%")].drop_duplicates("claim_id")
    scored = (*_risk_ids(register), "assumption:risk_high_score")
    return {"n_risks": Value(len(register), _risk_ids(register)),
            "n_high": Value(len(high), scored, kind="count"),
            "high_score": Value(int(assumptions["risk_high_score"]), ("assumption:risk_high_score",)),
            "high_risks": sentence("; ".join(f"{r.risk[0].lower() + r.risk[1:]} ({r.risk_id}, {r.score})" for r in high.itertuples()),
                                   scored),
            "n_mitigated": Value(len(mitigated), _risk_ids(register), kind="count"),
            "churn_min": Value(churn["value"].min(), ids(churn), unit="%"),
            "churn_max": Value(churn["value"].max(), ids(churn), unit="%")}


def risk_matrix(register: pd.DataFrame) -> pd.DataFrame:
    matrix = risks.matrix(register)
    return matrix.assign(score=matrix["score"].astype(float))


def _mitigations(register: pd.DataFrame, claims: pd.DataFrame, findings) -> pd.DataFrame:
    found = risks.claims_of(register, claims, "mitigation")
    verdicts = effects.claim_verdicts(claims, findings).set_index("claim_id")["verdict"]
    return found.assign(verdict=found["claim_id"].map(verdicts))


@computes
def mitigation(register: pd.DataFrame, claims: pd.DataFrame, findings) -> Values:
    """How many of the plans' mitigation figures are others' unsourced results and how many the plan's own commitments."""
    found = _mitigations(register, claims, findings)
    own = int(found["verdict"].str.contains("own commitment", na=False).sum())
    return {"mitigation_sentence": sentence(
        f"{len(found) - own} of the {len(found)} mitigation figures are other platforms' or cited studies' unsourced results"
        + (f", and {own} are the plan's own commitments (response times), not results" if own else ""), found)}


def mitigation_table(register: pd.DataFrame, claims: pd.DataFrame, findings) -> pd.DataFrame:
    found = _mitigations(register, claims, findings)
    return found.assign(metric=found["metric"].map(ledger.metric_label))[["risk_id", "claim_id", "entity", "metric", "value", "unit",
                                                                        "verdict"]]


SIZED_KINDS = ("acquisition_cost", "loss", "outage", "growth", "saturation")


def shock_size(kind: str, size: float) -> str:
    """A shock's size with its unit, by kind (`growthpath.analysis.stress`): '+22 % on CAC's trend', '45% of those
    exposed lost', '4 hours of trading'."""
    if kind == "acquisition_cost":
        return f"+{size:g} % on CAC's trend"
    if kind == "loss":
        return f"{size:.0%} of those exposed lost"
    if kind == "outage":
        return f"{size:g} hours of trading"
    if kind == "growth":
        return f"{size:+g} points of growth"
    if kind == "saturation":
        return "shoppers grow as netizens do"
    return f"{size:g}"


def shocks_table(shocks: pd.DataFrame, register: Register) -> pd.DataFrame:
    """The shocks as the chapter shows them: each value's source is a ledger id, 'data', 'definition', or an assumption
    by its register name ('assumed: CAC shock chance')."""
    named = shocks.assign(shock=shocks["shock"].map(shock_name),
                          size=[shock_size(k, v) for k, v in zip(shocks["kind"], shocks["size"])],
                          probability=[f"{p:.0%} a year" for p in shocks["probability"]],
                          exposure=[f"{e:.0%}" for e in shocks["exposure"]],
                          **{c: shocks[c].map(register.source_words) for c in ("probability_source", "size_source", "exposure_source")})
    return named[["shock", "label", "probability", "probability_source", "size", "size_source", "exposure", "exposure_source"]]


# ----------------------------------------------------------------------------- the stress test
def stress_runs(claims: pd.DataFrame, stats: pd.DataFrame, register: Register, shocks: pd.DataFrame, *, scenario: str,
                nowcast_adjustment: str, forecast_year: int, ci_level: float, n_sims: int, seed: int) -> dict:
    """Chapter 3's simulations without and with the shocks under every named scenario (this run's under its own
    adjustment): the probability of each target (`probabilities`), this run's fans (`fans`), the years the shocks hit
    users (`user_years`) and the ids the runs read (`ids`)."""
    with provenance.capture() as read:
        settings = stress.settings(register, nowcast_adjustment=nowcast_adjustment, target_year=forecast_year, ci_level=ci_level,
                             n_sims=n_sims, seed=seed)
        rows, fans, years = [], [], None
        for name in scenarios.names():
            kw = {**settings, "nowcast_adjustment": nowcast_adjustment if name == scenario else
                  scenarios.params(name)["nowcast_adjustment"]}
            for label, chosen in zip(RUNS, (shocks.iloc[0:0], shocks)):
                out = stress.run(claims, stats, chosen, **kw)
                rows += [{"scenario": name, "run": label, "target": t, "probability": out[k]} for t, k in TARGETS]
                if name == scenario:
                    fans.append(simulate.summary(out["gmv"] / 1e4, BASE_YEAR).assign(scenario=label))
                    years = out["user_years"]
    shocked = tuple(f"shock:{s}" for s in shocks["shock"])
    return {"probabilities": pd.DataFrame(rows), "fans": pd.concat(fans), "user_years": years, "settings": settings,
            "ids": ids(read, shocked, RUN, "parameter:nowcast_adjustment")}


@computes
def stress_values(runs: dict, shocks: pd.DataFrame, scenario: str, forecast_year: int) -> Values:
    """The probability of each target without and with the shocks, under this run's scenario, in numbers and words."""
    p = runs["probabilities"]
    mine = p[p["scenario"] == scenario]
    unshocked = tuple(i for i in runs["ids"] if not i.startswith("shock:"))

    def at(run, target):
        return float(mine[(mine["run"] == run) & (mine["target"] == target)]["probability"].iloc[0])

    return {"p_gmv_none": Value(at("no shocks", "GMV ≥ target"), unshocked, unit="probability"),
            "p_gmv_shock": Value(at("with shocks", "GMV ≥ target"), runs["ids"], unit="probability"),
            "p_users_none": Value(at("no shocks", "users ≥ target"), unshocked, unit="probability"),
            "p_users_shock": Value(at("with shocks", "users ≥ target"), runs["ids"], unit="probability"),
            "p_share_none": Value(at("no shocks", "share ≥ expected"), unshocked, unit="probability"),
            "n_shocks": Value(len(shocks), tuple(f"shock:{s}" for s in shocks["shock"]) or ("parameter:shocks_enabled",)),
            "scenario_name": sentence(f"**{scenario}**", "parameter:scenario"),
            "shock_years": sentence(f"users from {runs['user_years'][0]}, GMV in {forecast_year}", runs["ids"]),
            "stress_sentence": sentence(stress.probability_sentence(mine), runs["ids"])}


def tornado(claims: pd.DataFrame, stats: pd.DataFrame, shocks: pd.DataFrame, runs: dict) -> pd.DataFrame:
    """Each shock alone, all together and none (`stress.tornado`); an empty frame when no shock is enabled."""
    if shocks.empty:
        return pd.DataFrame({"shock": pd.Series(dtype=str), "users_change_pct": pd.Series(dtype=float),
                             "gmv_change_pct": pd.Series(dtype=float)})
    return stress.tornado(claims, stats, shocks, **runs["settings"])


def shock_name(shock: str) -> str:
    """A shock as every table, chart and sentence names it: cac_acceleration → 'CAC acceleration'."""
    return ledger.metric_label(shock)


def _single(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["shock"].isin(["none", "all together"])]


@computes
def tornado_values(frame: pd.DataFrame, runs: dict, forecast_year: int) -> Values:
    """What all the shocks together do to the median users and GMV, which shock hurts users most, and an outage's toll."""
    single, both = _single(frame), frame[frame["shock"] == "all together"]
    worst = single.nsmallest(1, "users_change_pct")
    outage = single[single["shock"] == "outage"]
    shocked = runs["ids"]
    return {"users_drop": Value(-float(both["users_change_pct"].iloc[0]) if len(both) else 0.0, shocked, unit="%",
                                year=forecast_year, kind="growth"),
            "gmv_drop": Value(-float(both["gmv_change_pct"].iloc[0]) if len(both) else 0.0, shocked, unit="%"),
            "worst_shock": sentence(f"*{shock_name(worst['shock'].iloc[0])}* ({worst['users_change_pct'].iloc[0]:+.1f} % users)"
                                    if len(worst) else "none (no shocks enabled)", shocked),
            "outage_gmv": Value(-float(outage["gmv_change_pct"].iloc[0]) if len(outage) else 0.0, shocked, unit="%")}


def gmv_fan(runs: dict, claims: pd.DataFrame, forecast_year: int) -> dict:
    """The arguments of the fan chart without and with shocks (`charts.helpers.fan`), in 万亿元."""
    target = ledger.pick(claims, doc="000", section="3.1", metric="gmv_target", scope="market")
    return {"bands": runs["fans"], "y_title": "social-commerce GMV, 万亿元",
            "targets": pd.DataFrame({"label": ["plan's 2026 target"], "year": [forecast_year],
                                     "value": [target["value_canonical"] / 1e4]})}


def probability_table(runs: dict) -> pd.DataFrame:
    """The probability of each target per scenario, without shocks → with them (a table: most cells are nil)."""
    return simulate.probability_table(runs["probabilities"], steps="run")


def tornado_bars(frame: pd.DataFrame) -> pd.DataFrame:
    long = _single(frame).melt(id_vars="shock", value_vars=["users_change_pct", "gmv_change_pct"], var_name="measure",
                               value_name="change")
    long["measure"] = long["measure"].map({"users_change_pct": "median 2026 users", "gmv_change_pct": "median 2026 GMV"})
    long["shock"] = long["shock"].map(shock_name)
    return long.assign(change=long["change"] / 100)
