"""An Altair renderer that works offline and in print.

Each chart becomes one output with two representations: `text/html` (a div plus a call to
`vegaEmbed`, whose script the book serves from its own `_static`, see `growthpath.publish.sphinxext`) and the
Vega-Lite spec itself (`application/vnd.vegalite.v6+json`, which JupyterLab also draws). The still
image LaTeX needs (`image/png`, rendered by vl-convert) is added by `growthpath.charts.stills` when
the PDF is built: the HTML edition never uses it. No CDN is involved at any point."""
from __future__ import annotations

import hashlib
import html
import json

import altair as alt

# print: one chart pixel is 0.65 pt (an 11 px label prints at 7 pt, the same in every chart, a 600 px chart at 88 % of
# the text width); PNG_PPI keeps two image pixels per chart pixel
PNG_SCALE = 0.65
PNG_PPI = 2 * 72 / PNG_SCALE
_counter = {"n": 0}


# Drawing a chart in the HTML edition: `spec`, `id` and `vegaEmbed` are in scope. Text that would not shrink with the
# plot is fitted to it by wrapping, never cut: a band axis's labels wrap at their limit (on a phone at most 40 % of the
# width) and its rows grow to hold the lines (`gpWrap`, given to Vega through vega-embed's `expressionFunctions`);
# an axis title wraps at about the plot's width (as fixed lines: Vega leaves no room for a title computed by a signal)
# and a legend's labels at the screen's (one column anchored at the plot's end:
# a legend wider than a plot squeezed by long axis labels spreads left over them). On a wider screen a legend is one
# column no wider than the plot. A facet cannot take its container's width: if drawn wider than its box, its panels
# are narrowed (a few passes, down to 80 px); if that is not enough, the drawing is scaled to the box.
DRAW_JS = """
var el = document.querySelector(id), tries = 0, passes = 0, LINE = 13, plotWidth = 0, titled = false;
var pen = document.createElement("canvas").getContext("2d"), FONT = "11px " + ((spec.config && spec.config.font) || "sans-serif");
function gpWrap(text, px, bold) {   // text (a string or lines) on lines no wider than px; a number keeps its Chinese
  // unit, brackets and punctuation the character they enclose or follow
  var out = [];
  pen.font = (bold ? "bold " : "") + FONT;
  [].concat(text).forEach(function (part) {
    var line = "";
    (String(part).match(/[0-9][0-9,.]*\\s?[\\u4e07\\u4ebf\\u5143\\u4eba\\u500d]+[)\\]\\uff09%]*|[(\\[\\uff08\\u300c\\u201c]*[\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef][)\\]\\u3001\\u3002\\uff0c\\uff09\\u300d\\u201d,.:;%]*|[^\\s\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]+|\\s+/g) || [""]).forEach(function (t) {
      var next = line + t;
      if (line.trim() && pen.measureText(next.trim()).width > px) { out.push(line.trim()); next = t.trim() ? t : ""; }
      line = next;
    });
    out.push(line.trim());
  });
  return out.length === 1 ? out[0] : out;
}
function values(vg, fields) {   // every value of these fields in the spec's inline data
  var found = [];
  (function walk(group) {
    (group.data || []).forEach(function (d) { (d.values || []).forEach(function (row) {
      fields.forEach(function (f) { if (row && row[f] != null) found.push(row[f]); }); }); });
    (group.marks || []).forEach(walk);
  })(vg);
  return found;
}
function domainFields(domain) {
  if (!domain || typeof domain !== "object") return [];
  if (domain.field) return [domain.field];
  return (domain.fields || []).map(function (f) { return typeof f === "string" ? f : f.field; }).filter(Boolean);
}
function wrapLabels(vg, a, scale, px) {   // a band axis's labels on lines of at most px, its step tall enough for them
  var enc = a.encode = a.encode || {}, labels = enc.labels = enc.labels || {}, update = labels.update = labels.update || {};
  var pre = update.text && update.text.signal ? update.text.signal : "datum.label", splits = /^split\\(datum\\.label/.test(pre);
  update.text = {signal: "gpWrap(" + pre + ", " + px + ")"};
  a.labelLimit = px + 8; a.labelLineHeight = LINE;
  var shown = values(vg, domainFields(scale.domain)).map(function (v) { return [].concat(gpWrap(splits ? String(v).split("\\n") : v, px)); });
  var step = scale.range && scale.range.step && scale.range.step.signal;
  var signal = (vg.signals || []).filter(function (s) { return s.name === step && typeof s.value === "number"; })[0];
  var lines = shown.reduce(function (m, l) { return Math.max(m, l.length); }, 1);
  if (signal) signal.value = Math.max(signal.value, lines * LINE + 3);
  return shown.reduce(function (m, l) { return Math.max(m, Math.max.apply(null, l.map(function (t) { return pen.measureText(t).width; }))); }, 0);
}
function eachGroup(vg, visit) {
  (function walk(group, scales) {
    scales = scales.concat(group.scales || []);
    visit(group, scales);
    (group.marks || []).forEach(function (m) { walk(m, scales); });
  })(vg, []);
}
function fitText(vg) {
  var room = el.clientWidth, small = room < 560, limit = Math.round(0.4 * room), side = 40;
  var panel = (vg.signals || []).some(function (s) { return s.name === "child_width"; }) ? "child_width" : "width";   // a facet's
  var plot = {signal: "max(60, " + panel + ")"};
  eachGroup(vg, function (group, scales) {
    (group.axes || []).filter(function (a) { return a.orient === "left" || a.orient === "right"; }).forEach(function (a) {
      var scale = scales.filter(function (s) { return s.name === a.scale; })[0];
      var px = small ? Math.min(a.labelLimit || limit, limit) : (a.labelLimit === 0 ? 0 : a.labelLimit || 180);
      if (px && scale && (scale.type === "band" || scale.type === "point")) side = Math.max(side, wrapLabels(vg, a, scale, px));
      else if (small) a.labelLimit = a.labelLimit ? Math.min(a.labelLimit, limit) : limit;
    });
  });
  var titleWidth = plotWidth || Math.max(100, room - 24 - side - 30);   // a guess until the chart has been drawn once
  eachGroup(vg, function (group) {
    var head = group.title;   // a facet panel's header: it starts at the panel, so it has the panel's width
    if (small && head && typeof head === "object" && head.text) {
      head.limit = titleWidth + 8;
      head.text = {signal: "gpWrap(" + (head.text.signal || JSON.stringify(head.text)) + ", " + titleWidth + ")"};
    }
    (group.legends || []).forEach(function (l) {
      var px = small ? room - 80 : 0;
      l.columns = 1; l.titleLimit = small ? room - 40 : plot; l.labelLimit = small ? px + 8 : {signal: "max(60, " + panel + " - 40)"};
      if (small) { l.encode = l.encode || {}; l.encode.labels = {update: {text: {signal: "gpWrap(datum.label, " + px + ")"}}}; }
    });
    (group.axes || []).filter(function (a) { return a.orient !== "left" && a.orient !== "right"; }).forEach(function (a) {
      if (!small) return;
      if (typeof a.title === "string" || Array.isArray(a.title)) { a.title = gpWrap(a.title, titleWidth, true); titled = true; }
      a.titleLimit = plot;
    });
  });
  vg.config = vg.config || {};
  vg.config.legend = Object.assign({}, vg.config.legend, {columns: 1}, small ? {layout: {bottom: {anchor: "end"}}} : {});
  return vg;
}
var opts = {mode: "vega-lite", patch: fitText, expressionFunctions: {gpWrap: gpWrap},
            actions: {export: true, source: false, compiled: false, editor: false}};
function drawn(view) {   // the plot's width (a facet's panel), 0 if the view has none
  try { return view.signal("child_width"); } catch (e) { return view.width(); }
}
function fit(result) {
  var m = el.querySelector(".marks"), w = el.querySelector(".chart-wrapper"), plot = drawn(result.view);
  if (titled && plot && Math.abs(plot - (plotWidth || 0)) > 1 && passes++ < 6) {   // titles wrapped at a guessed width
    plotWidth = plot;
    window.vegaEmbed(id, spec, opts).then(fit);
    return;
  }
  if (!m || !w) return;
  var over = m.getBoundingClientRect().width - w.clientWidth;
  if (over <= 1) return;
  if (spec.spec && typeof spec.spec.width === "number" && spec.spec.width > 80 && passes++ < 4) {
    spec.spec.width = Math.max(80, Math.floor(spec.spec.width - over));
    window.vegaEmbed(id, spec, opts).then(fit);
    return;
  }
  m.style.width = "100%"; m.style.height = "auto";
}
function draw() {
  if (window.vegaEmbed && document.readyState !== "loading") { window.vegaEmbed(id, spec, opts).then(fit); }
  else if (tries++ < 200) { setTimeout(draw, 50); }
}
draw();
"""


