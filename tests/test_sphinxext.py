"""The book's Sphinx extension: formulas rendered in one batch are the images imgmath itself makes."""
from __future__ import annotations

import re
import shutil
from types import SimpleNamespace

import pytest
from sphinx.ext import imgmath

from growthpath.publish import sphinxext

pytestmark = pytest.mark.skipif(not (shutil.which("latex") and shutil.which("dvisvgm")), reason="needs latex and dvisvgm")

FORMULAS = ["$p \\sim \\mathrm{Beta}(a, b)$", "$K < 1$",
            imgmath.wrap_displaymath("U_n = U_0 \\sum_{k=0}^{n} K^k \\;\\to\\; \\frac{U_0}{1-K}", None, False)]


def fake_app(outdir):
    config = SimpleNamespace(imgmath_font_size=14, imgmath_latex_preamble="", imgmath_use_preview=False, templates_path=[],
                             imgmath_latex="latex", imgmath_latex_args=[], imgmath_dvisvgm="dvisvgm",
                             imgmath_dvisvgm_args=["--no-fonts"], imgmath_image_format="svg")
    builder = SimpleNamespace(config=config, confdir=str(outdir), outdir=str(outdir), imagedir="_images")
    return SimpleNamespace(config=config, confdir=str(outdir), outdir=str(outdir), builder=builder)


def size(svg_path) -> tuple[str, str, str]:
    head = svg_path.read_text(encoding="utf-8")[:600]
    return tuple(re.search(f"{attr}='([^']+)'", head).group(1) for attr in ("width", "height", "viewBox"))


def test_batch_rendering_matches_imgmath_formula_by_formula(tmp_path):
    batch_app, single_app = fake_app(tmp_path / "batch"), fake_app(tmp_path / "single")
    missing = dict(sphinxext._math_file(batch_app, f) for f in FORMULAS)
    assert sphinxext._render_batch(batch_app, missing)
    sizes = []
    for formula in FORMULAS:
        path, _ = imgmath.render_math(SimpleNamespace(builder=single_app.builder), formula)
        batch_path, _ = sphinxext._math_file(batch_app, formula)
        assert batch_path.name == path.rsplit("/", 1)[-1]  # the file imgmath will look for
        assert size(batch_path) == size(tmp_path / "single" / "_images" / "math" / batch_path.name)
        sizes.append(size(batch_path))
    assert len(set(sizes)) == len(FORMULAS)  # distinct images: a page given to the wrong formula would show


def test_a_batch_that_fails_reports_it(tmp_path):
    app = fake_app(tmp_path)
    missing = dict(sphinxext._math_file(app, f) for f in [*FORMULAS, "$\\frac{1}{$"])
    assert not sphinxext._render_batch(app, missing)
    assert not any(path.exists() for path in missing)


def test_every_print_box_keeps_its_title_with_its_first_lines():
    """In print every box, of any kind and however deep, is preceded by the preamble's \\gpKeepBoxHead (\\needspace:
    its title bar never ends a page apart from its body), set before the anchor a link to the box lands on."""
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    doc = new_document("x", get_default_settings(Parser))
    section = nodes.section()
    doc += section
    finding = nodes.admonition("", nodes.title("", "Unclear: a finding"), nodes.paragraph("", "body"))
    section += [nodes.paragraph("", "before"), nodes.target(refid="finding-1"), finding]
    container = nodes.container()
    container += nodes.note("", nodes.paragraph("", "a note"))
    section += [container, nodes.warning("", nodes.paragraph("", "careful"))]
    app = SimpleNamespace(builder=SimpleNamespace(format="latex"))
    sphinxext._keep_box_heads(app, doc, "x")
    for box in doc.findall(nodes.Admonition):
        at = box.parent.index(box)
        while isinstance(box.parent[at - 1], nodes.target):
            at -= 1
        before = box.parent[at - 1]
        assert isinstance(before, nodes.raw) and before.astext() == sphinxext.KEEP_BOX_HEAD and before["format"] == "latex"
    assert isinstance(section[1], nodes.raw) and isinstance(section[2], nodes.target)   # before the anchor, not after it
    html = new_document("y", get_default_settings(Parser))
    html += nodes.note("", nodes.paragraph("", "a note"))
    sphinxext._keep_box_heads(SimpleNamespace(builder=SimpleNamespace(format="html")), html, "y")
    assert not list(html.findall(nodes.raw))


def test_the_preamble_defines_what_the_boxes_call():
    import yaml

    from conftest import REPO

    latex = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]["latex_elements"]
    assert "\\newcommand{" + sphinxext.KEEP_BOX_HEAD + "}" in latex["preamble"] and "\\needspace" in latex["preamble"]
    # the contents' \chapter* leaves "Contents" as the running mark: the page after the contents must not carry it
    assert re.fullmatch(r"\\sphinxtableofcontents\s*\\markboth\{\}\{\}", latex["tableofcontents"])


def test_print_ties_every_figure_to_its_unit_and_breaks_long_words_in_cells():
    """In print a figure keeps its unit on its line, typed together ('49,000 亿元', '41.9 %') or glued and typed after
    ({glue:text}`x` 亿元): the PDF broke 68 times between them ("49,000 亿 / 元", "41.9 / %"). In a table cell a long
    hyphenated word gets a break point after its hyphen ('estimate-unofficial' was cut by its column). Code and
    titles are untouched; the HTML too."""
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    from growthpath.publish.page import WORD_JOINER as j

    def document():
        doc = new_document("x", get_default_settings(Parser))
        glued = nodes.inline("49,000", "49,000", classes=["pasted-text"])
        doc += nodes.paragraph("", "", nodes.Text("The market was "), glued, nodes.Text(" 亿元 in 2023, up 41.9 % (range 5–20 %)."),
                               nodes.literal("5 %", "5 %"))
        doc += nodes.title("", "GMV of 7 万亿元")
        table = nodes.table("", nodes.tgroup("", nodes.tbody("", nodes.row("", nodes.entry("", nodes.paragraph("", "estimate-unofficial"))))))
        doc += table
        return doc

    doc = document()
    sphinxext._tie_units(SimpleNamespace(builder=SimpleNamespace(format="latex")), doc, "x")
    text = doc[0].astext()
    assert f"49,000\u00a0亿{j}元 in 2023, up 41.9\u00a0% (range 5–{j}20\u00a0%)." in text and text.endswith("5 %")
    assert doc[1].astext() == "GMV of 7 万亿元" and doc[2].astext() == "estimate-\u200bunofficial"
    html = document()
    sphinxext._tie_units(SimpleNamespace(builder=SimpleNamespace(format="html")), html, "x")
    assert "\u00a0" not in html.astext()
