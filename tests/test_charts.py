"""Chart helpers are pure and serialisable; the renderer works offline and escapes data."""
from __future__ import annotations

import base64
import json

import altair as alt
import pandas as pd
import pytest

from growthpath.charts import helpers, renderer, theme

YEARS = pd.DataFrame({"year": [2020, 2021, 2022], "value": [1.0, 2.0, 3.0], "series": ["a"] * 3})


def charts():
    fc = pd.DataFrame({"model": ["m1", "m2"], "year": [2023, 2023], "mean": [4.0, 4.2], "lower": [3.5, 3.9], "upper": [4.5, 4.6]})
    return {
        "levels_with_claims": helpers.levels_with_claims(YEARS, pd.DataFrame({"year": [2021], "value": [5.0], "label": ["x"]})),
        "forecast_fan": helpers.forecast_fan(YEARS, fc, pd.DataFrame({"label": ["r"], "year": [2023], "value": [5.0]})),
        "grouped_bars": helpers.grouped_bars(pd.DataFrame({"c": ["a", "b"], "v": [1, 2], "g": ["x", "y"]}), category="c", value="v", group="g"),
        "timeline": helpers.timeline(pd.DataFrame({"d": pd.to_datetime(["2020-01-01", "2021-01-01"]), "l": ["a", "b"], "k": ["x", "y"]}), date="d", label="l", kind="k"),
        "heatmap": helpers.heatmap(pd.DataFrame({"c": ["a", "a"], "o": [0, 1], "v": [1.0, None]}), x="o", y="c", value="v"),
        "step_band": helpers.step_band(pd.DataFrame({"d": [0, 5], "s": [1.0, 0.5], "l": [1.0, 0.4], "u": [1.0, 0.6]}), x="d", y="s", lower="l", upper="u"),
        "lorenz_chart": helpers.lorenz_chart(pd.DataFrame({"customers": [0, 0.5, 1], "revenue": [0, 0.2, 1]}),
                                             pd.DataFrame({"customers": [0.15], "revenue": [0.58], "label": ["plan"]})),
        "funnel": helpers.funnel(pd.DataFrame({"s": ["a", "b"], "v": [1.0, 0.24]}), stage="s", value="v"),
        "dumbbell": helpers.dumbbell(pd.DataFrame({"l": ["a", "b"], "b": [10.0, 5.0], "t": [20.0, 4.0], "d": ["x", "y"]}), label="l", start="b", end="t", facet="d"),
        "fan": helpers.fan(pd.DataFrame({"scenario": ["base"] * 2, "year": [2025, 2026], "q05": [1, 1], "q25": [2, 2], "q50": [3, 3], "q75": [4, 4], "q95": [5, 5]}),
                           pd.DataFrame({"series": ["s"] * 2, "year": [2025, 2026], "value": [2.0, 3.0]}),
                           targets=pd.DataFrame({"label": ["t"], "year": [2026], "value": [7.0]})),
        "stacked_bars": helpers.stacked_bars(pd.DataFrame({"c": ["a", "a"], "v": [1, 2], "s": ["x", "y"]}), category="c", value="v", stack="s"),
    }


@pytest.mark.parametrize("name", list(charts()))
def test_helper_returns_serialisable_chart(name):
    chart = charts()[name]
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict()
    assert json.loads(json.dumps(spec)) == spec


def test_theme_is_enabled_and_its_cjk_font_is_installed():
    import shutil
    import subprocess

    assert alt.theme.active == "growthpath"
    families = [f.strip().strip("'\"") for f in theme.growthpath_theme()["config"]["font"].split(",")]
    cjk = [f for f in families if "CJK" in f]
    assert cjk, families
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig is not installed")
    found = subprocess.run(["fc-match", "-f", "%{family}", cjk[0]], capture_output=True, text=True).stdout
    assert cjk[0] in found.split(","), f"{cjk[0]} is not installed; charts would fall back to {found!r}"


