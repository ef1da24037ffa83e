"""Order logs at scale: a large CSV is parsed by Arrow into Arrow-backed columns (no Python string per
cell), giving exactly the table the careful record-by-record reader gives; a problem in it is located
at its physical line without a second full parse when records are lines; and the engine recovers the
parameters of a log simulated as the BG/NBD model describes it (scripts/make_orders.py --dropout)."""
from __future__ import annotations

import gzip
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from growthpath.data import orders as o
from growthpath.data.datapackage import DataError

MAKE_ORDERS = REPO / "scripts" / "make_orders.py"


def make(path, n, *flags):
    subprocess.run([sys.executable, str(MAKE_ORDERS), str(n), str(path), *flags], check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    return make(tmp_path_factory.mktemp("scale") / "orders.csv", 300_000)


def test_a_large_csv_is_read_by_arrow_into_arrow_backed_columns(big_csv, monkeypatch):
    careful = o._read_text(o._bytes(big_csv, "orders.csv"), "orders.csv", None)[0]
    monkeypatch.setattr(o, "_read_text", lambda *a, **k: pytest.fail("the careful reader ran on a well-formed UTF-8 file"))
    log = o.read(big_csv)
    frame = log.frame
    assert len(frame) == 300_000 and log.encoding == "utf-8" and log.kind == "text"
    assert isinstance(frame["customer_id"].dtype, pd.StringDtype) and frame["customer_id"].dtype.storage == "pyarrow"
    assert str(frame["date"].dtype) == "datetime64[us]" and frame["amount"].dtype == np.float64
    assert not any(frame[c].dtype == object for c in frame.columns)
    raw = pd.read_csv(big_csv, dtype={"customer_id": str})
    assert frame["customer_id"].tolist() == raw["customer_id"].tolist()
    assert frame["amount"].to_numpy().tolist() == raw["amount"].to_numpy().tolist()  # the same doubles as pandas' parser
    assert (frame["date"] == pd.to_datetime(raw["date"])).all()
    fast = o._read_text_fast(big_csv, "orders.csv", None)[0]
    pd.testing.assert_frame_equal(fast.frame.astype(object), careful.frame.astype(object))
    assert fast.lines([0, 299_999]) == careful.lines([0, 299_999]) == [2, 300_001]


def test_a_problem_in_a_large_file_is_located_at_its_physical_line(tmp_path, big_csv):
    text = big_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    text[150_000] = text[150_000] + "\n  \n"                   # blank lines (not rows) move what follows
    text[250_000] = text[250_000].rsplit(",", 1)[0] + ",-5\n"  # a negative amount, physical line 250,003
    path = tmp_path / "orders.csv.gz"
    path.write_bytes(gzip.compress("".join(text).encode()))
    with pytest.raises(DataError) as exc:
        o.load(path)
    (p,) = exc.value.problems
    assert (p.row, p.column) == (250_003, "amount") and "negative amount" in p.message
    quoted = tmp_path / "quoted.csv"  # a quoted cell over two lines: records are not lines, the csv module counts
    quoted.write_text("".join(text[:10]) + '"a\nb",2024-01-01,1\n' + "".join(text[10:250_001]), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        o.load(quoted)
    assert [(p.row, p.column) for p in exc.value.problems] == [(250_005, "amount")]


def test_the_fast_and_the_careful_reader_agree(tmp_path):
    # random small files: where the Arrow reader answers, its table and line map are the careful reader's
    rng = random.Random(7)
    cells = ["x", " y ", '"q,1"', '"a""b"', '"two\nlines"', "", "  ", "2024-01-02", "9.5", "顾客", "-3"]
    answered = 0
    for i in range(300):
        sep, nl = rng.choice([",", ";", "\t"]), rng.choice(["\n", "\r\n"])
        width = rng.randint(1, 4)
        rows = [""] * rng.choice([0, 0, 1]) + [sep.join(rng.choice(["customer_id", "date", "amount", "b"]) for _ in range(width))]
        for _ in range(rng.randint(0, 6)):
            rows.append(rng.choice(["", sep * (width - 1), sep.join(rng.choice(cells) for _ in range(width))]))
        path = tmp_path / f"f{i}.csv"
        path.write_bytes((nl.join(rows) + nl).encode("utf-8"))
        fast = o._read_text_fast(path, "f", None)
        if fast is None:
            continue
        careful = o._read_text(o._bytes(path, "f"), "f", None)[0]
        assert list(fast[0].frame.columns) == list(careful.frame.columns)
        assert fast[0].frame.astype(object).values.tolist() == careful.frame.astype(object).values.tolist()
        n = len(fast[0].frame)
        assert not n or fast[0].lines(range(n)) == careful.lines(range(n))
        answered += 1
    assert answered > 150


def test_bgnbd_parameters_of_a_simulated_log_are_recovered(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    import make_orders

    from growthpath.data import order_engine
    from growthpath.models import clv

    path = make(tmp_path / "dropout.parquet", 300_000, "--dropout", "--seed", "3")
    t = order_engine.prepare(order_engine.read_orders(order_engine.connect(threads=2), path))
    fit = clv.fit_bgnbd(order_engine.bgnbd_patterns(t, "2024-06-30"), weights="n")
    truth = make_orders.DROPOUT
    assert fit.usable, fit.note
    assert fit.params["r"] == pytest.approx(truth["r"], rel=0.1)
    assert fit.params["a"] == pytest.approx(truth["a"], rel=0.15) and fit.params["b"] == pytest.approx(truth["b"], rel=0.2)
    assert fit.params["alpha"] == pytest.approx(truth["alpha"] / 7, rel=0.2)  # days → weeks (purchase days are whole days)
    gg = clv.fit_gamma_gamma(order_engine.gamma_gamma_patterns(t, "2024-06-30"), weights="n")
    assert gg.usable, gg.note
