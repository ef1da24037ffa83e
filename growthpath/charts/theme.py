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
# categories with no meaning of their own: none of the named colours above, so a category never reads as 'official' or 'plan'
CATEGORICAL = ["#2a9d8f", "#7b5ea7", "#8c6d31", "#cc79a7", "#5f8f3a", "#52606d", "#b5a13b", "#8fc9b9"]
SEVERITY_COLOURS = {"contradiction": "#c0392b", "implausible": "#e69f00", "unclear": "#9e9e9e"}
# what a reader can check about a claim (growthpath.analysis.effects.VERDICTS)
EVIDENCE_COLOURS = {"flagged by the audit": PLAN, "anonymous case": "#8c6d31", "cited study, no reference": "#7b5ea7",
                    "generic claim, no source": UNVERIFIED, "named case, no source": "#2a9d8f", "the plan's own commitment": "#cc79a7"}
SCORECARD_COLOURS = {"on track": "#2a9d8f", "at risk": "#e69f00", "off track": "#c0392b",
                     "behind on actuals": "#7b2d26", "on pace on actuals": "#8fc9b9", "untestable": "#c4c9cf"}
K_COLOURS = ["#8c6d31", MODEL, OFFICIAL, SCENARIO, PLAN]   # viral coefficients from low to high: below K = 1 brown to blues
SCENARIO_COLOURS = {"base": SCENARIO, "optimistic": "#2a9d8f", "pessimistic": "#7b5ea7"}   # the base case is the scenario path
VERDICT_COLOURS = {"holds": "#2a9d8f", "partly holds": "#e69f00", "does not hold": "#c0392b", "unverifiable": "#9e9e9e"}

SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross"]   # a second cue beside colour, for print


def scenario_colours(names) -> list[str]:
    """One colour per scenario, by the name's first word ('base (+4.6 %)' is the base case); other names (a run with
    and without shocks) take the scenario orange first, then categorical colours no other name uses."""
    named = [SCENARIO_COLOURS.get(str(n).split(" ")[0]) for n in names]
    spare = iter([c for c in [SCENARIO, *CATEGORICAL] if c not in named] * 2)
    return [c or next(spare) for c in named]


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
            # numbers on a continuous axis never run together: a label too close to the last is dropped
            "axisQuantitative": {"labelOverlap": "greedy", "labelSeparation": 6},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 11, "orient": "bottom",
                       "labelLimit": 0, "columns": 2},
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 11},
            "text": {"font": FONT},
            "range": {"category": CATEGORICAL},
            "line": {"strokeWidth": 2},
            "point": {"size": 60, "filled": True},
        }
    }