def test_embed_html_cannot_be_closed_by_data():
    spec = {"data": {"values": [{"q": "</script><script>alert(1)</script>"}]}, "mark": "point"}
    html = renderer.embed_html(spec, "gp-x")
    assert html.count("</script>") == 1 and html.count("<script") == 1 and "alert(1)" in html
    payload = html.split("var spec=", 1)[1].split(";var id=", 1)[0]
    assert "<" not in payload and json.loads(payload) == renderer.responsive(spec)
    assert "cdn" not in html.lower() and "http" not in html


def test_the_html_copy_of_a_view_takes_its_containers_width_and_print_keeps_its_own():
    layered = {"layer": [{"mark": "bar"}], "width": 360}
    stepped = {"layer": [{"mark": "rect"}], "width": {"step": 110}}
    facet = {"facet": {"row": {"field": "x"}}, "spec": {"width": 420, "layer": []}}
    for spec in (layered, stepped, {"mark": "point"}):
        assert renderer.responsive(spec)["width"] == "container" and renderer.responsive(spec)["autosize"]["type"] == "fit-x"
    assert renderer.responsive(facet) == facet          # a facet is narrowed in the browser once drawn (embed_html)
    bundle = renderer.mimebundle(layered)
    assert bundle[renderer.SPEC_MIME] == layered         # the spec the PDF's still is drawn from keeps its width
    assert '"width": "container"' in bundle["text/html"] and "then(fit)" in bundle["text/html"]


def test_mimebundle_has_html_and_the_spec():
    spec = charts()["grouped_bars"].to_dict()
    bundle = renderer.mimebundle(spec)
    assert set(bundle) == {"text/html", renderer.SPEC_MIME, "text/plain"}
    assert bundle[renderer.SPEC_MIME] == spec


def _notebook_with_charts(path, specs):
    cells = [{"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
              "outputs": [{"output_type": "display_data", "metadata": {}, "data": renderer.mimebundle(s)}]} for s in specs]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")


def test_stills_add_a_png_to_every_chart_once_and_reuse_the_cache(tmp_path, monkeypatch):
    from growthpath.charts import stills

    monkeypatch.setattr(stills, "cache_dir", lambda: tmp_path / "cache")
    built = charts()
    specs = [built["grouped_bars"].to_dict(), built["grouped_bars"].to_dict(), built["funnel"].to_dict()]
    _notebook_with_charts(tmp_path / "a.ipynb", specs)
    assert stills.fill(tmp_path, jobs=2) == {"charts": 3, "rendered": 2, "cached": 1, "notebooks": 1}
    outputs = [c["outputs"][0]["data"] for c in json.loads((tmp_path / "a.ipynb").read_text(encoding="utf-8"))["cells"]]
    pngs = [base64.b64decode(o["image/png"]) for o in outputs]
    assert all(p[:8] == b"\x89PNG\r\n\x1a\n" and len(p) > 2000 for p in pngs)
    assert pngs[0] == pngs[1] != pngs[2]
    assert stills.fill(tmp_path) == {"charts": 0, "rendered": 0, "cached": 0, "notebooks": 0}  # nothing left to do
    _notebook_with_charts(tmp_path / "b.ipynb", specs[2:])
    assert stills.fill(tmp_path) == {"charts": 1, "rendered": 0, "cached": 1, "notebooks": 1}


def test_annotated_heatmap_cells_are_wide_enough_for_their_longest_label():
    short = pd.DataFrame({"impact": [1, 2], "likelihood": [1, 1], "score": [1.0, 2.0], "risks": ["R01", "R02"]})
    long = short.assign(risks=["R01", "R02 R06 R08 R05 R12"])
    step = lambda df, side: helpers.annotated_heatmap(df, x="impact", y="likelihood", value="score", label="risks").to_dict()[side]["step"]
    assert step(short, "width") == 64 and step(short, "height") == 24
    # five ids wrap two to a line (a phone-wide cell keeps them apart): the cell is as wide as a line, as tall as three
    assert step(long, "width") >= 6 * len("R02 R06") and step(long, "height") >= 3 * 12


