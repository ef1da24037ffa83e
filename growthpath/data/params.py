"""Chapter parameters, declared once: `Parameters` (a pydantic model) gives every parameter its type,
range or allowed values, default, description and the chapters that read it.

The runner, the scenarios file, `growthpath params` and Appendix E all read this declaration, and a
test checks each chapter's `parameters` cell against it (same names, same defaults). A default of
`None` means "the value in the assumption register" (data/reference/assumptions.csv)."""
from __future__ import annotations

import ast
import datetime as dt
import json
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import annotated_types as at
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

RESERVED = ("scenario",)  # set by the runner from --scenario, never by the user
ORDER_FIELDS = ("customer_id", "date", "amount", "channel", "quantity")
OUTLOOK, SIMULATION = ("01", "03", "06", "08", "95"), ("03", "06", "08", "95")


def _iso_date(value: str) -> str:
    dt.date.fromisoformat(value)
    return value


IsoDate = Annotated[str, AfterValidator(_iso_date)]
Columns = dict[Literal[ORDER_FIELDS], str]  # type: ignore[valid-type]


def P(default: Any, chapters: tuple[str, ...] | str, description: str, *, register: str | None = None,
      expect: str | None = None, **constraints):
    """One declared parameter: its default, the chapters (by number) that read it, what it means, the
    register row that supplies a `None` default, and an explicit wording of its valid values."""
    chapters = tuple(chapters.split()) if isinstance(chapters, str) else chapters
    extra = {"chapters": list(chapters), "register": register, "expect": expect}
    return Field(default, description=description, json_schema_extra=extra, **constraints)


