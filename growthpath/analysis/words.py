"""Words that depend on a value: a sentence whose direction or verdict turns on a number is generated
here from the number, never typed as fixed text (results/headlines.yml checks the pairs)."""
from __future__ import annotations

import math

# probability → words; each band is [floor, next floor)
LIKELIHOOD = ((0.9, "almost certain"), (0.6, "likely"), (0.4, "about even"), (0.1, "unlikely"), (0.01, "very unlikely"),
              (0.0, "practically impossible"))


def likelihood(p: float) -> str:
    """Words for a probability: 'almost certain' only from 0.9, 'practically impossible' below 0.01."""
    if not 0 <= p <= 1 or math.isnan(p):
        raise ValueError(f"a probability must be in [0, 1], got {p!r}")
    return next(words for floor, words in LIKELIHOOD if p >= floor)


def position(value: float, lower: float, upper: float) -> str:
    """Where a value sits against an interval: below it, inside it (near an end when in its outer
    quarter), or above it."""
    if lower > upper:
        raise ValueError("interval bounds are reversed")
    if value < lower:
        return "below the interval"
    if value > upper:
        return "above the interval"
    quarter = (upper - lower) / 4
    if value > upper - quarter:
        return "inside the interval, near its upper end"
    if value < lower + quarter:
        return "inside the interval, near its lower end"
    return "inside the interval"


def compare(a: float, b: float, *, rel_tol: float = 1e-9) -> str:
    """'above', 'below' or 'equal to': how `a` stands against `b`."""
    if math.isclose(a, b, rel_tol=rel_tol, abs_tol=rel_tol):
        return "equal to"
    return "above" if a > b else "below"
