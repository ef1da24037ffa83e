"""Chapters 2 and 4 on an analyst's own order log say only what is true of that log: the description names the
file, its period and customers (checked against plain pandas on the file), nothing about CDNOW, 1997–98, US dollars
or published estimates reaches the page, a fit that is not regular says so, no warning or local path is printed,
and a measure the log cannot show is reported as not observable while the chapter runs on
(growthpath.analysis.logdesc, chapters/02_problem_definition.ipynb, chapters/04_theory.ipynb)."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import REPO, glued
from growthpath.data import orders, params
from growthpath.analysis import logdesc
from growthpath.models import clv

COLUMNS = "{customer_id: buyer, date: paid_at, amount: gmv}"
ROLE = re.compile(r"\{glue:(text|md)\}`([^`]+)`")
LOCAL = re.compile(r"/tmp/|/home/|/work/|/root/|/Users/|[A-Z]:\\\\")


# ----------------------------------------------------------------------------- helpers
def make_log(dest: Path, n: int = 20_000, seed: int = 7, before: str | None = None) -> Path:
    """scripts/make_orders.py's synthetic log, columns renamed as an analyst's export might name them."""
    spec = importlib.util.spec_from_file_location("make_orders", REPO / "scripts" / "make_orders.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    raw = module.write(n, dest.with_name(dest.stem + "-raw.csv"), seed=seed)
    frame = pd.read_csv(raw, dtype=str)
    raw.unlink()
    if before:
        frame = frame[frame["date"] < before]
    frame.rename(columns={"customer_id": "buyer", "date": "paid_at", "amount": "gmv"}).to_csv(dest, index=False)
    return dest


def run_cli(*args: str) -> Path:
    """`growthpath run …` through the CLI; the folder of the executed chapters it names."""
    from growthpath.cli import app

    result = CliRunner().invoke(app, ["run", *args])
    assert result.exit_code == 0, result.output
    folder = re.search(r"executed chapters: (\S+)/ ", result.output)
    assert folder, result.output
    return Path(folder.group(1))


def rendered(notebook: Path) -> str:
    """What a reader sees of an executed chapter's prose: its Markdown cells with every glue role replaced by the
    glued value (formatted as the role asks), one space between words."""
    values = glued(notebook)
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]

    def paste(m):
        kind, spec = m.groups()
        key, _, fmt = spec.partition(":") if kind == "text" else (spec, "", "")
        assert key in values, f"{notebook.name}: {{glue:{kind}}}`{spec}` has no glued value"
        value = values[key]
        return format(value, fmt) if fmt and not isinstance(value, str) else str(value)

    text = " ".join(ROLE.sub(paste, "".join(c["source"])) for c in cells if c["cell_type"] == "markdown")
    return " ".join(text.split())


def outputs(notebook: Path) -> list[tuple[str, str]]:
    """(kind, text) of every output of every code cell."""
    found = []
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            kind = out["output_type"] + (f":{out['name']}" if "name" in out else "")
            texts = [out.get("text", "")] + list(out.get("data", {}).values()) + [out.get("evalue", "")]
            found += [(kind, t if isinstance(t, str) else "".join(t) if isinstance(t, list) and all(isinstance(x, str) for x in t)
                       else json.dumps(t, ensure_ascii=False)) for t in texts]
    return found


def assert_clean_outputs(notebook: Path) -> None:
    """No warning, traceback or local path reaches the page."""
    for kind, text in outputs(notebook):
        assert kind != "stream:stderr", (notebook.name, text[:300])
        assert kind != "error", (notebook.name, text[:300])
        assert "Warning" not in text, (notebook.name, text[max(0, text.find("Warning") - 200):][:400])
        found = LOCAL.search(text)
        assert not found, (notebook.name, text[max(0, found.start() - 200):found.end() + 100])


# ----------------------------------------------------------------------------- the description, unit by unit
@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return orders.load(None)


def own_frame(days: int = 400, customers: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = customers * 4
    return pd.DataFrame({"customer_id": [f"c{i % customers}" for i in range(n)],
                         "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D"),
                         "amount": rng.uniform(5, 50, n)})


def test_the_bundled_log_is_described_from_its_data_and_metadata(cdnow):
    d = logdesc.describe(cdnow)
    raw = pd.read_csv(REPO / "data" / "orders" / "cdnow_master.csv.gz", dtype={"customer_id": str}, parse_dates=["date"])
    assert (d.n_customers, d.n_lines) == (raw["customer_id"].nunique(), len(raw))
    assert (d.first_date, d.last_date) == (raw["date"].min(), raw["date"].max())
    first = raw.groupby("customer_id")["date"].min()
    assert d.one_cohort and first.dt.to_period("Q").nunique() == 1 and d.quarter == "the first quarter of 1997"
    assert d.bundled and d.currency == "USD" and d.years == "1997–98" and d.decade == "the 1990s"
    assert d.retailer == "US online music (CD) retailer" and d.retailer_short == "US CD retailer" and d.product == "CD"
    assert "Fader" in d.source and d.name == "the CDNOW order log"
    assert logdesc.orders_label(d) == "the CDNOW stand-in (a US CD retailer, 1997–1998)"  # the golden value
    box = logdesc.chapter2_box(d)
    assert box["description"] == (": a US online music (CD) retailer's log of 1997–98, 23,570 customers who all first bought in "
                                  "the first quarter of 1997, 69,659 order lines up to 1998-06-30, amounts in US dollars of the time.")
    sample = logdesc.describe(orders.load(None, resource="orders_cdnow_sample"), resource="orders_cdnow_sample")
    assert sample.name == "the CDNOW 1/10 sample" and sample.cohort_season == "early 1997" and sample.money == "US dollars of 1997–98"


def test_an_analysts_log_is_described_from_its_own_data():
    frame = own_frame()
    d = logdesc.describe(frame, "exports/orders 2024.csv")
    assert not d.bundled and d.currency is None and d.name == "your order log `exports/orders 2024.csv`"
    assert d.n_customers == frame["customer_id"].nunique() and d.n_lines == len(frame)
    assert (d.first_date, d.last_date) == (frame["date"].min(), frame["date"].max())
    first = frame.groupby("customer_id")["date"].min()
    assert (d.acquired_from, d.acquired_to) == (first.min(), first.max())
    assert d.amounts == "amounts in the log's own currency" and d.money == "in the log's own currency"
    text = " ".join(logdesc.chapter2_box(d).values()) + logdesc.orders_label(d) + " ".join(logdesc.chapter2_phrases(d).values())
    text += " ".join(logdesc.chapter4_box(d, d).values()) + logdesc.clv_sample_label(d)
    for word in ("CDNOW", "1997", "1998", "US dollar", "stand-in", "retailer", "1990s"):
        assert word not in text, word
    assert f"{d.n_customers:,} customers" in text and str(d.last_date.date()) in text and "`exports/orders 2024.csv`" in text
    assert logdesc.shown_path("/home/me/secret/orders.csv") == "orders.csv"  # a local folder says nothing to a reader


def test_a_one_cohort_log_and_a_continuous_one_are_told_apart():
    frame = own_frame()
    one = frame.assign(date=frame["date"].where(frame.groupby("customer_id").cumcount() > 0, pd.Timestamp("2024-02-01")))
    assert logdesc.describe(one, "a.csv").one_cohort and "one cohort" in logdesc.describe(one, "a.csv").inflow
    late = frame.assign(date=frame["date"] + pd.to_timedelta(np.where(frame["customer_id"] == "c1", 200, 0), unit="D"))
    d = logdesc.describe(late, "b.csv")
    assert not d.one_cohort and "keep arriving" in d.inflow and "whose first purchases run from" in d.acquisition


def test_a_repurchase_window_longer_than_the_log_is_not_observable(cdnow):
    rates = logdesc.repurchase_rates(cdnow, [30, 90, 2000])
    assert rates["observable"].tolist() == [True, True, False] and rates["rate"].isna().tolist() == [False, False, True]
    assert rates.loc[2, "note"].startswith("not observable")
    said = logdesc.repurchase_phrases(rates, logdesc.describe(cdnow).days)
    assert said["range"] == "they range from 17.5 % (30 days) to 29.2 % (90 days)"
    assert "window of 2,000 days is not observable" in said["observable"] and "545 days" in said["observable"]
    assert said["summary"] == "29.2 % of first-time buyers come back within a quarter"
    only_long = logdesc.repurchase_rates(cdnow, [2000])
    assert "no window is observable" in logdesc.repurchase_phrases(only_long, 545)["range"]


def test_retention_and_survival_beyond_the_data_are_not_observable():
    ret = orders.cohort_retention(own_frame(days=100), "M")
    assert logdesc.retention_at(ret, 6) is None and logdesc.retention_at(ret, 1) == pytest.approx(ret[1].mean())
    assert "not observable" in logdesc.retention_later(None, 6, "M", 4) and "4 months" in logdesc.retention_later(None, 6, "M", 4)
    assert logdesc.retention_later(0.081, 6, "M", 18) == "and 8.1 % six periods on"
    short = logdesc.describe(own_frame(days=100), "s.csv")
    assert short.periods("M") == 4 and short.periods("W") == 14  # Monday 2024-01-01 to Sunday 2024-04-07
    km = pd.DataFrame({"days": [10.0, 20.0], "survival": [0.9, 0.8]})
    assert (logdesc.survival_at(km, 5), logdesc.survival_at(km, 15), logdesc.survival_at(km, 99)) == (1.0, 0.9, 0.8)


def test_the_published_split_is_the_chapters_default():
    assert logdesc.PUBLISHED_SPLIT == (params.FIELDS["calibration_end"].default, params.FIELDS["holdout_end"].default)


def fit(values, bse=0.01, converged=True, note=""):
    f = clv.Fit(dict(values), {k: bse for k in values}, -1.0, 10, converged)
    if hasattr(f, "note"):
        f.note = note
    return f


def test_published_estimates_are_claimed_only_for_the_same_data_dates_and_values(cdnow):
    sample = logdesc.describe(orders.load(None, resource="orders_cdnow_sample"), resource="orders_cdnow_sample")
    bg = {k: clv.PUBLISHED[k] * 1.002 for k in clv.BGNBD_PARAMS}
    gg = {k: clv.PUBLISHED[k] for k in clv.GAMMA_GAMMA_PARAMS}
    ok = logdesc.published_check(sample, *logdesc.PUBLISHED_SPLIT, {"bg": fit(bg), "gg": fit(gg)}, clv.PUBLISHED)
    assert ok["reproduces"] and ok["verdict"] == "**The fit reproduces the published estimates.**"
    assert ok["sentence"] == "Fader, Hardie and Lee report r = 0.243, α = 4.414, a = 0.793, b = 2.426 for the same data (largest difference 0.2%)"
    off = logdesc.published_check(sample, *logdesc.PUBLISHED_SPLIT, {"bg": fit({**bg, "r": 0.3}), "gg": fit(gg)}, clv.PUBLISHED)
    assert not off["reproduces"] and "does not reproduce" in off["verdict"]
    stuck = logdesc.published_check(sample, *logdesc.PUBLISHED_SPLIT, {"bg": fit(bg, converged=False), "gg": fit(gg)}, clv.PUBLISHED)
    assert not stuck["reproduces"] and "reproduces the published" not in stuck["verdict"]
    other_dates = logdesc.published_check(sample, "1997-12-31", "1998-06-30", {"bg": fit(bg), "gg": fit(gg)}, clv.PUBLISHED)
    assert not other_dates["comparable"] and "not this run's dates" in other_dates["verdict"]
    mine = logdesc.published_check(logdesc.describe(own_frame(), "m.csv"), *logdesc.PUBLISHED_SPLIT,
                                   {"bg": fit(bg), "gg": fit(gg)}, clv.PUBLISHED)
    assert not mine["comparable"] and mine["verdict"] == "**There are no published estimates for this log.**"
    assert "CDNOW" not in mine["sentence"] + mine["verdict"]


def test_a_fit_that_is_not_regular_says_so():
    good, flat = fit({"r": 1.0}), fit({"r": 1.0}, bse=float("nan"))
    assert logdesc.fit_status({"BG/NBD": good, "Gamma-Gamma": good}, {}) == "Both fits converged."
    said = logdesc.fit_status({"BG/NBD": flat, "Gamma-Gamma": good}, {"BG/NBD": ["standard errors are not available"]})
    assert said.startswith("**The BG/NBD fit is not regular**") and "standard errors are not available" in said
    stuck = logdesc.fit_status({"BG/NBD": fit({"r": 1.0}, converged=False), "Gamma-Gamma": good}, {})
    assert "did not converge" in stuck and "unreliable" in stuck
    assert logdesc.standard_error(flat, "r").startswith("no standard error") and logdesc.standard_error(good, "r") == "standard error 0.010"


def test_a_holdout_shorter_than_the_horizon_cannot_check_it():
    assert "not observable" in logdesc.horizon_note(39.1, 52) and "not observable" not in logdesc.horizon_note(60, 52)


def test_who_predicts_holdout_spend_best_is_computed():
    col = "spend held by predicted top 20 % (%)"
    errors = pd.DataFrame({"total error (%)": [-15.6, 60.2, 61.2], col: [66.3, 22.3, 66.0]},
                          index=pd.Index(["model", "historical average", "own history"], name="method"))
    d = logdesc.describe(own_frame(), "m.csv")
    said = logdesc.value_methods(errors, col, 20, d)
    assert "measurably worse" in said["hist_item"] and "ranks as well as" in said["own_history"] and "overstates" in said["own_history"]
    errors.loc["model", col], errors.loc["own history", "total error (%)"] = 20.0, -3.0
    said = logdesc.value_methods(errors, col, 20, d, left_out=2)
    assert "not measurably worse" in said["hist_item"] and "do not beat" in said["summary"]
    assert "ranks better than" in said["own_history"] and "overstates" not in said["own_history"] and "2 customers" in said["own_history"]


# ----------------------------------------------------------------------------- the chapters on an analyst's log
@pytest.mark.slow
def test_chapters_2_and_4_on_an_analysts_log_describe_that_log(project):
    log = make_log(project / "mine" / "orders.csv")  # a file inside the project: the chapters show it as mine/orders.csv
    folder = run_cli("-c", "2", "-c", "4", "-p", "orders_path=mine/orders.csv", "-p", f"orders_columns={COLUMNS}",
                     "-p", "clv_orders_path=mine/orders.csv", "-p", f"clv_orders_columns={COLUMNS}",
                     "-p", "calibration_end=2024-06-30", "-p", "holdout_end=2024-12-31")
    assert folder.parts[:2] == ("_build", "runs") and folder.name.startswith("base-custom-")
    raw = pd.read_csv(log, dtype=str)  # the independent reading: plain pandas on the file
    customers, first, last = raw["buyer"].nunique(), raw["paid_at"].min(), raw["paid_at"].max()
    for name in ("02_problem_definition", "04_theory"):
        notebook = project / folder / f"{name}.ipynb"
        text = rendered(notebook)
        for word in ("CDNOW", "1997", "1998", "reproduces the published", "stand-in"):
            assert word not in text, (name, word, text[max(0, text.find(word) - 200):][:400])
        # "US dollars" only where the seed states a figure in them (004 §2.4's World Bank claim), never for the log
        assert text.count("US dollar") == text.count("万亿 US dollars"), name
        assert "mine/orders.csv" in text and f"{customers:,} customers" in text, name
        assert f"from {first} to {last}" in text and "amounts in the log's own currency" in text, name
        assert_clean_outputs(notebook)
    values = glued(project / folder / "02_problem_definition.ipynb")
    assert values["n_customers"] == customers and values["n_lines"] == len(raw) and values["last_date"] == last
    ch4 = glued(project / folder / "04_theory.ipynb")
    assert ch4["fit_verdict"] == "**There are no published estimates for this log.**"
    assert "same data" not in ch4["bg_vs_published"] and ch4["clv_currency"] == "in the log's own currency"
    if "bg_r_se" not in ch4:  # no standard error: the page must not call the fits converged
        assert ch4["clv_status"] != "Both fits converged." and "unreliable" in ch4["clv_status"]
    assert "mine/orders.csv" in ch4["ch4_rest"] and "not observable" in ch4["horizon_note"]  # a 26-week holdout, 52-week horizon


@pytest.mark.slow
def test_a_repurchase_window_longer_than_the_bundled_log_is_reported_not_observable(project):
    folder = run_cli("-c", "2", "-p", "repurchase_days=[30, 2000]")
    notebook = project / folder / "02_problem_definition.ipynb"
    values, text = glued(notebook), rendered(notebook)
    assert "repurchase_2000d" not in values and values["repurchase_30d"] == pytest.approx(17.458633856597, rel=1e-9)
    assert "The window of 2,000 days is not observable" in text and "only the 30-day window is observable, at 17.5 %" in text
    assert any("not observable" in t for kind, t in outputs(notebook) if kind == "execute_result")  # the table says so too
    assert_clean_outputs(notebook)


@pytest.mark.slow
def test_a_short_log_runs_chapter_2_and_says_what_it_cannot_show(project):
    make_log(project / "short.csv", n=4_000, before="2023-05-01")  # four months of orders
    folder = run_cli("-c", "2", "-p", "orders_path=short.csv", "-p", f"orders_columns={COLUMNS}")
    notebook = project / folder / "02_problem_definition.ipynb"
    values, text = glued(notebook), rendered(notebook)
    assert "retention_p6" not in values and "six periods on is not observable" in text
    assert "repurchase_180d" not in values and "repurchase_365d" not in values and "repurchase_90d" in values
    assert "windows of 180 and 365 days are not observable" in text
    for word in ("CDNOW", "1997", "stand-in"):
        assert word not in text, word
    assert_clean_outputs(notebook)
