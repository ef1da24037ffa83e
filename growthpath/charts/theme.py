"""The book's single Altair theme. Chapters never set colours, fonts or sizes themselves."""
from __future__ import annotations

import altair as alt

FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
WIDTH, HEIGHT = 520, 300
INK, GRID, MUTED = "#1f2933", "#e4e7eb", "#7b8794"

# Named colours: what a colour means stays the same across the book.
OFFICIAL = "#1f4e79"     # official statistics
PLAN = "#c0392b"         # the plan's own numbers
MODEL = "#6c8ebf"        # model fits and forecasts
SCENARIO = "#e69f00"     # scenario paths
UNVERIFIED = "#9e9e9e"   # unverified or unofficial figures
CATEGORICAL = ["#1f4e79", "#c0392b", "#e69f00", "#2a9d8f", "#7b5ea7", "#8c6d31", "#6c8ebf", "#9e9e9e"]
SEVERITY_COLOURS = {"contradiction": "#c0392b", "implausible": "#e69f00", "unclear": "#9e9e9e"}
# what a reader can check about a claim (growthpath.analysis.effects.VERDICTS)
EVIDENCE_COLOURS = {"flagged by the audit": "#c0392b", "anonymous case": "#e69f00", "cited study, no reference": "#6c8ebf",
                    "generic claim, no source": "#7b8794", "named case, no source": "#1f4e79", "the plan's own commitment": "#2a9d8f"}
SCORECARD_COLOURS = {"on track": "#2a9d8f", "at risk": "#e69f00", "off track": "#c0392b",
                     "behind on actuals": "#7b2d26", "on pace on actuals": "#8fc9b9", "untestable": "#c4c9cf"}
SCENARIO_COLOURS = {"base": MODEL, "optimistic": "#2a9d8f", "pessimistic": "#c0392b"}
VERDICT_COLOURS = {"holds": "#2a9d8f", "partly holds": "#e69f00", "does not hold": "#c0392b", "unverifiable": "#9e9e9e"}


@alt.theme.register("growthpath", enable=True)
def growthpath_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "background": "white",
            "title": {"font": FONT, "fontSize": 14, "fontWeight": "bold", "anchor": "start", "color": INK,
                      "subtitleFont": FONT, "subtitleFontSize": 11, "subtitleColor": MUTED},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 11,
                     "labelColor": INK, "titleColor": INK, "gridColor": GRID, "domainColor": MUTED, "tickColor": MUTED},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 11, "orient": "bottom",
                       "labelLimit": 0, "columns": 2},
            "header": {"labelFont": FONT, "titleFont": FONT},
            "text": {"font": FONT},
            "range": {"category": CATEGORICAL},
            "line": {"strokeWidth": 2},
            "point": {"size": 60, "filled": True},
        }
    }
