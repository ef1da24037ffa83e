"""Which data ids a computation read, noted by the package's readers as they select them.

The pickers (`claims.pick`, `claims.select`, `official.observations`) and the assumption register note the ids they
hand out; `capture()` collects those noted inside a block. A package function that computes a reported value from a
model or simulation it cannot attribute id by id declares what it read this way (`growthpath.data.values` holds the
declared result); nothing is traced from a notebook's code."""
from __future__ import annotations

import contextlib

ID_COLUMNS = ("claim_id", "obs_id", "series_id")   # a frame's own ids, most specific first (a chart's Source line)
MAX_IDS = 12                                       # a Source line naming more ids names the count and the first ones

class Collector:
    """Open captures, nested or not: each `capture()` block gets everything `add`ed while it is open."""

    def __init__(self):
        self._open: list[list[str]] = []

    @contextlib.contextmanager
    def capture(self):
        got: list[str] = []
        self._open.append(got)
        try:
            yield got
        finally:
            self._open.remove(got)

    def add(self, items) -> None:
        for got in self._open:
            got.extend(items)


_NOTED = Collector()


def capture():
    """The ids noted inside the block, in order: a result computed once and cached (the audit's findings, an outlook)
    notes them again when it is reused, so its provenance is the same either way."""
    return _NOTED.capture()


def note(ids) -> None:
    """Record ids a reader selected (`claims.pick`, `official.observations`, a register read) for every open capture."""
    _NOTED.add([str(i) for i in ids])
