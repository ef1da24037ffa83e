"""The strict book build, its offline-ness, and what a browser with no network actually draws."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# every http(s) request goes to a dead proxy: the page gets no network at all
OFFLINE_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=15000"]


@pytest.fixture(scope="module")
def html(built):
    return built["html"]


@pytest.mark.slow
def test_strict_build_publishes_every_page(html):
    assert (html / "index.html").exists()
    assert (html / "book" / "chapters" / "01_background.html").exists()
    assert (html / "_static" / "vega-bundle.js").stat().st_size > 500_000


@pytest.mark.slow
def test_no_external_scripts_styles_or_fonts(html):
    pattern = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    css_url = re.compile(r"""url\(\s*["']?(?:https?:)?//""", re.I)
    offenders = []
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)[^>]*>", text, re.I):
            if pattern.search(tag):
                offenders.append(f"{page.relative_to(html)}: {tag[:120]}")
    for sheet in html.rglob("*.css"):
        if css_url.search(sheet.read_text(encoding="utf-8", errors="replace")):
            offenders.append(str(sheet.relative_to(html)))
    assert offenders == []


@pytest.mark.slow
def test_glued_values_render_in_the_page(html):
    text = (html / "book" / "chapters" / "01_background.html").read_text(encoding="utf-8")
    assert "172,043" in text  # implied online retail 2020, formatted by the {glue:text} role
    assert "injected-parameters" not in text and "Run parameters" in text


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")
def test_charts_draw_without_network(html, tmp_path):
    page = (html / "book" / "chapters" / "01_background.html").as_uri()
    dom = subprocess.run([CHROMIUM, *OFFLINE_FLAGS, f"--user-data-dir={tmp_path / 'p1'}", "--dump-dom", page],
                         capture_output=True, text=True, timeout=120).stdout
    charts = re.findall(r'<div id="gp-chart-[^"]+" class="gp-chart[^"]*"', dom)
    drawn = re.findall(r'<div id="gp-chart-[^"]+" class="gp-chart vega-embed[^"]*"[^>]*><div class="chart-wrapper[^"]*"[^>]*>'
                       r'<(?:svg|canvas)[^>]*class="marks"', dom)
    assert len(charts) >= 5 and len(drawn) == len(charts), (len(charts), len(drawn))

    shot = tmp_path / "page.png"
    subprocess.run([CHROMIUM, *OFFLINE_FLAGS, f"--user-data-dir={tmp_path / 'p2'}", "--window-size=1280,5000",
                    f"--screenshot={shot}", page], capture_output=True, timeout=120)
    from PIL import Image

    import numpy as np

    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=int).reshape(-1, 3)
    official_blue = np.array([0x1F, 0x4E, 0x79])
    hits = int((np.abs(pixels - official_blue) <= 12).all(axis=1).sum())
    assert hits > 200, f"only {hits} pixels of the official-series colour: charts not drawn"


@pytest.mark.slow
def test_every_internal_link_resolves(html):
    from growthpath.publish import linkcheck

    broken, external = linkcheck.check(html)
    assert broken == []
    assert all(url.startswith("https://") for url in external)  # plain links to sources, never loaded


@pytest.mark.slow
def test_front_page_identifies_the_edition_and_links_the_pdf(built):
    text = (built["html"] / "book" / "intro.html").read_text(encoding="utf-8")
    for needle in ("This edition", "data hash", "How to cite", "Version 0.1.0"):
        assert needle in text
    assert "{{" not in text
    if built["pdf"] is not None:
        link = re.search(r'href="([^"]*book\.pdf)"', text)
        assert link and (built["html"] / "book" / link.group(1)).resolve().exists()


PROBE = """<script>
window.__gp = [];
window.addEventListener("error", function (e) { var t = e.target || {}; if (t.src || t.href) window.__gp.push(t.src || t.href); }, true);
window.addEventListener("load", function () { setTimeout(function () {
  performance.getEntriesByType("resource").forEach(function (r) { window.__gp.push(r.name); });
  document.body.setAttribute("data-gp-requests", JSON.stringify(window.__gp)); }, 3000); });
</script>"""