def test_a_what_if_chart_binds_one_slider_per_input_and_prints_its_defaults():
    import re

    import pandas as pd
    import vl_convert as vlc

    from growthpath.charts import helpers

    grid = pd.DataFrame([{"a": a, "b": b, "out": 1000 * a * b} for a in (0.1, 0.2, 0.35) for b in (0.05, 0.052, 0.1)])
    sliders = [{"field": "a", "label": "rate a", "min": 0.1, "max": 0.35, "step": 0.05, "default": 0.35},
               {"field": "b", "label": "rate b", "min": 0.05, "max": 0.1, "step": 0.05, "default": 0.052}]
    spec = helpers.what_if(grid, sliders, value="out", fmt=",.1f").to_dict()
    bound = {p["name"]: p for p in spec["params"]}
    assert set(bound) == {"set_a", "set_b"} and bound["set_b"]["value"] == 0.052 and bound["set_b"]["bind"]["input"] == "range"
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", vlc.vegalite_to_svg(spec))
    assert "18.2" in texts and "35.0" not in texts       # only the row at the defaults is drawn (0.35 × 0.052 × 1000)


def test_a_sliders_positions_are_its_steps_and_the_values_between_them():
    from growthpath.analysis import whatif

    s = whatif.slider("bought", "joined → paid", 0.01, 0.05, 0.01, 0.052)
    assert whatif.positions(s) == [0.012, 0.022, 0.032, 0.042, 0.052]      # steps counted from the default
    assert whatif.positions(s, 0.08) == [0.012, 0.022, 0.032, 0.042, 0.052, 0.08]   # a value between steps, kept
    grid = whatif.grid([s, whatif.slider("joined", "reached → joined", 0.5, 1.0, 0.5, 0.5)], also={"bought": [0.08]})
    assert len(grid) == 6 * 2 and list(grid.columns) == ["bought", "joined"] and 0.08 in set(grid["bought"])


def test_a_slider_always_holds_its_default_and_at_least_one_step():
    from growthpath.analysis import whatif

    assert whatif.top(7.6, 2.2, 0.25) == 15.0          # twice what the target needs, in whole steps
    assert whatif.top(-1.0, 2.2, 0.25) == 2.25          # a target already met: up to the default, not below zero
    assert whatif.top(0.0, 0.0, 0.5) == 0.5             # never an empty range


def test_a_sliders_handle_can_sit_on_its_default():
    """A browser's range input snaps its handle to min + n × step: the default must be one of those."""
    from growthpath.analysis import whatif

    for low, step, default in ((0.0, 0.25, 2.2), (0.05, 0.05, 0.23), (1.0, 1.0, 3.0), (0.0, 0.25, 2.0), (7.0, 7.0, 30.0)):
        s = whatif.slider("x", "x", low, 10.0, step, default)
        n = (s["default"] - s["min"]) / s["step"]
        assert abs(n - round(n)) < 1e-9 and low <= s["min"] < low + step, (low, step, default, s)


