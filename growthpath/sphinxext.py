"""Sphinx extension for the book:

- serves the Vega/Vega-Lite/vega-embed bundle from the book itself (no CDN): the bundle comes from
  vl-convert (a PyPI wheel), is cached under `_build/.cache/`, and is written to `_static/`;
- fills MyST substitutions with this edition's identity (version, date, commit, data hash), its
  citation, and a link to the PDF when one has been built."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

BUNDLE = "vega-bundle.js"
PDF = Path("_build") / "latex" / "book.pdf"


def _bundle_path(cache_dir: Path) -> Path:
    import vl_convert as vlc

    return cache_dir / f"vega-bundle-{vlc.__version__}.js"


def make_bundle(cached: str) -> None:
    """Write the bundle to `cached` (atomically); run in a process of its own by `_start_bundle`."""
    from growthpath import osutil
    from growthpath.charts.render import vega_bundle

    osutil.write_atomic(Path(cached), vega_bundle())


def _start_bundle(app) -> None:
    """Pages only need the script's name now. On a cold cache its text (1.5 s in vl-convert) is made
    by a second process while Sphinx reads and writes, and copied in when the build finishes."""
    if app.builder.format != "html":
        return
    import subprocess
    import sys

    from growthpath import paths

    app.add_js_file(BUNDLE)
    cached = _bundle_path(paths.root() / "_build" / ".cache")
    maker = None if cached.exists() else subprocess.Popen(
        [sys.executable, "-c", "import sys; from growthpath.sphinxext import make_bundle; make_bundle(sys.argv[1])",
         str(cached)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    app.gp_bundle = (cached, maker)


def _write_bundle(app, exc) -> None:
    if exc or not hasattr(app, "gp_bundle"):
        return
    from sphinx.errors import ExtensionError

    cached, maker = app.gp_bundle
    if maker is not None and maker.wait() != 0:
        raise ExtensionError(f"the Vega bundle could not be made:\n{maker.stderr.read()[-2000:]}")
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, static / BUNDLE)


def _substitutions(app) -> None:
    from growthpath import edition, paths

    ed = edition.current()
    pdf = paths.root() / PDF
    config = app.config
    if app.builder.name == "latex":
        config.nb_remove_code_source = True  # print has no "show code" button: the code stays in the HTML
        pdf_link = "This is the PDF edition; the HTML edition is built from the same sources."
    elif pdf.exists():
        pdf_link = "{download}`Download the PDF edition <../_build/latex/book.pdf>`"
    else:
        pdf_link = "The PDF edition is built with `make pdf`."
    config.myst_substitutions = {**(config.myst_substitutions or {}),
                                 "edition_version": ed.version, "edition_date": ed.date, "edition_commit": ed.commit,
                                 "edition_data_hash": ed.data_hash, "edition_citation": ed.citation,
                                 "edition_bibtex_key": ed.bibtex_key, "edition_title": ed.title,
                                 "edition_authors": ed.authors, "pdf_link": pdf_link}


def _math_dirs(app) -> tuple[Path, Path]:
    from growthpath import paths

    return paths.root() / "_build" / ".cache" / "imgmath", Path(app.outdir) / app.builder.imagedir / "math"


def _restore_math(app) -> None:
    """Formulas rendered by an earlier build (named by the hash of their LaTeX) are put where
    sphinx.ext.imgmath looks before it runs latex + dvisvgm again (about 0.15 s a formula)."""
    if app.builder.format != "html":
        return
    cache, target = _math_dirs(app)
    if cache.is_dir():
        shutil.copytree(cache, target, dirs_exist_ok=True)


def _keep_math(app, exc) -> None:
    if exc or app.builder.format != "html":
        return
    cache, target = _math_dirs(app)
    if target.is_dir():
        shutil.copytree(target, cache, dirs_exist_ok=True)


class _OwnTempdir:
    """The builder as imgmath sees it, with a temporary folder of its own (imgmath writes every
    formula to <tempdir>/math.tex, so concurrent renders need separate folders)."""

    def __init__(self, builder):
        import tempfile

        self.builder = self
        self._builder = builder
        self._imgmath_tempdir = tempfile.mkdtemp()

    def __getattr__(self, name):
        return getattr(self._builder, name)


def _formulas_of(app, doctree) -> None:
    """Remember a page's formulas as Sphinx reads it (so nothing has to unpickle every doctree later)."""
    from docutils import nodes
    from sphinx.ext import imgmath

    found = {"$" + node.astext() + "$" for node in doctree.findall(nodes.math)}
    found |= {node.astext() if node.get("nowrap") else imgmath.wrap_displaymath(node.astext(), None, False)
              for node in doctree.findall(nodes.math_block)}
    if not hasattr(app.env, "gp_formulas"):
        app.env.gp_formulas = {}
    app.env.gp_formulas[app.env.docname] = sorted(found)