@pytest.fixture
def served(html):
    """The built book on a local HTTP server (Resource Timing does not record file: loads)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")
def test_pages_make_no_third_party_request(html, served, tmp_path):
    """Every resource a page requests while it renders (Resource Timing, plus failed loads) comes from
    the book's own server: a probe script is added to a copy of each page, in the same folder."""

    pages = ["book/intro.html", "book/chapters/01_background.html", "book/chapters/93_scenarios.html", "book/rerun.html"]
    found = {name: requests_of(html, served, name, tmp_path / str(i)) for i, name in enumerate(pages)}
    for name, urls in found.items():
        assert any(u.endswith(".js") for u in urls), f"{name}: no script load recorded: {urls}"
    assert [f"{n}: {u}" for n, urls in found.items() for u in urls if not u.startswith((served, "data:", "blob:"))] == []
    # the probe does see a third-party request when there is one
    control = requests_of(html, served, "book/intro.html", tmp_path / "control", extra='<img src="https://example.org/x.png">')
    assert "https://example.org/x.png" in control


def requests_of(html: Path, served: str, name: str, profile: Path, extra: str = "") -> list[str]:
    """URLs a page requested while rendering, from a probe-carrying copy of it served locally."""
    import json

    page = html / name
    probe = page.with_name(f"probe-{page.name}")
    text = re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + PROBE, page.read_text(encoding="utf-8"), count=1)
    probe.write_text(text.replace("</body>", extra + "</body>", 1), encoding="utf-8")
    try:
        flags = [f for f in OFFLINE_FLAGS if not f.startswith("--proxy-bypass-list")] + ["--proxy-bypass-list=127.0.0.1"]
        dom = subprocess.run([CHROMIUM, *flags, f"--user-data-dir={profile}", "--dump-dom", served + str(probe.relative_to(html))],
                             capture_output=True, text=True, timeout=120).stdout
    finally:
        probe.unlink()
    found = re.search(r'data-gp-requests="([^"]*)"', dom)
    assert found, f"{name}: the probe did not report"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.slow
def test_every_seed_section_ends_with_a_verdict(html):
    """Each section of both documents has a verdict (holds / does not hold / cannot be checked) in the
    chapter that covers it and in Appendix A, as a reader sees the built pages."""
    from growthpath.data import claims

    verdict = re.compile(r"<strong>(?:<span[^>]*>)?(\d{3}) §([0-9.b]+)(?:</span>)?</strong>.{0,400}?"
                         r"<strong>(Holds|Does not hold|Cannot be checked)\.</strong>", re.S)   # a section kept whole: span.gp-id
    found: dict[str, set] = {}
    for page in (html / "book" / "chapters").glob("*.html"):
        for doc, section, _ in verdict.findall(page.read_text(encoding="utf-8")):
            found.setdefault(page.stem, set()).add((doc, section))
    sections = claims.sections()
    every = set(zip(sections["doc"], sections["section"]))
    assert found.get("91_audit", set()) == every
    for row in sections.itertuples():
        chapter = next(p for p in found if p.startswith(f"0{row.chapter}_"))
        assert (row.doc, row.section) in found[chapter], f"{row.doc} §{row.section} has no verdict in {chapter}"


def test_a_table_with_no_rows_prints_a_sentence_not_an_empty_list_table():
    import pandas as pd

    from growthpath.publish import page

    empty = page.table(pd.DataFrame({"year": [], "value": []}), "Revisions of the reading")
    assert empty._repr_markdown_() == "Revisions of the reading: none in this run.\n"
    assert "list-table" in page.table(pd.DataFrame({"year": [2025], "value": [1.0]}), "x")._repr_markdown_()


