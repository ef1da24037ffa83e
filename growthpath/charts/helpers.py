"""Chart helpers: pure functions from tidy frames to Altair charts, one chart each.

They never load data, display or save; colours and sizes come from the theme."""
from __future__ import annotations

import textwrap
from typing import Sequence

import altair as alt
import numpy as np
import pandas as pd

from growthpath.charts import theme
from growthpath.markup import display_len


def _haloed(data, encoding: dict, **mark) -> list:
    """A label drawn over lines or points: first a white outline of it, then the text, so it stays legible where it crosses
    them. Returns both layers."""
    halo = {**mark, "color": "white", "stroke": "white", "strokeWidth": 3, "strokeJoin": "round"}
    return [alt.Chart(data).mark_text(**halo).encode(**encoding), alt.Chart(data).mark_text(**mark).encode(**encoding)]


def _titled(chart, title: str | None, subtitle: str | None):
    """Chart titles are optional: figures carry captions in the book, charts stay short."""
    if title is None:
        return chart
    return chart.properties(title=alt.Title(title, subtitle=subtitle) if subtitle else title)


def levels_with_claims(series: pd.DataFrame, claims: pd.DataFrame, *, x: str = "year", y: str = "value",
                       series_field: str = "series", claim_label: str = "label", y_title: str = "",
                       title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Official series as lines with points; the plan's figures as labelled red diamonds."""
    years = pd.concat([series[x], claims[x]])
    base_x = alt.X(f"{x}:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1),
                   scale=alt.Scale(domain=[float(years.min()) - 0.4, float(years.max()) + 0.4], nice=False))
    lines = alt.Chart(series).mark_line(point=True).encode(
        x=base_x, y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color(f"{series_field}:N", title=None, scale=alt.Scale(range=[theme.OFFICIAL, theme.MODEL, theme.MUTED])),
        tooltip=[alt.Tooltip(f"{series_field}:N"), alt.Tooltip(f"{x}:Q", format="d"), alt.Tooltip(f"{y}:Q", format=",.0f")])
    dots = alt.Chart(claims).mark_point(shape="diamond", size=140, filled=True, color=theme.PLAN).encode(
        x=base_x, y=f"{y}:Q", tooltip=[alt.Tooltip(f"{claim_label}:N"), alt.Tooltip(f"{y}:Q", format=",.0f")])
    labels = _haloed(claims, dict(x=base_x, y=f"{y}:Q", text=f"{claim_label}:N"), align="center", dy=-12, color=theme.PLAN, fontSize=11)
    return _titled(alt.layer(lines, dots, *labels), title, subtitle)


def forecast_fan(history: pd.DataFrame, forecasts: pd.DataFrame, references: pd.DataFrame | None = None, *,
                 y_title: str = "", title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """History (year, value) as a line; forecasts (model, year, mean, lower, upper) as interval bars
    with a mean dot per model, side by side; optional references (label, year, value) as diamonds."""
    models = list(dict.fromkeys(forecasts["model"]))
    step = 0.3    # models side by side, right of the year, clear of each other and of the last actual
    offsets = {m: i * step for i, m in enumerate(models)}
    fc = forecasts.assign(x=forecasts["year"] + forecasts["model"].map(offsets))
    lo, hi = float(history["year"].min()), float(forecasts["year"].max())
    scale = alt.Scale(domain=[lo - 0.3, hi + step * len(models) + 0.1], zero=False, nice=False)
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d", values=list(range(int(lo), int(hi) + 1))), scale=scale)
    hist = alt.Chart(history).mark_line(point=True, color=theme.OFFICIAL).encode(
        x=x, y=alt.Y("value:Q", title=y_title), tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("value:Q", format=",.1f")])
    colour = alt.Color("model:N", title=None, sort=models, scale=alt.Scale(domain=models, range=theme.scenario_colours(models)))
    fx = alt.X("x:Q", scale=scale, title=None)
    apart = f"{step} * width / {scale.domain[1] - scale.domain[0]}"   # px between two models' bars: a phone's plot is narrow
    band = alt.Chart(fc).mark_bar(width=alt.expr(f"clamp(0.8 * {apart}, 2, 9)"), opacity=0.6).encode(
        x=fx, y="lower:Q", y2="upper:Q", color=colour,
        tooltip=["model:N", alt.Tooltip("mean:Q", format=",.1f"), alt.Tooltip("lower:Q", format=",.1f"), alt.Tooltip("upper:Q", format=",.1f")])
    mean = alt.Chart(fc).mark_tick(orient="horizontal", thickness=2.5, size=alt.expr(f"clamp(1.3 * {apart}, 3, 16)"), opacity=1,
                                   color=theme.INK).encode(x=fx, y="mean:Q")
    layers = [hist, band, mean]
    if references is not None and len(references):
        layers.append(alt.Chart(references).mark_point(shape="diamond", size=150, filled=True, color=theme.PLAN).encode(
            x=x, y="value:Q", tooltip=["label:N", alt.Tooltip("value:Q", format=",.1f")]))
        layers += _haloed(references, dict(x=x, y="value:Q", text="label:N"), align="right", dx=-12, color=theme.PLAN, fontSize=11)
    return _titled(alt.layer(*layers), title, subtitle)


def growth_outlook(history: pd.DataFrame, readings: pd.DataFrame, forecasts: pd.DataFrame, *, y_title: str = "",
                   title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Annual growth (year, value) as a line; the forecast year's year-to-date readings (year, value, label)
    as hollow circles on that year, the latest one labelled; forecasts (model, year, mean, lower, upper) as
    interval bars just right of it."""
    models = list(dict.fromkeys(forecasts["model"]))
    fc = forecasts.assign(x=forecasts["year"] + 0.3 + 0.22 * forecasts["model"].map({m: i for i, m in enumerate(models)}))
    lo, hi = float(history["year"].min()), float(forecasts["year"].max())
    scale = alt.Scale(domain=[lo - 0.3, hi + 0.3 + 0.22 * len(models)], zero=False, nice=False)
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1), scale=scale)
    hist = alt.Chart(history).mark_line(point=True, color=theme.OFFICIAL).encode(
        x=x, y=alt.Y("value:Q", title=y_title), tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("value:Q", format=".1f")])
    colour = alt.Color("model:N", title=None, sort=models, scale=alt.Scale(range=[theme.MODEL, theme.SCENARIO, "#4b6a9b"]))
    fx = alt.X("x:Q", scale=scale, title=None)
    band = alt.Chart(fc).mark_rule(strokeWidth=5, opacity=0.55).encode(
        x=fx, y="lower:Q", y2="upper:Q", color=colour,
        tooltip=["model:N", alt.Tooltip("mean:Q", format=".1f"), alt.Tooltip("lower:Q", format=".1f"), alt.Tooltip("upper:Q", format=".1f")])
    mean = alt.Chart(fc).mark_point(filled=True, size=70).encode(x=fx, y=alt.Y("mean:Q"), color=colour)
    points = alt.Chart(readings).mark_point(shape="circle", size=70, filled=False, color=theme.OFFICIAL, strokeWidth=2).encode(
        x=x, y="value:Q", tooltip=["label:N", alt.Tooltip("value:Q", format=".1f")])
    latest = alt.Chart(readings.tail(1)).mark_text(align="right", dx=-9, color=theme.OFFICIAL, fontSize=11).encode(
        x=x, y="value:Q", text="label:N")
    return _titled(alt.layer(hist, band, mean, points, latest), title, subtitle)


TORNADO_WIDTH = 220   # a tornado panel's width in print and on a wide screen


def tornado(df: pd.DataFrame, *, facet: str, label: str, base: str, low: str, high: str, low_text: str, high_text: str,
            title: str | None = None, subtitle: str | None = None) -> alt.FacetChart:
    """One panel per `facet` (independent x scales, no axis: units differ): for each `label`, a bar from the
    value at the low end of its range to the value at the high end, with the base value as a tick and the
    two ends written beside the bar (`low_text`, `high_text`, formatted by the caller in the headline's unit)."""
    frame = df.assign(lo=df[[low, high]].min(axis=1), hi=df[[low, high]].max(axis=1),
                      lo_text=[lt if a <= b else ht for a, b, lt, ht in zip(df[low], df[high], df[low_text], df[high_text])],
                      hi_text=[ht if a <= b else lt for a, b, lt, ht in zip(df[low], df[high], df[low_text], df[high_text])])
    chart = alt.Chart()
    x = alt.X("lo:Q", title=None, axis=None, scale=alt.Scale(zero=False, nice=False, padding=70))
    y = alt.Y(f"{label}:N", title=None, sort=None, axis=alt.Axis(labelLimit=240))
    bars = chart.mark_bar(height=12, color=theme.MODEL).encode(
        y=y, x=x, x2="hi:Q", tooltip=[f"{label}:N", alt.Tooltip("lo_text:N", title="low"), alt.Tooltip("hi_text:N", title="high")])
    rule = chart.mark_tick(color=theme.INK, thickness=2, size=18).encode(y=y, x=f"{base}:Q")
    # a panel a phone narrows has no room for the ends' values (`child_width`: Vega-Lite's name for a facet panel's width)
    shown = alt.expr(f"child_width >= {TORNADO_WIDTH - 40} ? 1 : 0")
    left = chart.mark_text(align="right", dx=-4, fontSize=11, color=theme.INK, opacity=shown).encode(y=y, x="lo:Q", text="lo_text:N")
    right = chart.mark_text(align="left", dx=4, fontSize=11, color=theme.INK, opacity=shown).encode(y=y, x="hi:Q", text="hi_text:N")
    layered = alt.layer(bars, rule, left, right, data=frame).properties(width=TORNADO_WIDTH)
    out = layered.facet(row=alt.Row(f"{facet}:N", title=None, sort=None,
                                    header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=420, labelOrient="top"))
                        ).resolve_scale(x="independent", y="independent")
    return _titled(out, title, subtitle)


def grouped_bars(df: pd.DataFrame, *, category: str, value: str, group: str, value_title: str = "",
                 colors: Sequence[str] | None = None, title: str | None = None, subtitle: str | None = None,
                 label_format: str = ",.0f") -> alt.LayerChart:
    """Horizontal bars of `value` per `category`, one bar per `group` (side by side where a category has several),
    values printed at the bar end."""
    order = list(dict.fromkeys(df[group]))  # colours follow the groups' order of appearance
    scale = alt.Scale(domain=order, range=list(colors)[: len(order)]) if colors else alt.Undefined
    top = float(df[value].max()) if len(df) else 1.0
    bottom = min(0.0, float(df[value].min()) * 1.15) if len(df) else 0.0
    paired = len(df) > 0 and int(df.groupby(category)[group].nunique().max()) > 1   # side by side only where a row has two
    base = alt.Chart(df).encode(
        y=alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelLimit=0)),   # a row's name is never cut
        yOffset=alt.YOffset(f"{group}:N") if paired else alt.Undefined,
        x=alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(domain=[bottom, max(top, 0) * 1.15], nice=False),
                axis=alt.Axis(format=label_format if "%" in label_format else alt.Undefined, tickCount=6)),
        color=alt.Color(f"{group}:N", title=None, scale=scale),
        tooltip=[f"{category}:N", f"{group}:N", alt.Tooltip(f"{value}:Q", format=label_format)])
    bars = base.mark_bar()
    label = alt.Text(f"{value}:Q", format=label_format)
    right = base.transform_filter(alt.datum[value] >= 0).mark_text(align="left", dx=3, fontSize=11, color=theme.INK).encode(text=label)
    left = base.transform_filter(alt.datum[value] < 0).mark_text(align="right", dx=-3, fontSize=11, color=theme.INK).encode(text=label)
    return _titled(alt.layer(bars, right, left).properties(height=alt.Step(16)), title, subtitle)


