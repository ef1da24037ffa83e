"""The audit rules. Each is a small function over the Context; thresholds are keyword arguments
with defaults given at registration and can be overridden per run."""
from __future__ import annotations

import math
import re
from itertools import combinations

import pandas as pd

from growthpath.audit.registry import Context, Finding, fmt, period_inferred, period_range, period_year, rule
from growthpath.audit import readings as rd
from growthpath.audit import relate
from growthpath.audit.readings import human
from growthpath.data.claims import metric_label
from growthpath.markup import in_sentence
from growthpath.models.trend import implied_rates_pct

GROWTH_SUFFIXES = ("_annual_growth", "_cagr", "_growth")
NON_PART_SUFFIXES = {"baseline", "target", "target_min", "target_max", "forecast", "increase", "before", "after",
                     "reference", "decrease", "reduction"}
SHARE_WORDS = re.compile(r"(?:share|_rate$|_rate_|penetration|accuracy|coverage|originality|retention|conversion)")
CHANGE_WORDS = re.compile(r"(?:growth|increase|decrease|reduction|multiple|_vs_|uplift|gap|cagr)")




def _pct(x: float) -> str:
    return f"{x:.1f} %"


def entity_scope(entity) -> str:
    """Whom a claim is about, for deciding whether two claims describe one series: every entity whose
    text starts with 'industry' ('industry', 'industry (social e-commerce)', …) is the industry; any
    other entity (a named or an unnamed platform, a segment) is itself. A blank entity is ''."""
    text = " ".join(str(entity if entity is not None and entity == entity else "").split()).lower()
    return "industry" if text.startswith("industry") else text


def same_scope(a, b) -> bool:
    return entity_scope(a) == entity_scope(b)


def same_whose(a, b) -> bool:
    """Two claims about the same entity in the same scope: by the ledger's `entity_id` and `scope` when it
    has them, else by the entity's wording (see `entity_scope`)."""
    if a.get("entity_id") and b.get("entity_id"):
        return a["entity_id"] == b["entity_id"] and a.get("scope") == b.get("scope")
    return same_scope(a["entity"], b["entity"])


def entity_phrase(entity) -> str:
    """An entity as a sentence names it: 'the industry', 'the unnamed head platform', 'Pinduoduo'."""
    text = str(entity).strip()
    return f"the {text}" if text[:1].islower() else text


# ----------------------------------------------------------------------------- growth arithmetic
def endpoint_span(start_period: str, end_period: str) -> tuple[int, int] | None:
    """The years a start and an end value span: their own years ('2021' and '2023'), or one range both carry."""
    a, b = period_year(start_period), period_year(end_period)
    if a is not None and b is not None and b > a:
        return a, b
    span = period_range(start_period)
    return span if span and start_period == end_period else None
