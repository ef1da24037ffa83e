"""Rules that relate claims through the ledger's structure: whose figure (`entity_id`, `scope`), what form
of statement (`form`), and which quantity (`subject`, `of_whole`, `baseline_ref`).

Each rule is general: it reads only the structure columns, the units and (for words and facts) the seed
sentence; nothing names a claim id. Severity follows scope: two figures of different entities or
scopes are never a contradiction."""
from __future__ import annotations

import math
import re
from difflib import SequenceMatcher
from itertools import combinations

import pandas as pd

from growthpath.audit.registry import Context, Finding, base_form, fmt, period_range, period_year, rule, stage
from growthpath.audit.readings import FLOOR_WORDS, human, times_readings
from growthpath.markup import and_list

ANNUAL_WORDS = re.compile(r"年均|每年|(?<![0-9])年增|年化|复合|CAGR|同比|增速")
CUMULATIVE_WORDS = re.compile(r"[较比]\s*(?:19|20)\d{2}\s*年|累计|相比(?:19|20)\d{2}")
LEVEL_FORMS = {"level", "count", "cost", "duration", "ratio"}
GROWTH_UNITS = {"%"}


# ----------------------------------------------------------------------------- shared helpers
def rows(ctx: Context) -> pd.DataFrame:
    """The ledger with the derived columns the rules group on: stage, bare form, year key."""
    c = ctx.claims
    if "stage" not in c.columns:
        c["stage"] = c["form"].map(stage)
        c["bare"] = c["form"].map(base_form)
        c["when"] = [_growth_end(p) if b == "growth_rate" else _when(p) for p, b in zip(c["period"], c["bare"])]
        c["about"] = [about(e, t, s) for e, t, s in zip(c["entity_id"], c["entity_type"], c["scope"])]
        # a firm's programmes are different initiatives; the plan's and the market's 'programme' is only a heading
        c["initiative"] = [p if t in ("platform", "case") or sc == "project" else ""
                           for p, t, sc in zip(c["programme"], c["entity_type"], c["scope"])]
    return c


def about(entity_id: str, entity_type: str, scope: str) -> str:
    """Whom a figure describes: the entity itself, except the plan's targets for the market (entity `plan`,
    scope other than its own `project`), which describe the market and are compared with the market's figures."""
    return "market" if entity_type == "plan" and scope != "project" else entity_id


def _when(period) -> str:
    """A comparable time key: the single year, the range 'A-B', or '' when undated."""
    text = "" if period is None or period != period else str(period).strip()
    year = period_year(text)
    if year is not None:
        return str(year)
    span = period_range(text)
    return f"{span[0]}-{span[1]}" if span else ("" if not re.search(r"\d{4}", text) else text)


def _growth_end(period) -> str:
    """A growth rate is compared with others ending in the same year: '2024-2026' (a rate for each year to
    2026) and '2023-2026' (a change from 2023) both describe growth to 2026, and `annual_readings` spreads
    each over both readings of its span."""
    text = "" if period is None or period != period else str(period)
    years = re.findall(r"(?:19|20)\d{2}", text)
    return years[-1] if years else ""


def where(r) -> str:
    return f"{r['doc']} §{r['section']}"


def shown(r) -> str:
    """'38 % (000 §3.1, 2023)': a value with its place and time."""
    when = f", {r['when']}" if r.get("when") else ""
    return f"{fmt(r['value'], r['unit'])} ({where(r)}{when})"


def who(r) -> str:
    """The entity as a sentence names it: 'the market', 'the plan', 'Pinduoduo (拼多多)', 'an unnamed platform (某平台)'."""
    key = r["entity_id"]
    if key in ("market", "plan"):
        return f"the {key}"
    name = r.get("entity_name")
    return with_article(name if isinstance(name, str) and name else key.replace("_", " "))


def with_article(name: str) -> str:
    """'an unnamed platform (某平台)': an unnamed firm reads as one of many; a named one needs no article."""
    return f"an {name}" if name.startswith("unnamed ") else name


def same_scope(a, b) -> bool:
    return a["about"] == b["about"] and a["scope"] == b["scope"]


def different_sentences(a, b) -> bool:
    return a["quote"] != b["quote"] or a["section"] != b["section"]


def rel_gap(a: float, b: float) -> float:
    hi = max(abs(a), abs(b))
    return 0.0 if hi == 0 else abs(a - b) / hi


def growth_basis(ctx: Context, r) -> str:
    """'annual' for a per-year rate (年均, 同比, a single year), 'cumulative' for a total change over a span."""
    if period_range(r["period"]) is None:
        return "annual"
    for text in (r["quote_zh"], ctx.sentence(r)):   # the claim's own words first: a sentence may hold several rates
        if ANNUAL_WORDS.search(text):
            return "annual"
        if CUMULATIVE_WORDS.search(text):
            return "cumulative"
    return "cumulative"


def annual_readings(ctx: Context, r) -> list[float]:
    """A growth claim as annual rates in %: itself, or a cumulative change spread over its span — B−A years
    when the text names A as the base ('较2023年增长58%'), else both readings (B−A and B−A+1 years)."""
    if growth_basis(ctx, r) == "annual":
        return [float(r["value"])]
    a, b = period_range(r["period"])
    spans = {b - a} if re.search(rf"[较比]\s*{a}\s*年|相比{a}", r["quote_zh"] + ctx.sentence(r)) else {b - a, b - a + 1}
    return [((1 + r["value"] / 100) ** (1 / n) - 1) * 100 for n in sorted(spans) if n > 0]


def comparable(a, b) -> bool:
    """Two claims stating one quantity the same way: same subject, entity, scope, stage, measure,
    whole and time (both undated counts as the same time, within one document)."""
    one_time = a["bare"] == "growth_rate" or "-" not in a["when"]   # a level 'over 2021-2023' is no one time
    return (one_time and a["subject"] == b["subject"] and same_scope(a, b) and same_initiative(a["initiative"], b["initiative"])
            and a["stage"] == b["stage"] and a["bare"] == b["bare"]
            and a["of_whole"] == b["of_whole"] and a["when"] == b["when"] and different_sentences(a, b))


