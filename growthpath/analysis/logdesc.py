"""Which order log a chapter ran on, said in words that are true of that log, and what it cannot show.

Chapters 2 and 4 measure customers on an order log: by default the bundled CDNOW log (data package
resources `orders_cdnow` and `orders_cdnow_sample`), or an analyst's own (`orders_path`,
`clv_orders_path`). Everything the prose says about the log comes from here:

- `describe(frame, path, resource)`: the log's name, source, period, customers, order lines, how its
  customers were acquired (computed from their first purchases) and currency (the data package's unit
  of `amount` for a bundled log; unknown for an analyst's: "amounts in the log's own currency").
- the sentences the chapters glue about it (`chapter2_box`, `chapter4_box`, …): the bundled log's
  description only when the bundled log was used, your log's otherwise.
- measures a valid log cannot show (`repurchase_rates`, `retention_at`, `horizon_note`): reported as
  not observable, with the reason, instead of a number or an exception.
- `published_check`: whether the BG/NBD and Gamma-Gamma fits can be, and are, the published ones.
- `fitted`, `regular`, `fit_status`: a customer-value fit with its problems in words (its own note, non-convergence,
  missing standard errors, warnings without file paths: none reaches the page as a warning), and the sentence
  saying whether the fits can be read."""
from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from growthpath.data import datapackage, order_engine
from growthpath.data import orders as orders_mod
from growthpath.markup import and_list

OWN = "your order log"
OWN_CURRENCY = "the log's own currency"
CURRENCIES = {"USD": "US dollars", "CNY": "元", "RMB": "元", "EUR": "euros", "GBP": "pounds sterling", "JPY": "yen",
              "HKD": "Hong Kong dollars"}
ORDINALS = ("first", "second", "third", "fourth")
# The published estimates (clv.PUBLISHED: Fader, Hardie & Lee 2005; Fader & Hardie 2013) are for the CDNOW 1/10
# sample calibrated on its first 39 weeks (to 1997-09-30) with a holdout to 1998-06-30: the chapter's defaults.
PUBLISHED_RESOURCE = "orders_cdnow_sample"
PUBLISHED_SPLIT = ("1997-09-30", "1998-06-30")
REPRODUCE_TOL = 0.01   # largest relative difference from a published estimate that still "reproduces" it: the
#                        published values have three or four significant digits; BFGS lands within 0.2 % of them