@rule("growth_vs_endpoints", "Stated growth rate vs the start and end values it describes", tol_pp=2.0)
def growth_vs_endpoints(ctx: Context, tol_pp: float):
    """A `<x>_start`/`<x>_end` pair of one entity over a period 'A-B' and a stated annual growth
    `<x>_annual_growth` (or `_cagr`, `_growth`) of the same section: the implied compound rate is
    computed over both readings of the span (B−A and B−A+1 years); it differs from the stated rate
    when it is off under both. Only when the rate and the endpoints are about the same entity (see
    `entity_scope`) and the text dates the endpoints is that a contradiction; an industry rate beside one
    platform's endpoints is two scopes, reported as unclear (how the platform compares with the industry, if
    over the same years). When the endpoints' years are only the ledger's reading (`period_inferred`: the text
    gives the rise no years), the message and the worked arithmetic both say 'if the rise spans A-B'
    (`inputs['assumed']`), never 'from A to B' as a fact."""
    out = []
    c = ctx.claims
    for _, start in c[c["metric"].str.endswith("_start")].iterrows():
        stem = start["metric"].removesuffix("_start")
        same = c[(c["doc"] == start["doc"]) & (c["section"] == start["section"])]
        end = same[(same["metric"] == f"{stem}_end")
                   & pd.Series([same_whose(r, start) for _, r in same.iterrows()], index=same.index, dtype=bool)]
        if end.empty:
            continue
        end = end.iloc[0]
        span = endpoint_span(start["period"], end["period"])
        if span is None:
            continue
        read = period_inferred(start["period"]) or period_inferred(end["period"])
        hedge = f"if the rise spans {span[0]}-{span[1]}"
        for _, g in same[same["metric"].isin([stem + s for s in GROWTH_SUFFIXES]) & (same["unit"] == "%")].iterrows():
            implied = implied_rates_pct(start["value_canonical"], end["value_canonical"], *span)
            if not all(abs(v - g["value"]) > tol_pp for v in implied.values()):
                continue
            readings = " or ".join(f"{_pct(v)} a year over {n} years" for n, v in implied.items())
            inputs = {"start": start["value"], "end": end["value"], "unit": start["unit"], "period": f"{span[0]}-{span[1]}",
                      "stated_rate_pct": g["value"], "endpoints_entity": start["entity"], "rate_entity": g["entity"],
                      **({"assumed": {"period": hedge}} if read else {})}
            refs = [ctx.ref(start), ctx.ref(end), ctx.ref(g)]
            undated = (f"The text gives the rise no years of its own (the ledger reads it as {span[0]}-{span[1]}): "
                       f"{hedge}, " if read else "")
            if same_whose(start, g):
                out.append(Finding(
                    "growth_vs_endpoints", "unclear" if read else "contradiction", refs, inputs, "(end ÷ start)^(1/years) − 1",
                    readings,
                    f"{start['doc']} §{start['section']} says {human(stem)} rose from {fmt(start['value'], start['unit'])} "
                    f"to {fmt(end['value'], end['unit'])}" + (
                        f". {undated}that is {readings}, not the stated {_pct(g['value'])} a year." if read else
                        f" over {span[0]}-{span[1]}: that is {readings}, not the stated {_pct(g['value'])} a year.")))
                continue
            pace = ("faster than" if min(implied.values()) > g["value"] else
                    "slower than" if max(implied.values()) < g["value"] else "about as fast as")
            out.append(Finding(
                "growth_vs_endpoints", "unclear", refs, inputs, "(end ÷ start)^(1/years) − 1", readings,
                f"{start['doc']} §{start['section']} gives {human(stem)} growth of {_pct(g['value'])} a year for "
                f"{entity_phrase(g['entity'])} and a rise from {fmt(start['value'], start['unit'])} to {fmt(end['value'], end['unit'])} "
                f"for {entity_phrase(start['entity'])}: two scopes, not one series, so they do not contradict each other. "
                + (f"{undated}{entity_phrase(start['entity'])} grew {readings}" if read else
                   f"Over {span[0]}-{span[1]}, {entity_phrase(start['entity'])} grew {readings}")
                + f": {pace} the stated rate for {entity_phrase(g['entity'])}."))
    return out


@rule("target_implied_base", "A growth target's implied starting level vs the plan's other figures", rel_tol=0.15)
def target_implied_base(ctx: Context, rel_tol: float):
    """For an annual growth target over 'A-B' and a target level at B of the same quantity, the
    level the path implies at every year from A−1 to B−1 (compounding B−Y years) is compared with
    every other reading of that quantity at that year: stated levels, shares of official totals,
    parts over their combined share, and cumulative-growth claims. Fires when a reading differs by
    more than `rel_tol` under both readings of the span."""
    out = []
    for rel in ctx.relations[ctx.relations["relation"] == "growth_of"].itertuples():
        level_family = rel.whole
        unit = rd.unit_of(ctx, level_family)
        targets = ctx.family(level_family)
        targets = targets[targets["kind"].isin(["target", "forecast"]) & targets["year"].notna()]
        for _, g in ctx.family(rel.family).iterrows():
            span = period_range(g["period"])
            if span is None:
                continue
            for _, t in targets[targets["year"] == span[1]].drop_duplicates("value_canonical").iterrows():
                out += _compare_path(ctx, g, t, span, level_family, unit, rel_tol)
    return out


def _cumulative_readings(ctx: Context, level_family: str, target, year: int) -> list[rd.Reading]:
    out = []
    rel = ctx.relations[(ctx.relations["relation"] == "cumulative_growth_of") & (ctx.relations["whole"] == level_family)]
    for r in rel.itertuples():
        for _, c in ctx.family(r.family).iterrows():
            span = period_range(c["period"])
            if span and span[0] == year and span[1] == target["year"]:
                value = target["value_canonical"] / (1 + c["value"] / 100)
                unit = target["canonical_unit"]
                out.append(rd.Reading(value, f"the target ÷ (1 + {fmt(c['value'])} % growth since {year})",
                                      f"{fmt(target['value_canonical'], unit)} ÷ {1 + c['value'] / 100:.2f} = {fmt(value, unit)}",
                                      [ctx.ref(c), ctx.ref(target)], [], "cumulative"))
    return out


