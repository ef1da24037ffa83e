"""The plan's "do X and Y improves by N" claims: collected, put on one multiplier scale, and given a
verdict on what a reader can check.

A claim is an *effect claim* when its metric names a change (increase, reduction, uplift, "vs" a
comparison group) or its kind is `ratio`. Its multiplier is the claimed outcome over the baseline:
N 倍 → N (the stricter reading; the audit flags "N倍" phrasing that could mean N + 1), +N % → 1 + N/100,
a reduction of N % → 1 − N/100; claims in percentage points have no multiplier."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from growthpath.audit.registry import published
from growthpath.data import claims as ledger
from growthpath.data.values import Value, computes, ids, sentence
from growthpath.markup import and_list

EFFECT_METRIC = re.compile(r"(?:increase|decrease|reduction|uplift|improvement|gain|_vs_|multiple)")
DECREASE = re.compile(r"(?:decrease|reduction)")
VERDICTS = ("flagged by the audit", "anonymous case", "cited study, no reference", "generic claim, no source", "named case, no source",
            "the plan's own commitment")
GENERIC = re.compile(r"^industry|campaigns$|model$")


def multiplier(metric: str, value: float, unit: str) -> float:
    if unit == "倍":
        return float(value)
    if unit == "%":
        return 1 - value / 100 if DECREASE.search(metric) else 1 + value / 100
    return float("nan")


def verdict(entity: str, flagged: bool) -> str:
    if flagged:
        return VERDICTS[0]
    if entity.startswith("plan"):
        return VERDICTS[5]
    if "unnamed" in entity:
        return VERDICTS[1]
    if "(cited)" in entity:
        return VERDICTS[2]
    if GENERIC.search(entity):
        return VERDICTS[3]
    return VERDICTS[4]


def effect_claims(claims: pd.DataFrame, findings=(), places: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Effect claims (optionally only in `places`, a list of (doc, section)) with multiplier,
    the audit rules that flag them, and a verdict."""
    c = claims
    if places is not None:
        wanted = set(places)
        c = c[pd.Series([(d, s) in wanted for d, s in zip(c["doc"], c["section"])], index=c.index, dtype=bool)]
    c = c[c["metric"].str.contains(EFFECT_METRIC) | (c["kind"] == "ratio")]
    rules: dict[str, set[str]] = {}
    for f in published(findings):
        for ref in f.refs:
            rules.setdefault(ref.claim_id, set()).add(f.rule)
    out = pd.DataFrame({
        "claim_id": c["claim_id"], "doc": c["doc"], "section": c["section"], "entity": c["entity"],
        "effect": c["metric"].map(ledger.metric_label), "value": c["value"], "unit": c["unit"],
        "multiplier": [multiplier(m, v, u) for m, v, u in zip(c["metric"], c["value"], c["unit"])],
        "audit": [", ".join(sorted(rules.get(i, []))) for i in c["claim_id"]],
        "quote": c["quote_zh"] if "quote_zh" in c else c["quote"],
    })
    out["verdict"] = [verdict(e, bool(a)) for e, a in zip(out["entity"], out["audit"])]
    return out.reset_index(drop=True)


def summary(effects: pd.DataFrame) -> dict:
    """Counts a chapter quotes: how many claims, how many by verdict, median multiplier."""
    m = effects["multiplier"].dropna()
    return {"n": len(effects), **{v: int((effects["verdict"] == v).sum()) for v in VERDICTS},
            "median_multiplier": float(np.median(m)) if len(m) else float("nan"),
            }


# how each verdict reads in a sentence, for one claim and for several ("1 is flagged…", "12 are flagged…")
VERDICT_PHRASES = {
    "flagged by the audit": ("is flagged by the audit", "are flagged by the audit"),
    "anonymous case": ("comes from an unnamed company", "come from unnamed companies"),
    "cited study, no reference": ("is attributed to a study without a reference", "are attributed to a study without a reference"),
    "generic claim, no source": ("is a generic claim naming no company or source (an industry, a campaign type or a model)",
                                 "are generic claims naming no company or source (an industry, a campaign type or a model)"),
    "named case, no source": ("is a named company case without a source", "are named company cases without a source"),
    "the plan's own commitment": ("is the plan's own commitment", "are the plan's own commitments"),
}


def breakdown(counts: dict) -> str:
    """Every verdict with claims, as one clause each ("12 are flagged by the audit, 2 come from …, and
    11 are named company cases without a source"); raises if the verdicts do not add up to `counts["n"]`."""
    def clause(v):
        one, several = VERDICT_PHRASES[v]
        return f"{counts[v]:,} {one if counts[v] == 1 else several}"

    parts = [clause(v) for v in VERDICTS if counts[v]]
    total = sum(counts[v] for v in VERDICTS)
    if total != counts["n"]:
        raise ValueError(f"the verdicts add up to {total}, not to the {counts['n']} effect claims")
    if not parts:
        return "none"
    return and_list(parts)


def claim_verdicts(claims: pd.DataFrame, findings=(), places: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Every claim in `places` (not only effect claims) with the audit rules that flag it and the
    same source-based verdict as `effect_claims`."""
    c = claims if places is None else claims[[(d, s) in set(places) for d, s in zip(claims["doc"], claims["section"])]]
    rules: dict[str, set[str]] = {}
    for f in published(findings):
        for ref in f.refs:
            rules.setdefault(ref.claim_id, set()).add(f.rule)
    audit = [", ".join(sorted(rules.get(i, []))) for i in c["claim_id"]]
    return pd.DataFrame({"claim_id": c["claim_id"].to_numpy(), "entity": c["entity"].to_numpy(),
                         "metric": c["metric"].map(ledger.metric_label).to_numpy(), "value": c["value"].to_numpy(),
                         "unit": c["unit"].to_numpy(), "audit": audit,
                         "verdict": [verdict(e, bool(a)) for e, a in zip(c["entity"], audit)],
                         "quote": (c["quote_zh"] if "quote_zh" in c else c["quote"]).to_numpy()})


@computes
def verdict_values(found: pd.DataFrame, count_key: str, words_key: str) -> dict:
    """How many claims `found` holds (`count_key`) and how many have each verdict, in words (`words_key`: '2 are
    flagged by the audit and 3 come from unnamed companies'), each naming the claims counted."""
    return {count_key: Value(len(found), ids(found)), words_key: sentence(counted(found["verdict"]), found)}


def counted(verdicts: pd.Series) -> str:
    """How many claims have each verdict, as one clause (`breakdown`): '2 come from unnamed companies and 1 is flagged by
    the audit'."""
    return breakdown({"n": len(verdicts), **{v: int((verdicts == v).sum()) for v in VERDICTS}})


def verdict_table(found: pd.DataFrame) -> pd.DataFrame:
    """Claims with their verdicts, as the chapters show them."""
    return found[["claim_id", "entity", "metric", "verdict", "quote"]]


def verdicts_in(claims: pd.DataFrame, findings, doc: str, *sections: str) -> pd.DataFrame:
    """`claim_verdicts` for some sections of one seed document."""
    return claim_verdicts(claims, findings, [(doc, s) for s in sections])


def labelled_effects(claims: pd.DataFrame, findings, places: list[tuple[str, str]]) -> pd.DataFrame:
    """The effect claims of `places` that have a multiplier, labelled by claim id and effect, for a dot chart."""
    found = effect_claims(claims, findings, places).dropna(subset=["multiplier"])
    return found.assign(label=found["claim_id"] + " " + found["effect"])