@dataclass(frozen=True)
class LogDescription:
    """What a reader should know about the order log a chapter measured."""

    bundled: bool              # a resource of the data package, not an analyst's file
    resource: str | None       # its data package name
    file: str                  # the file as the reader should see it
    title: str                 # the data package title, or "your order log"
    source: str                # the data package citation, or "your order log"
    retailer: str              # "US online music (CD) retailer" (from the data package's description), or ""
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    n_customers: int
    n_lines: int
    acquired_from: pd.Timestamp   # the earliest first purchase
    acquired_to: pd.Timestamp     # the latest first purchase
    late_share: float             # share of customers whose first purchase is after the log's first calendar quarter
    currency: str | None          # ISO code of `amount` (bundled logs), None when unknown

    # --------------------------------------------------------------- names
    @property
    def short(self) -> str:
        """'CDNOW' for a bundled log (its title before "order log"), '' for an analyst's."""
        return self.title.split(" order log")[0] if self.bundled else ""

    @property
    def name(self) -> str:
        """'the CDNOW order log', 'the CDNOW 1/10 sample', or your order log with its file."""
        if not self.bundled:
            return f"{OWN} `{self.file}`"
        part = re.search(r"\(([^)]*)\)", self.title)
        return f"the {self.short} {part.group(1)}" if part and part.group(1) != "master" else f"the {self.short} order log"

    @property
    def retailer_short(self) -> str:
        """'US online music (CD) retailer' → 'US CD retailer': a parenthetical abbreviation replaces the words before it."""
        return re.sub(r"(?<=\w )[\w ]*?\((\w+)\)", r"\1", self.retailer)

    @property
    def product(self) -> str:
        """'CD', the abbreviation in the retailer's description, or ''."""
        found = re.search(r"\((\w+)\)", self.retailer)
        return found.group(1) if found else ""

    # --------------------------------------------------------------- period and acquisition
    @property
    def years(self) -> str:
        """'1997–98', '2023–24' or '2024'."""
        a, b = self.first_date.year, self.last_date.year
        if a == b:
            return str(a)
        return f"{a}–{b % 100:02d}" if a // 100 == b // 100 else f"{a}–{b}"

    @property
    def full_years(self) -> str:
        a, b = self.first_date.year, self.last_date.year
        return str(a) if a == b else f"{a}–{b}"

    @property
    def decade(self) -> str:
        """'the 1990s' when the whole log lies in one decade, else its years."""
        a, b = self.first_date.year // 10, self.last_date.year // 10
        return f"the {a * 10}s" if a == b else self.full_years

    @property
    def days(self) -> int:
        """Days from the first to the last date of the log."""
        return int((self.last_date.normalize() - self.first_date.normalize()).days)

    def periods(self, freq: str) -> int:
        """Calendar months ('M') or weeks ('W') the log touches, first to last."""
        return int((self.last_date.to_period(freq) - self.first_date.to_period(freq)).n) + 1

    @property
    def one_cohort(self) -> bool:
        """Every customer first bought in the same calendar quarter: one cohort, no later inflow."""
        return self.acquired_from.to_period("Q") == self.acquired_to.to_period("Q")

    @property
    def quarter(self) -> str:
        """'the first quarter of 1997': the quarter of the earliest first purchase."""
        q = self.acquired_from.to_period("Q")
        return f"the {ORDINALS[q.quarter - 1]} quarter of {q.year}"

    @property
    def cohort_season(self) -> str:
        """'early 1997' (first quarter), 'mid-1997' (second, third) or 'late 1997' (fourth): when a one-cohort log's
        customers were acquired; the span of first purchases otherwise."""
        if not self.one_cohort:
            return f"{self.acquired_from.date()} to {self.acquired_to.date()}"
        q = self.acquired_from.to_period("Q")
        return {1: "early ", 2: "mid-", 3: "mid-", 4: "late "}[q.quarter] + str(q.year)

    @property
    def acquisition(self) -> str:
        """How the customers arrived, for a sentence about them."""
        if self.one_cohort:
            return f"who all first bought in {self.quarter}"
        return f"whose first purchases run from {self.acquired_from.date()} to {self.acquired_to.date()}"

    @property
    def inflow(self) -> str:
        """The acquisition pattern and what it does to repeat rates, as a sentence."""
        if self.one_cohort:
            return ("Its customers are one cohort acquired in one quarter with no later inflow, so its repeat rates follow "
                    "one group of customers as it ages.")
        return (f"Its customers keep arriving: {100 * self.late_share:.0f} % of them first bought after the log's first quarter, so "
                "its repeat rates mix cohorts of different ages and move with the share of new customers.")

    # --------------------------------------------------------------- money
    @property
    def currency_words(self) -> str:
        """'US dollars', or the log's own currency when it is not known."""
        if self.currency is None:
            return OWN_CURRENCY
        return CURRENCIES.get(self.currency, self.currency)

    @property
    def amounts(self) -> str:
        """'amounts in US dollars of the time' or 'amounts in the log's own currency'."""
        return f"amounts in {self.currency_words} of the time" if self.currency else f"amounts in {OWN_CURRENCY}"

    @property
    def money(self) -> str:
        """'US dollars of 1997–98' or 'in the log's own currency' (after a value)."""
        return f"{self.currency_words} of {self.years}" if self.currency else f"in {OWN_CURRENCY}"

    @property
    def on(self) -> str:
        """'on the stand-in' (the bundled log) or 'on this log'."""
        return "on the stand-in" if self.bundled else "on this log"

    @property
    def unit(self) -> str:
        """The unit of a value in the log's money, for the results file."""
        return self.currency or "log currency"

    def summary(self) -> str:
        """One sentence: what the log is, its customers, lines, period and money."""
        if self.bundled:
            return (f"a {self.retailer}'s log of {self.years}, {self.n_customers:,} customers {self.acquisition}, "
                    f"{self.n_lines:,} order lines up to {self.last_date.date()}, {self.amounts}")
        return (f"{self.n_customers:,} customers {self.acquisition}, {self.n_lines:,} order lines from "
                f"{self.first_date.date()} to {self.last_date.date()}, {self.amounts}")


