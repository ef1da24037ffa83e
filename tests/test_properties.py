"""Property-based tests (Hypothesis) over the loaders and the audit rules: any well-formed ledger or
order log is accepted and never crashes the analysis; any malformed one fails with `DataError`,
whose problems name the file, row and column."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO

LEDGER = pd.read_csv(REPO / "data" / "claims" / "claims.csv", dtype=str, keep_default_na=False)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def write_csv(path, frame: pd.DataFrame) -> None:
    path.write_text(frame.to_csv(index=False), encoding="utf-8")


# ----------------------------------------------------------------------------- ledgers
finite = st.floats(min_value=0.001, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def ledgers(draw):
    """A subset of the real ledger's rows (so units and sections exist) with arbitrary positive values."""
    rows = draw(st.lists(st.integers(0, len(LEDGER) - 1), min_size=1, max_size=40, unique=True))
    frame = LEDGER.iloc[sorted(rows)].copy()
    values = draw(st.lists(finite, min_size=len(frame), max_size=len(frame)))
    frame["value"] = [f"{v:.6g}" for v in values]
    frame["value_canonical"] = frame["value"]
    return frame


@SETTINGS
@given(frame=ledgers())
def test_any_well_formed_ledger_loads_and_audits(tmp_path, frame):
    from growthpath import audit
    from growthpath.data import claims

    path = tmp_path / "ledger.csv"
    write_csv(path, frame)
    loaded = claims.load_file(path)
    assert len(loaded) == len(frame)
    findings = audit.run(claims_path=path)
    assert all(f.severity in audit.SEVERITIES for f in findings)
    assert {r.claim_id for f in findings for r in f.refs} <= set(frame["claim_id"])


CORRUPTIONS = {
    "value": ("not a number", "value"),
    "doc": ("999", "doc"),
    "unit": ("furlongs", "unit"),
    "claim_id": ("nonsense", "claim_id"),
    "quote": ("", "quote"),
}


@SETTINGS
@given(frame=ledgers(), which=st.sampled_from(sorted(CORRUPTIONS)), data=st.data())
def test_any_malformed_ledger_fails_with_a_located_data_error(tmp_path, frame, which, data):
    from growthpath.data import claims
    from growthpath.data.datapackage import DataError

    bad, column = CORRUPTIONS[which]
    row = data.draw(st.integers(0, len(frame) - 1))
    frame = frame.copy()
    frame.iloc[row, frame.columns.get_loc(column)] = bad
    path = tmp_path / "ledger.csv"
    write_csv(path, frame)
    with pytest.raises(DataError) as info:
        claims.load_file(path)
    assert any(p.row == row + 2 for p in info.value.problems), [str(p) for p in info.value.problems]
    assert str(path) in str(info.value)


@SETTINGS
@given(frame=ledgers(), drop=st.sampled_from(["value", "unit", "quote", "claim_id"]))
def test_a_ledger_missing_a_column_fails_naming_it(tmp_path, frame, drop):
    from growthpath.data import claims
    from growthpath.data.datapackage import DataError

    path = tmp_path / "ledger.csv"
    write_csv(path, frame.drop(columns=[drop]))
    with pytest.raises(DataError, match=drop):
        claims.load_file(path)


# ----------------------------------------------------------------------------- order logs
@st.composite
def order_logs(draw):
    n = draw(st.integers(1, 60))
    customers = draw(st.lists(st.sampled_from([f"c{i}" for i in range(12)]), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 700), min_size=n, max_size=n))
    amounts = draw(st.lists(st.floats(min_value=0.01, max_value=5000, allow_nan=False), min_size=n, max_size=n))
    dates = [(pd.Timestamp("2023-01-01") + pd.Timedelta(days=d)).date().isoformat() for d in days]
    return pd.DataFrame({"customer_id": customers, "date": dates, "amount": [f"{a:.2f}" for a in amounts]})


@SETTINGS
@given(raw=order_logs())
def test_any_well_formed_order_log_is_analysed_without_crashing(tmp_path, raw):
    from growthpath.data import orders
    from growthpath.models import clv

    path = tmp_path / "orders.csv"
    write_csv(path, raw)
    log = orders.load(path)
    assert len(log) == len(raw)
    rate = orders.repurchase_within(log, 30)["rate"]
    assert math.isnan(rate) or 0 <= rate <= 1
    assert 0 <= orders.gini(log) < 1
    assert 0 < orders.top_share(log, 20) <= 1
    retention = orders.cohort_retention(log)
    assert (retention[0] == 1).all()
    middle = log["date"].min() + (log["date"].max() - log["date"].min()) / 2
    summary = clv.rfm_summary(log, middle.normalize())
    assert (summary["x"] >= 0).all() and (summary["t_x"] <= summary["T"]).all()


BAD_CELLS = {"amount": ["-5", "lots", "inf"], "date": ["2024-02-30", "yesterday", ""], "customer_id": [""]}


@SETTINGS
@given(raw=order_logs(), column=st.sampled_from(sorted(BAD_CELLS)), data=st.data())
def test_any_malformed_order_log_fails_naming_row_and_column(tmp_path, raw, column, data):
    from growthpath.data import orders
    from growthpath.data.datapackage import DataError

    row = data.draw(st.integers(0, len(raw) - 1))
    raw = raw.copy()
    raw.iloc[row, raw.columns.get_loc(column)] = data.draw(st.sampled_from(BAD_CELLS[column]))
    path = tmp_path / "orders.csv"
    write_csv(path, raw)
    with pytest.raises(DataError) as info:
        orders.load(path)
    assert any(p.row == row + 2 and p.column == column for p in info.value.problems), [str(p) for p in info.value.problems]


@SETTINGS
@given(text=st.text(min_size=1, max_size=200))
def test_arbitrary_bytes_as_an_order_log_never_crash_the_loader(tmp_path, text):
    """Whatever the file holds, the loader either returns a valid log or raises DataError."""
    from growthpath.data import orders
    from growthpath.data.datapackage import DataError

    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    try:
        log = orders.load(path)
    except DataError:
        return
    assert list(log.columns[:3]) == ["customer_id", "date", "amount"] and (log["amount"] >= 0).all()