def in_frames(pages: list, widths, profile: Path) -> list[dict]:
    """Load copies of built pages, each with a probe script, in frames of the given widths on one host page in headless
    Chromium (offline): a frame of 390 px is a phone's viewport, which a window cannot be made as narrow as. `pages`
    holds (page, name, probe, replacement for its <article> tag); returns what each frame's probe posted."""
    import html as html_lib
    import json

    copies = []
    for page, name, probe, article in pages:
        text = re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + probe, page.read_text(encoding="utf-8"), count=1)
        copy = page.with_name(f"probe-{name}.html")
        copy.write_text(text.replace('<article class="bd-article">', article, 1) if article else text, encoding="utf-8")
        copies.append(copy)
    host = copies[0].parent / "probe-host.html"
    host.write_text('<html><body><script>var got = []; window.addEventListener("message", function (e) { got.push(e.data); '
                    'document.body.setAttribute("data-gp-probe", JSON.stringify(got)); });</script>'
                    + "".join(f'<iframe src="{c.as_uri()}" width="{w}" height="900"></iframe>' for c in copies for w in widths)
                    + "</body></html>", encoding="utf-8")
    try:
        dom = subprocess.run([CHROMIUM, *OFFLINE_FLAGS[:-1], "--virtual-time-budget=40000", f"--user-data-dir={profile / 'p'}",
                              f"--window-size={max(widths) + 500},1000", "--dump-dom", host.as_uri()],
                             capture_output=True, text=True, timeout=300).stdout
    finally:
        for path in (*copies, host):
            path.unlink()
    found = re.search(r'data-gp-probe="([^"]*)"', dom)
    return json.loads(html_lib.unescape(found.group(1))) if found else []


LAYOUT_PROBE = """<script>
window.addEventListener("load", function () { setTimeout(function () {
  var vw = document.documentElement.clientWidth, out = [];
  var main = document.querySelector(".bd-article") || document.body;
  function scrolls(el) {   // inside a box of the article that scrolls sideways and itself fits the window
    for (var p = el.parentElement; p && p !== main; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if ((o === "auto" || o === "scroll") && p.getBoundingClientRect().right <= vw + 1) return true;
    }
    return false;
  }
  function name(el) { return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : ""); }
  main.querySelectorAll("*").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > vw + 1 && !scrolls(el))
      out.push("wider than the window: " + name(el) + " ends at " + Math.round(r.right) + " px of " + vw);
  });
  main.querySelectorAll(".gp-chart").forEach(function (box) {
    var room = box.getBoundingClientRect().width;
    box.querySelectorAll(".marks").forEach(function (el) {
      var w = el.getBoundingClientRect().width;
      if (w > room + 1) out.push("chart wider than its box: " + box.id + " " + Math.round(w) + " > " + Math.round(room) + " px");
      if (el.tagName.toLowerCase() !== "svg") return;
      el.querySelectorAll("text").forEach(function (t) {   // Vega cuts a label too long for its limit with an ellipsis
        if (/\u2026$/.test(t.textContent)) out.push("label cut: " + box.id + " '" + t.textContent + "'");
      });
      var drawn = el.getBBox(), view = el.viewBox.baseVal && el.viewBox.baseVal.width ? el.viewBox.baseVal : null;
      var canvas = view ? view.width : el.width.baseVal.value, tall = view ? view.height : el.height.baseVal.value;
      if (drawn.x < -2 || drawn.x + drawn.width > canvas + 2)   // text or a legend cut off at the chart's edge
        out.push("chart drawn past its edge: " + box.id + " spans " + Math.round(drawn.x) + "…" + Math.round(drawn.x + drawn.width) +
                 " of 0…" + Math.round(canvas) + " px");
      if (drawn.y < -2 || drawn.y + drawn.height > tall + 2)   // ... or at its top or bottom
        out.push("chart drawn past its bottom or top: " + box.id + " spans " + Math.round(drawn.y) + "…" +
                 Math.round(drawn.y + drawn.height) + " of 0…" + Math.round(tall) + " px");
    });
  });
  parent.postMessage({page: location.pathname.split("/").pop(), width: window.innerWidth, charts: main.querySelectorAll(".gp-chart .marks").length,
                      problems: out}, "*");
}, 6000); });   // charts may draw twice (a phone's titles wrap at the width the first drawing had)
</script>"""


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")
def test_no_page_is_wider_than_a_desktop_or_a_phone(html, tmp_path):
    """Every page at 1400 px and at 390 px (a phone), each in a frame of that width: nothing in the main column
    runs past the window unless it sits in a box that scrolls sideways, no chart is wider than its box or drawn past its
    edges, and no chart text is cut with an ellipsis (labels wrap instead). A
    control page with a 2000 px element must be caught at both widths."""
    widths = (1400, 390)
    pages = sorted(p for p in (html / "book").rglob("*.html"))
    control = ('<article class="bd-article"><div style="width:2000px">wide</div>'
               '<div class="gp-chart" id="control-chart"><svg class="marks" width="200" height="40"><text x="5" y="20">cut…</text></svg></div>')
    copies = [(page, page.stem, LAYOUT_PROBE, "") for page in pages] + [(html / "book" / "intro.html", "control", LAYOUT_PROBE, control)]
    found = in_frames(copies, widths, tmp_path)
    reports = {(r["page"], r["width"]): r for r in found}
    assert len(reports) == len(copies) * len(widths), f"{len(reports)} of {len(copies) * len(widths)} frames reported"
    for width in widths:
        assert any("wider than the window" in p for p in reports[("probe-control.html", width)]["problems"]), width
        assert any("label cut: control-chart" in p for p in reports[("probe-control.html", width)]["problems"]), width
    problems = [f"{page} at {width} px: {p}" for (page, width), r in sorted(reports.items()) if page != "probe-control.html"
                for p in r["problems"]]
    assert problems == [], "\n".join(problems[:20])
    assert sum(r["charts"] for (page, width), r in reports.items() if width == 390) >= 40   # the charts were drawn