def shown_path(path: str) -> str:
    """The file as a reader should see it: as given when relative (the runner makes files inside the project
    relative to it), only its name when absolute (a local folder says nothing to a reader)."""
    p = Path(path)
    return p.name if p.is_absolute() else p.as_posix()


def describe(frame: pd.DataFrame, path: str = "", resource: str = orders_mod.DEFAULT_RESOURCE) -> LogDescription:
    """Describe `frame` (an order log from `orders.load`): the file at `path`, or, when `path` is empty, the
    data package's `resource`, whose title, citation, retailer and currency come from its metadata."""
    if frame.empty:
        raise ValueError("an empty order log has nothing to describe")
    a = order_engine.acquisition(orders_mod.prepared(frame))
    common = dict(first_date=pd.Timestamp(a["first_date"]), last_date=pd.Timestamp(a["last_date"]),
                  n_customers=int(a["customers"]), n_lines=int(len(frame)), acquired_from=pd.Timestamp(a["acquired_from"]),
                  acquired_to=pd.Timestamp(a["acquired_to"]), late_share=a["late_share"])
    if path:
        return LogDescription(bundled=False, resource=None, file=shown_path(path), title=OWN, source=OWN, retailer="",
                              currency=None, **common)
    res = datapackage.resource(resource)
    origin = res.get("origin", {})
    about = origin.get("description", "").split(". ")[0]
    retailer = re.sub(r"^An? |\s+of the \d{4}s\.?$|\.$", "", about)
    amount = next((f for f in res.get("schema", {}).get("fields", []) if f["name"] == "amount"), {})
    return LogDescription(bundled=True, resource=resource, file=f"data/{res['path']}", title=res.get("title", resource),
                          source=origin.get("citation_full", ""), retailer=retailer, currency=amount.get("unit"), **common)


def own_logs(*paths: str) -> bool:
    """Whether a run measured an analyst's order log (any of a chapter's log parameters set) rather than the book's own."""
    return any(paths)


def log_id(d: LogDescription) -> str:
    """The log's id in a value's provenance: `orders:<data package resource>`, or `orders:<file>` for an analyst's log."""
    return f"orders:{d.resource if d.bundled else d.file}"


# ----------------------------------------------------------------------------- chapter 2
def orders_label(d: LogDescription) -> str:
    """How the chapter names the log in running text."""
    if d.bundled:
        return f"the {d.short} stand-in (a {d.retailer_short}, {d.full_years})"
    return d.name


def chapter2_box(d: LogDescription) -> dict[str, str]:
    """The data box: `lead` comes before the citation of the default log, `description` right after it (it starts
    with punctuation), then `caveat`."""
    if d.bundled:
        return {"lead": f"By default the customer-level analysis uses the {d.short} order log",
                "description": f": {d.summary()}.",
                "caveat": ("It stands in for a platform's own orders, which the plan does not provide: it shows what the "
                           "measures look like on real behaviour, not what Chinese social-commerce users do. On a "
                           f"social-commerce platform three things differ. {d.short} is "
                           + ("one cohort acquired in one quarter with no later inflow" if d.one_cohort else
                              f"a log whose customers arrived from {d.acquired_from.date()} to {d.acquired_to.date()}")
                           + "; a platform acquires continuously, so its repeat rates mix cohorts of different ages and rise "
                           "or fall with the share of new customers. Subsidies and social referral (group buying, 砍一刀) "
                           f"change how soon a customer buys again. And a {d.product or 'retail'} order of {d.decade} is not "
                           "a basket in 元 today.")}
    return {"lead": f"This run measures {d.name} in place of the book's default log",
            "description": f". Yours holds {d.summary()}.",
            "caveat": (f"{d.inflow} The plan provides no platform's orders to compare with, so what these measures say about "
                       "Chinese social-commerce users depends on where your orders come from; subsidies and social referral "
                       "(group buying, 砍一刀) change how soon a customer buys again.")}


