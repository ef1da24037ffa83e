"""Reported values with the provenance they were computed from, declared where they are computed.

A package function that computes a number or a sentence the book reports returns it as a `Value`: the
value, the ids of the data it read (ledger `claim_id`s, official `obs_id`s, `assumption:<register id>`,
`parameter:<name>`, `orders:<log>`, `section:<doc> §<section>`), its unit, and what it is (year, kind).
A chapter glues a mapping of them with `page.glue_all`, which records exactly those ids: nothing is traced
from the notebook's code and nothing is typed by hand.

Id kinds: a ledger claim id has no prefix (`000-2.1-03`), an official `obs_id` is `<series>:<period>`, and the
others are named by the PREFIXES below.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

PREFIXES = {"assumption": "assumption register", "parameter": "parameter", "orders": "order log",
            "section": "audit of the ledger", "scenario": "scenario definitions", "policy": "policy register",
            "risk": "risk register", "shock": "shock register", "rule": "audit rules", "history": "audit history"}


@dataclass(frozen=True)
class Value:
    """A reported value and the ids it was computed from. `markdown` marks a sentence or label shown with
    {glue:md}; `computed_by` is the package function that returned it (set by `computes`)."""

    value: object
    ids: tuple[str, ...] = ()
    unit: str = ""
    year: int | None = None
    kind: str | None = None
    markdown: bool = False
    computed_by: str = field(default="", compare=False)

    def __post_init__(self):
        object.__setattr__(self, "ids", tuple(dict.fromkeys(str(i) for i in self.ids)))

    @property
    def is_assumption(self) -> bool:
        return any(i.startswith("assumption:") for i in self.ids)


Values = dict  # name → Value, in the order the chapter glues them


def ids(*sources) -> tuple[str, ...]:
    """The ids of Values, claim and observation rows (a Series with `claim_id` or `obs_id`), frames with a `claim_id` or `obs_id` column,
    and plain id strings, in order, each once."""
    out: list[str] = []
    for s in sources:
        if isinstance(s, Value):
            out += s.ids
        elif isinstance(s, str):
            out.append(s)
        elif isinstance(s, pd.Series) and ("claim_id" in s.index or "obs_id" in s.index):
            out.append(str(s["claim_id"] if "claim_id" in s.index else s["obs_id"]))
        elif isinstance(s, pd.DataFrame):
            col = next(c for c in ("claim_id", "obs_id") if c in s.columns)
            out += [str(v) for v in s[col].dropna()]
        elif isinstance(s, Iterable):
            out += ids(*s)
        else:
            raise TypeError(f"no ids in a {type(s).__name__}")
    return tuple(dict.fromkeys(out))


def claim(row: pd.Series) -> Value:
    """A ledger claim's own value, as written in the seed, with its claim id and unit."""
    return Value(float(row["value"]), (str(row["claim_id"]),), unit=str(row["unit"]))


def claim_key(claim_id: str) -> str:
    """Glue key of a claim's value: `000-1.1-04` → `claim_000_1_1_04` (used as {glue:text}`claim_000_1_1_04:g`)."""
    return "claim_" + claim_id.replace("-", "_").replace(".", "_")


def parameter(name: str, value, unit: str = "") -> Value:
    """A run parameter reported as it was set."""
    return Value(value, (f"parameter:{name}",), unit=unit)


def sentence(text: str, *sources) -> Value:
    """A computed sentence or label for {glue:md}, with the ids of what it was computed from."""
    return Value(str(text), ids(*sources), markdown=True)


def source(id_list: Iterable[str]) -> str:
    """What kinds of data the ids are, in words: 'ledger', 'official statistics', 'order log', …"""
    kinds = []
    for i in id_list:
        prefix = i.split(":", 1)[0] if ":" in i else ""
        kinds.append(PREFIXES.get(prefix, "official statistics" if prefix else "ledger"))
    return ", ".join(dict.fromkeys(kinds))


def computes(fn):
    """Mark a package function whose result (a Value, or a mapping of them) the book reports: each Value
    it returns records the function as `computed_by`, unless a function it called already did."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    def mark(v):
        return v if not isinstance(v, Value) or v.computed_by else replace(v, computed_by=name)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        if isinstance(out, Mapping):
            return {k: mark(v) for k, v in out.items()}
        return mark(out)

    return wrapper


# Chinese large-number units in English: (factor to one unit, currency sign)
_ENGLISH_UNITS = {"万亿元": (1e12, "¥"), "亿元": (1e8, "¥"), "万元": (1e4, "¥"), "万亿美元": (1e12, "US$"),
                  "亿人": (1e8, ""), "万人": (1e4, ""), "亿": (1e8, "")}
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def three_significant(x: float) -> float:
    """`x` to three significant digits, a half rounded up as a reader would (11.25 亿 is 1.13 billion; Python's own
    rounding of the exact binary 1.125 gives 1.12)."""
    from decimal import ROUND_HALF_UP, Decimal

    d = Decimal(repr(x))
    return float(d.quantize(Decimal(1).scaleb(d.adjusted() - 2), rounding=ROUND_HALF_UP)) if x else 0.0


def in_english(value, unit: str) -> str | None:
    """A figure in a Chinese large-number unit said in English, to three significant digits: 7 万亿元 → '¥7 trillion',
    39,029 亿元 → '¥3.9 trillion', 9.15 亿人 → '915 million'; None for any other unit or a non-number."""
    if unit not in _ENGLISH_UNITS or isinstance(value, bool) or not isinstance(value, (int, float)) or pd.isna(value):
        return None
    factor, sign = _ENGLISH_UNITS[unit]
    amount = three_significant(abs(float(value)) * factor)   # rounded first: 9,996 亿元 is ¥1 trillion, not ¥1e+03 billion
    size, word = next(((s, w) for s, w in _SCALES if amount >= s), (1.0, ""))
    number = f"{amount / size:,.3g}" if word else f"{amount:,.0f}"
    return f"{'-' if value < 0 else ''}{sign}{number}{' ' + word if word else ''}"
