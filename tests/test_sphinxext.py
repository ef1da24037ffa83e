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