def test_short_cells_never_break_and_long_ones_wrap():
    import pandas as pd

    from growthpath.publish import page

    shown = page.table(pd.DataFrame({"id": ["000-1.4-01"], "unit": ["万亿元"], "quote": ["2023年中国直播电商市场规模达4.9万亿元，占社交电商的大半"]}))._repr_html_()
    assert '<td class="gp-token"><span class="gp-id">000-1.4-01</span></td>' in shown and '<td class="gp-token">万亿元</td>' in shown
    several = page.table(pd.DataFrame({"claims": ["000-1.4-01, 000-1.4-02"]}))._repr_html_()
    assert breakable_ids(several) == [] and several.count('class="gp-id"') == 2
    assert "<td>2023年中国直播电商" in shown      # a long quote keeps the default wrapping


def test_print_tables_fit_the_page_and_never_break_a_token():
    """Print widths: every column at least its longest word; a table too wide for \\small is set smaller (gp-wide);
    a long source id gets break points after _ and :, a short id none. Control: a two-column table is not wide."""
    import pandas as pd

    from growthpath.publish import page

    wide = pd.DataFrame({f"{i} inconsistently": ["growth_of_online_retail:2024", "a longer sentence of several words"] for i in range(7)})
    widths, is_wide = page.print_widths(wide)
    assert is_wide and len(widths) == 7
    assert all(w / 10 - page.CELL_PAD[True] >= len("inconsistently") + 0.95 for w in widths)   # each holds its header word
    shown = page.table(wide)._repr_markdown_()
    assert shown.startswith("::::{container} gp-wide") and "growth_\u200bof_\u200bonline_\u200bretail:\u200b2024" in shown.replace("\\_", "_")
    assert page.breakable("000-3.1-06") == "000-3.1-06" and page.breakable("nbs_retail") == "nbs_retail"
    assert page.breakable("000-3.1-02+000-3.1-03@cnnic") == "000-3.1-02+\u200b000-3.1-03@\u200bcnnic"   # joined finding ids
    quote = "参考字节跳动/星图数据平台的GMV/DAU_ratio"
    assert page.breakable(quote) == quote                          # Chinese text breaks anywhere already: left as it is
    scraped = pd.DataFrame({"as scraped": ["growth_of_online_retail:2024"], "id": ["growth_of_online_retail:2024"]})
    shown = page.table(scraped, verbatim=["as scraped"])._repr_markdown_().replace("\\_", "_")
    assert shown.count("growth_of_online_retail:2024") == 1 and shown.count("\u200b") == 4   # the verbatim cell untouched
    narrow = pd.DataFrame({"year": ["2024"], "value": ["1.5"]})
    widths, is_wide = page.print_widths(narrow)
    assert not is_wide and not page.table(narrow)._repr_markdown_().startswith("::::")
    tight = pd.DataFrame({"id": ["000-3.1-06"], "text": ["word " * 200]})
    widths, _ = page.print_widths(tight)
    assert widths[0] / 10 - page.CELL_PAD[False] >= len("000-3.1-06")    # the id's column holds the id whole