def _compare_path(ctx, g, t, span, level_family, unit, rel_tol):
    out = []
    rate = g["value"] / 100
    for year in range(span[0] - 1, span[1]):
        for r in rd.all_readings(ctx, level_family, year) + _cumulative_readings(ctx, level_family, t, year):
            if t["claim_id"] in {x.claim_id for x in r.refs} and r.source == "stated":
                continue
            paths = {n: t["value_canonical"] / (1 + rate) ** n for n in {span[1] - year, span[1] - year - (year == span[0] - 1)} if n > 0}
            if any(abs(r.value / p - 1) <= rel_tol for p in paths.values()):
                continue  # consistent under at least one reading of the span
            floor = bool(rd.FLOOR_WORDS.search(t["quote_zh"])) and r.value > max(paths.values())
            # each reading names its own base year: n years of growth to the target year start from year B − n
            implied = " or ".join(f"{fmt(p, unit)} in {int(t['year']) - n} ({n} years of growth)" for n, p in sorted(paths.items()))
            # a reading from the other document is a different source's figure, not a second statement of this plan
            other_doc = any(x.doc != g["doc"] for x in r.refs)
            severity = "unclear" if other_doc else "implausible" if floor else "contradiction"
            out.append(Finding(
                "target_implied_base", severity, [ctx.ref(g), ctx.ref(t)] + r.refs,
                {"target": t["value"], "target_unit": t["unit"], "target_year": int(t["year"]), "annual_rate_pct": g["value"],
                 "year": year, "other_reading": round(r.value, 4), "other_reading_unit": unit},
                f"target ÷ (1 + rate)^years; other reading: {r.formula}", f"path {implied}; other reading {fmt(r.value, unit)}",
                f"Growing {_pct(g['value'])} a year to reach {fmt(t['value'], t['unit'])} in {int(t['year'])} means "
                f"{implied}, but for {year} {r.label} gives {fmt(r.value, unit)}"
                + (" (the other document's figure: the two may not describe the same market)." if other_doc else
                   _floor_note(t, r.value, rate, year) if floor else "."), r.official))
    return out


def _floor_note(target, level: float, rate: float, year: int) -> str:
    """Why a base above a floor target's path is implausible, not contradictory: when that base would pass it."""
    word = rd.FLOOR_WORDS.search(target["quote_zh"]).group(0)
    years = max(0, math.ceil(math.log(target["value_canonical"] / level) / math.log(1 + rate))) if level < target["value_canonical"] else 0
    when = ("that level is already above the target" if years == 0 else
            f"from that level the target is passed in {year + years}, {int(target['year']) - year - years} years early")
    return f". The target is a floor ({word}, at least), so both can hold; but {when}, so it would ask for nothing."


# ----------------------------------------------------------------------------- parts and wholes
@rule("parts_vs_whole", "Parts over their stated combined share vs the plan's other totals", rel_tol=0.25)
def parts_vs_whole(ctx: Context, rel_tol: float):
    """Parts of a quantity given in one section with their combined share imply a total; it is
    compared with every other reading of that total in the same year."""
    out = []
    for rel in ctx.relations[ctx.relations["relation"] == "part_of"].drop_duplicates("whole").itertuples():
        unit = rd.unit_of(ctx, rel.whole)
        for year in rd.years_of(ctx, rel.whole):
            implied = rd.via_parts(ctx, rel.whole, year) + rd.via_part_share(ctx, rel.whole, year)
            others = rd.merge_same(rd.stated(ctx, rel.whole, year) + rd.via_share(ctx, rel.whole, year))
            for p in implied:
                for o in others:
                    ratio = p.value / o.value
                    if abs(ratio - 1) > rel_tol:
                        out.append(Finding(
                            "parts_vs_whole", "contradiction", p.refs + o.refs,
                            {"year": year, "implied_total": round(p.value, 4), "other_total": round(o.value, 4), "unit": unit},
                            f"{p.formula}; compared with {o.formula}", f"the whole its parts imply is {ratio:.2f}× the other",
                            f"In {year}, {p.label}: the whole is {fmt(p.value, unit)}. But {o.label} gives "
                            f"{fmt(o.value, unit)}: the two differ by a factor of {max(ratio, 1 / ratio):.1f}.", o.official))
    return out