def small_fonts(spec, path="") -> list[str]:
    """Every font size below 11 px in a Vega-Lite spec (marks, axes, legends, titles), with where it is."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key.lower().endswith("fontsize") and isinstance(value, (int, float)) and value < 11:
                found.append(f"{path}.{key}={value}")
            found += small_fonts(value, f"{path}.{key}")
    elif isinstance(spec, list):
        for i, value in enumerate(spec):
            found += small_fonts(value, f"{path}[{i}]")
    return found


def test_small_fonts_are_found():
    assert small_fonts({"layer": [{"mark": {"type": "text", "fontSize": 10}}, {"config": {"axis": {"labelFontSize": 12}}}]}) == [
        ".layer[0].mark.fontSize=10"]


@pytest.mark.slow
def test_no_chart_text_is_smaller_than_11_px(executed):
    import json

    found = []
    for nb in sorted(executed["base"].glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            for out in cell.get("outputs", []):
                for kind, spec in out.get("data", {}).items():
                    if "vegalite" in kind:
                        found += [f"{nb.stem}: {f}" for f in small_fonts(spec)]
    assert found == [], found[:10]


def _drawn_labels(chart: alt.TopLevelMixin) -> tuple[list[str], list[str]]:
    """The texts of a chart drawn by vl-convert (the PDF's renderer): those a reader sees and those drawn invisible."""
    import re

    import vl_convert

    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    texts = re.findall(r"<text([^>]*)>(.*?)</text>", svg, re.S)
    words = [(attrs, re.sub(r"<[^>]+>", " ", body).split()) for attrs, body in texts]
    return ([w for a, ws in words if 'opacity="0"' not in a for w in ws], [w for a, ws in words if 'opacity="0"' in a for w in ws])


def test_heatmap_labels_show_where_they_fit_and_vanish_together_where_they_do_not():
    cells = pd.DataFrame({"impact": [1, 2], "likelihood": [1, 1], "score": [1.0, 2.0], "risks": ["R01", "R02 R06 R08"]})
    chart = helpers.annotated_heatmap(cells, x="impact", y="likelihood", value="score", label="risks")
    shown, hidden = _drawn_labels(chart)
    assert {"R01", "R02", "R08"} <= set(shown) and not hidden
    shown, hidden = _drawn_labels(chart.properties(width=40))   # a phone-narrow plot: 20 px a cell
    assert not {"R01", "R02", "R08"} & set(shown) and {"R01", "R02"} <= set(hidden)


def test_an_outlined_heatmap_cell_carries_no_label_and_the_colour_key_reads_counts():
    cells = pd.DataFrame({"cycle": ["1 d", "7 d"], "K": [1.2, 1.2], "shown": [1.1e9, 6.9e6], "label": ["11.2亿", "693万"],
                          "over": [True, False]})
    chart = helpers.annotated_heatmap(cells, x="cycle", y="K", value="shown", label="label", value_title="users",
                                      value_fmt="count", log_color=True, highlight="over")
    shown, _ = _drawn_labels(chart)
    assert "693万" in shown and "11.2亿" not in shown
    assert "users" in shown and any(w in shown for w in ("bn", "m"))   # the key: '10 m', '1 bn'


def test_a_label_over_data_has_a_white_outline_beneath_it():
    targets = pd.DataFrame({"label": ["plan: users"], "year": [2026.99], "value": [10.0]})
    points = pd.DataFrame({"year": [2024.0], "value": [10.0], "series": ["netizens"]})
    curves = pd.DataFrame({"year": [2025.0, 2026.0], "mean": [9.0, 9.5], "lower": [8.0, 8.5], "upper": [10.0, 10.5], "series": ["x", "x"]})
    layers = helpers.saturation_chart(points, curves, targets).to_dict()["layer"]
    texts = [layer for layer in layers if isinstance(layer["mark"], dict) and layer["mark"]["type"] == "text"]
    assert [t["mark"].get("stroke") for t in texts] == ["white", None]           # the outline, then the label on it
    assert texts[0]["encoding"] == texts[1]["encoding"]


def test_the_theme_sizes_every_kind_of_chart_text_it_would_otherwise_leave_at_vega_lites_10_px():
    config = theme.growthpath_theme()["config"]
    for part in ("axis", "legend", "header"):        # a facet's panel titles are headers: Vega-Lite draws them at 10 px
        assert config[part]["labelFontSize"] >= 11 and config[part]["titleFontSize"] >= 11, part
    assert config["title"]["fontSize"] >= 11 and config["title"]["subtitleFontSize"] >= 11


def test_a_tornados_end_values_print_and_vanish_from_a_panel_a_phone_narrows():
    import re

    import vl_convert

    swings = pd.DataFrame({"headline": ["A", "A"], "label": ["x (1–2)", "y (1–3)"], "base": [1.0, 1.0], "at_low": [0.5, 0.8],
                           "at_high": [1.5, 1.2], "lt": ["0.5", "0.8"], "ht": ["1.5", "1.2"]})
    spec = helpers.tornado(swings, facet="headline", label="label", base="base", low="at_low", high="at_high",
                           low_text="lt", high_text="ht").to_dict()
    hidden = lambda s: len(re.findall(r'<text[^>]*opacity="0"[^>]*>[\d.]+</text>', vl_convert.vegalite_to_svg(s)))
    assert hidden(spec) == 0
    assert hidden({**spec, "spec": {**spec["spec"], "width": 80}}) == 4


def test_a_what_if_charts_inputs_wrap_above_the_plot_and_end_with_the_value():
    """A slider's long label is printed on lines a phone's plot can hold (never cut), its value after the last."""
    import re

    import pandas as pd
    import vl_convert as vlc

    from growthpath.charts import helpers

    label = "yearly gain in social commerce's share of online shoppers (points)"
    grid = pd.DataFrame({"a": [1.5, 2.2], "out": [3.0, 4.0]})
    spec = helpers.what_if(grid, [{"field": "a", "label": label, "min": 1.5, "max": 2.2, "step": 0.7, "default": 2.2}],
                           value="out").to_dict()
    svg = vlc.vegalite_to_svg(spec)
    lines = [line for line in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)]
    assert len(lines) >= 2 and all(len(line) <= helpers.INPUT_LINE_CHARS + len(" 2.2") for line in lines), lines
    assert " ".join(lines).replace("&apos;", "'") == f"{label}: 2.2"