def test_metric_names_read_as_words():
    from growthpath.data.claims import metric_words

    assert metric_words("willing_to_pay_eco_premium") == "willing to pay eco-friendly premium"
    assert metric_words("z_gen_share") == "Gen Z share" and metric_words("apparel_ma_growth_yoy") == "apparel M&A growth year on year"

    assert metric_words("user_cagr_target_min") == "user CAGR target minimum"
    assert metric_words("gen_z_7d_retention_rate") == "Gen Z 7-day retention rate"
    assert metric_words("market_size") == "market size"


def test_every_ledger_name_has_a_reviewed_label_and_a_new_name_falls_back_to_its_words():
    """Every metric, subject and whole has a label a reader can read; a label names one of them or an audit family."""
    from growthpath.data import claims as ledger

    c = ledger.load()
    families = set(ledger.datapackage.read_table("metric_families")["family"])   # the audit's findings may name one
    names = set(c["metric"]) | set(c["subject"]) | set(c["of_whole"])
    names.discard("")
    labels = ledger.datapackage.read_table("claim_labels").set_index("term")["label"]
    assert sorted(names - set(labels.index)) == []          # a new claim's name needs a label a reader can read
    assert sorted(set(labels.index) - names - families) == []   # a label for a name nothing uses any more is stale
    assert ledger.metric_label("level1_first_response") == labels["level1_first_response"] != "level1 first response"
    assert ledger.metric_label("analyst_own_gmv_7d") == "analyst own GMV 7-day"


MACHINE_TEXT = {"a doubled word": r"\b(Appendix|Chapter|the|of) \1\b", "a '(s)' plural": r"\b\w+\(s\)",
                "unrendered Markdown emphasis": r"\*\*\S|\S\*\*", "a Python dict": r"\{['\"][A-Za-z_]+['\"]: ",
                "a Python list": r"\[(['\"])[^'\"]*\1, \1"}