class Parameters(BaseModel):
    """Every parameter a chapter can take. Scenario files and `-p key=value` may set any subset."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)

    # outlook and target probabilities
    forecast_year: Literal[2026] = P(2026, OUTLOOK, "Year whose targets are tested.",
                                     expect="2026 (the plan's targets are for 2026, and the outlook nowcasts the year after "
                                            "the last published level)")
    nowcast_adjustment: Literal["none", "best_revision", "mean_revision"] = P(
        "none", OUTLOOK, "How the latest year-to-date growth reading is moved for the full year.",
        expect="'none' (the latest year-to-date reading), 'best_revision' or 'mean_revision' (it plus the most favourable "
               "or the average revision on record)")
    ytd_revision_sd_pp: float | None = P(None, "01 03 06 08", "Spread of the full-year revision of a year-to-date growth reading.",
                                         register="ytd_revision_sd_pp", ge=0, le=10)
    ci_level: float = P(0.95, OUTLOOK, "Confidence level of every interval.", ge=0.5, lt=1)
    seed: int = P(20261122, SIMULATION, "Seed of every random draw.", ge=0, lt=2**32)
    n_sims: int = P(20000, SIMULATION, "Simulated years per scenario.", ge=1000, le=200_000)
    share_sd_pp: float | None = P(None, "03 06 08", "Year-to-year spread of social commerce's gain in share of online retail.",
                                  register="share_sd_pp", ge=0, le=10)
    user_growth_sd_pp: float | None = P(None, "03 06 08", "Year-to-year spread of online shoppers' growth.",
                                        register="user_growth_sd_pp", ge=0, le=20)
    user_share_gain_pp: float | None = P(None, "03 06 08", "Yearly gain in the share of online shoppers who use social commerce.",
                                         register="user_share_gain_pp", ge=-10, le=20)
    shocks_enabled: list[str] = P(["all"], "06 08", "Shocks simulated (names in data/reference/shocks.csv, or 'all').",
                                  expect="a list of shock names (data/reference/shocks.csv) or ['all']", min_length=1)

    # order logs (chapters 2 and 4)
    orders_path: str = P("", "02 04", "Your order log (CSV, TSV, Parquet or .xlsx); empty: the bundled CDNOW log.",
                         expect="a file path, relative to the folder you run from")
    orders_columns: Columns = P({}, "02 04", "Your column names for customer_id, date, amount (and channel, quantity).",
                                expect="a mapping of customer_id/date/amount/channel/quantity to your column names")
    orders_encoding: str = P("", "02 04", "Text encoding of a CSV/TSV order log; empty: UTF-8 (with or without BOM), or GB18030 "
                             "when the bytes are not UTF-8.", expect="an encoding name such as utf-8, gb18030 or gbk",
                             pattern=r"^$|^(?i:utf-8|utf-8-sig|utf8|gb18030|gbk|gb2312|big5|latin-1|iso-8859-1|cp1252|utf-16)$")
    orders_date_format: str = P("", "02 04", "strftime format of the log's dates (e.g. %d/%m/%Y); empty: inferred from the "
                                "whole column, and refused when ambiguous.", expect="a strftime format such as %Y-%m-%d or %d/%m/%Y",
                                pattern=r"^$|%")
    cohort_freq: Literal["M", "W"] = P("M", "02", "Cohorts by month or by week.", expect="'M' (monthly) or 'W' (weekly)")
    repurchase_days: list[Annotated[int, at.Gt(0)]] = P([30, 90, 180, 365], "02", "Windows for the repurchase rate, in days.",
                                                        expect="a list of positive whole days", min_length=1)
    top_share_pct: float = P(15.0, "02", "Top share of customers whose revenue share is reported.", gt=0, le=100)

    # customer models (chapter 4; power also in 5)
    clv_orders_path: str = P("", "04", "Order log for the customer-value models; empty: the bundled CDNOW sample.",
                             expect="a file path, relative to the folder you run from")
    clv_orders_columns: Columns = P({}, "04", "Column mapping of the customer-value log (as orders_columns).",
                                    expect="a mapping of customer_id/date/amount/channel/quantity to your column names")
    clv_orders_encoding: str = P("", "04", "Text encoding of the customer-value log (as orders_encoding).",
                                 expect="an encoding name such as utf-8, gb18030 or gbk",
                                 pattern=r"^$|^(?i:utf-8|utf-8-sig|utf8|gb18030|gbk|gb2312|big5|latin-1|iso-8859-1|cp1252|utf-16)$")
    clv_orders_date_format: str = P("", "04", "strftime format of the customer-value log's dates (as orders_date_format).",
                                    expect="a strftime format such as %Y-%m-%d or %d/%m/%Y", pattern=r"^$|%")
    calibration_end: IsoDate = P("1997-09-30", "04", "Last day the customer-value models are fitted on.", expect="a date like 1997-09-30")
    holdout_end: IsoDate = P("1998-06-30", "04", "Last day of the holdout the predictions are checked on.", expect="a date like 1998-06-30")
    clv_horizon_weeks: int = P(52, "04", "Weeks of future purchases valued per customer.", ge=1, le=520)
    churn_window_days: int = P(182, "04", "Days without a purchase after which a customer counts as churned.", ge=7, le=365)
    churn_threshold: float | None = P(None, "04", "Predicted churn probability from which a customer is flagged.",
                                      register="churn_threshold", gt=0, lt=1)
    lifecycle_overrides: dict[str, Annotated[float, at.Ge(0), at.Le(10)]] = P(
        {}, "04", "Lifecycle parameters to replace (names in data/reference/lifecycle.csv).",
        expect="a mapping of lifecycle parameter names (data/reference/lifecycle.csv) to numbers from 0 to 10")
    monthly_discount_pct: float | None = P(None, "04", "Monthly discount rate of customer value; default: the register's yearly "
                                           "rate converted.", register="discount_rate_pct", ge=0, lt=10)
    fission_seed_users: float = P(10000.0, "04", "Users who start the referral (fission, 裂变) simulation.", ge=1, le=1e9)
    fission_cycle_days: int = P(7, "04", "Days per referral cycle.", ge=1, le=365)
    fission_months: int = P(12, "04", "Months the referral simulation runs.", ge=1, le=60)
    invite_conversion_claim: str = P("000-1.4-06", "04", "Ledger claim whose referral conversion rate §4.2 uses.",
                                     expect="a claim id of data/claims/claims.csv, like 000-1.4-06", pattern=r"^\d{3}-[0-9.]+-\d+$")
    power_alpha: float | None = P(None, "04 05", "Significance level of the planned tests (two-sided).", register="power_alpha", gt=0, le=0.2)
    power_target: float | None = P(None, "04 05", "Power of the planned tests.", register="power_target", ge=0.5, lt=1)
    icc: float | None = P(None, "04 05", "Intra-cluster correlation of buying within one private-domain group.", register="icc", ge=0, lt=1)
    cluster_size: float | None = P(None, "04 05", "Members of one private-domain group (the randomised unit).",
                                   register="cluster_size", ge=2, le=1e6)

    # implementation and resources (chapters 5 and 7)
    funnel_overrides: dict[str, Annotated[float, at.Ge(0), at.Le(1)]] = P(
        {}, "05", "Funnel stage rates to replace (stages in data/reference/funnel.csv).",
        expect="a mapping of funnel stages (data/reference/funnel.csv) to rates from 0 to 1")
    reached_users: int = P(10000, "05", "Users reached at the top of the funnel.", ge=100, le=10**9)
    funnel_lift_pp: float | None = P(None, "05", "Absolute lift tried at each funnel stage.", register="funnel_lift_pp", gt=0, le=50)
    funnel_relative_lift_pct: float | None = P(None, "05", "Relative lift tried at each funnel stage.",
                                               register="funnel_relative_lift_pct", gt=0, le=100)
    gross_margin_pct: float | None = P(None, "05", "Gross margin of goods sold.", register="gross_margin_pct", gt=0, lt=100)
    programme_start: IsoDate = P("2024-01-01", "05", "Start of the programme.", expect="a date like 2024-01-01")
    discount_rate_pct: float | None = P(None, "07", "Yearly discount rate for cash flows.", register="discount_rate_pct", ge=0, le=30)


FIELDS = Parameters.model_fields
DERIVED = {name: f.json_schema_extra["register"] for name, f in FIELDS.items()
           if f.json_schema_extra["register"] not in (None, name)}  # None defaults derived from another register row


class ParameterError(ValueError):
    pass


# ----------------------------------------------------------------------------- describing a parameter
def _bare(annotation) -> Any:
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is Annotated else annotation


def type_name(name: str) -> str:
    f = FIELDS[name]
    ann, optional = f.annotation, False
    if typing.get_origin(ann) in (typing.Union, __import__("types").UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        ann, optional = args[0], True
    if typing.get_origin(ann) is Literal:
        base = "choice"
    elif typing.get_origin(ann) is dict:
        base = "mapping"
    elif typing.get_origin(ann) is list:
        base = f"list of {_bare(typing.get_args(ann)[0]).__name__}"
    elif (f.json_schema_extra.get("expect") or "").startswith("a date"):
        base = "date"
    else:
        base = _bare(ann).__name__
    return base + (" or null" if optional else "")


def _num(x) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,}"


def _bounds(f) -> str | None:
    lo = hi = None
    for m in f.metadata:
        if isinstance(m, (at.Ge, at.Gt)):
            lo = ("[" if isinstance(m, at.Ge) else "(") + _num(getattr(m, 'ge', getattr(m, 'gt', None)))
        if isinstance(m, (at.Le, at.Lt)):
            hi = _num(getattr(m, 'le', getattr(m, 'lt', None))) + ("]" if isinstance(m, at.Le) else ")")
    if lo is None and hi is None:
        return None
    return f"{lo or '(-inf'}, {hi or 'inf)'}"


def expected(name: str) -> str:
    """What a valid value of `name` looks like, in words."""
    f = FIELDS[name]
    if f.json_schema_extra.get("expect"):
        return f.json_schema_extra["expect"]
    ann = f.annotation
    args = [a for a in typing.get_args(ann) if a is not type(None)] if typing.get_origin(ann) is not Literal else [ann]
    core = args[0] if args else ann
    if typing.get_origin(core) is Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(core))
    bounds = _bounds(f)
    kind = ("an integer" if _bare(core) is int else "a percentage" if name.endswith("_pct")
            else "percentage points" if name.endswith("_pp") else "a number")
    return f"{kind} in {bounds}" if bounds else kind


def reference() -> "pd.DataFrame":
    """One row per parameter: name, type, valid values, default, chapters, meaning (Appendix E and
    `growthpath params`)."""
    import pandas as pd

    rows = []
    for name, f in FIELDS.items():
        register = f.json_schema_extra["register"]
        default = (f"register ({register})" if f.default is None else "empty" if f.default in ("", {}) else
                   f.default if isinstance(f.default, str) else json.dumps(f.default, ensure_ascii=False))
        rows.append({"parameter": name, "type": type_name(name), "valid values": expected(name), "default": default,
                     "chapters": ", ".join(f.json_schema_extra["chapters"]), "meaning": f.description})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- notebooks
def declared(notebook: Path) -> dict[str, Any]:
    """Name → default of every assignment in the notebook's `parameters` cell (literals only)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{notebook}: expected one cell tagged 'parameters', found {len(cells)}")
    source = "".join(cells[0]["source"])
    out = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ParameterError(f"{notebook}: the parameters cell may only hold `name = literal` lines")
        out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def chapters_of(name: str) -> list[str]:
    return FIELDS[name].json_schema_extra["chapters"]