def _forget_formulas(app, env, docname) -> None:
    getattr(env, "gp_formulas", {}).pop(docname, None)


def _merge_formulas(app, env, docnames, other) -> None:
    """Pages read by parallel workers bring their formulas back to the main process."""
    if not hasattr(env, "gp_formulas"):
        env.gp_formulas = {}
    env.gp_formulas.update({d: f for d, f in getattr(other, "gp_formulas", {}).items() if d in docnames})


def _prerender_math(app, env) -> None:
    """Render every formula of the book before the write phase, where imgmath then finds them.
    imgmath runs latex and dvisvgm once per formula (about 0.15 s each); here one latex document
    holds every missing formula, a page each, and one dvisvgm run turns the pages into the files
    imgmath would have written. If the batch fails, each formula is rendered on its own as before."""
    if app.builder.format != "html" or "sphinx.ext.imgmath" not in app.extensions:
        return
    import time

    from sphinx.util import logging

    started = time.perf_counter()
    formulas = sorted({f for found in getattr(env, "gp_formulas", {}).values() for f in found})
    missing = {path: latex for path, latex in (_math_file(app, f) for f in formulas) if not path.exists()}
    how = "batch"
    if missing and not _render_batch(app, missing):
        how = "one at a time"
        _render_each(app, [f for f in formulas if not _math_file(app, f)[0].exists()])
    logging.getLogger(__name__).info(f"growthpath: {len(formulas)} formulas ready, {len(missing)} rendered "
                                     f"({how}) in {time.perf_counter() - started:.1f}s")


def _math_file(app, formula: str) -> tuple[Path, str]:
    """Where imgmath looks for a formula's SVG (named by the sha1 of its LaTeX document), and that document."""
    import hashlib

    from sphinx.ext import imgmath

    latex = imgmath.generate_latex_macro("svg", formula, app.config, app.confdir)
    name = hashlib.sha1(latex.encode(), usedforsecurity=False).hexdigest() + ".svg"
    return Path(app.outdir) / app.builder.imagedir / "math" / name, latex


BEGIN, END = "\\begin{document}", "\\end{document}"