@rule("part_exceeds_whole", "A part larger than a reading of its whole", margin=0.0)
def part_exceeds_whole(ctx: Context, margin: float):
    """A claim about a part (one platform, one channel) is larger than a reading of the whole it
    belongs to in the same year."""
    out = []
    for rel in ctx.relations[ctx.relations["relation"] == "part_of"].itertuples():
        unit = rd.unit_of(ctx, rel.whole)
        for _, part in ctx.family(rel.family).dropna(subset=["year"]).iterrows():
            for whole in rd.merge_same(rd.stated(ctx, rel.whole, int(part["year"])) + rd.via_share(ctx, rel.whole, int(part["year"]))):
                if part["value_canonical"] > whole.value * (1 + margin):
                    out.append(Finding(
                        "part_exceeds_whole", "contradiction", [ctx.ref(part)] + whole.refs,
                        {"part": part["value"], "part_unit": part["unit"], "whole": round(whole.value, 4), "unit": unit},
                        f"part {fmt(part['value_canonical'], unit)} > whole ({whole.formula})",
                        f"the part is {part['value_canonical'] / whole.value:.2f}× the whole",
                        f"{part['entity']} alone ({fmt(part['value'], part['unit'])}, {part['doc']} §{part['section']}) is larger "
                        f"than the whole it belongs to in {int(part['year'])}, {fmt(whole.value, unit)} ({whole.label}).", whole.official))
    return out


@rule("shares_sum", "Shares of one whole that do not add up to 100 %", tol_pp=1.0)
def shares_sum(ctx: Context, tol_pp: float):
    """Percent claims of one section named `<prefix>_share_<part>` (or one `*market_share` metric
    over several entities, or the members of a `part_share` metric family) split one whole: their sum should be 100 %. Over 100 is a contradiction;
    under 100 is unclear (a part may be unnamed)."""
    out = []
    c = ctx.claims[ctx.claims["unit"] == "%"].copy()
    m = c["metric"].str.extract(r"^(.+_share)_([a-z0-9_]+)$")
    c["prefix"], c["part"] = m[0], m[1]
    groups = [g for _, g in c[c["prefix"].notna() & ~c["part"].isin(NON_PART_SUFFIXES)].groupby(["doc", "section", "prefix"])]
    groups += [g for _, g in c[c["metric"].str.endswith("market_share")].groupby(["doc", "section", "metric"]) if g["entity"].nunique() > 1]
    groups += [g for _, g in c[c["measure"] == "part_share"].groupby(["doc", "section", "family"])]
    for g in groups:
        if len(g) < 2:
            continue
        total = float(g["value"].sum())
        if abs(total - 100) <= tol_pp:
            continue
        severity = "contradiction" if total > 100 else "unclear"
        first = g.iloc[0]
        beside = _percent_beside(ctx, g) if total < 100 else None
        inputs = {"parts": {r["metric"] + (f" ({r['entity']})" if r["metric"].endswith("market_share") else ""): r["value"] for _, r in g.iterrows()}}
        if beside is not None:
            inputs["beside"] = {metric_label(beside["metric"]): beside["value"]}
        refs = [ctx.ref(r) for _, r in g.iterrows()] + ([ctx.ref(beside)] if beside is not None else [])
        out.append(Finding(
            "shares_sum", severity, refs, inputs,
            " + ".join(fmt(v, "%") for v in g["value"]), f"{fmt(total)} %",
            f"The {len(g)} shares in {first['doc']} §{first['section']} add up to {fmt(total)} %, not 100 %"
            + (" — more than the whole." if total > 100 else
               " — a part may be missing or unnamed." if beside is None else
               f". The same sentence gives a third figure, {metric_label(beside['metric'])} of {fmt(beside['value'], '%')} "
               f"({beside['claim_id']}), worded not as a share of the same whole: if it is one, the parts make "
               f"{fmt(total + beside['value'])} %; if not, {fmt(100 - total)} % of the whole is unnamed.")))
    return out


def _percent_beside(ctx: Context, parts: pd.DataFrame):
    """Another percentage in the sentence of a split that falls short of 100 % (not one of its parts), or None."""
    first = parts.iloc[0]
    said = ctx.sentence(first)
    others = ctx.claims[(ctx.claims["doc"] == first["doc"]) & (ctx.claims["section"] == first["section"])
                        & (ctx.claims["unit"] == "%") & ~ctx.claims["claim_id"].isin(parts["claim_id"])]
    same = [r for _, r in others.iterrows() if ctx.sentence(r) == said]
    return same[0] if len(same) == 1 else None


# ----------------------------------------------------------------------------- one number, two meanings
@rule("one_number_two_meanings", "One distinctive number used for two different quantities")
def one_number_two_meanings(ctx: Context):
    """The same distinctive value (not a round number) and year attached to two different metric
    families in one document: one of the two uses is probably borrowed. Likewise within one holder of
    figures, where a chance match is rarer: one case (entity and initiative, `relate.one_case`) given one
    distinctive value for two subjects in two sections, and a plan's starting value (the baseline of a
    target) equal to another subject's figure for the same segment (a scope narrower than the market),
    even a whole percentage. Unclear: the two may be one measure named two ways."""
    return _across_families(ctx) + _one_case_two_subjects(ctx) + _segment_baseline_reused(ctx)