def embed_html(spec: dict, element_id: str) -> str:
    """HTML that draws `spec` into a new div once vegaEmbed is available and the page is parsed (a chart drawn
    earlier would take the width its container had before the sidebars were laid out).

    The spec is JSON inside a <script>, so every '<' is written as the JSON escape \\u003c: data text
    can never close the script or open markup, and the parsed spec is unchanged."""
    payload = json.dumps(responsive(spec), sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")
    return (f'<div id="{element_id}" class="gp-chart"></div>\n'
            f'<script type="text/javascript">(function(){{var spec={payload};var id="#{element_id}";{DRAW_JS}}})();</script>')


# Vega measures text before the browser draws it; a label at the chart's edge can come out a few pixels wider than
# measured, so the HTML copy keeps more room at the sides than Vega-Lite's 5 px
PADDING = {"left": 12, "right": 12, "top": 5, "bottom": 5}


def responsive(spec: dict) -> dict:
    """The HTML edition's copy of a chart: a single or layered view takes the width of its container (a phone's
    column or a desktop's), instead of the fixed width (or width per category) the print edition keeps. Facets
    keep their panels' width; `embed_html` narrows them once drawn if they are wider than their container.
    Tooltips name their fields as the chart does (`tooltip_titles`)."""
    spec = tooltip_titles(spec)
    if "layer" in spec or "mark" in spec:
        return {**spec, "width": "container", "autosize": {"type": "fit-x", "contains": "padding"}, "padding": PADDING}
    return spec


def _field_words(field: str) -> str:
    return field.removeprefix("gp_").replace("_", " ")


def tooltip_titles(node):
    """A copy of a spec whose tooltip entries without a title take the title an axis or legend of the same view gives
    their field (else the field's name in words): a reader never sees `gain_pp` or `p_users`."""
    if isinstance(node, list):
        return [tooltip_titles(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: (value if key == "datasets" else tooltip_titles(value)) for key, value in node.items()}
    encoding = out.get("encoding")
    if isinstance(encoding, dict) and "tooltip" in encoding:
        named = {ch.get("field"): ch["title"] for ch in encoding.values()
                 if isinstance(ch, dict) and isinstance(ch.get("title"), str) and ch.get("title")}
        tips = encoding["tooltip"] if isinstance(encoding["tooltip"], list) else [encoding["tooltip"]]
        encoding["tooltip"] = [{**tip, "title": named.get(tip["field"]) or _field_words(tip["field"])}
                               if isinstance(tip, dict) and "field" in tip and "title" not in tip else tip for tip in tips]
    return out


def spec_ids(spec: dict) -> list[str]:
    """Ledger and official ids in the chart's own data (`claim_id`, `obs_id`, `series_id` fields)."""
    from growthpath.data.provenance import ID_COLUMNS

    rows = [r for values in spec.get("datasets", {}).values() for r in values if isinstance(r, dict)]
    picked = (next((r[c] for c in ID_COLUMNS if r.get(c) not in (None, "")), None) for r in rows)  # the most specific id
    return list(dict.fromkeys(str(i) for i in picked if i is not None))


def source_html(spec: dict) -> str:
    """A collapsible 'Source' under the chart: the ledger and official ids in the chart's own data (the frames the
    package's chart functions return keep their `claim_id` and `obs_id` columns)."""
    from growthpath.data import provenance

    ids = spec_ids(spec)
    shown = ", ".join(ids[:provenance.MAX_IDS]) + (f" … ({len(ids)} in all)" if len(ids) > provenance.MAX_IDS else "")
    item = f"<li>data: {html.escape(shown) if ids else 'no ledger or official ids in the chart data'}</li>"
    return f'<details class="gp-source"><summary>Source</summary><ul>{item}</ul></details>'


SPEC_MIME = "application/vnd.vegalite.v6+json"  # '+json': nbformat stores it as JSON, JupyterLab draws it


def mimebundle(spec: dict, **_) -> dict:
    _counter["n"] += 1
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    element_id = f"gp-chart-{digest}-{_counter['n']}"
    return {"text/html": embed_html(spec, element_id) + "\n" + source_html(spec), SPEC_MIME: spec,
            "text/plain": f"<chart {element_id}>"}


def enable() -> None:
    """Make every displayed Altair chart use this renderer (called by `growthpath.publish.page.setup`)."""
    alt.renderers.register("growthpath", mimebundle)
    alt.renderers.enable("growthpath")
    alt.data_transformers.disable_max_rows()


def vega_bundle() -> str:
    """vega + vega-lite + vega-embed as one classic script, wrapped so its top-level `const`s stay
    private (they clash with Sphinx page globals otherwise); it sets `window.vegaEmbed`."""
    import vl_convert as vlc

    return "(function(){\n" + vlc.javascript_bundle() + "\n})();\n"