def _render_batch(app, missing: dict[Path, str]) -> bool:
    """One latex run (a page per formula) and one dvisvgm run; False when anything goes wrong."""
    import subprocess
    import tempfile

    config = app.config
    preambles = {latex.partition(BEGIN)[0] for latex in missing.values()}
    if len(preambles) != 1 or config.imgmath_use_preview:
        return False
    bodies = [latex.partition(BEGIN)[2].rpartition(END)[0].strip() for latex in missing.values()]
    document = preambles.pop() + BEGIN + "\n" + "\n\\clearpage\n".join(bodies) + "\n" + END + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "math.tex").write_text(document, encoding="utf-8")
        latex_cmd = [config.imgmath_latex, "--interaction=nonstopmode", *config.imgmath_latex_args, "math.tex"]
        dvi = "math.xdv" if Path(config.imgmath_latex).name in {"xelatex", "tectonic"} else "math.dvi"
        svg_cmd = [config.imgmath_dvisvgm, *config.imgmath_dvisvgm_args, "--page=1-", "--output=page-%4p.svg", dvi]
        try:
            for cmd in (latex_cmd, svg_cmd):
                subprocess.run(cmd, cwd=work, capture_output=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            return False
        pages = sorted(work.glob("page-*.svg"))
        if len(pages) != len(missing):
            return False
        for page, target in zip(pages, missing):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(page, target)
    return True


def _render_each(app, formulas: list[str]) -> None:
    """imgmath's own rendering, two formulas at a time (latex and dvisvgm are separate processes)."""
    from concurrent.futures import ThreadPoolExecutor

    from sphinx.ext import imgmath

    local, made = threading.local(), []

    def render(formula: str) -> None:
        if not hasattr(local, "builder"):
            local.builder = _OwnTempdir(app.builder)
            made.append(local.builder)
        imgmath.render_math(local.builder, formula)

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        list(pool.map(render, formulas))
    for builder in made:
        shutil.rmtree(builder._imgmath_tempdir, ignore_errors=True)


def _select_mime_at_read(app) -> None:
    """myst-nb keeps every representation of an output (HTML, print table, image, spec) in the doctree
    and picks one per builder after reading. Each of our builds has an environment of its own, so the
    same choice (myst-nb's own priority list for the builder) is made while reading: the HTML build
    no longer parses the print tables, and every page it pickles and unpickles is about half the size."""
    from myst_nb.core.render import get_mime_priority
    from myst_nb.sphinx_ import SphinxNbRenderer

    original = SphinxNbRenderer._render_nb_cell_code_outputs
    if getattr(original, "growthpath", False):
        return
    builder_name = app.builder.name

    def render_chosen_outputs(self, token, outputs):
        priority = get_mime_priority(builder_name, self.sphinx_env.config["nb_mime_priority_overrides"])
        return original(self, token, [_chosen(output, priority) for output in outputs])

    render_chosen_outputs.growthpath = True
    SphinxNbRenderer._render_nb_cell_code_outputs = render_chosen_outputs


def _chosen(output, priority: list[str]):
    """The output with only the representation `priority` picks (unchanged if none or one)."""
    import nbformat

    data = output.get("data") or {}
    if output.get("output_type") not in ("display_data", "execute_result") or len(data) < 2 \
            or "scrapbook" in output.get("metadata", {}):
        return output
    pick = next((mime for mime in priority if mime in data), None)
    return output if pick is None else nbformat.from_dict({**output, "data": {pick: data[pick]}})


def _cache_numref_targets(app) -> None:
    """Sphinx resolves each {numref} by unpickling the whole target page (0.05-0.1 s for a chapter,
    38 numrefs). The target is only read there, so within one build each page is unpickled once."""
    from sphinx.domains.std import StandardDomain

    original = StandardDomain._resolve_numref_xref
    if getattr(original, "growthpath", False):
        return
    pages: dict[str, object] = {}

    def resolve_numref(self, env, *args, **kwargs):
        load = env.get_doctree
        env.get_doctree = lambda docname: pages[docname] if docname in pages else pages.setdefault(docname, load(docname))
        try:
            return original(self, env, *args, **kwargs)
        finally:
            del env.get_doctree

    resolve_numref.growthpath = True
    StandardDomain._resolve_numref_xref = resolve_numref


def setup(app):
    app.connect("builder-inited", _select_mime_at_read)
    app.connect("builder-inited", _cache_numref_targets)
    app.connect("builder-inited", _substitutions, priority=100)  # before myst-parser reads its config
    app.connect("builder-inited", _start_bundle)
    app.connect("build-finished", _write_bundle)
    app.connect("builder-inited", _restore_math)
    app.connect("build-finished", _keep_math, priority=100)  # before imgmath removes embedded images
    app.connect("doctree-read", _formulas_of)
    app.connect("env-purge-doc", _forget_formulas)
    app.connect("env-merge-info", _merge_formulas)
    app.connect("env-updated", _prerender_math)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