def chapter2_phrases(d: LogDescription) -> dict[str, str]:
    """Short phrases of chapter 2 that name the log's owner or kind."""
    if d.bundled:
        return {"log_shows": "**What the stand-in shows:**",
                "promotions_note": "the log does not say whether that retailer ran promotions",
                "log_whose": "that retailer's",
                "gap_note": (f"a {d.product or 'retail'} store's gap says little about a platform whose subsidies and social "
                             "referrals are designed to shorten it"),
                "summary_orders_note": ("Whether a social-commerce platform, with continuous acquisition and subsidies, looks "
                                        "the same needs its own orders.")}
    return {"log_shows": "**What your order log shows:**",
            "promotions_note": "the log does not say whether promotions ran",
            "log_whose": "your log's",
            "gap_note": "whether a gap is reasonable depends on what the log's customers buy and how often they need it",
            "summary_orders_note": ("Whether the platforms the plan describes look the same would need their orders, which "
                                    "the plan does not give.")}


def repurchase_rates(frame: pd.DataFrame, windows) -> pd.DataFrame:
    """`orders.repurchase_within` for each window, with `observable` False (and a `note` saying why) for a window
    longer than any buyer has been observed: no first purchase lies that many days before the end of the log."""
    rows = [orders_mod.repurchase_within(frame, d) for d in windows]
    out = pd.DataFrame(rows)
    out["observable"] = out["eligible"] > 0
    span = int((frame["date"].max().normalize() - frame["date"].min().normalize()).days)
    out["note"] = ["" if ok else f"not observable: no buyer is followed for {d:,} days (the log spans {span:,} days)"
                   for d, ok in zip(out["days"], out["observable"])]
    return out


def repurchase_phrases(rates: pd.DataFrame, span_days: int, quarter_days: int = 90) -> dict[str, str]:
    """Sentences about the repurchase windows: `range` (the rates at the shortest and longest observable window, a
    clause after "in <the log>"),
    `summary` (the quarter's rate, or the shortest observable window's) and `observable` (which windows cannot be
    shown, and why)."""
    seen = rates[rates["observable"]]
    hidden = rates[~rates["observable"]]
    if seen.empty:
        none = "no window is observable: no buyer is followed that long"
        return {"range": none, "summary": "no repurchase window is observable in this log", "observable": none.capitalize() + "."}
    lo, hi = seen.iloc[seen["days"].argmin()], seen.iloc[seen["days"].argmax()]
    rng = (f"they range from {100 * lo.rate:.1f} % ({lo.days:d} days) to {100 * hi.rate:.1f} % ({hi.days:d} days)" if len(seen) > 1
           else f"only the {lo.days:,d}-day window is observable, at {100 * lo.rate:.1f} %")
    q = seen[seen["days"] == quarter_days]
    summary = (f"{100 * q.iloc[0].rate:.1f} % of first-time buyers come back within a quarter" if len(q) else
               f"{100 * lo.rate:.1f} % of first-time buyers come back within {lo.days:,d} days")
    if hidden.empty:
        observable = f"Every window is observable: the log spans {span_days:,} days."
    else:
        days = [f"{d:,}" for d in hidden["days"]]
        joined = and_list(days)
        many = len(days) > 1
        observable = (f"The window{'s' if many else ''} of {joined} days {'are' if many else 'is'} not observable: no buyer is "
                      f"followed that long (the log spans {span_days:,} days), so the table shows no rate for "
                      f"{'them' if many else 'it'}.")
    return {"range": rng, "summary": summary, "observable": observable}


def retention_at(retention: pd.DataFrame, offset: int) -> float | None:
    """Mean share of a cohort still buying `offset` periods after acquisition, over the cohorts observed that long
    (`orders.cohort_retention`); None when no cohort is (the log is too short: not observable)."""
    if offset not in retention.columns or retention[offset].notna().sum() == 0:
        return None
    return float(retention[offset].mean())