def machine_text(page_html: str) -> list[str]:
    """What a page's main column shows that is machine text, not prose: the patterns above in its words, a
    snake_case column header, a bare None or nan in a table cell (code blocks are left out: code may look like code)."""
    import html as html_lib

    body = page_html.split("<article", 1)[-1].split("</article>", 1)[0]
    body = re.sub(r"<script.*?</script>|<style.*?</style>|<pre.*?</pre>|<code.*?</code>", " ", body, flags=re.S)
    words = html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u200b", "")
    found = [f"{name}: …{m.group(0)}…" for name, pattern in MACHINE_TEXT.items()
             for m in re.finditer(r".{0,25}(?:" + pattern + r").{0,25}", words)]
    cells = lambda tag: [html_lib.unescape(re.sub(r"<[^>]+>", "", c)).replace("\u200b", "").strip()
                         for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", body, re.S)]
    found += [f"a snake_case header: {h}" for h in cells("th") if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", h)]
    found += [f"a bare {c} in a table cell" for c in cells("td") if c in ("None", "nan", "NaN", "NaT")]
    found += [f"a glued percentage without its space: {p}" for p in re.findall(r'class="pasted-text">([^<]*\d%)<', body)]
    found += [f"an id a narrow column can break: {i}" for i in breakable_ids(body)]
    return found


def breakable_ids(body: str) -> list[str]:
    """Ledger ids and seed sections in table cells that the browser may break at a hyphen or space: neither the whole cell
    (td.gp-token) nor the id itself (span.gp-id) is kept on one line."""
    from growthpath.markup import WHOLE_TOKENS

    cells = re.findall(r"<td(?![^>]*gp-token)[^>]*>(.*?)</td>", body, re.S)
    bare = [re.sub(r'<span class="[^"]*gp-id[^"]*">[^<]*</span>', " ", c) for c in cells]
    return [m for c in bare for m in WHOLE_TOKENS.findall(re.sub(r"<[^>]+>", "", c))]


def test_machine_text_is_caught():
    page_html = ("<article><p>see Appendix Appendix A; 3 finding(s); **base**; {'a': 1}; "
                 '<span class="pasted-text">4.2%</span></p>'
                 "<table><tr><th>claim_id</th><th>Ledger id</th></tr><tr><td>nan</td><td>x</td></tr></table></article>")
    kinds = [f.split(":")[0] for f in machine_text(page_html)]
    assert breakable_ids('<td><p>000-2.2-01, <span class="gp-id">000-2.2-02</span> (000 §2.2)</p></td><td class="gp-token">000-1.1-01</td>') == [
        "000-2.2-01", "000 §2.2"]
    assert [f.split(":")[0] for f in machine_text('<article><p>parts = {"kol_weight": 38.0}; q = ["a_b", "c_d"]</p></article>')] == [
        "a Python dict", "a Python list"]
    assert kinds == ["a doubled word", "a '(s)' plural", "unrendered Markdown emphasis", "a Python dict",
                     "a snake_case header", "a bare nan in a table cell", "a glued percentage without its space"], kinds
    assert machine_text("<article><p>None of these cites a source.</p><pre>{'a': 1}</pre>"
                        '<span class="pasted-text">4.2 %</span> “占比25.3%”</article>') == []


@pytest.mark.slow
def test_no_page_shows_machine_text(html):
    found = [f"{page.relative_to(html)}: {f}" for page in sorted((html / "book").rglob("*.html"))
             for f in machine_text(page.read_text(encoding="utf-8"))]
    assert found == [], "\n".join(found[:30])


def traditional_runs(page_html: str) -> list[str]:
    """Runs of two or more Chinese characters, outside scripts and tags, that differ from their Simplified form."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", page_html, flags=re.S))
    return sorted({r for r in re.findall(r"[\u4e00-\u9fff]{2,}", text) if t2s.convert(r) != r})


def test_traditional_characters_are_caught():
    assert traditional_runs("<p>某平臺數據顯示 and 某平台数据显示</p><script>var a='數據';</script>") == ["某平臺數據顯示"]


@pytest.mark.slow
def test_chinese_is_simplified_on_every_page_but_the_ledgers_verbatim_quotes(html):
    found = {str(page.relative_to(html)): runs for page in sorted((html / "book").rglob("*.html"))
             if page.name != "92_ledger.html" and (runs := traditional_runs(page.read_text(encoding="utf-8")))}
    assert found == {}, found


SLIDER_PROBE = """<script>
window.addEventListener("load", function () { setTimeout(function () {
  var charts = Array.prototype.filter.call(document.querySelectorAll(".gp-chart"), function (c) {
    return c.querySelector(".vega-bindings input[type=range]"); });
  var texts = function (c) { return Array.prototype.map.call(c.querySelectorAll(".marks text"), function (t) { return t.textContent; }); };
  var before = charts.map(texts), start = charts.map(function (c) { return c.querySelector("input[type=range]").value; });
  charts.forEach(function (c) {
    var slider = c.querySelector("input[type=range]");
    slider.value = slider.value === slider.max ? slider.min : slider.max;
    slider.dispatchEvent(new Event("input", {bubbles: true}));
  });
  setTimeout(function () {
    parent.postMessage({page: location.pathname.split("/").pop(), charts: charts.map(function (c, i) {
      return {id: c.id, start: start[i], before: before[i], after: texts(c)}; })}, "*");
  }, 1000);
}, 3000); });
</script>"""


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make test installs it)")
def test_what_if_sliders_start_at_the_glued_values_and_move_the_chart(html, executed, tmp_path):
    """The four what-if charts (the users and GMV outlooks, the referral model, the funnel), offline in Chromium: each
    starts at the value the chapter glues, and moving its first slider changes what it shows."""
    from conftest import glued

    base = Path(executed["base"])
    ch3, ch4, ch5 = (glued(base / nb) for nb in ("03_targets.ipynb", "04_theory.ipynb", "05_implementation.ipynb"))
    expected = {"03_targets": [f"{ch3['p_users']:.1%}", f"{ch3['wi_p_gmv']:.1%}"], "04_theory": [f"{ch4['wi_users']:,.0f}"],
                "05_implementation": [f"{ch5['conv_base']:,.0f}"]}
    pages = [(html / "book" / "chapters" / f"{name}.html", name, SLIDER_PROBE, "") for name in expected]
    reports = {r["page"].removeprefix("probe-").removesuffix(".html"): r["charts"] for r in in_frames(pages, (1200,), tmp_path)}
    assert set(reports) == set(expected), reports.keys()
    for page, values in expected.items():
        assert len(reports[page]) == len(values), (page, reports[page])
        for chart, value in zip(reports[page], values):
            assert value in chart["before"], (page, value, chart["before"])
            assert chart["after"] != chart["before"], (page, chart)


def test_table_text_is_simplified_chinese_except_a_verbatim_column():
    import pandas as pd

    from growthpath.publish import appendices, page
    from growthpath.data import claims

    shown = page.table(pd.DataFrame({"definition": ["入群轉化率"], "scraped": ["入群轉化率"], "n": [1]}), verbatim=["scraped"]).frame
    assert shown.loc[0, "definition"] == "入群转化率" and shown.loc[0, "scraped"] == "入群轉化率" and shown.loc[0, "n"] == 1
    ledger = claims.load()
    traditional = ledger[ledger["quote"] != ledger["quote_zh"]]
    assert len(traditional), "some scraped quotes are in Traditional characters"
    table = page.table(appendices.ledger_table(ledger), verbatim=["as scraped"]).frame.set_index("id")
    row = traditional.iloc[0]
    assert table.loc[row["claim_id"], "as scraped"] == row["quote"] and table.loc[row["claim_id"], "quote (原文)"] == row["quote_zh"]


def test_a_sections_claims_are_a_table_on_screen_and_one_sentence_in_print():
    from growthpath.data import claims
    from growthpath.publish import page

    found = claims.in_sections(claims.load(), "000", "5.2")
    shown = page.claims_table(found, "Seed 000 §5.2: claims")
    assert shown._repr_html_().count("</tr>") == len(found) + 1         # every claim on screen, and the header
    ids = sorted(found["claim_id"])
    assert shown._repr_markdown_() == f"Seed 000 §5.2: {len(found)} claims ({ids[0]} to {ids[-1]}), each listed with its quote in Appendix B.\n"


def test_a_section_shows_on_screen_only_the_claims_its_published_findings_cite():
    from growthpath.audit import registry
    from growthpath.data import claims
    from growthpath.publish import page

    found = claims.in_sections(claims.load(), "000", "5.2")
    ids = sorted(found["claim_id"])
    cite = registry.Finding("times_ambiguity", "unclear", [registry.Ref("000", "5.2", ids[1]), registry.Ref("000", "1.1", "000-1.1-01")],
                            {}, "f", "r", "m.")
    rejected = registry.Finding("shares_sum", "contradiction", [registry.Ref("000", "5.2", ids[0])], {}, "f", "r", "m.",
                                review="rejected")
    elsewhere = registry.Finding("known_facts", "unclear", [registry.Ref("000", "1.1", "000-1.1-02")], {}, "f", "r", "m.")
    shown = page.claims_table(found, "Seed 000 §5.2: claims", [cite, rejected, elsewhere])
    assert shown.frame["Ledger id"].tolist() == [ids[1]]                  # not the rejected finding's, not another section's
    assert shown.caption == f"Seed 000 §5.2: the 1 claim the audit flags ({len(ids) - 1} more, none flagged, in Appendix B)"
    assert shown._repr_markdown_().startswith(f"Seed 000 §5.2: {len(ids)} claims")   # print: one sentence, as before
    none = page.claims_table(found, "Seed 000 §5.2: claims", [elsewhere])
    assert none.data.endswith("The audit flags none of them.\n") and "<table" not in none.data


CN_FIGURE = re.compile(r"(\d[\d,.]*)\s*(万亿元|亿元|万亿 US dollars|万亿美元|万元|亿人|亿)(?![\u4e00-\u9fff])")
EN_GLOSS = re.compile(r"\s*\((?:¥|US\$)?[\d,.]+(?: (?:trillion|billion|million))?\)")


def first_unglossed(page_html: str) -> list[str]:
    """The first figure of each Chinese large-number unit (万亿元, 亿元, 亿 or 亿人, 万元, 万亿美元) in a page's prose (paragraphs
    and list items outside tables) that is not followed by the same figure in English: '7 万亿元 (¥7 trillion)'."""
    import html as html_lib

    body = page_html.split("<article", 1)[-1].split("</article>", 1)[0]
    body = re.sub(r"<script.*?</script>|<table.*?</table>|<pre.*?</pre>|<figure.*?</figure>|<details.*?</details>", " ", body, flags=re.S)
    prose = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"<(?:p|li)\b[^>]*>(.*?)</(?:p|li)>", body, re.S))
    seen, missing = set(), []
    for m in CN_FIGURE.finditer(prose):
        family = {"亿人": "亿", "万亿美元": "万亿 US dollars"}.get(m.group(2), m.group(2))
        if family in seen:
            continue
        seen.add(family)
        if not EN_GLOSS.match(prose, m.end()):
            missing.append(prose[max(0, m.start() - 30):m.end() + 10])
    return missing


def test_a_figure_without_its_english_at_first_use_is_caught():
    page_html = "<article><p>A 7 万亿元 (¥7 trillion) market; 10 亿 users, 12 亿 more; ¥ 3 亿元 (¥300 million).</p></article>"
    missing = first_unglossed(page_html)
    assert len(missing) == 1 and "10 亿 users" in missing[0]           # the first 亿 figure; later ones need no gloss
    assert first_unglossed("<article><p>10 亿 (1 billion) users</p><table><td>3 亿元</td></table></article>") == []


@pytest.mark.slow
def test_each_chapter_gives_its_first_figure_of_each_chinese_unit_in_english_too(html):
    found = {page.stem: first_unglossed(page.read_text(encoding="utf-8"))
             for page in sorted((html / "book" / "chapters").glob("0[1-8]_*.html"))}
    assert len(found) == 8 and not any(found.values()), {k: v for k, v in found.items() if v}


def test_glued_percentages_are_spaced_but_quotes_and_chinese_text_are_not():
    from growthpath.markup import spaced_percents

    assert spaced_percents("from 5.2% to the plan's 8.0% (+54%)") == "from 5.2 % to the plan's 8.0 % (+54 %)"
    for kept in ("“占比25.3%”", "（25.3%）", "《58%》", "占比25.3%", "%E5%9B%BD", "v2%", "4.2 %"):
        assert spaced_percents(kept) == kept, kept


def test_a_numeric_column_shows_one_number_of_decimals():
    import pandas as pd

    from growthpath.publish import page

    shown = page.table(pd.DataFrame({"growth (%)": [14.1, 4.0, -0.001], "level (亿元)": [172043.0107, 980.5, float("nan")]})).frame
    assert list(shown["growth (%)"]) == ["14.1", "4.0", "0.0"]          # 4 reads 4.0 beside 14.1; never '-0.0'
    assert list(shown["level (亿元)"]) == ["172,043", "980.5", "–"]      # no decimals on a six-figure level
    mixed = page.table(pd.DataFrame({"value": [0.45, 24.0, 3.0, 2.5]})).frame
    assert list(mixed["value"]) == ["0.45", "24", "3", "2.5"]             # a column of mixed measures: no '24.00 小时'


def test_a_value_and_its_unit_stay_on_one_line_on_screen_and_in_print():
    import pandas as pd

    from growthpath.publish import page

    frame = pd.DataFrame({"where": ["§1.1: a sentence long enough to take the room of a column"] * 2, "value": ["159,722 亿元", "2025"]})
    table = page.table(frame)
    assert '<td class="gp-token"><span class="gp-id">159,722 亿元</span></td>' in table._repr_html_()
    assert "159,722\u00a0亿元" in table._repr_markdown_().replace(page.WORD_JOINER, "")   # LaTeX's tie: print never wraps inside it
    widths, _ = page.print_widths(frame)
    assert widths[1] >= 10 * (page.display_len("159,722 亿元") + 1)   # and its column is wide enough for it whole
