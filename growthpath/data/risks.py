"""The risk register (data/reference/risks.csv): validated, with every evidence and mitigation id
checked against the claims ledger."""
from __future__ import annotations

import pandas as pd

from growthpath.data import datapackage
from growthpath.data.datapackage import DataError, Problem

RESOURCE = "risks"
LABEL = "data/reference/risks.csv"


def _ids(text: str) -> list[str]:
    return str(text).split() if isinstance(text, str) else []


def load(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The register; with `claims`, unknown ledger ids are errors naming row and column."""
    frame = datapackage.read_table(RESOURCE)
    if claims is not None:
        known = set(claims["claim_id"])
        problems = [Problem(LABEL, f"unknown claim id {cid!r}", row=int(i) + 2, column=col)
                    for i, row in frame.iterrows() for col in ("evidence", "mitigation")
                    for cid in _ids(row[col]) if cid not in known]
        missing = [Problem(LABEL, "a risk needs at least one evidence or mitigation claim", row=int(i) + 2, column="evidence")
                   for i, row in frame.iterrows() if not _ids(row["evidence"]) and not _ids(row["mitigation"])]
        if problems or missing:
            raise DataError(problems + missing)
    return frame.assign(score=frame["likelihood"] * frame["impact"])


def claims_of(register: pd.DataFrame, claims: pd.DataFrame, column: str = "mitigation") -> pd.DataFrame:
    """The ledger rows a register column cites, with the risk they belong to."""
    pairs = [(r.risk_id, cid) for r in register.itertuples() for cid in _ids(getattr(r, column))]
    links = pd.DataFrame(pairs, columns=["risk_id", "claim_id"])
    return links.merge(claims, on="claim_id", how="left")


def matrix(register: pd.DataFrame) -> pd.DataFrame:
    """All 25 (likelihood, impact) cells, impact 1→5 within likelihood 5→1, with the ids of the
    risks in each (empty where none) and the score likelihood × impact."""
    ids = register.groupby(["likelihood", "impact"])["risk_id"].apply(" ".join)
    cells = [{"likelihood": lk, "impact": im, "risks": ids.get((lk, im), ""), "n": len(ids.get((lk, im), "").split()),
              "score": lk * im} for lk in range(5, 0, -1) for im in range(1, 6)]
    return pd.DataFrame(cells)
