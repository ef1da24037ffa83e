"""Readings of a quantity at a year: every value the plan's own numbers give for it.

A market size in 2023 can be stated directly, or follow from a share of an official total, or from
parts divided by their combined share. Rules compare these readings with each other."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from growthpath.audit.registry import Context, Ref, fmt
from growthpath.data.claims import metric_label
from growthpath.markup import in_sentence

FLOOR_WORDS = re.compile(r"突破|超过|以上|不低于|不少于|至少|逾")   # "breaks through 7 万亿": a floor, not a point
# 'N倍' after 的 or after a verb of being ('是/为/达/至/相当于…的N倍', '较行业平均的3.2倍', '达3倍'): the ratio itself, N×
TIMES_UNAMBIGUOUS = re.compile(r"(?:的|是|为|达|达到|至|相当于)\s*([0-9.]+)倍")
# 'N倍' right after a verb of change or excess ('提升/提高/增长/增加/激增/上升/高出/高/多/翻(了)N倍'): N× or (N+1)× (N times more)
TIMES_AMBIGUOUS = re.compile(r"(?:提升|提高|增长|增加|激增|上升|高出|高|多|翻)(?:了)?\s*([0-9.]+)倍")


def times_readings(text: str, n: float) -> tuple[float, ...]:
    """The multiples that 'N倍' in `text` can mean, one reading per wording, everywhere in the book: (N,) where the
    words state the ratio itself ('X的N倍', '是/达/至…的N倍', '较行业平均的3.2倍'), (N, N+1) where N倍 directly follows a
    verb of change or excess ('提高3.2倍', '增长3.2倍', '高3.5倍': N times more is also read), (N,) when the text holds no
    'N倍' for this N (翻番, or a value the ledger reads otherwise)."""
    def same(m):
        try:
            return float(m.group(1)) == float(n)
        except ValueError:
            return False
    if any(same(m) for m in TIMES_UNAMBIGUOUS.finditer(text)):
        return (float(n),)
    if any(same(m) for m in TIMES_AMBIGUOUS.finditer(text)):
        return (float(n), float(n) + 1)
    return (float(n),)


def times_words(text: str, n: float) -> str:
    """The words of `text` that make 'N倍' ambiguous ('高3.5倍'), or '' when it has one reading."""
    for m in TIMES_AMBIGUOUS.finditer(text):
        if len(times_readings(text, n)) == 2 and float(m.group(1)) == float(n):
            return m.group(0)
    return ""


def human(metric: str) -> str:
    """'cac_annual_growth' → 'CAC annual growth': a ledger metric or subject as the audit's sentences name it (the same
    words as everywhere in the book, `claims.metric_label`)."""
    return metric_label(metric)


@dataclass
class Reading:
    value: float
    text: str                         # what gives the value, e.g. "25.3 % × NBS online retail (2023)"
    formula: str
    refs: list[Ref]
    official: list[str] = field(default_factory=list)
    source: str = "stated"            # stated | share | parts | cumulative

    @property
    def label(self) -> str:
        """'000 §1.1, §3.1: 25.3 % × …' — every section that gives this reading."""
        by_doc: dict[str, list[str]] = {}
        for r in self.refs:
            by_doc.setdefault(r.doc, [])
            if r.section not in by_doc[r.doc]:
                by_doc[r.doc].append(r.section)
        where = "; ".join(f"{doc} §" + ", §".join(secs) for doc, secs in by_doc.items())
        return f"{where}: {self.text}"


def stated(ctx: Context, family: str, year: int) -> list[Reading]:
    rows = ctx.family(family)
    rows = rows[rows["year"] == year]
    return [Reading(float(r["value_canonical"]), f"stated as {fmt(r['value'], r['unit'])}",
                    f"{r['claim_id']} = {fmt(r['value_canonical'], r['canonical_unit'])}", [ctx.ref(r)])
            for _, r in rows.iterrows()]


def via_share(ctx: Context, family: str, year: int) -> list[Reading]:
    """share claims × the official series they are a share of, for relations that give `family`."""
    out = []
    rel = ctx.relations[(ctx.relations["relation"] == "share_of_series") & (ctx.relations["gives"] == family)]
    for r in rel.itertuples():
        total = ctx.official_value(r.whole, year)
        if total is None or str(total[1])[:4] != str(year):
            continue
        shares = ctx.family(r.family)
        for _, s in shares[shares["year"] == year].iterrows():
            value = s["value"] / 100 * total[0]
            name = in_sentence(ctx.series_names.get(r.whole, r.whole))
            unit = unit_of(ctx, family)
            out.append(Reading(value, f"{fmt(s['value'])} % × {name} ({total[1]}, official)",
                               f"{fmt(s['value'])} % × {fmt(total[0], unit)} = {fmt(value, unit)}", [ctx.ref(s)], [total[2]], "share"))
    return out


def via_parts(ctx: Context, family: str, year: int) -> list[Reading]:
    """Parts (a `part_of` family) in one section ÷ a combined-share claim of that section."""
    out = []
    rel = ctx.relations[(ctx.relations["relation"] == "part_of") & (ctx.relations["whole"] == family)]
    for r in rel.itertuples():
        parts = ctx.family(r.family)
        parts = parts[parts["year"] == year]
        for (doc, section), group in parts.groupby(["doc", "section"]):
            if group["entity"].nunique() < 2:
                continue
            combined = ctx.claims[(ctx.claims["doc"] == doc) & (ctx.claims["section"] == section)
                                  & ctx.claims["metric"].str.fullmatch(r"combined_\w*share") & (ctx.claims["unit"] == "%")]
            for _, c in combined.iterrows():
                total = float(group["value_canonical"].sum())
                value = total / (c["value"] / 100)
                unit = group["canonical_unit"].iloc[0]
                out.append(Reading(value, f"{len(group)} parts summing to {fmt(total, unit)} are "
                                   f"{fmt(c['value'])} % of the whole",
                                   f"({' + '.join(fmt(v, unit) for v in group['value_canonical'])}) ÷ {fmt(c['value'])} % = {fmt(value, unit)}",
                                   [ctx.ref(g) for _, g in group.iterrows()] + [ctx.ref(c)], [], "parts"))
    return out


def via_part_share(ctx: Context, family: str, year: int) -> list[Reading]:
    """A part's level ÷ the part's stated share of the whole, both for the same year."""
    out = []
    rel = ctx.relations[(ctx.relations["relation"] == "part_share") & (ctx.relations["whole"] == family)]
    for r in rel.itertuples():
        shares = ctx.family(r.family)
        parts = ctx.family(r.gives)
        for _, s in shares[shares["year"] == year].iterrows():
            for _, p in parts[parts["year"] == year].iterrows():
                value = p["value_canonical"] / (s["value"] / 100)
                out.append(Reading(value, f"{p['entity']} ({fmt(p['value'], p['unit'])}) is {fmt(s['value'])} % of the whole",
                                   f"{fmt(p['value_canonical'], p['canonical_unit'])} ÷ {fmt(s['value'])} % = {fmt(value, p['canonical_unit'])}",
                                   [ctx.ref(p), ctx.ref(s)], [], "part_share"))
    return out


def merge_same(readings: list[Reading]) -> list[Reading]:
    """Readings with the same value from the same route (the plan repeating itself) become one,
    citing every claim that gives it."""
    merged: dict[tuple, Reading] = {}
    for r in readings:
        key = (round(r.value, 6), r.source, tuple(r.official))
        if key in merged:
            merged[key].refs += [x for x in r.refs if x not in merged[key].refs]
        else:
            merged[key] = Reading(r.value, r.text, r.formula, list(r.refs), list(r.official), r.source)
    return list(merged.values())


def stated_merged(ctx: Context, family: str, year: int) -> list[Reading]:
    return merge_same(stated(ctx, family, year))


def all_readings(ctx: Context, family: str, year: int) -> list[Reading]:
    return merge_same(stated(ctx, family, year) + via_share(ctx, family, year) + via_parts(ctx, family, year)
                      + via_part_share(ctx, family, year))


def unit_of(ctx: Context, family: str) -> str:
    rows = ctx.family(family)
    return rows["canonical_unit"].iloc[0] if len(rows) else ""


def years_of(ctx: Context, family: str) -> list[int]:
    """Years at which any reading of the family may exist (its own claims and its parts' and shares')."""
    rel = ctx.relations
    related = [family] + list(rel.loc[rel["whole"] == family, "family"]) + list(rel.loc[rel["gives"] == family, "family"])
    years = ctx.claims.loc[ctx.claims["family"].isin(related), "year"].dropna().astype(int)
    return sorted(set(years))


def distinctive(value: float, unit: str) -> bool:
    """A number unlikely to recur by chance: a non-whole number ≥ 10, or a whole number ≥ 10 that is
    not a multiple of 5 in a unit other than % (whole percentages recur too often)."""
    if value < 10:
        return False
    if value != round(value):
        return True
    return round(value) % 5 != 0 and unit != "%"


def rate_words() -> re.Pattern:
    """'<rate noun> … <change verb> N%' (not '…至N%', a level); efficiency and frequency are not rates."""
    return re.compile(r"(?<![效频])(率|占比|份额|比重|精准度|准确率)[^0-9%，,。至]{0,4}?(提升|提高|增长|上升|下降|降低|减少)(了)?([0-9.]+)%")


def frame(readings: list[Reading]) -> pd.DataFrame:
    return pd.DataFrame([{"value": r.value, "label": r.label, "source": r.source} for r in readings])
