"""Chapter 8 (outcomes): the scorecard's values, each with the ids it was computed from, and the frames of the
chapter's charts and tables. A scorecard value names what building the scorecard read (claims, official
observations, findings' claims and assumptions noted while it ran), the shocks and the run."""
from __future__ import annotations

import re

import pandas as pd

from growthpath.data import provenance
from growthpath.analysis import effects, scorecard, stress
from growthpath.data import claims as ledger
from growthpath.data.assumptions import Register
from growthpath.markup import and_list, in_sentence
from growthpath.data.values import Value, Values, computes, ids, sentence

GLUED = (3, 8)            # the ledger chapters whose claims this chapter quotes
TARGETS = {"gmv": "GMV (万亿元)", "users": "Users (亿人)", "share": "Expected share of online retail (%)"}
GENZ_SECTIONS = ("7.1", "7.2", "7.3", "7.4", "8.1", "8.2", "8.3", "8.4")
RUN = ("parameter:seed", "parameter:n_sims", "parameter:shocks_enabled", "parameter:nowcast_adjustment")


def glued_claims(claims: pd.DataFrame) -> pd.DataFrame:
    return claims[claims["chapter"].isin(GLUED)]


@computes
def last_section(claims: pd.DataFrame) -> Values:
    """How many claims the seed's last section (000 §8.1) holds."""
    found = ledger.in_sections(claims, "000", "8.1")
    return {"n_81": Value(len(found), ids(found))}


def build(claims: pd.DataFrame, stats: pd.DataFrame, findings, register: Register, shocks_enabled, *, scenario: str,
          nowcast_adjustment: str, forecast_year: int, ci_level: float, n_sims: int, seed: int) -> dict:
    """The scorecard (`scorecard.build`) under every scenario with this run's shocks, the targets no series or model
    reaches (`untestable`), and the ids building it read (`ids`)."""
    with provenance.capture() as read:
        shocks = stress.select(stress.load(claims, register), shocks_enabled)
        settings = stress.settings(register, nowcast_adjustment=nowcast_adjustment, target_year=forecast_year,
                                   ci_level=ci_level, n_sims=n_sims, seed=seed)
        card = scorecard.build(claims, stats, findings, shocks, register, current=scenario, current_adjustment=nowcast_adjustment,
                               **{k: v for k, v in settings.items() if k != "nowcast_adjustment"})
    return {"card": card, "untestable": scorecard.untestable(claims, findings), "ci_level": ci_level,
            "ids": ids(read, [f"shock:{s}" for s in shocks["shock"]], RUN)}


@computes
def scorecard_values(sc: dict, register: Register, scenario: str, forecast_year: int) -> Values:
    """Each graded target's probability under this run's scenario without and with shocks and under every scenario with
    them, the thresholds of the grades, the verdicts counted and in words."""
    card, read = sc["card"], sc["ids"]
    mine = card[card["scenario"] == scenario].set_index("target")
    on_track = int((card["verdict"] == "on track").sum())
    gmv = card[card["target"] == TARGETS["gmv"]].set_index("scenario")["P with shocks"]
    flagged = sorted(set(card[card["stated inconsistently"] & (card["evidence"] == "model")]["target"]))
    graded = (*read, "assumption:scorecard_on_track_p", "assumption:scorecard_at_risk_p")
    out = {"on_track_p": Value(register["scorecard_on_track_p"], ("assumption:scorecard_on_track_p",), unit="probability"),
           "at_risk_p": Value(register["scorecard_at_risk_p"], ("assumption:scorecard_at_risk_p",), unit="probability"),
           "stretch_p": Value(register["stretch_target_p"], ("assumption:stretch_target_p",), unit="probability"),
           "sc_counts": sentence(", ".join(f"{n} {v}" for v, n in scorecard.counts(card).items()), graded),
           "sc_on_track": Value(on_track, graded, kind="count"),
           "scenario_name": sentence(f"**{scenario}**", "parameter:scenario"),
           "sc_gmv_min": Value(float(gmv.min()), read, unit="probability"),
           "sc_gmv_max": Value(float(gmv.max()), read, unit="probability"),
           "sc_inconsistent": sentence(f"the audit finds contradictions among the claims that state the {target_names(flagged)} "
                                       f"target{'s' if len(flagged) > 1 else ''} (Appendix A); "
                                       "that does not change their grade." if flagged else "the audit finds no contradiction among "
                                       "the claims that state the graded targets.", read),
           "n_untestable": Value(len(sc["untestable"]), read),
           "on_track_sentence": sentence("no graded 2026 target is on track in any scenario" if on_track == 0
                                         else f"{on_track} scorecard cells are on track", graded),
           "sc_summary": sentence("; ".join(scorecard.summary_phrases(card)), graded)}
    out |= revised_targets(mine, read, forecast_year, sc["ci_level"])
    unshocked = tuple(i for i in read if not i.startswith("shock:"))
    for key, target in TARGETS.items():
        out[f"sc_p_{key}"] = Value(float(mine.loc[target, "P without shocks"]), unshocked, unit="probability")
        out[f"sc_p_{key}_shock"] = Value(float(mine.loc[target, "P with shocks"]), read, unit="probability", year=forecast_year,
                                         kind="probability")
        for name, row in card[card["target"] == target].set_index("scenario").iterrows():
            out[f"sc_{key}_{name}"] = Value(float(row["P with shocks"]), (*read, f"scenario:{name}"), unit="probability")
    return out


