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
    drawn = re.findall(r'<div id="gp-chart-[^"]+" class="gp-chart vega-embed[^"]*"[^>]*><div class="chart-wrapper"[^>]*>'
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

    verdict = re.compile(r"<strong>(\d{3}) §([0-9.b]+)</strong>.{0,400}?<strong>(Holds|Does not hold|Cannot be checked)\.</strong>", re.S)
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