def timeline(df: pd.DataFrame, *, date: str, label: str, kind: str, title: str | None = None,
             subtitle: str | None = None) -> alt.LayerChart:
    """Events on a time axis, one row per `label`, marker and colour by `kind`."""
    y = alt.Y(f"{label}:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
    # the axis runs from the start of the first year to the end of the last: a mid-year event never sits on its edge
    x = alt.X(f"{date}:T", title=None, axis=alt.Axis(format="%Y", tickCount="year"), scale=alt.Scale(nice="year"))
    rule = alt.Chart(df).mark_rule(color=theme.GRID, strokeWidth=6).encode(y=y, x=f"min({date}):T", x2=f"max({date}):T")
    points = alt.Chart(df).mark_point(filled=True, size=110).encode(
        y=y, x=x, color=alt.Color(f"{kind}:N", title=None, scale=alt.Scale(range=[theme.OFFICIAL, theme.PLAN, theme.MODEL, theme.UNVERIFIED])),
        shape=alt.Shape(f"{kind}:N", title=None), tooltip=[f"{label}:N", f"{kind}:N", alt.Tooltip(f"{date}:T", format="%Y-%m-%d")])
    return _titled(alt.layer(rule, points).properties(height=alt.Step(28), width=360), title, subtitle)


def stacked_bars(df: pd.DataFrame, *, category: str, value: str, stack: str, value_title: str = "",
                 colors: dict[str, str] | None = None, title: str | None = None, subtitle: str | None = None) -> alt.Chart:
    """Horizontal bars of `value` per `category`, stacked by `stack` (optionally a fixed colour per stack value).
    When no part is shared between bars (each bar splits its own whole), each bar is a panel with its own legend:
    one legend never shows a colour twice, however many parts there are in all."""
    scale = alt.Scale(domain=list(colors), range=list(colors.values())) if colors else alt.Undefined
    own = colors is None and df[category].nunique() > 1 and int(df.groupby(stack)[category].nunique().max()) == 1
    chart = alt.Chart(df.assign(gp_order=range(len(df)))).mark_bar().encode(order=alt.Order("gp_order:Q"),
        y=alt.Y(f"{category}:N", title=None, sort=None), x=alt.X(f"sum({value}):Q", title=value_title),
        color=alt.Color(f"{stack}:N", title=None, scale=scale, sort=list(colors) if colors else None,
                        legend=alt.Legend(orient="right", columns=1) if own else alt.Undefined),
        tooltip=[f"{category}:N", f"{stack}:N", f"{value}:Q"],
    ).properties(height=alt.Step(22))
    if own:
        chart = chart.properties(width=360).facet(row=alt.Row(f"{category}:N", title=None, sort=list(dict.fromkeys(df[category])),
                                                                         header=alt.Header(labels=False)),
                                                  spacing=8).resolve_scale(color="independent", y="independent")
    return _titled(chart, title, subtitle)


def heatmap(df: pd.DataFrame, *, x: str, y: str, value: str, value_title: str = "", fmt: str = ".0%", x_title: str | None = None,
            title: str | None = None, subtitle: str | None = None) -> alt.Chart:
    """A matrix (tidy: one row per cell) as coloured rectangles; missing cells stay blank. The colour scale runs from zero
    to the largest value shown, in a scheme whose lightest colour still stands out from the page."""
    chart = alt.Chart(df.dropna(subset=[value])).mark_rect().encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)), y=alt.Y(f"{y}:O", title=None, sort=None),
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme=alt.SchemeParams(name="blues", extent=[0.15, 1]), domain=[0, float(df[value].max())]),
                        legend=alt.Legend(format=fmt)),
        tooltip=[f"{y}:O", f"{x}:O", alt.Tooltip(f"{value}:Q", format=fmt)],
    ).properties(height=alt.Step(22), width=theme.WIDTH)
    return _titled(chart, title, subtitle)