def retention_later(value: float | None, offset: int, freq: str, periods: int) -> str:
    """The clause after "One period after acquisition the average cohort keeps X % of its buyers"; `periods` is the
    number of cohort periods the log spans."""
    unit = {"M": "month", "W": "week"}[freq]
    words = {6: "six"}.get(offset, f"{offset:d}")
    if value is not None:
        return f"and {100 * value:.1f} % {words} periods on"
    return (f"while {words} periods on is not observable: no cohort is followed that long (the log spans {periods:d} "
            f"{unit}{'s' if periods != 1 else ''})")


def survival_at(km: pd.DataFrame, days: float) -> float:
    """The Kaplan–Meier share still without a second purchase at `days` (1.0 before the first event)."""
    before = km.loc[km["days"] <= days, "survival"]
    return float(before.iloc[-1]) if len(before) else 1.0


# ----------------------------------------------------------------------------- chapter 4
def _stand_in(d: LogDescription) -> str:
    text = (f"{d.short} is a {d.retailer}'s log of {d.years} in {d.currency_words} of the time, a stand-in for a platform's "
            "orders, which the plan does not give.")
    if d.one_cohort:
        text += (" Its customers are one cohort acquired in one quarter with no later inflow; a social-commerce platform "
                 "acquires continuously, so its repeat and churn rates mix cohorts of different ages and move with the share "
                 "of new customers, and subsidies and social referral change how soon customers buy again.")
    return text


def chapter4_box(clv_log: LogDescription, churn_log: LogDescription) -> dict[str, str]:
    """The data box: `lead` comes before the citation of the default log, `rest` after it (a space between)."""
    if clv_log.bundled:
        lead = f"Lifetime value is fitted to {clv_log.name}"
        why = "because it is the data set with published estimates to check against; "
        if churn_log.bundled:
            return {"lead": lead, "rest": why + f"the churn model uses the full {churn_log.short} log. " + _stand_in(clv_log)}
        return {"lead": lead, "rest": why + f"the churn model uses {churn_log.name}: {churn_log.summary()}. "
                                      + f"{churn_log.inflow} " + _stand_in(clv_log)}
    if churn_log.bundled:
        return {"lead": "This run replaces the book's default sample",
                "rest": f"with {clv_log.name} for lifetime value. It holds {clv_log.summary()}. {clv_log.inflow} The churn "
                        f"model uses the full {churn_log.short} log. " + _stand_in(churn_log)}
    if clv_log.file == churn_log.file:
        return {"lead": "This run replaces the book's default logs",
                "rest": f"with {clv_log.name} for lifetime value and the churn model. It holds {clv_log.summary()}. "
                        f"{clv_log.inflow}"}
    return {"lead": "This run replaces the book's default logs",
            "rest": (f"with your own orders. Lifetime value uses {clv_log.name}: {clv_log.summary()}. {clv_log.inflow} The churn "
                     f"model uses {churn_log.name}: {churn_log.summary()}. {churn_log.inflow}")}


def clv_sample_label(d: LogDescription) -> str:
    """Whose customers the customer-value models are fitted to."""
    if d.bundled:
        return (f"{d.name}, a {d.retailer_short}'s first-time buyers of {d.cohort_season} standing in for a platform's")
    return f"{d.name} who first bought by the end of calibration"


def regular(fit) -> bool:
    """Converged, with finite standard errors and no note from the fit: estimates a page may report as a fit."""
    return bool(fit.converged and not getattr(fit, "note", "") and all(math.isfinite(v) for v in fit.bse.values()))