def _across_families(ctx: Context) -> list[Finding]:
    out = []
    starts = set(ctx.claims["baseline_ref"])
    c = ctx.claims[(ctx.claims["family"] != "") & ctx.claims["year_end"].notna()].copy()
    c = c[pd.Series([rd.distinctive(v, u) for v, u in zip(c["value_canonical"], c["canonical_unit"])], index=c.index, dtype=bool)]
    c["year_end"] = c["year_end"].astype(int)
    for (_, value, year), g in c.groupby(["doc", "value_canonical", "year_end"]):
        families = g.drop_duplicates("family")
        if len(families) < 2:
            continue
        names = [f"{human(r['family'])} ({r['doc']} §{r['section']})" for _, r in families.iterrows()]
        # a plan's starting value (the baseline a target names) equal to another quantity's figure: borrowed from it
        start = [r for _, r in families.iterrows() if r["claim_id"] in starts]
        why = ("; these are different quantities." if len(start) != 1 else
               f": the plan's starting value ({start[0]['doc']} §{start[0]['section']}) may be borrowed from "
               + " and ".join(n for n, (_, r) in zip(names, families.iterrows()) if r["claim_id"] != start[0]["claim_id"])
               + ", a different quantity.")
        out.append(Finding(
            "one_number_two_meanings", "unclear", [ctx.ref(r) for _, r in families.iterrows()],
            {"value": value, "unit": families.iloc[0]["canonical_unit"], "year": int(year), "quantities": list(families["family"])},
            "identical values", f"{fmt(value, families.iloc[0]['canonical_unit'])} for {len(families)} quantities",
            f"The figure {fmt(families.iloc[0]['value'], families.iloc[0]['unit'])} is used for "
            + " and for ".join(names) + why))
    return out


BROAD_SCOPES = {"market", "programme", "company", "project", "other", "users", "global", ""}


def _one_case_two_subjects(ctx: Context) -> list[Finding]:
    c = relate.rows(ctx)
    cases = c[c["entity_type"].isin(["platform", "case", "source"]) & (c["subject"] != "") & (c["bare"] != "date")]
    out = []
    for _, g in cases.groupby(["doc", "entity_id", "value_canonical", "canonical_unit"]):
        pairs = [(a, b) for (_, a), (_, b) in combinations(g.iterrows(), 2)
                 if a["subject"] != b["subject"] and a["section"] != b["section"] and relate.one_case(a, b)
                 and relate.distinctive_claim(a)]
        if pairs:
            out.append(_two_subjects_finding(ctx, [r for p in pairs for r in p], relate.credit(pairs[0][0]),
                                             "one result is probably told again as another measure, though both can hold"))
    return out


def _segment_baseline_reused(ctx: Context) -> list[Finding]:
    c = relate.rows(ctx)
    observed = c[(c["stage"] == "observed") & (c["subject"] != "") & ~c["scope"].isin(BROAD_SCOPES)]
    starts = observed[observed["claim_id"].isin(c[c["stage"] != "observed"]["baseline_ref"])]
    out = []
    key = ["doc", "scope", "value_canonical", "canonical_unit"]
    for _, x in starts.iterrows():
        same = [y for _, y in observed.iterrows() if all(y[k] == x[k] for k in key)
                and y["subject"] != x["subject"] and ctx.sentence(y) != ctx.sentence(x)]
        if same:
            why = (f"the plan's starting value for {human(x['subject'])} ({relate.where(x)}) may be borrowed from the "
                   "other quantity, unless the two are one measure named two ways")
            out.append(_two_subjects_finding(ctx, [x, *same], f"the {human(x['scope'])} segment", why))
    return out


def _two_subjects_finding(ctx: Context, rs: list, holder: str, why: str) -> Finding:
    rs = list({r["claim_id"]: r for r in rs}.values())
    by_subject: dict[str, list[str]] = {}
    for r in rs:
        by_subject.setdefault(human(r["subject"]), []).append(relate.where(r))
    uses = [f"{name} ({', '.join(dict.fromkeys(places))})" for name, places in by_subject.items()]
    first = rs[0]
    return Finding(
        "one_number_two_meanings", "unclear", [ctx.ref(r) for r in rs],
        {"value": first["value_canonical"], "unit": first["canonical_unit"], "quantities": list(by_subject)},
        "identical values", f"{fmt(first['value_canonical'], first['canonical_unit'])} for {len(uses)} quantities",
        f"For {holder}, the figure {fmt(first['value'], first['unit'])} is used for " + " and for ".join(uses) + f": {why}.")