def step_band(df: pd.DataFrame, *, x: str, y: str, lower: str, upper: str, x_title: str = "", y_title: str = "",
              title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """A step function (e.g. a Kaplan–Meier curve) with its confidence band."""
    base = alt.Chart(df).encode(x=alt.X(f"{x}:Q", title=x_title))
    band = base.mark_area(interpolate="step-after", opacity=0.25, color=theme.MODEL).encode(y=f"{lower}:Q", y2=f"{upper}:Q")
    line = base.mark_line(interpolate="step-after", color=theme.OFFICIAL).encode(
        y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{y}:Q", format=".1%")])
    return _titled(alt.layer(band, line), title, subtitle)


def lorenz_chart(curve: pd.DataFrame, points: pd.DataFrame | None = None, *, title: str | None = None,
                 subtitle: str | None = None) -> alt.LayerChart:
    """A Lorenz curve (customers, revenue shares from 0 to 1) with the equality line and optional
    labelled points (x = share of customers from the top, y = their share of value)."""
    # plot the share of value held by the *top* x of customers: 1 − L(1 − x)
    top = pd.DataFrame({"customers": 1 - curve["customers"][::-1].to_numpy(), "revenue": 1 - curve["revenue"][::-1].to_numpy()})
    step = max(1, len(top) // 400)
    top = pd.concat([top.iloc[::step], top.iloc[[-1]]])
    axis = dict(format="%")
    line = alt.Chart(top).mark_line(color=theme.OFFICIAL).encode(
        x=alt.X("customers:Q", title="top share of customers", axis=alt.Axis(**axis), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("revenue:Q", title="their share of value", axis=alt.Axis(**axis), scale=alt.Scale(domain=[0, 1])))
    diag = alt.Chart(pd.DataFrame({"customers": [0, 1], "revenue": [0, 1]})).mark_line(color=theme.MUTED, strokeDash=[4, 4]).encode(
        x="customers:Q", y="revenue:Q")
    layers = [diag, line]
    if points is not None and len(points):
        layers.append(alt.Chart(points).mark_point(shape="diamond", size=140, filled=True, color=theme.PLAN).encode(
            x="customers:Q", y="revenue:Q", tooltip=["label:N", alt.Tooltip("customers:Q", format=".0%"), alt.Tooltip("revenue:Q", format=".0%")]))
        layers += _haloed(points, dict(x="customers:Q", y="revenue:Q", text="label:N"), align="left", dx=8, dy=8, color=theme.PLAN,
                          fontSize=11)
    return _titled(alt.layer(*layers).properties(width=360, height=300), title, subtitle)


def funnel(df: pd.DataFrame, *, stage: str, value: str, group: str | None = None, value_title: str = "",
           fmt: str = ".0%", title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Stages top to bottom with the share remaining at each (optionally one bar per group)."""
    enc = dict(y=alt.Y(f"{stage}:N", title=None, sort=None), x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=fmt)))
    if group:
        enc.update(yOffset=alt.YOffset(f"{group}:N"), color=alt.Color(f"{group}:N", title=None))
    base = alt.Chart(df).encode(**enc)
    bars = base.mark_bar() if group else base.mark_bar(color=theme.OFFICIAL)
    text = base.mark_text(align="left", dx=3, fontSize=11, color=theme.INK).encode(text=alt.Text(f"{value}:Q", format=fmt))
    return _titled(alt.layer(bars, text).properties(height=alt.Step(22 if group else 28)), title, subtitle)


def dumbbell(df: pd.DataFrame, *, label: str, start: str, end: str, facet: str | None = None,
             title: str | None = None, subtitle: str | None = None) -> alt.Chart:
    """Baseline → target per row as two dots joined by a line, on a shared 'index' scale
    (baseline = 100), optionally one panel per `facet`."""
    d = df.assign(base_index=100.0, target_index=100 * df[end] / df[start])
    enc_y = alt.Y(f"{label}:N", title=None, sort=None)
    base = alt.Chart(d).encode(y=enc_y)
    rule = base.mark_rule(color=theme.MUTED, strokeWidth=2).encode(x=alt.X("base_index:Q", title="target as % of baseline (baseline = 100)"), x2="target_index:Q")
    start_pt = base.mark_point(filled=True, size=70, color=theme.OFFICIAL).encode(
        x="base_index:Q", tooltip=[f"{label}:N", alt.Tooltip(f"{start}:Q", title="baseline")])
    end_pt = base.mark_point(filled=True, size=90, shape="diamond", color=theme.PLAN).encode(
        x="target_index:Q", tooltip=[f"{label}:N", alt.Tooltip(f"{end}:Q", title="target")])
    chart = alt.layer(rule, start_pt, end_pt).properties(height=alt.Step(20), width=420)
    if facet:
        chart = chart.facet(row=alt.Row(f"{facet}:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left"))).resolve_scale(y="independent")
    return _titled(chart, title, subtitle)


def fan(bands: pd.DataFrame, lines: pd.DataFrame | None = None, *, y_title: str = "", targets: pd.DataFrame | None = None,
        title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Monte Carlo fan per scenario (bands: scenario, year, q05, q25, q50, q75, q95; the first filled, the others
    by their edges and median from where they branch off it), optional reference lines (series, year, value) and
    target points (label, year, value)."""
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1))
    order = list(dict.fromkeys(bands["scenario"]))
    bands = _branches(bands, order)
    scale = alt.Scale(domain=order, range=theme.scenario_colours(order))   # never the plan's red, which marks its path and target
    colour = alt.Color("scenario:N", title="scenario (median)", sort=order, scale=scale,
                       legend=alt.Legend(symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=2.5, symbolDash=[1, 0]))
    # fans stay apart: the first scenario's bands filled, every scenario's outer edges dashed and its median solid (the
    # first drawn last, on top); the y axis starts near the data, not at zero (the bands are a few percent of the level)
    first = bands[bands["scenario"] == order[0]]
    outer = alt.Chart(first).mark_area(opacity=0.12).encode(x=x, y=alt.Y("q05:Q", title=y_title, scale=alt.Scale(zero=False)),
                                                             y2="q95:Q", color=colour)
    inner = alt.Chart(first).mark_area(opacity=0.3).encode(x=x, y="q25:Q", y2="q75:Q", color=colour)
    edges = [alt.Chart(bands).mark_line(strokeDash=[3, 3], strokeWidth=1.2).encode(x=x, y=f"{q}:Q", color=colour) for q in ("q05", "q95")]
    mids = [alt.Chart(part).mark_line(strokeWidth=2.5).encode(x=x, y="q50:Q", color=colour)
            for part in (bands[bands["scenario"] != order[0]], first)]
    layers = [outer, inner, *edges, *mids]
    if lines is not None and len(lines):
        layers.append(alt.Chart(lines).mark_line(strokeDash=[5, 3], color=theme.PLAN).encode(
            x=x, y="value:Q", detail="series:N", tooltip=["series:N", alt.Tooltip("value:Q", format=",.2f")]))
    if targets is not None and len(targets):
        layers.append(alt.Chart(targets).mark_point(shape="diamond", size=150, filled=True, color=theme.PLAN).encode(
            x=x, y="value:Q", tooltip=["label:N", alt.Tooltip("value:Q", format=",.2f")]))
    return _titled(alt.layer(*layers), title, subtitle)


def _branches(bands: pd.DataFrame, order: list) -> pd.DataFrame:
    """The fans' rows to draw: the first scenario's all, another's from the last year it equals the first on (where it
    branches off): years the scenarios share are drawn once, in one colour, instead of as a muddy overlap."""
    quantiles = ["q05", "q25", "q50", "q75", "q95"]
    first = bands[bands["scenario"] == order[0]].set_index("year")[quantiles]
    kept = [bands[bands["scenario"] == order[0]]]
    for name in order[1:]:
        rows = bands[bands["scenario"] == name]
        same = np.isclose(rows[quantiles].to_numpy(float), first.reindex(rows["year"]).to_numpy(float)).all(axis=1)
        start = rows["year"][~same].min() if (~same).any() else rows["year"].max()
        kept.append(rows[rows["year"] >= rows["year"][rows["year"] < start].max()] if (rows["year"] < start).any() else rows)
    return pd.concat(kept, ignore_index=True)


def saturation_chart(points: pd.DataFrame, curves: pd.DataFrame, targets: pd.DataFrame | None = None, *,
                     y_title: str = "", title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Observed levels (year, value, series), fitted curves with prediction bands (year, mean, lower,
    upper, series) and optional target diamonds (label, year, value)."""
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1))
    colour = alt.Color("series:N", title=None, scale=alt.Scale(range=[theme.OFFICIAL, theme.MODEL, "#8c6d31", theme.SCENARIO]),
                       legend=alt.Legend(symbolOpacity=1))   # the key in full colour, not the bands' pale fill
    band = alt.Chart(curves).mark_area(opacity=0.2).encode(x=x, y="lower:Q", y2="upper:Q", color=colour)
    line = alt.Chart(curves).mark_line(strokeDash=[4, 2]).encode(x=x, y=alt.Y("mean:Q", title=y_title), color=colour)
    pts = alt.Chart(points).mark_point(filled=True, size=40).encode(x=x, y="value:Q", color=colour,
                                                                   tooltip=["series:N", alt.Tooltip("value:Q", format=",.2f")])
    layers = [band, line, pts]
    if targets is not None and len(targets):
        layers.append(alt.Chart(targets).mark_point(shape="diamond", size=150, filled=True, color=theme.PLAN).encode(
            x=x, y="value:Q", tooltip=["label:N", alt.Tooltip("value:Q", format=",.2f")]))
        layers += _haloed(targets, dict(x=x, y="value:Q", text="label:N"), align="right", dx=-10, color=theme.PLAN, fontSize=11)
    return _titled(alt.layer(*layers), title, subtitle)


# counts of people on an axis in words a reader of English uses ('100 m', '1 bn'), not SI prefixes ('100M', '1G')
COUNT_LABELS = ("datum.value >= 1e9 ? format(datum.value / 1e9, '~g') + ' bn' : datum.value >= 1e6 ? "
                "format(datum.value / 1e6, '~g') + ' m' : format(datum.value, ',~g')")


POWER_OF_TEN = "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6"


def number_axis(fmt: str, log: bool = False, **kwargs) -> alt.Axis:
    """An axis whose labels use d3 format `fmt`, or `fmt="count"`: thousands with commas, then millions and billions
    (on a log scale, `log`, only at powers of ten: the ticks between would run together)."""
    if fmt != "count":
        return alt.Axis(format=fmt, **kwargs)
    return alt.Axis(labelExpr=f"{POWER_OF_TEN} ? ({COUNT_LABELS}) : ''" if log else COUNT_LABELS, **kwargs)


def _tooltip_format(fmt: str) -> str:
    return ",.0f" if fmt == "count" else fmt


def lines(df: pd.DataFrame, *, x: str, y: str, series: str, x_title: str = "", y_title: str = "",
          colors: Sequence[str] | None = None, log_y: bool = False, y_format: str = ",.0f", points: bool = False,
          diagonal: bool = False, rules: pd.DataFrame | None = None, x_rules: pd.DataFrame | None = None,
          title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """One line per `series`; optional log y axis, points, a y = x diagonal (for calibration and ROC
    plots), horizontal reference rules (rules: label, value) and vertical ones (x_rules: label, value)."""
    order = list(dict.fromkeys(df[series]))
    scale = alt.Scale(domain=order, range=list(colors)[: len(order)]) if colors else alt.Undefined
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    chart = alt.Chart(df).mark_line(point=points).encode(
        x=alt.X(f"{x}:Q", title=x_title), y=alt.Y(f"{y}:Q", title=y_title, scale=y_scale, axis=number_axis(y_format, log_y)),
        color=alt.Color(f"{series}:N", title=None, scale=scale, sort=order),
        tooltip=[f"{series}:N", alt.Tooltip(f"{x}:Q", format=",.3~f"), alt.Tooltip(f"{y}:Q", format=_tooltip_format(y_format))])
    layers = [chart]
    if diagonal:
        lo, hi = float(min(df[x].min(), df[y].min())), float(max(df[x].max(), df[y].max()))
        diag = pd.DataFrame({x: [lo, hi], y: [lo, hi]})
        layers.insert(0, alt.Chart(diag).mark_line(color=theme.MUTED, strokeDash=[4, 3], strokeWidth=1).encode(x=f"{x}:Q", y=f"{y}:Q"))
    if rules is not None and len(rules):
        layers.append(alt.Chart(rules).mark_rule(color=theme.PLAN, strokeDash=[6, 3]).encode(y="value:Q"))
        layers += _haloed(rules, dict(x=alt.value(0), y="value:Q", text="label:N"), align="left", dx=4, dy=-6, color=theme.PLAN,
                          fontSize=11)
    layers += _x_rules(x_rules)
    return _titled(alt.layer(*layers), title, subtitle)


def _x_rules(x_rules: pd.DataFrame | None) -> list:
    """Vertical dashed rules (x_rules: label, value), each labelled at the top of the plot."""
    if x_rules is None or not len(x_rules):
        return []
    return [alt.Chart(x_rules).mark_rule(color=theme.MUTED, strokeDash=[4, 3]).encode(x="value:Q"),
            alt.Chart(x_rules).mark_text(align="left", dx=4, baseline="top", color=theme.MUTED, fontSize=11).encode(
                x="value:Q", y=alt.value(4), text="label:N")]


def nice_step(span: float, bins: int) -> float:
    """The smallest step of 1, 2 or 5 × 10^k that covers `span` in at most `bins` bins."""
    if span <= 0:
        return 1.0
    raw = span / bins
    power = 10.0 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-12)))


def binned_counts(values: pd.Series, bins: int) -> pd.DataFrame:
    """Counts of the non-missing `values` in equal-width bins on a round step: columns start, end, count;
    a bin holds start <= v < end (the last one also its end)."""
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(float)
    if not len(v):
        return pd.DataFrame({"start": [], "end": [], "count": []})
    step = nice_step(v.max() - v.min(), bins)
    low = np.floor(v.min() / step) * step
    n = max(1, int(np.ceil((v.max() - low) / step - 1e-9)))
    if low + n * step <= v.max():
        n += 1
    edges = low + step * np.arange(n + 1)
    count, _ = np.histogram(v, bins=edges)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": count.astype(int)})


def histogram(df: pd.DataFrame, *, value: str, bins: int = 40, x_title: str = "", y_title: str = "customers",
              rules: pd.DataFrame | None = None, title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Counts of `value` in equal-width bins (at most `bins`, on a round step); optional vertical reference
    rules (rules: label, value). The counts are computed here, so the chart holds one row per bin, not one
    per customer (a million values would be a chart of tens of megabytes)."""
    counts = binned_counts(df[value], bins)
    bars = alt.Chart(counts).mark_bar(color=theme.MODEL).encode(
        x=alt.X("start:Q", bin="binned", title=x_title), x2="end:Q", y=alt.Y("count:Q", title=y_title),
        tooltip=[alt.Tooltip("start:Q", title="from"), alt.Tooltip("end:Q", title="to"), alt.Tooltip("count:Q", format=",")])
    layers = [bars]
    if rules is not None and len(rules):
        layers.append(alt.Chart(rules).mark_rule(color=theme.PLAN, strokeWidth=2).encode(x="value:Q"))
        staggered = rules.reset_index(drop=True).assign(_y=lambda r: 4 + 14 * r.index)
        layers += _haloed(staggered, dict(x="value:Q", y=alt.Y("_y:Q", scale=None), text="label:N"), align="left", dx=4,
                          color=theme.PLAN, fontSize=11, baseline="top")
    return _titled(alt.layer(*layers), title, subtitle)


def dots(df: pd.DataFrame, *, label: str, value: str, color: str, x_title: str = "", log_x: bool = False,
         colors: dict[str, str] | None = None, fmt: str = ".2~f", reference: float | None = None,
         title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """One dot per row (a Cleveland dot plot), coloured and shaped by `color`, with an optional vertical
    reference line (e.g. 1 = no effect on a multiplier scale). The x axis spans the data (and the reference), with
    round ticks that never collide; row labels are never cut (a very long one wraps onto a second line)."""
    # the key lists only the kinds drawn; a kind keeps its colour and shape from chart to chart
    every = list(colors) if colors else list(dict.fromkeys(df[color]))
    kinds = [k for k in every if k in set(df[color])]
    scale = alt.Scale(domain=kinds, range=[colors[k] for k in kinds]) if colors else alt.Undefined
    shapes = [theme.SHAPES[every.index(k) % len(theme.SHAPES)] for k in kinds]
    shown = df.assign(gp_label=df[label].astype(str).map(lambda t: "\n".join(textwrap.wrap(t, 72))))
    lines_per_row = int(shown["gp_label"].str.count("\n").max()) + 1 if len(df) else 1
    values = pd.concat([df[value].astype(float), pd.Series([reference] if reference is not None else [], dtype=float)])
    x = alt.X(f"{value}:Q", title=x_title, scale=_span_scale(values, log_x),
              axis=alt.Axis(values=_log_ticks(values) if log_x else alt.Undefined, labelOverlap="greedy", format="~g"))
    points = alt.Chart(shown).mark_point(filled=True, size=80, opacity=1, stroke="white", strokeWidth=0.6).encode(
        y=alt.Y("gp_label:N", title=None, sort=None, axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=0)), x=x,
        color=alt.Color(f"{color}:N", title=None, scale=scale, sort=kinds),
        shape=alt.Shape(f"{color}:N", title=None, sort=kinds, scale=alt.Scale(domain=kinds, range=shapes)),
        tooltip=[f"{label}:N", f"{color}:N", alt.Tooltip(f"{value}:Q", format=fmt)])
    layers = [points]
    if reference is not None:
        layers.insert(0, alt.Chart(pd.DataFrame({"ref": [reference]})).mark_rule(color=theme.MUTED, strokeDash=[4, 3]).encode(x="ref:Q"))
    longest = int(shown["gp_label"].map(lambda t: max(map(len, t.split("\n")))).max()) if len(df) else 0
    width = int(np.clip(640 - 6 * longest, 220, 320))     # labels and plot together fit the printed page
    return _titled(alt.layer(*layers).properties(width=width, height=alt.Step(12 * lines_per_row + 4)), title, subtitle)


def _span_scale(values: pd.Series, log: bool) -> alt.Scale:
    """An x scale from just below the smallest value to just above the largest (a quarter more on a log scale)."""
    lo, hi = float(values.min()), float(values.max())
    if log:
        return alt.Scale(type="log", domain=[lo / 1.25, hi * 1.25], nice=False)
    pad = 0.08 * (hi - lo or abs(hi) or 1.0)
    return alt.Scale(domain=[lo - pad, hi + pad], nice=False, zero=False)


def _log_ticks(values: pd.Series) -> list[float]:
    """Round ticks for a log axis over `values`: 1, 2, 5 × 10^k over a wide span, 1, 1.5, 2, 3, 5, 7 × 10^k over a narrow one."""
    lo, hi = float(values.min()) / 1.25, float(values.max()) * 1.25
    mults = (1, 2, 5) if hi / lo > 10 else (1, 1.5, 2, 3, 5, 7)
    powers = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    return [round(m * 10.0 ** k, 10) for k in powers for m in mults if lo <= m * 10.0 ** k <= hi]


def annotated_heatmap(df: pd.DataFrame, *, x: str, y: str, value: str, label: str, value_title: str = "",
                      value_fmt: str = ",~g", log_color: bool = False, highlight: str | None = None, title: str | None = None,
                      subtitle: str | None = None) -> alt.LayerChart:
    """A heatmap with a text label in each cell (columns in data order, rows descending) and a colour key (`value_fmt`: a
    d3 format or "count"), which is all a phone shows when the labels are wider than its cells. Cells where the boolean
    column `highlight` is true get a red outline (e.g. 'more users than China has netizens') instead of a label."""
    color_scale = alt.Scale(type="log", scheme="blues") if log_color else alt.Scale(scheme="blues")
    v = df[value].astype(float)
    dark = float(np.exp(np.log(v).quantile(0.6))) if log_color else float(v.quantile(0.6))
    base = alt.Chart(df).encode(x=alt.X(f"{x}:O", title=x.replace("_", " "), sort=None, axis=alt.Axis(labelAngle=0)),
                                y=alt.Y(f"{y}:O", title=y.replace("_", " "), sort="descending"))
    key = alt.Legend(labelExpr=COUNT_LABELS) if value_fmt == "count" else alt.Legend(format=value_fmt)
    rect = base.mark_rect().encode(color=alt.Color(f"{value}:Q", title=value_title or value, scale=color_scale, legend=key),
                                   tooltip=[f"{x}:O", f"{y}:O", f"{label}:N"])
    labels = df[label].astype(str).where(~df[highlight].astype(bool), "") if highlight else df[label].astype(str)
    lines = labels.map(lambda t: _two_words_a_line(t).split("\n"))   # a list of ids stays inside its cell
    widest = int(lines.map(lambda ls: max(display_len(t) for t in ls)).max()) if len(df) else 0
    fits = f"width / {max(df[x].nunique(), 1)} >= {6 * widest + 6}"      # on a phone, no label wider than its cell
    text = alt.Chart(df.assign(gp_label=lines.map("\n".join))).mark_text(fontSize=11, lineBreak="\n", opacity=alt.expr(f"{fits} ? 1 : 0")).encode(
        x=alt.X(f"{x}:O", sort=None), y=alt.Y(f"{y}:O", sort="descending"), text="gp_label:N",
        color=alt.condition(alt.datum[value] > dark, alt.value("white"), alt.value(theme.INK)))
    layers = [rect, text]
    if highlight:
        layers.append(base.mark_rect(fill=None, stroke=theme.PLAN, strokeWidth=1.5).encode(
            strokeOpacity=alt.condition(alt.datum[highlight], alt.value(1), alt.value(0))))
    tallest = int(lines.map(len).max()) if len(df) else 1
    step = max(64, 6 * widest + 14)        # about 6 px a character at 10 px: the longest line fits its cell
    return _titled(alt.layer(*layers).properties(width=alt.Step(step), height=alt.Step(12 * tallest + 12)), title, subtitle)


def _two_words_a_line(text: str) -> str:
    """'R02 R06 R08 R12' → 'R02 R06\\nR08 R12'; a label of one or two words is left whole."""
    words = text.split()
    return text if len(words) <= 2 else "\n".join(" ".join(words[i:i + 2]) for i in range(0, len(words), 2))


def gantt(bars: pd.DataFrame, milestones: pd.DataFrame | None = None, *, colors: Sequence[str] | None = None,
          title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Bars (task, start, end, reading) on a time axis, one row per task in data order, coloured by
    reading; optional milestones (task, date, label) as diamonds at their dates (labels in tooltips,
    their count printed beside the bar)."""
    order = list(dict.fromkeys(bars["task"]))
    readings = list(dict.fromkeys(bars["reading"]))
    scale = alt.Scale(domain=readings, range=list(colors)[: len(readings)]) if colors else alt.Undefined
    y = alt.Y("task:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("start:T", title=None, axis=alt.Axis(format="%Y-%m", tickCount={"interval": "month", "step": 6}))
    layers = [alt.Chart(bars).mark_bar(height=14, cornerRadius=2).encode(
        y=y, x=x, x2="end:T", color=alt.Color("reading:N", title=None, scale=scale, sort=readings),
        tooltip=["task:N", alt.Tooltip("start:T", format="%Y-%m-%d"), alt.Tooltip("end:T", format="%Y-%m-%d")])]
    if milestones is not None and len(milestones):
        counts = milestones.groupby(["task", "date"], as_index=False).agg(n=("label", "size"), labels=("label", "; ".join))
        counts["text"] = counts["n"].map(lambda n: f"{n} milestone" + ("s" if n > 1 else ""))
        layers.append(alt.Chart(counts).mark_point(shape="diamond", size=110, filled=True, color=theme.PLAN).encode(
            y=y, x="date:T", tooltip=["task:N", alt.Tooltip("labels:N", title="milestones")]))
        layers.append(alt.Chart(counts).mark_text(align="left", dx=8, fontSize=11, color=theme.PLAN).encode(y=y, x="date:T", text="text:N"))
    return _titled(alt.layer(*layers).properties(width=420, height=alt.Step(24)), title, subtitle)


def labelled_bars(df: pd.DataFrame, *, category: str, value: str, group: str, value_title: str = "",
                  label_format: str = ",.0f", title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """One horizontal bar per row (rows in data order), coloured by `group`, value printed at the end."""
    groups = list(dict.fromkeys(df[group]))
    base = alt.Chart(df).encode(
        y=alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelLimit=280)),
        x=alt.X(f"{value}:Q", title=value_title), color=alt.Color(f"{group}:N", title=None, sort=groups),
        tooltip=[f"{group}:N", f"{category}:N", alt.Tooltip(f"{value}:Q", format=label_format)])
    text = base.mark_text(align="left", dx=3, fontSize=11, color=theme.INK).encode(text=alt.Text(f"{value}:Q", format=label_format))
    return _titled(alt.layer(base.mark_bar(), text).properties(width=300, height=alt.Step(15)), title, subtitle)


def verdict_grid(df: pd.DataFrame, *, x: str, y: str, verdict: str, label: str, colors: dict[str, str],
                 title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Cells coloured by a categorical verdict (rows in data order), with a short text in each. Row names and cell texts
    wrap onto lines, so the grid keeps its columns apart on a phone."""
    df = df.assign(gp_row=df[y].astype(str).map(lambda t: "\n".join(textwrap.wrap(t, 18))),
                   gp_cell=df[label].astype(str).map(lambda t: "\n".join(textwrap.wrap(t, 9))))
    tallest = int(df[["gp_row", "gp_cell"]].map(lambda t: t.count("\n") + 1).to_numpy().max()) if len(df) else 1
    base = alt.Chart(df).encode(x=alt.X(f"{x}:N", title=None, sort=None, axis=alt.Axis(orient="top", labelAngle=0)),
                                y=alt.Y("gp_row:N", title=None, sort=None, axis=alt.Axis(labelExpr="split(datum.label, '\\n')")))
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(f"{verdict}:N", title=None, scale=alt.Scale(domain=list(colors), range=list(colors.values()))),
        tooltip=[f"{y}:N", f"{x}:N", f"{verdict}:N", f"{label}:N"])
    dark = [v for v, c in colors.items() if _luminance(c) < 0.35]   # white text on dark cells
    text = base.mark_text(fontSize=11, lineBreak="\n", lineHeight=13).encode(
        text="gp_cell:N", color=alt.condition(alt.FieldOneOfPredicate(field=verdict, oneOf=dark), alt.value("white"), alt.value(theme.INK)))
    return _titled(alt.layer(rect, text).properties(width=alt.Step(110), height=alt.Step(13 * tallest + 14)), title, subtitle)


def _luminance(hex_colour: str) -> float:
    """Relative luminance (0 black … 1 white) of a #rrggbb colour, to pick readable text on it."""
    r, g, b = (int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


INPUT_LINE_CHARS = 40   # a line of the inputs block fits a phone's plot (about 260 px of 11 px text)


def _inputs_line(one_row: alt.Chart, sliders: Sequence[dict]) -> alt.Chart:
    """The inputs a what-if chart shows, one slider after another above the plot, each label wrapped at
    INPUT_LINE_CHARS with the slider's value after it: the printed chart says what it was drawn at, and on screen the
    lines follow the sliders. The block hangs from its top (Vega stacks the lines of a multi-line text downwards from
    its anchor) and ends 6 px above the plot."""
    def quoted(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"

    labels = [textwrap.wrap(s["label"] + ":", INPUT_LINE_CHARS) for s in sliders]
    lines = " + '\\n' + ".join(f"{quoted(chr(10).join(label))} + ' ' + format(datum['{s['field']}'], '.3~f')"
                                 for s, label in zip(sliders, labels))
    n_lines = sum(len(label) for label in labels)
    return one_row.transform_calculate(gp_inputs=lines).mark_text(
        align="left", baseline="top", x=0, y=-6 - 14 * n_lines, lineBreak="\n", lineHeight=14, fontSize=11, color=theme.INK,
        limit={"expr": "width"}).encode(text="gp_inputs:N")


BAR_HEIGHT = 36   # a what-if's single bar


def _powers_of_ten(domain: Sequence[float]) -> list[float]:
    lo, hi = domain
    return [10.0 ** k for k in range(int(np.ceil(np.log10(lo))), int(np.floor(np.log10(hi))) + 1)]


def _reference_marks(refs: pd.DataFrame, *, on_bar: bool) -> list:
    """Labelled reference rules (label, value; sorted by value). On a bar: label i on line i from the top, left-aligned
    at its rule, which runs from that line down to the bar: no rule crosses another's label, none crosses the value.
    On a curve: horizontal rules labelled at the plot's left end above them (clear of a rising curve)."""
    if not on_bar:
        return [alt.Chart(refs).mark_rule(color=theme.PLAN, strokeDash=[4, 3]).encode(y="value:Q"),
                *[layer for i in range(len(refs)) for layer in _haloed(refs.iloc[[i]], dict(y="value:Q", text="label:N"), color=theme.PLAN,
                                                                       fontSize=11, align="left", x=4, dy=-6 - 11 * i)]]
    rows = refs.reset_index(drop=True).assign(gp_y=lambda r: 2 + 12 * r.index)
    rule = alt.Chart(rows).mark_rule(color=theme.PLAN, strokeDash=[4, 3]).encode(
        x="value:Q", y=alt.Y("gp_y:Q", scale=None), y2=alt.value(12 * len(rows) + 6))
    text = alt.Chart(rows).mark_text(color=theme.PLAN, fontSize=11, align="left", baseline="top", dx=3).encode(
        x="value:Q", y=alt.Y("gp_y:Q", scale=None), text="label:N")
    return [rule, text]


def what_if(grid: pd.DataFrame, sliders: Sequence[dict], *, value: str, value_title: str = "", x: str | None = None,
            x_title: str = "", references: pd.DataFrame | None = None, x_rules: pd.DataFrame | None = None,
            fmt: str = ",.0f", label_fmt: str | None = None,
            log: bool = False, title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """A what-if tool that works offline: one slider per input (`sliders`: field, label, min, max, step, default),
    bound to a Vega-Lite parameter that picks the rows of `grid` (computed by the package for every slider position)
    whose inputs it shows. With `x`, `value` is drawn as a line over `x`; when `x` is a slider's field, the line is
    `value` over that slider's whole range (the other sliders pick the line) with a dot at the slider's position, so the
    printed chart shows every position; without `x`, as one labelled bar. `references`
    (label, value) are drawn as labelled rules. `fmt` formats the axis, `label_fmt` (default `fmt`) the value shown; `log`
    puts the value on a log scale (values that span orders of magnitude). Print shows the defaults."""
    label_fmt = label_fmt or _tooltip_format(fmt)
    refs = references.sort_values("value") if references is not None else pd.DataFrame({"label": [], "value": []})
    top = 12 * len(refs) + 6 if x is None else 0      # on a bar: the references' lines, then the bar below them
    positive = grid[value][grid[value] > 0]
    scale = (alt.Scale(type="log", domain=[float(positive.min()), float(grid[value].max())]) if log
             else alt.Scale(domain=[0, float(grid[value].max())]))
    params = [alt.param(name=f"set_{s['field']}", value=s["default"],
                        bind=alt.binding_range(min=s["min"], max=s["max"], step=s["step"], name=f"{s['label']} "))
              for s in sliders]
    def at(chosen) -> str:
        return " && ".join(f"abs(datum['{s['field']}'] - set_{s['field']}) < {s['step'] / 1000:g}" for s in chosen) or "true"

    base = alt.Chart(grid).transform_filter(at(sliders))
    if x is not None and x in {s["field"] for s in sliders}:
        # a curve over one slider's range, the other sliders picking which curve: print shows the whole curve
        y = alt.Y(f"{value}:Q", title=value_title, axis=number_axis(fmt, log), scale=scale)
        shown = alt.Chart(grid).transform_filter(at([s for s in sliders if s["field"] != x])).mark_line(color=theme.MODEL).encode(
            x=alt.X(f"{x}:Q", title=x_title), y=y, tooltip=[alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{value}:Q", format=label_fmt)])
        marker = base.mark_point(filled=True, size=70, color=theme.MODEL).encode(x=f"{x}:Q", y=y)
        label = base.mark_text(align="left", dx=7, dy=-9, fontSize=12, fontWeight="bold", color=theme.INK).encode(
            x=f"{x}:Q", y=f"{value}:Q", text=alt.Text(f"{value}:Q", format=label_fmt))
        shown, base_for_inputs = alt.layer(shown, marker), base
    elif x is not None:
        shown = base.mark_line(point=True, color=theme.MODEL).encode(
            x=alt.X(f"{x}:Q", title=x_title), y=alt.Y(f"{value}:Q", title=value_title, axis=number_axis(fmt, log), scale=scale),
            tooltip=[alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{value}:Q", format=label_fmt)])
        label = base.transform_filter(f"datum['{x}'] == {float(grid[x].max())}").mark_text(
            align="right", dy=-10, fontSize=12, fontWeight="bold", color=theme.INK).encode(
            x=f"{x}:Q", y=f"{value}:Q", text=alt.Text(f"{value}:Q", format=label_fmt))
        base_for_inputs = base.transform_filter(f"datum['{x}'] == {float(grid[x].max())}")
    else:
        # on a log scale, ticks (and their grid lines) only where a label is: the minor ones would hatch the plot
        ticks = {"values": _powers_of_ten(scale.domain)} if log else {}
        shown = base.mark_rect(color=theme.MODEL).encode(   # a rect, not a bar: a bar on a log scale ignores x2
            x=alt.X(f"{value}:Q", title=value_title, axis=number_axis(fmt, log, **ticks), scale=scale), x2=alt.value(0),
            y=alt.value(top), y2=alt.value(top + BAR_HEIGHT), tooltip=[alt.Tooltip(f"{value}:Q", format=label_fmt)])
        label = base.mark_text(align="left", dx=4, fontSize=12, fontWeight="bold", color=theme.INK).encode(
            x=f"{value}:Q", y=alt.value(top + BAR_HEIGHT / 2), text=alt.Text(f"{value}:Q", format=label_fmt))
        base_for_inputs = base
    layers = [shown, label, _inputs_line(base_for_inputs, sliders)] + (_x_rules(x_rules) if x is not None else [])
    if len(refs):
        layers += _reference_marks(refs, on_bar=x is None)
    height = top + BAR_HEIGHT + 4
    return _titled(alt.layer(*layers).add_params(*params).properties(height=height if x is None else 260), title, subtitle)