def same_initiative(a: str, b: str) -> bool:
    """One initiative, however the ledger words it: the same name, or one name holding every word of the other
    ('cross-platform marketing' and 'cross-platform marketing campaign'; not 'phase 1' and 'phase 2')."""
    if a == b:
        return True
    wa, wb = (set(re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+", x.lower())) for x in (a, b))
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def disagree(ctx: Context, a, b, rel_tol: float, tol_pp: float) -> str | None:
    """Why two comparable claims cannot both be true (None if they can)."""
    if a["bare"] == "growth_rate":
        if a["unit"] != "%" or b["unit"] != "%":
            return None
        ra, rb = annual_readings(ctx, a), annual_readings(ctx, b)
        if min(abs(x - y) for x in ra for y in rb) <= tol_pp:
            return None
        return ("a year" if growth_basis(ctx, a) == growth_basis(ctx, b) == "annual" else
                "a year once the cumulative change is spread over its span")
    if a["canonical_unit"] != b["canonical_unit"]:
        return None
    if a["canonical_unit"] in ("%", "pp"):
        return None if abs(a["value_canonical"] - b["value_canonical"]) <= tol_pp else "points apart"
    return None if rel_gap(a["value_canonical"], b["value_canonical"]) <= rel_tol else "apart"


# ----------------------------------------------------------------------------- 1. same subject, different statements
@rule("same_subject_different_values", "One quantity stated twice with different values", rel_tol=0.05, tol_pp=1.0)
def same_subject_different_values(ctx: Context, rel_tol: float, tol_pp: float):
    """Two claims of one document on the same `subject`, entity, initiative (`same_initiative`), scope, stage
    (observed / target / forecast), measure and time that disagree once forms are converted: growth per year against a
    cumulative change over the same span (both span readings), or a level against the whole × a share.
    Levels differing by more than `rel_tol`, shares or rates by more than `tol_pp` points. Both claims
    cannot be true, so this is a contradiction; a target beside an observation is never compared."""
    c = rows(ctx)
    c = c[c["subject"] != ""]
    out = []
    for _, g in c.groupby(["doc", "subject", "about", "scope", "stage"]):   # initiatives: `comparable`
        for (_, a), (_, b) in combinations(g.iterrows(), 2):
            if not comparable(a, b) or a["value_canonical"] == b["value_canonical"] and a["unit"] == b["unit"]:
                continue
            why = disagree(ctx, a, b, rel_tol, tol_pp)
            if why is None:
                continue
            what = a["subject"].replace("_", " ")
            formula, result = _conversion(ctx, a, b) or ("compare the two figures", f"{fmt(a['value'], a['unit'])} vs {fmt(b['value'], b['unit'])}")
            # an unnamed firm (某品牌, 某平台) in two sentences may be two firms: the figures contradict only if they are one
            unnamed = unnamed_firm(a) and different_sentences(a, b)
            out.append(Finding(
                "same_subject_different_values", "unclear" if unnamed else "contradiction", [ctx.ref(a), ctx.ref(b)],
                {"subject": a["subject"], "entity": a["entity_id"], "scope": a["scope"], "form": a["form"],
                 "time": a["when"] or "undated", "a": a["value"], "a_unit": a["unit"], "b": b["value"], "b_unit": b["unit"]},
                formula, result,
                f"{a['doc']} gives {who(a)}'s {what} ({a['form'].replace('_', ' ')}, {a['when'] or 'undated'}) as "
                f"{fmt(a['value'], a['unit'])} in §{a['section']} and {fmt(b['value'], b['unit'])} in §{b['section']}: "
                + (_unnamed_text(ctx, c, a, b) if unnamed else _verdict_text(ctx, a, b, why))))
    out += _level_vs_share(ctx, c, rel_tol)
    return out


def unnamed_firm(r) -> bool:
    """A figure of a firm the text does not name (某品牌, 某平台: the ledger's `unnamed_…` entities)."""
    return str(r["entity_id"]).startswith("unnamed")


def _unnamed_text(ctx, c, a, b) -> str:
    """Why two figures of an unnamed firm need a reader: the text names the firm in neither place, and where a sentence
    credits the other place's figure to someone else (行业数据显示,30%…), it says so."""
    text = ("the text names the firm in neither place, so these may be two firms; only if they are one do the two "
            "figures contradict each other")
    for x, y in ((a, b), (b, a)):
        elsewhere = c[(c["doc"] == y["doc"]) & (c["section"] == y["section"]) & (c["subject"] == y["subject"])
                      & (c["value_canonical"] == x["value_canonical"]) & (c["entity_id"] != x["entity_id"])]
        for _, o in elsewhere.iterrows():
            if ctx.sentence(o) == ctx.sentence(y):
                text += (f". The sentence of §{y['section']} gives the {fmt(x['value'], x['unit'])} of §{x['section']} to "
                         f"{who(o)} instead, so the plan credits that figure to a firm in one place and to {who(o)} in the other")
                break
    return text + "."


def _rate_and_total(ctx, a, b):
    """A rate per year beside a total change over a span: (the annual claim, the cumulative one, the span's first and
    last year, the total's readings per year, the years of growth each reading gives); None for any other pair."""
    if a["bare"] != "growth_rate":
        return None
    kinds = {growth_basis(ctx, a): a, growth_basis(ctx, b): b}
    if len(kinds) != 2:
        return None
    ann, cum = kinds["annual"], kinds["cumulative"]
    per_year = annual_readings(ctx, cum)
    spans = [round(math.log(1 + cum["value"] / 100) / math.log(1 + x / 100)) for x in per_year if x > 0]
    return ann, cum, period_range(cum["period"]), per_year, spans


def _compounded(rate_pct: float, spans) -> str:
    return " or ".join(f"{((1 + rate_pct / 100) ** n - 1) * 100:.1f} %" for n in spans)


def _conversion(ctx, a, b) -> tuple[str, str] | None:
    """A rate per year beside a total change over a span: the formula that puts the rate in the total's terms and its
    result ('(1 + 18 %)^3 − 1', '64.3 % vs 58 % over 2023–2026'); None for any other pair."""
    pair = _rate_and_total(ctx, a, b)
    if pair is None:
        return None
    ann, cum, (first, last), _, spans = pair
    spans = sorted(set(spans))
    floor = "at least " if FLOOR_WORDS.search(ann["quote_zh"]) else ""
    return (" or ".join(f"(1 + {fmt(ann['value'])} %)^{n} − 1" for n in spans) + f" against the stated {fmt(cum['value'])} %",
            f"{floor}{_compounded(ann['value'], spans)} vs {fmt(cum['value'])} % over {first}–{last}")


def _verdict_text(ctx, a, b, why) -> str:
    if a["bare"] != "growth_rate":
        return "both cannot hold."
    pair = _rate_and_total(ctx, a, b)
    if pair is not None:   # a rate per year beside a total change: say each in the other's terms
        ann, cum, (first, last), per_year, spans = pair
        return (f"{fmt(ann['value'])} % a year is {_compounded(ann['value'], spans)} over {first}–{last}, against the stated "
                f"{fmt(cum['value'])} % ({' or '.join(f'{x:.1f} %' for x in per_year)} a year); both cannot hold.")
    ra = " or ".join(f"{x:.1f} %" for x in annual_readings(ctx, a))
    rb = " or ".join(f"{x:.1f} %" for x in annual_readings(ctx, b))
    return f"{ra} against {rb} {why}; both cannot hold."


def _level_vs_share(ctx: Context, c: pd.DataFrame, rel_tol: float) -> list[Finding]:
    """A share of a whole × a level of that whole (same entity, stage, year) against a stated level of the part."""
    out = []
    shares = c[(c["bare"] == "share") & (c["of_whole"] != "") & (c["unit"] == "%") & (c["when"] != "")]
    for _, s in shares.iterrows():
        wholes = c[(c["subject"] == s["of_whole"]) & (c["about"] == s["about"]) & (c["stage"] == s["stage"])
                   & (c["when"] == s["when"]) & c["bare"].isin(["level", "count"]) & (c["doc"] == s["doc"])]
        parts = c[(c["subject"] == s["subject"]) & (c["about"] == s["about"]) & (c["stage"] == s["stage"])
                  & (c["when"] == s["when"]) & c["bare"].isin(["level", "count"]) & (c["doc"] == s["doc"])]
        for (_, w), (_, p) in ((w, p) for w in wholes.iterrows() for p in parts.iterrows()):
            if w["canonical_unit"] != p["canonical_unit"]:
                continue
            implied = s["value"] / 100 * w["value_canonical"]
            if rel_gap(implied, p["value_canonical"]) <= rel_tol:
                continue
            unit = p["canonical_unit"]
            out.append(Finding(
                "same_subject_different_values", "contradiction", [ctx.ref(s), ctx.ref(w), ctx.ref(p)],
                {"share_pct": s["value"], "whole": w["value_canonical"], "part": p["value_canonical"], "unit": unit,
                 "time": s["when"]},
                "share × whole vs the stated part", f"{fmt(implied, unit)} vs {fmt(p['value_canonical'], unit)}",
                f"{s['doc']} puts {human(s['subject'])} at {fmt(s['value'])} % of {human(s['of_whole'])} "
                f"({where(s)}) and the whole at {fmt(w['value'], w['unit'])} ({where(w)}), which makes the part "
                f"{fmt(implied, unit)}; {where(p)} states {fmt(p['value'], p['unit'])} for {s['when']}."))
    return out


# ----------------------------------------------------------------------------- 2. target arithmetic
@rule("target_arithmetic", "What the plan's targets imply for each other and for today's levels", rel_tol=0.10)
def target_arithmetic(ctx: Context, rel_tol: float):
    """A target share × the target total of its whole gives the part's target level. That level is set
    against (a) the part's latest stated level before the target year — a part that must shrink while the
    plan grows it is implausible — and (b) any other target the plan states for the part in that year (a
    contradiction beyond `rel_tol`)."""
    c = rows(ctx)
    out = []
    shares = c[(c["form"].isin(["target_share", "forecast_share"])) & (c["of_whole"] != "") & (c["unit"] == "%")]
    for _, s in shares.iterrows():
        year = period_year(s["period"])
        if year is None:
            continue
        wholes = c[(c["subject"] == s["of_whole"]) & (c["stage"] == s["stage"]) & (c["when"] == str(year))
                   & c["bare"].isin(["level", "count"]) & (c["about"] == s["about"])]
        for _, w in wholes.drop_duplicates("value_canonical").iterrows():
            implied = s["value"] / 100 * w["value_canonical"]
            unit = w["canonical_unit"]
            out += _against_current(ctx, c, s, w, implied, unit, year)
            out += _against_other_targets(ctx, c, s, w, implied, unit, year, rel_tol)
    return out


def _current_levels(c: pd.DataFrame, subject: str, entity: str, unit: str, year: int) -> pd.DataFrame:
    levels = c[(c["subject"] == subject) & (c["about"] == entity) & (c["stage"] == "observed")
               & c["bare"].isin(["level", "count"]) & (c["canonical_unit"] == unit)].copy()
    levels["y"] = levels["period"].map(period_year)
    levels = levels[levels["y"].notna() & (levels["y"] < year)]
    return levels[levels["y"] == levels["y"].max()] if len(levels) else levels


def _implied_text(s, w, implied, unit) -> str:
    return (f"{fmt(s['value'])} % of {fmt(w['value'], w['unit'])} ({human(s['of_whole'])}, {where(w)}) is "
            f"{fmt(implied, unit)} of {human(s['subject'])} in {period_year(s['period'])}")


def _against_current(ctx, c, s, w, implied, unit, year) -> list[Finding]:
    out = []
    for _, now in _current_levels(c, s["subject"], s["about"], unit, year).iterrows():
        if implied >= now["value_canonical"]:
            continue
        floor = FLOOR_WORDS.search(w["quote_zh"])
        inputs = {"target_share_pct": s["value"], "target_whole": w["value_canonical"], "implied_part": round(implied, 4),
                  "target_year": year, "current_part": now["value_canonical"], "current_year": int(now["y"]), "unit": unit}
        if floor:   # the whole is 'at least' its target: the part shrinks only if the whole stays near that floor
            inputs |= {"whole_floor": floor.group(0), "whole_to_keep_part": round(now["value_canonical"] / (s["value"] / 100), 4)}
        out.append(Finding(
            "target_arithmetic", "implausible", [ctx.ref(s), ctx.ref(w), ctx.ref(now)], inputs,
            "target share × target whole vs the latest stated level", f"{fmt(implied, unit)} < {fmt(now['value_canonical'], unit)}",
            f"The plan's own targets shrink this part: {_implied_text(s, w, implied, unit)} ({where(s)}), below the "
            f"{fmt(now['value'], now['unit'])} it states for {int(now['y'])} ({where(now)})"
            + (f". The whole's target is a floor ({floor.group(0)}, at least): the part keeps that level only if the whole "
               f"reaches {fmt(inputs['whole_to_keep_part'], unit)}, {inputs['whole_to_keep_part'] / w['value_canonical']:.1f} times "
               "its target." if floor else ".")))
    return out


def _against_other_targets(ctx, c, s, w, implied, unit, year, rel_tol) -> list[Finding]:
    out = []
    others = c[(c["subject"] == s["subject"]) & (c["about"] == s["about"]) & (c["stage"] == s["stage"])
               & (c["when"] == str(year)) & c["bare"].isin(["level", "count"]) & (c["canonical_unit"] == unit)]
    for _, o in others.iterrows():
        if rel_gap(implied, o["value_canonical"]) <= rel_tol:
            continue
        out.append(Finding(
            "target_arithmetic", "contradiction", [ctx.ref(s), ctx.ref(w), ctx.ref(o)],
            {"target_share_pct": s["value"], "target_whole": w["value_canonical"], "implied_part": round(implied, 4),
             "stated_part": o["value_canonical"], "unit": unit},
            "target share × target whole vs the stated target of the part", f"{fmt(implied, unit)} vs {fmt(o['value_canonical'], unit)}",
            f"Two targets of the plan disagree: {_implied_text(s, w, implied, unit)}, but {where(o)} sets "
            f"{fmt(o['value'], o['unit'])}."))
    return out


DRIVERS = {"gmv": "social_commerce_gmv", "users": "social_commerce_users", "aov": "aov", "frequency": "purchase_frequency"}


@rule("driver_tree", "GMV = users × orders per user × order value, for the plan's 2026 targets", ratio=2.0)
def driver_tree(ctx: Context, ratio: float):
    """The plan's targets for market GMV, users and average order value (same year) imply how often each
    user must buy: GMV ÷ (users × AOV) orders a year. It is compared with every purchase frequency the
    documents state for users of the market; more than `ratio` times the highest stated frequency (or
    below 1/`ratio` of the lowest) is implausible. Without a stated frequency the implied one is reported
    as unclear, for the reader to judge."""
    c = rows(ctx)
    out = []
    gmv = c[(c["subject"] == DRIVERS["gmv"]) & c["form"].isin(["target_level"]) & (c["canonical_unit"] == "亿元")]
    for _, g in gmv.iterrows():
        year = str(period_year(g["period"]))
        users = c[(c["subject"] == DRIVERS["users"]) & c["form"].isin(["target_level", "target_count"])
                  & (c["when"] == year) & (c["canonical_unit"] == "亿人")]
        aov = c[(c["subject"] == DRIVERS["aov"]) & (c["about"] == g["about"]) & (c["canonical_unit"] == "元")
                & (c["stage"] == "target") & (c["when"] == year)]
        for (_, u), (_, a) in ((u, a) for u in users.drop_duplicates("value_canonical").iterrows() for a in aov.iterrows()):
            orders = g["value_canonical"] / (u["value_canonical"] * a["value_canonical"])  # 亿元 ÷ (亿人 × 元)
            out.append(_frequency_finding(ctx, c, g, u, a, orders, ratio))
    out += _frequency_change(ctx, c)
    return [f for f in out if f is not None]


def _growth_factor(ctx: Context, r, base_year: int, year: int) -> float | None:
    """Total growth from `base_year` to `year` a growth target means: an annual rate compounded over the
    years between, or a cumulative change stated from the base year."""
    if growth_basis(ctx, r) == "annual":
        return (1 + r["value"] / 100) ** (year - base_year)
    span = period_range(r["period"])
    return 1 + r["value"] / 100 if span and span[0] == base_year and span[1] == year else None


def _frequency_change(ctx: Context, c: pd.DataFrame) -> list[Finding]:
    """The growth the plan targets for GMV, users and order value, from the order value's base year to its
    target year: GMV growth ÷ (user growth × order-value growth) is how much more (or less) often each user
    must buy. Below 1 under every pairing of the stated rates, the targets need users to buy less often."""
    out = []
    plan = c[c["about"] == "market"]
    for _, a in plan[(plan["subject"] == DRIVERS["aov"]) & (plan["form"] == "target_level")].iterrows():
        base = baseline_value(ctx, a)
        base_rows = c[c["claim_id"] == a["baseline_ref"]]
        year, base_year = period_year(a["period"]), period_year(base_rows.iloc[0]["period"]) if len(base_rows) else None
        if base is None or year is None or base_year is None:
            continue
        aov_factor = a["value_canonical"] / base[0]
        gmv = [(r, _growth_factor(ctx, r, base_year, year)) for _, r in
               plan[(plan["subject"] == DRIVERS["gmv"]) & (plan["form"] == "target_growth")].iterrows()]
        users = [(r, _growth_factor(ctx, r, base_year, year)) for _, r in
                 plan[(plan["subject"] == DRIVERS["users"]) & (plan["form"] == "target_growth")].iterrows()]
        pairs = [(g, fg, u, fu, fg / (fu * aov_factor)) for g, fg in gmv if fg for u, fu in users if fu]
        if not pairs or max(p[-1] for p in pairs) >= 1:
            continue
        lo, hi = min(p[-1] for p in pairs), max(p[-1] for p in pairs)
        refs = [ctx.ref(a), *base[2]] + [ctx.ref(x) for p in pairs for x in (p[0], p[2])]
        grown = {"GMV": dict.fromkeys(f"×{fg:.2f} ({where(g)})" for g, fg, *_ in pairs),
                 "users": dict.fromkeys(f"×{fu:.2f} ({where(u)})" for _, _, u, fu, _ in pairs)}
        rates = f"GMV growing {' or '.join(grown['GMV'])} and users {' or '.join(grown['users'])}"
        repurchase = plan[(plan["subject"] == "repurchase_rate") & (plan["form"] == "target_level")]
        also = "".join(f" — while {where(r)} targets a repurchase rate of {fmt(r['value'], r['unit'])}" for _, r in repurchase.iterrows())
        out.append(Finding(
            "driver_tree", "implausible", refs + [ctx.ref(r) for _, r in repurchase.iterrows()],
            {"base_year": base_year, "target_year": year, "aov_factor": round(aov_factor, 3),
             "frequency_factor_min": round(lo, 3), "frequency_factor_max": round(hi, 3)},
            "GMV growth ÷ (user growth × order-value growth)", f"orders per user ×{lo:.2f}–{hi:.2f}",
            f"From {base_year} to {year} the plan grows the order value ×{aov_factor:.2f} ({fmt(base[0])} → {fmt(a['value'], a['unit'])}, "
            f"{where(a)}); with {rates}, each user must buy {1 - hi:.0%}–{1 - lo:.0%} less often{also}."))
    return out


def _frequencies(c, market: bool) -> pd.DataFrame:
    """Purchase frequencies the documents state for the market (`market`), or for one platform, programme or its
    members."""
    stated = c[(c["subject"] == DRIVERS["frequency"]) & c["canonical_unit"].isin(["次/月", "次/年"])]
    return stated[(stated["about"] == "market") == market]


def _no_market_frequency(c) -> str:
    narrow = _frequencies(c, market=False)
    if narrow.empty:
        return "; the documents state no purchase frequency to check it against."
    per_year = narrow["value_canonical"] * narrow["canonical_unit"].map({"次/月": 12, "次/年": 1})
    return (f"; the documents state no market-wide purchase frequency to check it against, only those of one platform's "
            f"ecosystem or one programme's members ({per_year.min():.0f}–{per_year.max():.0f} a year, e.g. "
            f"{fmt(narrow.iloc[0]['value'], narrow.iloc[0]['unit'])}, {where(narrow.iloc[0])}), heavy buyers an average "
            "user need not match.")


def _frequency_finding(ctx, c, g, u, a, orders, ratio) -> Finding | None:
    freq = _frequencies(c, market=True)
    per_year = [(r, r["value_canonical"] * (12 if r["canonical_unit"] == "次/月" else 1)) for _, r in freq.iterrows()]
    text = (f"The plan's {g['when']} targets — GMV {fmt(g['value'], g['unit'])} ({where(g)}), {fmt(u['value'], u['unit'])} users "
            f"({where(u)}), an order value of {fmt(a['value'], a['unit'])} ({where(a)}, {a['form'].replace('_', ' ')}) — mean "
            f"{orders:.1f} orders per user a year ({orders / 12:.1f} a month)")
    refs = [ctx.ref(g), ctx.ref(u), ctx.ref(a)]
    inputs = {"gmv": g["value_canonical"], "users": u["value_canonical"], "aov": a["value_canonical"],
              "orders_per_user_year": round(orders, 2)}
    if not per_year:
        return Finding("driver_tree", "unclear", refs + [ctx.ref(r) for _, r in _frequencies(c, market=False).iterrows()], inputs,
                       "GMV ÷ (users × AOV)", f"{orders:.1f} orders a year", text + _no_market_frequency(c))
    lo, hi = min(v for _, v in per_year), max(v for _, v in per_year)
    if hi * ratio >= orders >= lo / ratio:
        return None
    stated = "; ".join(f"{fmt(r['value'], r['unit'])} ({where(r)})" for r, _ in per_year)
    return Finding("driver_tree", "implausible", refs + [ctx.ref(r) for r, _ in per_year],
                   {**inputs, "stated_per_year_min": lo, "stated_per_year_max": hi}, "GMV ÷ (users × AOV)",
                   f"{orders:.1f} orders a year vs stated {fmt(lo)}–{fmt(hi)}",
                   text + f", against the frequencies the documents state for users ({stated}, {fmt(lo)}–{fmt(hi)} a year).")


# ----------------------------------------------------------------------------- 3. multipliers against their baseline


def baseline_value(ctx: Context, r) -> tuple[float, str, list] | None:
    """(value in the claim's canonical unit, description, refs) of the claim's baseline: the claim its
    `baseline_ref` names, a stated value, or the market's level of the same subject when the text names an
    average without giving it."""
    ref = r["baseline_ref"].strip()
    if not ref:
        return None
    found = ctx.claims[ctx.claims["claim_id"] == ref]
    if len(found):
        b = found.iloc[0]
        return float(b["value_canonical"]), f"{fmt(b['value'], b['unit'])} ({where(b)})", [ctx.ref(b)]
    m = re.match(r"stated:\s*([0-9.]+)", ref)
    if m:
        return float(m.group(1)), f"{m.group(1)} stated in the same sentence", []
    return None


def multiplier_readings(ctx: Context, r) -> dict[str, float]:
    """The ratio level ÷ baseline a multiplier claim means, under each reading its words allow."""
    n = float(r["value"])
    text = r["quote_zh"]
    if r["canonical_unit"] == "×":    # one reading per wording, as everywhere in the book (`readings.times_readings`)
        return {(f"{fmt(x)}×" if x == n else f"{fmt(x)}× ({fmt(n)} times more)"): x for x in times_readings(text, n)}
    sign = -1 if re.search(r"低|降|少|缩短|减", text) else 1
    if r["canonical_unit"] == "%":
        return {f"{'+' if sign > 0 else '−'}{fmt(n)} %": 1 + sign * n / 100}
    if r["canonical_unit"] == "pp":
        return {f"{'+' if sign > 0 else '−'}{fmt(n)} points": sign * n}
    return {}


@rule("multiplier_vs_baseline", "A multiple or a 'higher by N %' against the value given for its baseline", rel_tol=0.10,
      tol_pp=1.0)
def multiplier_vs_baseline(ctx: Context, rel_tol: float, tol_pp: float):
    """A claim 'X is N× / N % / N points above (or below) B' (form multiplier or effect) whose baseline B
    resolves (`baseline_ref`: another claim, or a value stated in the sentence), beside a level of X for
    the same entity and subject: level ÷ baseline must match N× (or (N+1)× for '高N倍'), level ÷ baseline
    1 ± N/100 for a percent (the change it makes, within `tol_pp` points: 89 → 60 is −32.6 %, not −35 %), level −
    baseline ± N for points, within `rel_tol` under some reading. A level and a baseline in the multiple's own
    sentence cannot disagree: a contradiction, unless the change is credited to one named means of the level's
    programme (通过私域裂变模式使获客成本降低35%, beside the KPI 目标CAC从89元/人降至60元/人), which may be that means'
    own cut: unclear. A level or a baseline from another sentence may be another quantity or time: unclear."""
    c = rows(ctx)
    out = []
    for _, m in c[c["bare"].isin(["multiplier", "effect"]) & (c["baseline_ref"] != "")].iterrows():
        base = baseline_value(ctx, m)
        readings = multiplier_readings(ctx, m)
        if base is None or not readings or base[0] == 0 or not _same_quantity(ctx, c, m):
            continue
        levels = c[(c["subject"] == m["subject"]) & (c["about"] == m["about"]) & (c["initiative"] == m["initiative"])
                   & (c["doc"] == m["doc"]) & c["bare"].isin(["level", "count", "ratio"]) & (c["claim_id"] != m["claim_id"])
                   & (c["claim_id"] != m["baseline_ref"]) & (c["canonical_unit"] == _base_unit(c, m, base))]
        for _, x in levels.iterrows():
            if x["stage"] != m["stage"] and ctx.sentence(x) != ctx.sentence(m):
                continue   # a target elsewhere is not the level the multiple describes
            out += _check_multiple(ctx, c, m, x, base, readings, rel_tol, tol_pp)
    return out


def _same_quantity(ctx, c, m) -> bool:
    """Whether the claim a multiple names as its baseline can be its baseline: of the multiple's own subject, or in its
    own sentence (which says what it compares with). A claim of another subject from another sentence (an industry
    average of potential-user conversion for a multiple of fission conversion) is another quantity: related as
    one, it would make up a baseline the text never gives."""
    found = c[c["claim_id"] == m["baseline_ref"]]
    if found.empty:
        return True
    b = found.iloc[0]
    return b["subject"] == m["subject"] or ctx.sentence(b) == ctx.sentence(m)


def _base_unit(c, m, base) -> str:
    rows_ = c[c["claim_id"] == m["baseline_ref"]]
    return rows_.iloc[0]["canonical_unit"] if len(rows_) else m["canonical_unit"] if m["canonical_unit"] not in ("×", "%", "pp") else "%"


def _check_multiple(ctx, c, m, x, base, readings, rel_tol, tol_pp=1.0) -> list[Finding]:
    if m["canonical_unit"] == "pp":
        actual = x["value_canonical"] - base[0]
        ok = any(abs(actual - want) <= max(0.5, rel_tol * abs(want)) for want in readings.values())
        shown_actual = f"{actual:+.1f} points"
    elif m["canonical_unit"] == "%":   # a change in percent: compared as the change, in points of percent
        actual = x["value_canonical"] / base[0]
        ok = any(abs(actual - want) * 100 <= tol_pp for want in readings.values())
        shown_actual = f"{(actual - 1) * 100:+.1f} %"
    else:
        actual = x["value_canonical"] / base[0]
        ok = any(abs(actual / want - 1) <= rel_tol for want in readings.values())
        shown_actual = f"{actual:.2f}×"
    if ok:
        return []
    one_sentence = ctx.sentence(x) == ctx.sentence(m)
    base_rows = c[c["claim_id"] == m["baseline_ref"]]
    base_here = not len(base_rows) or ctx.sentence(base_rows.iloc[0]) == ctx.sentence(m)
    means = _means_of(m, x)
    severity = "contradiction" if one_sentence and base_here and not means else "unclear"
    return [Finding(
        "multiplier_vs_baseline", severity, [ctx.ref(m), ctx.ref(x), *base[2]],
        {"stated": m["value"], "stated_unit": m["unit"], "level": x["value"], "level_unit": x["unit"], "baseline": base[0],
         "baseline_unit": _base_unit(c, m, base)},
        "level against the baseline vs the stated multiple", f"{shown_actual} vs " + " or ".join(readings),
        f"{where(m)} says {human(m['subject'])} of {fmt(x['value'], x['unit'])} ({where(x)}) is {' or '.join(readings)} "
        f"its baseline, and gives that baseline as {base[1]}: {_level_against(x, actual, shown_actual, m)}"
        + ("." if severity == "contradiction" else
           f"; unless the {' or '.join(readings)} is the cut of {means} alone, not of the whole, the two cannot both hold."
           if one_sentence and base_here else
           "; the baseline comes from another sentence and may not be the same quantity or year, so this needs a reader's check."))]


def _means_of(m, x) -> str:
    """The named means a change is credited to when it is narrower than the level's programme ('KPI体系 – 私域裂变模式'
    beside 'KPI体系': '私域裂变模式'), else ''."""
    pm, px = str(m["programme"]), str(x["programme"])
    if pm and pm != px and (not px or pm.startswith(px)):
        return pm[len(px):].lstrip(" –-") or pm
    return ""


def _level_against(x, actual: float, shown_actual: str, m) -> str:
    """'8 % equals that baseline' when the two are the same figure, else '8 % is 1.40× that baseline'."""
    level = fmt(x["value"], x["unit"])
    same = abs(actual) < 0.05 if m["canonical_unit"] == "pp" else abs(actual - 1) < 0.005
    if same:
        return f"{level} equals that baseline"
    return f"{level} is {shown_actual} {'from ' if m['canonical_unit'] == 'pp' else ''}that baseline"


# ----------------------------------------------------------------------------- 4. one initiative, different outcomes
@rule("initiative_outcomes", "One initiative reported with different results in different places", tol_pp=0.5, spread=1.5)
def initiative_outcomes(ctx: Context, tol_pp: float, spread: float):
    """Effects (form effect or multiplier) of one named programme of one entity (a firm, a case or a cited
    study) on one subject, stated in different sentences. The same unit with different values cannot both
    describe one result (a contradiction); the same number once in percent and once in percentage points
    is unclear. A result in points beside one in percent agrees only if the rate started at
    points ÷ percent: implausible when the rate the documents give for that firm is further than a factor
    `spread` from that start, unclear when they give none. Programme-less effects are grouped only when they also share
    the money spent (a cost claim of the same value in both sentences)."""
    c = rows(ctx)
    eff = c[c["bare"].isin(["effect", "multiplier"]) & c["entity_type"].isin(["platform", "case", "source"])]
    out = []
    for (_, prog, subject), g in eff.groupby(["entity_id", "programme", "subject"]):
        g = g.drop_duplicates("quote")
        if len(g) < 2 or (not prog and not _shared_spend(c, g)):
            continue
        for (_, a), (_, b) in combinations(g.iterrows(), 2):
            found = _outcome_gap(c, a, b, subject, tol_pp, spread)
            if found is None:
                continue
            severity, why, inputs = found
            name = f"{who(a)}'s {prog}" if prog else who(a)
            name = name[0].upper() + name[1:]   # it opens the sentence
            out.append(Finding(
                "initiative_outcomes", severity, [ctx.ref(a), ctx.ref(b)],
                {"entity": a["entity_id"], "programme": prog, "subject": subject, "a": a["value"], "a_unit": a["unit"],
                 "b": b["value"], "b_unit": b["unit"], **inputs},
                "compare the reported results", f"{fmt(a['value'], a['unit'])} vs {fmt(b['value'], b['unit'])}",
                f"{name} is credited with two different results on {human(subject)} ({where(a)} and {where(b)}): {why}."))
    return out


def _outcome_gap(c, a, b, subject, tol_pp, spread):
    units = {a["canonical_unit"], b["canonical_unit"]}
    if len(units) == 1:
        if abs(a["value_canonical"] - b["value_canonical"]) <= tol_pp:
            return None
        return "contradiction", f"{fmt(a['value'], a['unit'])} in one place, {fmt(b['value'], b['unit'])} in the other", {}
    if units != {"%", "pp"}:
        return None
    pct, pts = (a, b) if a["canonical_unit"] == "%" else (b, a)
    if abs(pct["value"] - pts["value"]) <= tol_pp:
        return "unclear", f"the same {fmt(a['value'])} is a percent change in one place and percentage points in the other", {}
    start = pts["value"] / pct["value"] * 100
    own = c[(c["subject"] == subject) & (c["entity_id"] == a["entity_id"]) & (c["canonical_unit"] == "%")
            & c["bare"].isin(["level", "share"])]["value"]
    text = (f"{where(pts)} gives +{fmt(pts['value'])} points and {where(pct)} +{fmt(pct['value'])} %, which describe one "
            f"change only if the rate started at {fmt(start)} %")
    if own.empty:
        return "unclear", text + "; the documents give no rate for this firm to tell", {"implied_start_pct": round(start, 2)}
    inside = float(own.min()) / spread <= start <= float(own.max()) * spread
    return (("unclear" if inside else "implausible"),
            text + f", {'close to' if inside else 'far from'} the {'; '.join(fmt(v) + ' %' for v in own)} the documents give for it",
            {"implied_start_pct": round(start, 2), "stated_levels_pct": "; ".join(fmt(v) for v in own)})


def _shared_spend(c: pd.DataFrame, g: pd.DataFrame) -> bool:
    spends = [set(c[(c["quote"] == q) & (c["bare"] == "cost")]["value_canonical"]) for q in g["quote"]]
    return len(spends) > 1 and bool(set.intersection(*spends))


# ----------------------------------------------------------------------------- 5. recycled evidence
@rule("recycled_evidence", "The same figure credited to different companies, programmes or events", min_similarity=0.6,
      template_similarity=0.5)
def recycled_evidence(ctx: Context, min_similarity: float, template_similarity: float):
    """Claims in different sentences with the same value, unit and form (a growth rate and a programme's effect
    are both a change: `CHANGE_FORMS`) on the same subject, credited to
    different cases (another entity, or another initiative of one entity: see `one_case`), whose quotes or
    seed sentences are near-identical (similarity ≥ `min_similarity` once quoted titles are set aside) or whose
    value is distinctive: one result told as evidence for two cases. One finding per figure, naming every
    place it is credited; figures of one sentence pair (a level and its change) are one finding.
    Market-wide figures and the plan's own numbers are not evidence of a case and are left out.
    Implausible rather than a contradiction: two firms can match by chance.

    The same sentence with the same distinctive value (not whole) credited to two cases on two subjects (哈佛 '整体产出可提升6.7倍',
    麦肯锡 '整体投资回报可提升6.7倍') is the same finding told of two studies: recycled too, when the whole sentences share
    one template (similarity ≥ `template_similarity` once quoted titles are set aside: 根据…研究,当…符合“…”时,…提升N倍).
    And one programme, word for word (a quoted title of 6+ characters), credited to two firms on one subject with two
    results is unclear: one case told twice with the firm or the result changed, or two firms running one generic tactic."""
    c = rows(ctx)
    cases = c[c["entity_type"].isin(["platform", "case", "source"]) & (c["bare"] != "date")].copy()
    cases["told_as"] = cases["bare"].map(lambda b: CHANGE_FORMS.get(b, b))
    by_places: dict[frozenset, list] = {}

    def similarity(a, b, quotes: bool = True) -> float:
        pairs = ((a["quote_zh"], b["quote_zh"]),) * quotes + ((ctx.sentence(a), ctx.sentence(b)),)
        return max(SequenceMatcher(None, _phrase(x), _phrase(y)).ratio() for x, y in pairs)

    def keep(hit, close, whole=None):
        if hit:
            places = frozenset((r["doc"], r["section"], r["entity_id"]) for r in (whole or hit).values())
            by_places.setdefault(places, []).append((list(hit.values()), close))

    for _key, g in cases.groupby(["value_canonical", "canonical_unit", "subject", "told_as"]):
        hit: dict[str, pd.Series] = {}
        close = False
        for (_, a), (_, b) in combinations(g.iterrows(), 2):
            if one_case(a, b) or (a["doc"], a["section"]) == (b["doc"], b["section"]) and ctx.sentence(a) == ctx.sentence(b):
                continue
            sim = similarity(a, b)
            if sim < min_similarity and not distinctive_claim(a):
                continue
            close |= sim >= min_similarity
            hit.update({a["claim_id"]: a, b["claim_id"]: b})
        keep(hit, close)
    for _key, g in cases.groupby(["value_canonical", "canonical_unit", "told_as"]):   # one sentence, two subjects
        hit = {}
        for (_, a), (_, b) in combinations(g.iterrows(), 2):
            # the whole sentences alike, not only the short quotes ('提升至行业平均的2.1倍' is a common phrase)
            if (a["subject"] != b["subject"] and not one_case(a, b) and float(a["value"]) != round(float(a["value"]))
                    and a["section"] != b["section"] and similarity(a, b, quotes=False) >= template_similarity):
                hit.update({a["claim_id"]: a, b["claim_id"]: b})
        for subject in dict.fromkeys(r["subject"] for r in hit.values()):   # each subject's figure named
            keep({k: r for k, r in hit.items() if r["subject"] == subject}, True, hit)
    return [_recycled_finding(ctx, groups) for groups in by_places.values()] + _one_programme_two_firms(ctx, cases)


def _one_programme_two_firms(ctx, cases: pd.DataFrame) -> list[Finding]:
    """One programme, word for word, credited to two firms with two different results on one subject."""
    out = []
    for _subject, g in cases[cases["programme"] != ""].groupby("subject"):
        for (_, a), (_, b) in combinations(g.iterrows(), 2):
            shared = {t for t in _core(a["programme"]) & _core(b["programme"]) if len(t) >= 6}
            if a["entity_id"] == b["entity_id"] or not shared or a["value_canonical"] == b["value_canonical"] or a["doc"] != b["doc"]:
                continue
            title = "+".join(t for t in re.findall(r"[\u4e00-\u9fff]{2,}", a["programme"]) if t in shared) or min(shared)
            out.append(Finding(
                "recycled_evidence", "unclear", [ctx.ref(a), ctx.ref(b)],
                {"programme": title, "credited_to": [credit(a), credit(b)], "a": a["value"], "a_unit": a["unit"],
                 "b": b["value"], "b_unit": b["unit"]},
                "same programme, different firms and results", f"{fmt(a['value'], a['unit'])} vs {fmt(b['value'], b['unit'])}",
                f"The same programme, “{title}”, is credited to {who(a)} with {human(a['subject'])} of {shown(a)} and to "
                f"{who(b)} with {fmt(b['value'], b['unit'])} ({where(b)}): one case told twice with the firm or the result "
                "changed, or two firms running one generic tactic; the text gives no source for either."))
    return out


def _stated(r) -> str:
    """A figure as the sentence uses it: a level ('CAC of 12 元/人') or a change ('CAC down 65 %')."""
    if r["bare"] in ("effect", "multiplier"):
        down = re.search(r"低|降|少|缩短|减", r["quote_zh"])
        return f"{human(r['subject'])} {'down' if down else 'up'} {fmt(r['value'], r['unit'])}"
    return f"{human(r['subject'])} of {fmt(r['value'], r['unit'])}"


def _recycled_finding(ctx, groups) -> Finding:
    claims_ = [r for rs, _ in groups for r in rs]
    figures = list(dict.fromkeys(_stated(rs[0]) for rs, _ in groups))
    places: dict[str, list[str]] = {}
    for r in claims_:      # one credit per case, with every place it is told
        places.setdefault(credit(r), []).append(where(r))
    credits = [f"{case}, in {and_list(list(dict.fromkeys(told)))}" for case, told in places.items()]   # names may hold parentheses
    close = any(flag for _, flag in groups)
    one_firm = len({r["entity_id"] for r in claims_}) == 1
    studies = all(r["entity_type"] == "source" for r in claims_)
    why = ("one figure used as evidence for different programmes of one firm" if one_firm else
           "one finding credited to different studies in one template sentence, or studies that match by chance" if studies else
           "one figure used as evidence more than once, or firms that match by chance")
    return Finding(
        "recycled_evidence", "implausible", [ctx.ref(r) for r in claims_],
        {"figures": figures, "credited_to": credits, "near_identical_sentences": close},
        "same value, same subject, different cases", f"{len(credits)} credits",
        f"The same result ({'; '.join(figures)}) is credited{', in almost the same words,' if close else ''} to "
        + "; ".join(credits[:-1]) + "; and " + credits[-1] + f": {why}; the text gives no source for "
        f"{'either' if len(credits) == 2 else 'any of them'}.")


def one_case(a, b) -> bool:
    """Two claims about one case: the same entity, and programmes that are blank or name one initiative
    (one name contains the other's core, as '小单快反' and 'flexible supply chain (小单快反)')."""
    if a["entity_id"] != b["entity_id"]:
        return False
    pa, pb = _core(a["programme"]), _core(b["programme"])
    return not pa or not pb or bool(pa & pb)


def _core(programme: str) -> set[str]:
    """Name tokens of a programme: runs of Chinese characters, and Latin words of 3+ letters."""
    return set(re.findall(r"[\u4e00-\u9fff]{2,}", programme)) | {w.lower() for w in re.findall(r"[A-Za-z0-9]{3,}", programme)}


def credit(r) -> str:
    """Whom a result is credited to: 'Meituan (美团)'s 美团优选', 'an unnamed platform (某平台)'."""
    name = who(r)
    return f"{name}'s {r['programme']}" if r["programme"] else name


def _phrase(text: str) -> str:
    """A sentence with quoted programme titles and unnamed-firm phrases removed, to compare how a result is phrased."""
    text = re.sub(r"[“\"「『][^”\"」』]*[”\"」』]", "", text)
    return re.sub(r"某[\u4e00-\u9fff]{1,6}?(平台|品牌|企业|商家|公司)", "", text)


# a change of a quantity, whether the ledger files it as a period's growth ('2023年用户增速达28%') or as what a
# programme achieved ('实现用户增长28%'): one result, told two ways
CHANGE_FORMS = {"growth_rate": "change", "effect": "change"}


def distinctive_claim(r) -> bool:
    """A value unlikely to match by chance: not whole, or a whole number ≥ 10 off the multiples of 5 in a unit
    other than % (whole percentages recur too often: such a match needs near-identical words)."""
    v = float(r["value"])
    return v != round(v) or (v >= 10 and round(v) % 5 != 0 and r["canonical_unit"] != "%")


@rule("duplicated_passage", "The same case told again in another section", min_similarity=0.6)
def duplicated_passage(ctx: Context, min_similarity: float):
    """One case (same entity, same initiative: see `one_case`) with the same value on the same subject in
    two sections of one document, in the same or nearly the same words (similarity ≥ `min_similarity`):
    one piece of evidence presented twice. One finding per pair of sections, naming every case repeated. (The same figure
    credited to different entities is recycled evidence.)"""
    c = rows(ctx)
    groups: dict[tuple, list] = {}
    for (doc, _v, _u, _subject), g in c.groupby(["doc", "value_canonical", "canonical_unit", "subject"]):
        for (_, a), (_, b) in combinations(g.iterrows(), 2):
            if a["section"] == b["section"] or not one_case(a, b):
                continue
            if a["quote"] != b["quote"] and SequenceMatcher(None, _phrase(a["quote_zh"]), _phrase(b["quote_zh"])).ratio() < min_similarity:
                continue
            key = (doc, tuple(sorted({a["section"], b["section"]})))
            groups.setdefault(key, [])
            groups[key] += [x for x in (a, b) if x["claim_id"] not in {y["claim_id"] for y in groups[key]}]
    out = []
    for (doc, sections), rs in groups.items():
        where_ = ", ".join(sections)
        cases = list(dict.fromkeys(credit(r) for r in rs))
        out.append(Finding(
            "duplicated_passage", "unclear", [ctx.ref(r) for r in rs],
            {"sections": where_, "claims": len(rs), "cases": cases}, "same cases, same figures", f"repeated in §§{where_}",
            f"{doc} §§{where_} tell the same {'case' if len(cases) == 1 else 'cases'} ({'; '.join(cases)}) with the same "
            f"figures ({'; '.join(dict.fromkeys(fmt(r['value'], r['unit']) for r in rs))}): evidence presented twice, not twice the evidence."))
    return out


# ----------------------------------------------------------------------------- 6. across the two documents
@rule("cross_doc_conflict", "The two documents on the same quantity", rel_tol=0.10, tol_pp=2.0, max_gap_years=1)
def cross_doc_conflict(ctx: Context, rel_tol: float, tol_pp: float, max_gap_years: int):
    """Claims of 000 and 004 on the same subject, entity, scope, stage and measure (levels, shares, rates,
    growth) that differ beyond `rel_tol` (levels) or `tol_pp` points (shares, rates, annual growth). For
    the same year two observations are a contradiction, while two forecasts or targets (of different
    authors) are unclear; for years at most `max_gap_years` apart, or unstated in either, it is unclear, with each document's year — both may hold if the quantity moved. Figures further apart in
    time are a history, not a conflict."""
    c = rows(ctx)
    c = c[(c["subject"] != "") & c["bare"].isin(["level", "count", "share", "ratio", "growth_rate"])]
    out = []
    for _, g in c.groupby(["subject", "about", "scope", "stage", "bare", "of_whole"]):
        a_rows, b_rows = g[g["doc"] == "000"], g[g["doc"] == "004"]
        for (_, a), (_, b) in ((x, y) for x in a_rows.iterrows() for y in b_rows.iterrows()):
            ya, yb = period_year(a["when"]), period_year(b["when"])
            if ya is not None and yb is not None and abs(ya - yb) > max_gap_years:
                continue
            why = disagree(ctx, a, b, rel_tol, tol_pp)
            if why is None:
                continue
            same_year = a["when"] == b["when"] != ""
            observed = a["stage"] == b["stage"] == "observed"
            years = f"000: {a['when'] or 'no year'}; 004: {b['when'] or 'no year'}"
            out.append(Finding(
                "cross_doc_conflict", "contradiction" if same_year and observed else "unclear", [ctx.ref(a), ctx.ref(b)],
                {"subject": a["subject"], "entity": a["entity_id"], "scope": a["scope"], "form": a["form"],
                 "value_000": a["value"], "unit_000": a["unit"], "year_000": a["when"] or "none",
                 "value_004": b["value"], "unit_004": b["unit"], "year_004": b["when"] or "none"},
                "compare the two documents", f"{fmt(a['value'], a['unit'])} vs {fmt(b['value'], b['unit'])}",
                f"000 §{a['section']} gives {who(a)}'s {human(a['subject'])} ({a['form'].replace('_', ' ')}) as {fmt(a['value'], a['unit'])} and 004 "
                f"§{b['section']} as {fmt(b['value'], b['unit'])} ({years})"
                + (": for the same year both cannot hold." if same_year and observed else
                   ": two forecasts or targets for the same year, by different authors; a reader must choose one." if same_year else
                   ": the years differ or are not stated, so both may hold only if the quantity moved that much.")))
    return out


# ----------------------------------------------------------------------------- 7. words against numbers
NUM = r"([0-9]+(?:\.[0-9]+)?)"
DOWN = "降低|下降|减少|缩短|压缩|降|减|缩"
UP = "提升|提高|增长|增加|上升|扩大|延长|升|增|提"
FROM_TO = re.compile(rf"从{NUM}[^0-9，,。；至到]{{0,8}}?({DOWN}|{UP})[^0-9，,。；]{{0,3}}?(至|到){NUM}")
COMPARED = {"远低于": "far below", "低于": "below", "不足": "under", "少于": "less than", "不及": "short of",
            "远高于": "far above", "高于": "above", "超过": "over", "领先": "ahead of"}   # the comparison words, in English
COMPARE = re.compile(rf"{NUM}\s*(%|元|分钟|天|小时|次|倍)[,，]?\s*(远低于|低于|不足|少于|不及|远高于|高于|超过|领先)[^0-9。；]{{0,14}}?{NUM}\s*(%|元|分钟|天|小时|次|倍)")


@rule("words_vs_numbers", "A direction word the numbers contradict")
def words_vs_numbers(ctx: Context):
    """In a claim's seed sentence: 'from X 降至 Y' with Y > X (or 'from X 提升至 Y' with Y < X), and
    'X 低于 … Y' with X > Y (or 'X 高于 … Y' with X < Y), both numbers in one unit; and a change whose
    number carries a minus sign under a direction word, which leaves the direction undefined. Unclear:
    the sentence contradicts itself, and only its author can say which part is meant."""
    c = rows(ctx)
    out, seen = [], set()
    for _, r in c.iterrows():
        sentence = ctx.sentence(r)
        if sentence in seen:
            continue
        seen.add(sentence)
        in_sentence = c[(c["doc"] == r["doc"]) & (c["section"] == r["section"]) & c["quote_zh"].map(lambda q: bool(q) and q in sentence)]
        for m in FROM_TO.finditer(sentence):
            x, word, y = float(m.group(1)), m.group(2), float(m.group(4))
            if (word in DOWN.split("|") and y > x) or (word in UP.split("|") and y < x):
                out.append(_words_finding(ctx, _citing(ctx, in_sentence, r, x, y), m.group(0), f"{word} from {fmt(x)} to {fmt(y)}",
                                          f"“{m.group(0)}” says {'down' if word in DOWN.split('|') else 'up'}, but {fmt(y)} is "
                                          f"{'above' if y > x else 'below'} {fmt(x)}"))
        for m in COMPARE.finditer(sentence):
            x, ux, word, y, uy = float(m.group(1)), m.group(2), m.group(3), float(m.group(4)), m.group(5)
            if ux != uy:
                continue
            lower = word in ("远低于", "低于", "不足", "少于", "不及")
            if (lower and x > y) or (not lower and x < y):
                out.append(_words_finding(ctx, _citing(ctx, in_sentence, r, x, y), m.group(0), f"{fmt(x)} {word} ({COMPARED[word]}) {fmt(y)}",
                                          f"“{m.group(0)}”: {fmt(x)} is {'above' if x > y else 'below'} {fmt(y)}, the opposite of {word} "
                                          f"({COMPARED[word]})"))
        for m in re.finditer(rf"({DOWN}|{UP})[^0-9，,。；]{{0,3}}?-{NUM}", sentence):
            out.append(_words_finding(ctx, _citing(ctx, in_sentence, r, float(m.group(2))), m.group(0), "negative change under a direction word",
                                      f"“{m.group(0)}”: a {m.group(1)} by a negative amount leaves the direction undefined", "unclear"))
    return out


def _citing(ctx, in_sentence: pd.DataFrame, r, *values: float) -> list:
    """The claims of the sentence whose values the words compare (the sentence's first claim if none)."""
    hit = in_sentence[in_sentence["value"].isin(values)]
    return [ctx.ref(x) for _, x in (hit if len(hit) else in_sentence.head(1) if len(in_sentence) else r.to_frame().T).iterrows()]


def _words_finding(ctx, refs, text, result, message, severity="unclear") -> Finding:
    first = refs[0]
    return Finding("words_vs_numbers", severity, refs, {"text": text}, "direction word vs the numbers", result,
                   f"{first.doc} §{first.section}: {message}.")


# ----------------------------------------------------------------------------- 8. known facts
@rule("known_facts", "A claim against a checkable public fact")
def known_facts(ctx: Context):
    """Each fact of data/reference/facts.csv: an `ownership` fact (a product and its owner, entity id in
    `owner`) fires on claims whose programme or quote names the product (`match`, a regular expression)
    while crediting it to another entity; a `regulation` or `event` fact fires on claims whose seed sentence
    matches `match` (what the fact rules out or contradicts). Severity comes from the fact's row."""
    c = rows(ctx)
    out = []
    for fact in ctx.facts.itertuples():
        pattern = re.compile(fact.match)
        if fact.kind == "ownership":  # the claim itself must name the product: a sentence may name several firms
            hits = [r for _, r in c.iterrows() if r["entity_id"] != fact.owner and pattern.search(r["programme"] + " " + r["quote_zh"])]
        else:
            hits = [r for _, r in c.iterrows() if pattern.search(ctx.sentence(r))]
        by_sentence: dict[str, list] = {}
        for r in hits:
            by_sentence.setdefault(ctx.sentence(r), []).append(r)
        for sentence, group in by_sentence.items():
            first = group[0]
            credited = f" (the text credits it to {who(first)})" if fact.kind == "ownership" else ""
            out.append(Finding(
                "known_facts", fact.severity, [ctx.ref(r) for r in group],
                {"fact": fact.fact_id, "value": fact.value, "source": fact.source, "date": fact.date},
                f"the claim's sentence names “{_unquoted(pattern.search(sentence).group(0))}”, against the public fact", fact.value,
                f"{where(first)} “{pattern.search(sentence).group(0)}”{credited} conflicts with a public fact: {fact.fact} "
                f"(Source: {fact.source}, {fact.date}.)"))
    return out


def _unquoted(words: str) -> str:
    """Matched words without the source's quotation marks, which a match may cut in half (Ariely的“公平理论)."""
    return re.sub(r"[“”\"]", "", words)


# ----------------------------------------------------------------------------- 9. one quantity, two industry averages
AVERAGE_WORDS = re.compile(r"行业平均|行业均值")


@rule("industry_averages", "Two industry averages for what the plan compares as one quantity", tol_pp=1.0)
def industry_averages(ctx: Context, tol_pp: float):
    """The industry averages a document sets its cases against, by the cases' `subject`: a market figure in the case's
    own sentence ('潜在用户转化率23%,远高于行业平均的8%'), or an average a multiple implies ('裂变转化率提升至8%,
    较行业平均的3.2倍': 8 % ÷ 3.2 = 2.5 %, a multiple whose `baseline_ref` names an industry average without a value).
    Two averages of one subject further apart than `tol_pp` points: unclear, since the text may mean averages of two
    different measures (each average's own subject is named) but gives one quantity two benchmarks and sources neither."""
    c = rows(ctx)
    found: dict[tuple[str, str], list[tuple[float, str, list, str]]] = {}
    for _, x in c[c["entity_id"] == "market"].iterrows():      # a stated average beside a case in its sentence
        if not AVERAGE_WORDS.search(x["quote_zh"]) or x["canonical_unit"] != "%":
            continue
        for _, r in c[(c["doc"] == x["doc"]) & (c["section"] == x["section"]) & c["entity_type"].isin(["platform", "case"])
                      & (c["canonical_unit"] == "%") & c["bare"].isin(["level", "share"])].iterrows():
            if ctx.sentence(r) == ctx.sentence(x) and r["subject"]:
                found.setdefault((r["doc"], r["subject"]), []).append(
                    (float(x["value"]), f"{where(x)}: {fmt(r['value'], '%')} is “{x['quote_zh']}”, an average of {human(x['subject'])}",
                     [ctx.ref(r), ctx.ref(x)], f"stated, {fmt(x['value'], '%')}"))
    named = c[(c["bare"] == "multiplier") & c["baseline_ref"].str.contains("industry average") & (c["canonical_unit"] == "×")]
    for _, m in named.iterrows():           # an average a multiple implies: the level in its sentence ÷ the multiple
        levels = c[(c["doc"] == m["doc"]) & (c["section"] == m["section"]) & (c["subject"] == m["subject"])
                   & (c["canonical_unit"] == "%") & (c["claim_id"] != m["claim_id"]) & c["bare"].isin(["level", "share"])]
        for _, x in levels.iterrows():
            if ctx.sentence(x) != ctx.sentence(m):
                continue
            for n in times_readings(m["quote_zh"], float(m["value"])):
                avg = float(x["value"]) / n
                found.setdefault((m["doc"], m["subject"]), []).append(
                    (avg, f"{where(m)}: {fmt(x['value'], '%')} is “{m['quote_zh']}”, so the average is {fmt(x['value'])} % ÷ {fmt(n)}"
                     f" = {avg:.1f} %", [ctx.ref(x), ctx.ref(m)], f"{fmt(x['value'])} % ÷ {fmt(n)}"))
    out = []
    for (doc, subject), avgs in found.items():
        for a, b in combinations(avgs, 2):
            if abs(a[0] - b[0]) <= tol_pp or {r.section for r in a[2]} == {r.section for r in b[2]}:
                continue
            out.append(Finding(
                "industry_averages", "unclear", a[2] + [r for r in b[2] if r not in a[2]],
                {"subject": subject, "average_a_pct": round(a[0], 2), "average_b_pct": round(b[0], 2)},
                f"{a[3]}; {b[3]}", f"{a[0]:.1f} % vs {b[0]:.1f} %",
                f"{doc} sets its cases of {human(subject)} against two industry averages: {a[0]:.1f} % ({a[1]}) and "
                f"{b[0]:.1f} % ({b[1]}). They may be averages of two different measures, but the plan compares one "
                f"quantity with both and sources neither; read as one average, they cannot both hold."))
    return out