# ----------------------------------------------------------------------------- percent, points and multiples
@rule("pp_difference", "A stated gap in percentage points vs the two rates it separates", tol_pp=0.05)
def pp_difference(ctx: Context, tol_pp: float):
    """A percentage-point gap whose sentence names one of the two rates; the other is the nearest
    preceding percent claim of the section. Fires when the difference is not the stated gap."""
    out = []
    c = ctx.claims.reset_index(drop=True)
    for i, gap in c[c["canonical_unit"] == "pp"].iterrows():
        named = [float(x) for x in re.findall(r"([0-9.]+)%", gap["quote"])]
        before = c.iloc[max(0, i - 3):i]
        before = before[(before["section"] == gap["section"]) & (before["doc"] == gap["doc"]) & (before["unit"] == "%")]
        inside = before[before["value"].isin(named)]
        other = before[~before["value"].isin(named)]
        if inside.empty or other.empty:
            continue
        a, b = inside.iloc[-1], other.iloc[-1]
        diff = abs(a["value"] - b["value"])
        if abs(diff - gap["value"]) > tol_pp:
            out.append(Finding(
                "pp_difference", "contradiction", [ctx.ref(a), ctx.ref(b), ctx.ref(gap)],
                {"rate_a_pct": a["value"], "rate_b_pct": b["value"], "stated_gap_pp": gap["value"]},
                "|a − b|", f"{fmt(diff)} pp",
                f"{fmt(a['value'])} % and {fmt(b['value'])} % are {fmt(diff)} points apart, not the stated {fmt(gap['value'])}."))
    return out


@rule("percent_or_points", "A change in a rate given in % (relative or percentage points?)", max_pp=20.0)
def percent_or_points(ctx: Context, max_pp: float):
    """'X率提升N%' can mean a relative change (×(1 ± N/100)) or N percentage points. Flagged only where
    both readings are plausible: the points reading must keep the rate within 0–100 % from its stated
    level (same sentence, the claim's baseline, or the same subject's level for the same entity), and
    a change of more than `max_pp` points from one initiative is not a plausible reading (a 47 % drop of
    a 3 % rate is relative). The relative reading must stay within 0–100 % too."""
    out = []
    pattern = rd.rate_words()
    for _, r in ctx.claims[(ctx.claims["unit"] == "%")].iterrows():
        m = pattern.search(r["quote"])
        if not m or float(m.group(4)) != r["value"]:
            continue
        sign = -1 if m.group(2) in ("下降", "降低", "减少") else 1
        x = r["value"]
        base = _level_of_rate(ctx, r)
        if x > max_pp:
            continue  # a points reading this large is not a plausible result of one initiative
        if base is not None:
            rel, pts = base["value"] * (1 + sign * x / 100), base["value"] + sign * x
            if not (0 <= pts <= 100 and 0 <= rel <= 100):
                continue
            result = f"relative: {fmt(rel)} %; points: {fmt(pts)} %"
            inputs = {"change_pct": x, "base_rate_pct": base["value"]}
            refs = [ctx.ref(r), ctx.ref(base)]
        else:
            result = f"relative: level × {1 + sign * x / 100:.2f}; points: level {'+' if sign > 0 else '−'} {fmt(x)} points"
            inputs, refs = {"change_pct": x}, [ctx.ref(r)]
        out.append(Finding(
            "percent_or_points", "unclear", refs, inputs, "level × (1 ± change ÷ 100) vs level ± change in points", result,
            f"“{r['quote_zh']}” ({r['doc']} §{r['section']}) does not say whether {fmt(x)} % is relative or in percentage points"
            + (f"; from {fmt(base['value'])} % the two readings give {result.replace('relative: ', '').replace('; points:', ' or')}." if base is not None else
               "; both readings are plausible and the documents give no level to tell them apart.")))
    return out


