"""Chart helpers: pure functions from tidy frames to Altair charts, one chart each.

They never load data, display or save; colours and sizes come from the theme."""
from __future__ import annotations

from typing import Sequence

import altair as alt
import pandas as pd

from growthpath.charts import theme


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
    labels = alt.Chart(claims).mark_text(align="center", dy=-12, color=theme.PLAN, fontSize=10).encode(
        x=base_x, y=f"{y}:Q", text=f"{claim_label}:N")
    return _titled(alt.layer(lines, dots, labels), title, subtitle)


def forecast_fan(history: pd.DataFrame, forecasts: pd.DataFrame, references: pd.DataFrame | None = None, *,
                 y_title: str = "", title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """History (year, value) as a line; forecasts (model, year, mean, lower, upper) as interval bars
    with a mean dot per model, side by side; optional references (label, year, value) as diamonds."""
    models = list(dict.fromkeys(forecasts["model"]))
    step = 0.18
    offsets = {m: (i - (len(models) - 1) / 2) * step for i, m in enumerate(models)}
    fc = forecasts.assign(x=forecasts["year"] + forecasts["model"].map(offsets))
    lo, hi = float(history["year"].min()), float(forecasts["year"].max())
    scale = alt.Scale(domain=[lo - 0.3, hi + 0.6], zero=False, nice=False)
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1), scale=scale)
    hist = alt.Chart(history).mark_line(point=True, color=theme.OFFICIAL).encode(
        x=x, y=alt.Y("value:Q", title=y_title), tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("value:Q", format=",.1f")])
    colour = alt.Color("model:N", title=None, sort=models, scale=alt.Scale(range=[theme.MODEL, "#4b6a9b", theme.SCENARIO]))
    fx = alt.X("x:Q", scale=scale, title=None)
    band = alt.Chart(fc).mark_rule(strokeWidth=4, opacity=0.55).encode(
        x=fx, y="lower:Q", y2="upper:Q", color=colour,
        tooltip=["model:N", alt.Tooltip("mean:Q", format=",.1f"), alt.Tooltip("lower:Q", format=",.1f"), alt.Tooltip("upper:Q", format=",.1f")])
    mean = alt.Chart(fc).mark_point(filled=True, size=60).encode(x=fx, y="mean:Q", color=colour)
    layers = [hist, band, mean]
    if references is not None and len(references):
        layers.append(alt.Chart(references).mark_point(shape="diamond", size=150, filled=True, color=theme.PLAN).encode(
            x=x, y="value:Q", tooltip=["label:N", alt.Tooltip("value:Q", format=",.1f")]))
        layers.append(alt.Chart(references).mark_text(align="right", dx=-12, color=theme.PLAN, fontSize=10).encode(
            x=x, y="value:Q", text="label:N"))
    return _titled(alt.layer(*layers), title, subtitle)


def grouped_bars(df: pd.DataFrame, *, category: str, value: str, group: str, value_title: str = "",
                 colors: Sequence[str] | None = None, title: str | None = None, subtitle: str | None = None,
                 label_format: str = ",.0f") -> alt.LayerChart:
    """Horizontal bars of `value` per `category`, one bar per `group`, values printed at the bar end."""
    scale = alt.Scale(range=list(colors)) if colors else alt.Undefined
    top = float(df[value].max()) if len(df) else 1.0
    base = alt.Chart(df).encode(
        y=alt.Y(f"{category}:N", title=None, sort=None), yOffset=alt.YOffset(f"{group}:N"),
        x=alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(domain=[0, top * 1.15], nice=False),
                axis=alt.Axis(format=label_format if "%" in label_format else alt.Undefined)),
        color=alt.Color(f"{group}:N", title=None, scale=scale),
        tooltip=[f"{category}:N", f"{group}:N", alt.Tooltip(f"{value}:Q", format=label_format)])
    bars = base.mark_bar()
    text = base.mark_text(align="left", dx=3, fontSize=10, color=theme.INK).encode(text=alt.Text(f"{value}:Q", format=label_format))
    return _titled(alt.layer(bars, text).properties(height=alt.Step(16)), title, subtitle)