def fitted(fit_fn, summary: pd.DataFrame, **options):
    """`fit_fn(summary, **options)` (clv.fit_bgnbd or clv.fit_gamma_gamma; e.g. `weights="n"` for a table of
    patterns) and the problems met, in words: the fit's own note
    (e.g. no standard errors: the information matrix is singular), non-convergence, and every warning raised, each a
    one-line note without file paths (so none reaches the page as a warning)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fit_fn(summary, **options)
    notes = [getattr(fit, "note", "")] + [_note(w) for w in caught]
    if not fit.converged:
        notes.append("the likelihood maximisation did not converge")
    elif not all(math.isfinite(v) for v in fit.bse.values()) and not getattr(fit, "note", ""):
        notes.append("standard errors are not available")
    return fit, [n for n in dict.fromkeys(notes) if n]


def _note(w: warnings.WarningMessage) -> str:
    text = str(w.message).split("\n")[0].strip()
    return re.sub(r"(?:/[\w.\-]+)+/?", "…", text)  # no local paths in a note


def published_check(d: LogDescription, calibration_end: str, holdout_end: str, fits: dict, published: dict) -> dict:
    """Whether the fits can be set against the published estimates (the bundled sample, calibrated and held out as
    published), whether they reproduce them (every fit converged, every estimate within REPRODUCE_TOL of the
    published value), the largest relative difference of the BG/NBD estimates, and the sentences saying so."""
    comparable = d.bundled and d.resource == PUBLISHED_RESOURCE and (str(calibration_end), str(holdout_end)) == PUBLISHED_SPLIT
    gaps = {k: abs(f.params[k] / published[k] - 1) for f in fits.values() for k in f.params if k in published}
    converged = all(regular(f) for f in fits.values())
    reproduces = comparable and converged and max(gaps.values()) <= REPRODUCE_TOL
    bg_gap = max(v for k, v in gaps.items() if k in ("r", "alpha", "a", "b"))
    values = ", ".join(f"{'α' if k == 'alpha' else k} = {published[k]}" for k in ("r", "alpha", "a", "b"))
    if reproduces:
        verdict = "**The fit reproduces the published estimates.**"
    elif comparable:
        verdict = (f"**The fit does not reproduce the published estimates** (largest difference {max(gaps.values()):.1%}"
                   + ("" if converged else ", and a fit is not regular") + ").")
    elif d.bundled and d.resource == PUBLISHED_RESOURCE:
        verdict = (f"**The published estimates are for calibration to {PUBLISHED_SPLIT[0]} and a holdout to "
                   f"{PUBLISHED_SPLIT[1]}, not this run's dates.**")
    else:
        verdict = "**There are no published estimates for this log.**"
    if comparable:
        sentence = f"Fader, Hardie and Lee report {values} for the same data (largest difference {bg_gap:.1%})"
    elif d.bundled and d.resource == PUBLISHED_RESOURCE:
        sentence = f"Fader, Hardie and Lee's {values} were fitted to other dates, so they are no benchmark for this run"
    else:
        sentence = "the published BG/NBD estimates are for another data set, so nothing here can be checked against them"
    return {"comparable": comparable, "reproduces": reproduces, "gap": bg_gap, "verdict": verdict, "sentence": sentence}


def standard_error(fit, name: str) -> str:
    """'standard error 0.013', or why there is none."""
    se = fit.bse.get(name, float("nan"))
    return f"standard error {se:.3f}" if math.isfinite(se) else "no standard error: the fit is not regular"


def fit_status(fits: dict, notes: dict) -> str:
    """'Both fits converged.', or which fit did not converge or is not regular, and why."""
    bad = [name for name, f in fits.items() if not regular(f)]
    if not bad:
        return "Both fits converged." if len(fits) == 2 else "The fit converged."
    said = " and ".join(f"the {name} fit {'did not converge' if not fits[name].converged else 'is not regular'}" for name in bad)
    why = "; ".join(dict.fromkeys(n for name in bad for n in notes.get(name, [])))
    return (f"**{said[0].upper() + said[1:]}**" + (f" ({why})" if why else "")
            + ": the estimates and everything computed from them are unreliable.")


CALIBRATION_TOL = 0.05   # a decile's mean predicted churn within 5 points of its observed churn: "tracks"


def calibration_phrase(cal: pd.DataFrame) -> str:
    """Whether predicted churn tracks observed churn by decile (`churn.calibration`)."""
    worst = float((cal["predicted"] - cal["observed"]).abs().max())
    if worst <= CALIBRATION_TOL:
        return "its predicted probabilities track the observed churn by decile"
    return f"its predicted probabilities miss the observed churn by up to {100 * worst:.0f} points in a decile"


def horizon_note(holdout_weeks: float, horizon_weeks: int) -> str:
    """Whether the holdout is long enough to check a value over the horizon."""
    if holdout_weeks < horizon_weeks:
        return (f"The holdout covers {holdout_weeks:.0f} weeks, shorter than this {horizon_weeks:d}-week horizon, so how well "
                "these values forecast is not observable in this log.")
    return f"The holdout covers {holdout_weeks:.0f} weeks, the whole {horizon_weeks:d}-week horizon."


def value_methods(errors: pd.DataFrame, top_col: str, top_pct: float, d: LogDescription, left_out: int = 0) -> dict[str, str]:
    """Sentences comparing the three ways of predicting holdout spend (`clv.prediction_errors`, by method);
    `left_out` customers (first purchase on the calibration end itself: no history) are not in the comparison."""
    e = errors
    model, hist, own = (e.loc[m] for m in ("model", "historical average", "own history"))
    better = abs(model["total error (%)"]) < abs(hist["total error (%)"]) and model[top_col] > hist[top_col]
    gap = own[top_col] - model[top_col]
    rank = "ranks as well as" if abs(gap) < 1 else ("ranks better than" if gap > 0 else "ranks worse than")
    own_sentence = (f"Extrapolating each customer's own history {rank} the model ({own[top_col]:.0f} %) but "
                    + (f"overstates the total by {own['total error (%)']:+.0f} %: it assumes nobody leaves."
                       if own["total error (%)"] > 0 else f"misses the total by {own['total error (%)']:+.0f} %."))
    if left_out:
        own_sentence += (f" The {left_out:,} customer{'s' if left_out > 1 else ''} who first bought on the calibration end "
                         f"itself {'are' if left_out > 1 else 'is'} left out of this comparison: there is no history to extrapolate.")
    where = "on the " + d.short + " stand-in" if d.bundled else f"on {d.name}"
    if better:
        item = (f"**The historical-average method is measurably worse:** {where} it misses holdout spend by "
                f"{hist['total error (%)']:+.0f} % against {model['total error (%)']:+.0f} % for BG/NBD with Gamma-Gamma, and "
                "cannot tell valuable customers from the rest. "
                + ("A platform should repeat the comparison on its own orders, where continuous acquisition and subsidies "
                   "change who buys again and when." if d.bundled else
                   "On other periods of your orders the margin may differ; the comparison is worth repeating."))
        summary = ("customer-level LTV models beat the historical average the plan criticises by a wide margin, "
                   + (f"on a {d.retailer_short.replace(d.product + ' ', '')}'s orders of {d.decade} that a platform would have to "
                      "replace with its own" if d.bundled else f"here on {d.name}"))
    else:
        item = (f"**The historical-average method is not measurably worse here:** {where} it misses holdout spend by "
                f"{hist['total error (%)']:+.0f} % against {model['total error (%)']:+.0f} % for BG/NBD with Gamma-Gamma, and "
                f"its top {top_pct:g} % hold {hist[top_col]:.0f} % of the spend against the model's {model[top_col]:.0f} %: "
                "the plan's criticism of it is not borne out by this log.")
        summary = (f"customer-level LTV models do not beat the historical average the plan criticises on "
                   f"{d.name if not d.bundled else 'this log'}")
    return {"own_history": own_sentence, "hist_item": item, "summary": summary}


def churn_phrases(d: LogDescription, churn_rate: float, majority_accuracy: float) -> dict[str, str]:
    """Chapter 4's churn sentences that depend on the log and on which class is the majority."""
    churns = churn_rate >= 0.5
    return {"churn_log_name": f"the {d.short} log" if d.bundled else d.name,
            "churn_log_short": f"the {d.short} stand-in" if d.bundled else OWN,
            "majority_class": '"churns"' if churns else '"stays"',
            "majority_reason": "do churn" if churns else "churn and the rest stay",
            "churn_base_note": (f"That base rate is a stand-in's: {d.short}'s customers are one ageing cohort with no newcomers, "
                                "while a platform that keeps acquiring has many recent buyers and a different base rate, which "
                                "is exactly why accuracy must be read against it." if d.bundled and d.one_cohort else
                                "That base rate is this log's and moves with its mix of new and old customers, which is exactly "
                                "why accuracy must be read against it.")}


def value_axis(d: LogDescription) -> str:
    """The money part of a chart axis title: 'USD of 1997–98, ' or ''."""
    return f"{d.currency} of {d.years}, " if d.currency else ""