def _level_of_rate(ctx: Context, claim):
    """A percent level of the rate: in the same sentence, the claim's `baseline_ref`, or the same subject's
    level for the same entity anywhere in the document."""
    c = ctx.claims
    level = (c["unit"] == "%") & (c["claim_id"] != claim["claim_id"]) & ~c["metric"].str.contains(CHANGE_WORDS)
    same = c[level & (c["doc"] == claim["doc"]) & (c["section"] == claim["section"]) & (c["quote"] == claim["quote"])]
    if len(same):
        return same.iloc[0]
    ref = claim.get("baseline_ref", "")
    if ref and (c["claim_id"] == ref).any() and c.loc[c["claim_id"] == ref, "unit"].iloc[0] == "%":
        return c[c["claim_id"] == ref].iloc[0]
    if claim.get("subject"):
        same = c[level & (c["doc"] == claim["doc"]) & (c["subject"] == claim["subject"]) & (c["entity_id"] == claim["entity_id"])
                 & c["form"].isin(["level", "share"])]
        if len(same):
            return same.iloc[0]
    return None


@rule("times_ambiguity", "'增长N倍', '高N倍', '提升N倍': N times or N+1 times")
def times_ambiguity(ctx: Context):
    """'增长/提升/提高/高(出)/翻N倍' is read both as ×N and as ×(N+1) (N times more). '是/为/达/至…的N倍' and
    '较…的N倍' state the ratio itself and are not flagged: one classifier for the whole book,
    `readings.times_readings`, which `multiplier_vs_baseline` reads too."""

    out = []
    for _, r in ctx.claims[ctx.claims["unit"] == "倍"].iterrows():
        text, n = r["quote_zh"], r["value"]
        words = rd.times_words(text, n)
        if not words:
            continue
        out.append(Finding(
            "times_ambiguity", "unclear", [ctx.ref(r)], {"n": n, "words": words}, "×N or ×(N+1)", f"×{fmt(n)} or ×{fmt(n + 1)}",
            f"“{r['quote_zh']}” ({r['doc']} §{r['section']}) can mean the result is {fmt(n)} times the base or "
            f"{fmt(n + 1)} times it ({fmt(n)} times more)."))
    return out


# ----------------------------------------------------------------------------- bounds
@rule("bounds_official", "A figure above, or close to, the official total that contains it")
def bounds_official(ctx: Context):
    """Each reading of a bounded quantity (data/reference/bounds.csv) against the official series
    that contains it. For a year with official data: above the bound is a contradiction, above
    `near_ratio` of it implausible. For a later year (a target or forecast) the latest figure is not a
    bound yet: the finding is unclear and says how fast the bound would have to grow to make room."""
    out = []
    for b in ctx.bounds.itertuples():
        unit = rd.unit_of(ctx, b.family)
        for year in rd.years_of(ctx, b.family):
            bound = ctx.official_value(b.series_id, year)
            if bound is None:
                continue
            future = not str(bound[1]).startswith(str(year))
            for r in rd.all_readings(ctx, b.family, year):
                ratio = r.value / bound[0]
                if ratio <= b.near_ratio:
                    continue
                name = in_sentence(ctx.series_names.get(b.series_id, b.series_id))
                if future:
                    span = max(1, int(year) - int(str(bound[1])[:4]))
                    needed = ratio ** (1 / span) - 1
                    severity = "unclear"
                    verdict = (f"{ratio:.0%} of the latest figure; room for it only with growth of at least {needed:.1%} a "
                               f"year in {name} to {year}" if ratio > 1 else f"{ratio:.0%} of the latest figure")
                    text = (f"{fmt(r.value, unit)} in {year} ({r.label}) is {ratio:.0%} of {name} (latest official figure in data/, "
                            f"{bound[1]}): " + (f"it fits only with growth of at least {needed:.1%} a year in {name} by {year}, "
                            if ratio > 1 else "close to it, ") + f"since {b.note}.")
                else:
                    severity = "contradiction" if ratio > 1 else "implausible"
                    verdict = f"{ratio:.0%} of the bound"
                    text = f"{fmt(r.value, unit)} in {year} ({r.label}) is {ratio:.0%} of {name} (official figure for {bound[1]}), yet {b.note}."
                out.append(Finding(
                    "bounds_official", severity, r.refs,
                    {"reading": round(r.value, 4), "unit": unit, "bound_series": b.series_id, "bound": bound[0], "bound_period": bound[1]},
                    f"{r.formula}; ÷ the bound, {fmt(bound[0], unit)}", verdict, text, [bound[2], *r.official]))
    return out


@rule("rate_outside_range", "A share or rate outside 0–100 %")
def rate_outside_range(ctx: Context):
    """Percent claims whose metric names a share or rate (not a change) must lie in [0, 100]."""
    c = ctx.claims[(ctx.claims["unit"] == "%") & ctx.claims["metric"].str.contains(SHARE_WORDS)
                   & ~ctx.claims["metric"].str.contains(CHANGE_WORDS)]
    bad = c[(c["value"] < 0) | (c["value"] > 100)]
    return [Finding("rate_outside_range", "contradiction", [ctx.ref(r)], {"value_pct": r["value"]}, "0 ≤ share ≤ 100",
                    f"{fmt(r['value'])} %", f"{r['metric'].replace('_', ' ')} is {fmt(r['value'])} % ({r['doc']} §{r['section']}), "
                    "outside 0–100 %.") for _, r in bad.iterrows()]