LEVELS = {"low": (), "median": (), "high": (), "revised target": ("assumption:scorecard_on_track_p",),
          "stretch target": ("assumption:stretch_target_p",)}


def revised_targets(mine: pd.DataFrame, read: tuple, forecast_year: int, ci_level: float) -> Values:
    """This run's scenario with shocks: the simulated GMV and users of the target year (median and interval), the level
    met with the on-track probability (a revised target) and the stretch level, as `rev_<gmv|users>_<level>`."""
    out = {"rev_ci_pct": Value(100 * ci_level, ("parameter:ci_level",), unit="%")}
    for key in ("gmv", "users"):
        row = mine.loc[TARGETS[key]]
        for level, extra in LEVELS.items():
            out[f"rev_{key}_{level.split()[0]}"] = Value(float(row[level]), (*read, "parameter:ci_level", *extra),
                                                         unit=row["unit"], year=forecast_year)
    return out


def grid_cells(sc: dict) -> pd.DataFrame:
    """The scorecard as cells of a verdict grid, labelled with the probability, or with the actual against the plan (both
    of the plan's paths where its figures give two: '11.3 % vs 33.7 % or -10.6 %'; the caption says which is which)."""
    card = sc["card"]
    return card.assign(label=[f"{p * 100:.1f}\u00a0%" if not pd.isna(p) else f"{_with_unit(a, u)} vs {_plan(t, o, u)}"
                              for p, a, t, o, u in zip(card["P with shocks"], card["projected (median)"], card["target value"],
                                                       card["other path"], card["unit"])])


def target_names(labels) -> str:
    """'GMV (万亿元)', 'Users (亿人)' → 'GMV and users': scorecard target labels as words in a sentence."""
    return and_list(in_sentence(re.sub(r"\s*\(.*\)$", "", str(t))) for t in labels)


def _with_unit(value: float, unit: str) -> str:
    """'11.3 %' with a no-break space: a wrapped cell never puts the unit on a line of its own."""
    return f"{value:.1f}\u00a0{unit}"


def _plan(value: float, other: float, unit: str) -> str:
    """The plan's figure, or both of its paths ('33.7 % or -10.6 %')."""
    return _with_unit(value, unit) + ("" if pd.isna(other) else f" or {_with_unit(other, unit)}")


def _percent_or_dash(p: float) -> str:
    return "–" if pd.isna(p) else f"{p:.1%}"


def grid_colours(sc: dict, colours: dict) -> dict:
    """The verdict colours of the verdicts the scorecard holds."""
    return {v: c for v, c in colours.items() if v in set(sc["card"]["verdict"])}


def card_table(sc: dict) -> pd.DataFrame:
    card = sc["card"]
    shown = card.assign(**{c: card[c].map(_percent_or_dash) for c in ("P without shocks", "P with shocks")},
                        **{"target value": [f"{t:.3g}" + ("" if pd.isna(o) else f" or {o:.3g}") for t, o in
                                            zip(card["target value"], card["other path"])],
                           "projected (median)": ["–" if pd.isna(v) else f"{v:.2f}" for v in card["projected (median)"]]})
    return shown[["target", "scenario", "target value", "unit", "projected (median)", "P without shocks", "P with shocks", "verdict",
                  "rests on", "stated inconsistently"]].rename(columns={"projected (median)": "median with shocks, or actual"})


def untestable_table(sc: dict) -> pd.DataFrame:
    return sc["untestable"].rename(columns={"label": "KPI", "target_year": "year", "audit": "audit finding"})


def genz_verdicts(claims: pd.DataFrame, findings) -> pd.DataFrame:
    """Seed 004's chapters 7–8, with the verdict on each claim."""
    return effects.verdicts_in(claims, findings, "004", *GENZ_SECTIONS)


def genz_effects(claims: pd.DataFrame, findings) -> pd.DataFrame:
    """Effect claims of 004's chapters 7–8 with a multiplier, labelled, for a dot chart."""
    return effects.labelled_effects(claims, findings, [("004", s) for s in GENZ_SECTIONS])


def genz_places() -> tuple[str, ...]:
    """The sections of 004's chapters 7–8 as a reader writes them, for `audit.in_sections`."""
    return tuple(f"004 §{s}" for s in GENZ_SECTIONS)