# ----------------------------------------------------------------------------- checking values
def _is_text(name: str) -> bool:
    """Parameters whose command-line value is taken as typed (not parsed as YAML: a date stays a string)."""
    ann = FIELDS[name].annotation
    core = _bare(ann)
    return core is str or (typing.get_origin(ann) is Literal and all(isinstance(v, str) for v in typing.get_args(ann)))


def unknown(name: str) -> ParameterError:
    import difflib

    close = difflib.get_close_matches(name, FIELDS, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else "; `growthpath params` lists them"
    if name in RESERVED:
        return ParameterError("the scenario is chosen with --scenario NAME (see data/scenarios.yml), not as a parameter")
    return ParameterError(f"unknown parameter '{name}'{hint}")


def coerce(name: str, raw: Any, default: Any = None) -> Any:
    """`raw` (a command-line string or a scenario value) as the declared type of `name`, or an error
    saying what was expected. Ranges are checked by `check`."""
    if name not in FIELDS:
        raise unknown(name)
    try:
        value = yaml.safe_load(raw) if isinstance(raw, str) and not _is_text(name) else raw
    except yaml.YAMLError:
        value = raw
    f = FIELDS[name]
    ann = f.annotation
    if ann is float or (typing.get_origin(ann) in (typing.Union, __import__("types").UnionType) and float in typing.get_args(ann)):
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
    try:
        return TypeAdapter(ann).validate_python(value, strict=True)
    except ValidationError:
        default_text = f"default: the register value {f.json_schema_extra['register']}" if f.default is None else f"default {f.default!r}"
        kind = type_name(name)
        what = f"{kind}: {expected(name)}" if kind.split()[0] in ("float", "int", "str") else expected(name)
        raise ParameterError(f"parameter '{name}' expects {what} ({default_text}), got {_short(raw)}") from None


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check(values: dict[str, Any]) -> dict[str, Any]:
    """Validate `values` (any subset of the parameters) against the declaration; returns them
    unchanged or raises one error naming every bad parameter with what it expects."""
    bad = []
    for name, value in values.items():
        if name in RESERVED:
            continue
        if name not in FIELDS:
            bad.append(str(unknown(name)))
            continue
        f = FIELDS[name]
        try:
            _adapter(name).validate_python(value, strict=True)
        except ValidationError:
            bad.append(f"'{name}' = {_short(value)}: expected {expected(name)}")
    if bad:
        raise ParameterError("invalid parameter value(s): " + "; ".join(bad))
    return values


def _adapter(name: str) -> TypeAdapter:
    f = FIELDS[name]
    return TypeAdapter(Annotated[f.annotation, *f.metadata] if f.metadata else f.annotation)


def defaults() -> dict[str, Any]:
    return {name: f.default for name, f in FIELDS.items()}
