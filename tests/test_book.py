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

    image = Image.open(shot).convert("RGB")
    official_blue = (0x1F, 0x4E, 0x79)
    hits = sum(1 for px in image.getdata() if all(abs(a - b) <= 12 for a, b in zip(px, official_blue)))
    assert hits > 200, f"only {hits} pixels of the official-series colour: charts not drawn"


@pytest.mark.slow
def test_every_internal_link_resolves(html):
    from growthpath import linkcheck

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