def test_a_forecast_fans_scenario_bars_stay_apart_on_a_narrow_plot():
    """The models' interval bars sit side by side at the forecast year; on a phone-narrow plot they thin instead of
    overlapping."""
    import re

    import pandas as pd
    import vl_convert as vlc

    from growthpath.charts import helpers

    history = pd.DataFrame({"year": range(2014, 2026), "value": range(12)})
    forecasts = pd.DataFrame({"model": ["a", "b", "c"], "year": [2026] * 3, "mean": [12, 12.5, 11.5],
                              "lower": [11, 11.5, 10.5], "upper": [13, 13.5, 12.5]})
    for width in (520, 200, 120):
        svg = vlc.vegalite_to_svg(helpers.forecast_fan(history, forecasts).properties(width=width).to_dict())
        bars = sorted((float(x), float(w)) for x, w in re.findall(r'aria-roledescription="bar" d="M([\d.]+),[\d.]+h([\d.]+)', svg))
        assert len(bars) == 3
        assert all(x + w <= next_x for (x, w), (next_x, _) in zip(bars, bars[1:])), (width, bars)


def test_a_dot_plots_key_lists_only_the_kinds_it_draws_each_in_its_own_colour_and_shape():
    import pandas as pd

    from growthpath.charts import helpers

    colours = {"a": "#111111", "b": "#222222", "c": "#333333"}
    df = pd.DataFrame({"label": ["x", "y"], "m": [1.5, 2.0], "kind": ["a", "c"]})
    spec = helpers.dots(df, label="label", value="m", color="kind", colors=colours).to_dict()
    enc = spec["layer"][-1]["encoding"]
    assert enc["color"]["scale"] == {"domain": ["a", "c"], "range": ["#111111", "#333333"]}
    full = helpers.dots(df.assign(kind=["a", "b"]).iloc[[0, 1]], label="label", value="m", color="kind", colors=colours).to_dict()
    shape_of = dict(zip(enc["shape"]["scale"]["domain"], enc["shape"]["scale"]["range"]))
    assert shape_of["a"] == dict(zip(*(full["layer"][-1]["encoding"]["shape"]["scale"][k] for k in ("domain", "range"))))["a"]
    assert shape_of["c"] == helpers.theme.SHAPES[2]      # the shape 'c' has in a chart that draws every kind


def test_html_tooltips_name_fields_as_the_chart_does_never_by_their_code_names():
    import altair as alt
    import pandas as pd

    from growthpath.charts import renderer

    df = pd.DataFrame({"gain_pp": [1.0], "p_users": [0.2], "gp_label": ["a"]})
    chart = alt.Chart(df).mark_point().encode(x=alt.X("gain_pp:Q", title="yearly gain (points)"), y="p_users:Q",
                                              tooltip=["gain_pp:Q", alt.Tooltip("p_users:Q", format=".0%"), "gp_label:N"])
    tips = renderer.responsive(chart.to_dict())["encoding"]["tooltip"]
    assert [t["title"] for t in tips] == ["yearly gain (points)", "p users", "label"]
    assert chart.to_dict()["encoding"]["tooltip"][0].get("title") is None     # the print spec is left as it was