@rule("penetration_base", "A penetration rate whose base would hold more people than the country", margin=0.0)
def penetration_base(ctx: Context, margin: float):
    """A share of people (a `share_of_series` family whose reading is a count of people: 渗透率 of users) beside the
    plan's own count of those people in the same year, stated or a target ÷ its stated growth since that year (10 亿
    ÷ 1.58): count ÷ share is the base the share is taken of, whatever the text means by it (netizens, shoppers,
    residents). A base larger than the country's population cannot be: a contradiction that holds for any base. One
    finding per family and document, naming every year."""
    out = []
    for rel in ctx.relations[ctx.relations["relation"] == "share_of_series"].itertuples():
        unit = rd.unit_of(ctx, rel.gives)
        if not unit.endswith("人"):
            continue
        shares = ctx.family(rel.family).dropna(subset=["year"])
        shares = shares[shares["entity_id"].isin(["market", "plan"])]
        targets = ctx.family(rel.gives)
        targets = targets[targets["kind"].isin(["target", "forecast"]) & targets["year"].notna()].drop_duplicates("value_canonical")
        for doc, by_doc in shares.groupby("doc"):
            cases = []
            for _, s in by_doc.drop_duplicates(["value", "year"]).iterrows():
                year = int(s["year"])
                population = ctx.official_value("census_population", year)
                levels = rd.stated(ctx, rel.gives, year)
                for _, t in targets.iterrows():
                    levels += _cumulative_readings(ctx, rel.gives, t, year)
                levels = [lv for lv in rd.merge_same(levels) if all(r.doc == doc for r in lv.refs)]
                for lv in levels:
                    base = lv.value / (s["value"] / 100)
                    if population is not None and base > population[0] * (1 + margin):
                        cases.append((s, lv, base, population))
            if not cases:
                continue
            population = cases[0][3]
            name = in_sentence(ctx.series_names.get("census_population", "the population"))
            parts = [f"{fmt(lv.value, unit)} ÷ {fmt(s['value'])} % = {fmt(base, unit)} in {int(s['year'])} ({lv.label})"
                     for s, lv, base, _ in cases]
            refs = list(dict.fromkeys([ctx.ref(s) for s, *_ in cases] + [r for _, lv, _, _ in cases for r in lv.refs]))
            first = cases[0][0]
            out.append(Finding(
                "penetration_base", "contradiction", refs,
                {"shares_pct": "; ".join(f"{fmt(s['value'])} % ({int(s['year'])})" for s, *_ in cases),
                 "counts": "; ".join(f"{fmt(lv.value, unit)} ({int(s['year'])})" for s, lv, _, _ in cases),
                 "implied_bases": "; ".join(f"{fmt(b, unit)} ({int(s['year'])})" for s, _, b, _ in cases), "unit": unit,
                 "population": population[0], "population_period": population[1][:4]},
                "the base a share is taken of: the plan's count ÷ the stated share", "; ".join(parts),
                f"{doc} gives {human(first['subject'])} as a penetration of "
                + " and ".join(f"{fmt(s['value'])} % in {int(s['year'])}" for s, *_ in cases)
                + f" ({doc} §{first['section']}). With the plan's own counts, the base those shares are taken of would be "
                + "; ".join(parts) + f": more people than {name} ({fmt(population[0], unit)}, {population[1][:4]}). Whatever "
                "base the text means (netizens, online shoppers, residents), it cannot be larger than the country, so the "
                "counts and the penetration rates cannot all hold." + _inferred_years(cases), [population[2]]))
    return out


def _inferred_years(cases) -> str:
    """' 2023 is the ledger's reading of “current” for 25.3 %: the text gives no year; the 2026 pair does not depend on it.'"""
    from growthpath.audit.registry import period_inferred, year_hedge
    read = [(s, int(s["year"])) for s, *_ in cases if period_inferred(s["period"])]
    sure = [int(s["year"]) for s, *_ in cases if not period_inferred(s["period"])]
    return "".join(f" For {fmt(s['value'])} %, {year_hedge(y, [s['period']])}"
                   + (f"; the {', '.join(map(str, sure))} pair does not depend on it." if sure else ".") for s, y in read)
