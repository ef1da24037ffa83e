"""Which data ids a computation read, noted by the package's readers as they select them.

The pickers (`claims.pick`, `claims.select`, `official.observations`) and the assumption register note the ids they
hand out; `capture()` collects those noted inside a block. A package function that computes a reported value from a
model or simulation it cannot attribute id by id declares what it read this way (`growthpath.data.values` holds the
declared result); nothing is traced from a notebook's code."""
from __future__ import annotations

import contextlib

ID_COLUMNS = ("claim_id", "obs_id", "series_id")   # a frame's own ids, most specific first (a chart's Source line)
MAX_IDS = 12                                       # a Source line naming more ids names the count and the first ones

_CAPTURING: list[list[str]] = []


@contextlib.contextmanager
def capture():
    """The ids noted inside the block, in order: a result computed once and cached (the audit's findings, an outlook)
    notes them again when it is reused, so its provenance is the same either way."""
    ids: list[str] = []
    _CAPTURING.append(ids)
    try:
        yield ids
    finally:
        _CAPTURING.remove(ids)


def note(ids) -> None:
    """Record ids a reader selected (`claims.pick`, `official.observations`, a register read) for every open capture."""
    ids = [str(i) for i in ids]
    for captured in _CAPTURING:
        captured.extend(ids)