def timeline(df: pd.DataFrame, *, date: str, label: str, kind: str, title: str | None = None,
             subtitle: str | None = None) -> alt.LayerChart:
    """Events on a time axis, one row per `label`, marker and colour by `kind`."""
    y = alt.Y(f"{label}:N", title=None, sort=None, axis=alt.Axis(labelLimit=220))
    x = alt.X(f"{date}:T", title=None, axis=alt.Axis(format="%Y", tickCount="year"))
    rule = alt.Chart(df).mark_rule(color=theme.GRID, strokeWidth=6).encode(y=y, x=f"min({date}):T", x2=f"max({date}):T")
    points = alt.Chart(df).mark_point(filled=True, size=110).encode(
        y=y, x=x, color=alt.Color(f"{kind}:N", title=None, scale=alt.Scale(range=[theme.OFFICIAL, theme.PLAN, theme.MODEL, theme.UNVERIFIED])),
        shape=alt.Shape(f"{kind}:N", title=None), tooltip=[f"{label}:N", f"{kind}:N", alt.Tooltip(f"{date}:T", format="%Y-%m-%d")])
    return _titled(alt.layer(rule, points).properties(height=alt.Step(28), width=360), title, subtitle)


def stacked_bars(df: pd.DataFrame, *, category: str, value: str, stack: str, value_title: str = "",
                 colors: dict[str, str] | None = None, title: str | None = None, subtitle: str | None = None) -> alt.Chart:
    """Horizontal bars of `value` per `category`, stacked by `stack` (optionally a fixed colour per stack value)."""
    scale = alt.Scale(domain=list(colors), range=list(colors.values())) if colors else alt.Undefined
    chart = alt.Chart(df).mark_bar().encode(
        y=alt.Y(f"{category}:N", title=None, sort=None), x=alt.X(f"sum({value}):Q", title=value_title),
        color=alt.Color(f"{stack}:N", title=None, scale=scale, sort=list(colors) if colors else alt.Undefined),
        tooltip=[f"{category}:N", f"{stack}:N", f"{value}:Q"],
    ).properties(height=alt.Step(22))
    return _titled(chart, title, subtitle)


def heatmap(df: pd.DataFrame, *, x: str, y: str, value: str, value_title: str = "", fmt: str = ".0%",
            title: str | None = None, subtitle: str | None = None) -> alt.Chart:
    """A matrix (tidy: one row per cell) as coloured rectangles; missing cells stay blank."""
    chart = alt.Chart(df.dropna(subset=[value])).mark_rect().encode(
        x=alt.X(f"{x}:O", title=None), y=alt.Y(f"{y}:O", title=None, sort=None),
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues")),
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
        layers.append(alt.Chart(points).mark_text(align="left", dx=8, dy=8, color=theme.PLAN, fontSize=10).encode(
            x="customers:Q", y="revenue:Q", text="label:N"))
    return _titled(alt.layer(*layers).properties(width=360, height=300), title, subtitle)


def funnel(df: pd.DataFrame, *, stage: str, value: str, group: str | None = None, value_title: str = "",
           fmt: str = ".0%", title: str | None = None, subtitle: str | None = None) -> alt.LayerChart:
    """Stages top to bottom with the share remaining at each (optionally one bar per group)."""
    enc = dict(y=alt.Y(f"{stage}:N", title=None, sort=None), x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=fmt)))
    if group:
        enc.update(yOffset=alt.YOffset(f"{group}:N"), color=alt.Color(f"{group}:N", title=None))
    base = alt.Chart(df).encode(**enc)
    bars = base.mark_bar(color=None if group else theme.OFFICIAL)
    text = base.mark_text(align="left", dx=3, fontSize=10, color=theme.INK).encode(text=alt.Text(f"{value}:Q", format=fmt))
    return _titled(alt.layer(bars, text).properties(height=alt.Step(22 if group else 28)), title, subtitle)
