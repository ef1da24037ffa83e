"""Sphinx extension for the book:

- serves the Vega/Vega-Lite/vega-embed bundle from the book itself (no CDN): the bundle comes from
  vl-convert (a PyPI wheel), is cached under `_build/.cache/`, and is written to `_static/`;
- fills MyST substitutions with this edition's identity (version, date, commit, data hash), its
  citation, and a link to the PDF when one has been built;
- sets the bibliography in pybtex's `unsrt` style with each DOI shown as its address (`BIBLIOGRAPHY_STYLE`)."""
from __future__ import annotations

import re
import shutil
import weakref
from pathlib import Path

BUNDLE = "vega-bundle.js"
PDF = Path("_build") / "latex" / "book.pdf"
BUNDLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # Sphinx app → (cached bundle, the process making it)


def _bundle_path(cache_dir: Path) -> Path:
    import vl_convert as vlc

    return cache_dir / f"vega-bundle-{vlc.__version__}.js"


def make_bundle(cached: str) -> None:
    """Write the bundle to `cached` (atomically); run in a process of its own by `_start_bundle`."""
    from growthpath import osutil
    from growthpath.charts.renderer import vega_bundle

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
    cached = _bundle_path(paths.cache(""))
    maker = None if cached.exists() else subprocess.Popen(
        [sys.executable, "-c", "import sys; from growthpath.publish.sphinxext import make_bundle; make_bundle(sys.argv[1])",
         str(cached)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    BUNDLES[app] = (cached, maker)


def _write_bundle(app, exc) -> None:
    if exc or app not in BUNDLES:
        return
    from sphinx.errors import ExtensionError

    cached, maker = BUNDLES.pop(app)
    if maker is not None and maker.wait() != 0:
        raise ExtensionError(f"the Vega bundle could not be made:\n{maker.stderr.read()[-2000:]}")
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, static / BUNDLE)


def _substitutions(app) -> None:
    from growthpath import paths
    from growthpath.publish import edition

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

    return paths.cache("imgmath"), Path(app.outdir) / app.builder.imagedir / "math"


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
    imgmath would have written. If the batch fails, imgmath renders each formula itself while it writes."""
    if app.builder.format != "html" or "sphinx.ext.imgmath" not in app.extensions:
        return
    import time

    from sphinx.util import logging

    started = time.perf_counter()
    formulas = sorted({f for found in getattr(env, "gp_formulas", {}).values() for f in found})
    missing = {path: latex for path, latex in (_math_file(app, f) for f in formulas) if not path.exists()}
    done = bool(missing) and _render_batch(app, missing)
    logging.getLogger(__name__).info(f"growthpath: {len(formulas)} formulas, {len(missing) if done else 0} rendered in one batch "
                                     f"in {time.perf_counter() - started:.1f}s" + ("" if done or not missing else
                                     "; the batch failed, so imgmath renders them one by one as it writes"))


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


def _table(header: list[str], rows: list[list[str]], widths: list[int], code_first: bool = True):
    """A docutils table (HTML and LaTeX) of plain-text cells; the first column set as code."""
    from docutils import nodes

    table = nodes.table(classes=["growthpath-reference", "colwidths-given"])  # LaTeX: wrapped p{} columns
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in widths)

    def row(cells: list[str], head: bool = False):
        r = nodes.row()
        for i, text in enumerate(cells):
            para = nodes.paragraph()
            para += nodes.literal(text, text) if (i == 0 and code_first and not head) else nodes.Text(text)
            r += nodes.entry("", para)
        return r

    group += nodes.thead("", row(header, head=True))
    group += nodes.tbody("", *[row(r) for r in rows])
    return table


def chapter_numbers(chapters: str) -> str:
    """'01, 03, 95' → '1, 3, F': chapters as the book numbers them, appendices by their letter (not file names)."""
    from growthpath.publish.appendix_tables import chapter_number

    return ", ".join(chapter_number(c.strip()) for c in chapters.split(","))


CODE_WIDTH = 1.15    # a character of code (Latin Modern Mono) is about this many of the text's average character


def reference_widths(header: list[str], rows: list[list[str]]) -> list[int]:
    """Column widths for a reference table, from its content as page.print_widths gives them to every print table:
    each column at least as wide as its longest word (a parameter's name, a default's `(ytd_revision_sd_pp)`, the
    header 'chapters'), the first column's code set wider. Fixed widths let 'chapters' run past the margin and split a
    default at its underscores."""
    import pandas as pd

    from growthpath.publish.page import CELL_PAD, print_widths

    widths, wide = print_widths(pd.DataFrame(rows, columns=header))
    code = max(len(r[0]) for r in rows) + 1 + CELL_PAD[wide]     # a name of code is never broken, however long
    widths[0] = round(max(widths[0], code * 10) * CODE_WIDTH)
    return widths


def parameters_directive():
    from sphinx.util.docutils import SphinxDirective

    class Parameters(SphinxDirective):
        """`{growthpath-parameters}`: the parameter reference from `growthpath.data.params` (the one
        declaration the runner, the scenarios file and `growthpath params` also read)."""

        def run(self):
            from growthpath.data import params

            from growthpath.publish.page import breakable

            header = ["parameter", "meaning and valid values", "default", "chapters"]
            rows = [[r["parameter"], f"{r['meaning']} Valid: {r['valid values']}.", breakable(str(r["default"])),
                     chapter_numbers(r["chapters"])] for r in params.reference().to_dict(orient="records")]
            return [_table(header, rows, reference_widths(header, rows))]

    return Parameters


LATEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_text(text: str) -> str:
    """Plain text as LaTeX: specials escaped, Markdown's *emphasis* as italics."""
    import re

    escaped = "".join(LATEX_SPECIALS.get(ch, ch) for ch in text)
    return re.sub(r"\*([^*]+)\*", r"\\emph{\1}", escaped)


def title_page(ed) -> str:
    """The PDF's title page: title and subtitle, authors, this edition (version, date, commit, data) and how to
    cite it; the contents follow on their own page."""
    title, _, subtitle = ed.title.partition(": ")
    return "\n".join([
        r"\begin{titlepage}", r"\centering", r"\vspace*{3cm}",
        rf"{{\Huge\bfseries {latex_text(title)}\par}}", r"\vspace{0.8cm}",
        rf"{{\Large {latex_text(subtitle.capitalize() if subtitle else '')}\par}}" if subtitle else "",
        r"\vspace{0.8cm}",
        rf"\parbox{{0.8\textwidth}}{{\centering {latex_text(ed.abstract)}\par}}\par" if ed.abstract else "",
        r"\vspace{2cm}", rf"{{\Large {latex_text(ed.authors)}\par}}", r"\vspace{1cm}",
        rf"{{\large Edition {latex_text(ed.version)}, {latex_text(ed.date)}\par}}",
        rf"{{\small commit {latex_text(ed.commit)} \textperiodcentered{{}} data {latex_text(ed.data_hash)}\par}}",
        r"\vfill", r"{\small\textbf{How to cite this edition}\par}", r"\vspace{0.3cm}",
        rf"\parbox{{0.8\textwidth}}{{\small\raggedright {latex_text(ed.citation)}\par}}",
        r"\end{titlepage}"])


def _title_page(app, config) -> None:
    """config-inited: LaTeX reads `latex_elements` when its builder starts, so the title page is set here."""
    from growthpath.publish import edition

    config.latex_elements = {**config.latex_elements, "maketitle": title_page(edition.current())}


# print colours of a finding's box by its severity (the classes growthpath.audit.boxes gives it); Sphinx draws every
# generic admonition as a "note", so the box is wrapped in a group that sets the note's colours for it alone
SEVERITY_TEX = {"danger": "{RGB}{192,57,43}", "warning": "{RGB}{211,84,0}"}


def severity_colours(latex_color: str) -> tuple[str, str]:
    """The raw LaTeX that opens and closes a group colouring a note-styled box's border and title bar."""
    setup = (f"div.note_border-TeXcolor={latex_color}, div.note_title-background-TeXcolor={latex_color}, "
             "div.note_title-foreground-TeXcolor={RGB}{255,255,255}")
    return "\\begingroup\\sphinxsetup{" + setup + "}", "\\endgroup"


KEEP_BOX_HEAD = "\\gpKeepBoxHead"    # _config.yml's preamble: \needspace for a box's title bar and first lines


def _keep_box_heads(app, doctree, docname) -> None:
    """In print, every box (an admonition of any kind: a finding, a verdict, a note, a see-also) starts on the next page
    unless its title bar and first lines fit on this one: a box's title never ends a page apart from its body. The
    command goes before the targets right above the box, so a link to the box lands on the page that shows it."""
    from docutils import nodes

    if app.builder.format != "latex":
        return
    for box in list(doctree.findall(nodes.Admonition)):
        parent = box.parent
        at = parent.index(box)
        while at > 0 and isinstance(parent[at - 1], nodes.target):
            at -= 1
        parent.insert(at, nodes.raw("", KEEP_BOX_HEAD, format="latex"))


def _colour_findings(app, doctree, docname) -> None:
    from docutils import nodes

    if app.builder.format != "latex":
        return
    for box in list(doctree.findall(nodes.admonition)):
        colour = next((SEVERITY_TEX[c] for c in box["classes"] if c in SEVERITY_TEX), None)
        if colour is not None:
            opening, closing = severity_colours(colour)
            box.parent.insert(box.parent.index(box), nodes.raw("", opening, format="latex"))
            box.parent.insert(box.parent.index(box) + 1, nodes.raw("", closing, format="latex"))


def _space_percents(app, doctree, docname) -> None:
    """A number glued with a Python percent format (`p_gmv:.1%` gives "4.2%"), or a glued sentence that formats one so,
    reads "4.2 %": one spacing in the book. Only pasted text changes, never a quote in it."""
    from docutils import nodes

    from growthpath.markup import spaced_percents

    for node in doctree.findall(nodes.inline):
        if "pasted-text" not in node["classes"]:
            continue
        for text in list(node.findall(nodes.Text)):
            spaced = spaced_percents(str(text))
            if spaced != str(text):
                text.parent.replace(text, nodes.Text(spaced))


def _keep_ids_whole(app, doctree, docname) -> None:
    """In the HTML edition a ledger id (`000-2.2-01`), a section (`000 §2.2`) and a figure with its unit (`25.3 %`,
    a glued number and the unit typed after it) are each one unbreakable token (CSS `.gp-id`): a browser would
    otherwise break a narrow column after an id's hyphens, or a phone's line between a number and its unit."""
    from docutils import nodes

    from growthpath.markup import UNIT_AFTER, WHOLE_TOKENS

    if app.builder.format != "html":
        return
    code = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.math)
    for text in list(doctree.findall(nodes.Text)):
        if any(isinstance(a, code) for a in _ancestors(text)):
            continue
        parts = WHOLE_TOKENS.split(str(text))
        if len(parts) > 1:   # split() keeps the tokens at odd places
            text.parent.replace(text, [nodes.inline(p, p, classes=["gp-id"]) if i % 2 else nodes.Text(p)
                                       for i, p in enumerate(parts) if p])
    for glued in list(doctree.findall(lambda n: isinstance(n, nodes.inline) and "pasted-text" in n["classes"])):
        after = glued.parent[glued.parent.index(glued) + 1] if glued.parent.index(glued) + 1 < len(glued.parent) else None
        unit = UNIT_AFTER.match(str(after)) if isinstance(after, nodes.Text) else None
        if unit:
            whole = nodes.inline("", "", classes=["gp-id"])
            glued.parent.replace(glued, whole)
            after.parent.replace(after, nodes.Text(str(after)[unit.end():]))
            whole += [glued, nodes.Text(unit.group(0))]


def _tie_units(app, doctree, docname) -> None:
    """In print a figure and its unit stay on one line: '49,000 亿元', '41.9 %', 'range 5–20 %' typed or glued as one
    text, and a glued number followed by the unit typed after it ({glue:text}`gmv` 亿元), get a no-break space between
    them and a word joiner inside a Chinese unit (page.tie_units); LaTeX otherwise ends a line at the space or between
    the unit's characters (49,000 亿 / 元). In a table cell, typed in a page's Markdown or made by page.Table alike, a
    long hyphenated word (estimate-unofficial) gets the break point after its hyphen that page.breakable gives (the
    preamble forbids hyphenation in cells, so it ran past its column). Code, maths and titles (PDF bookmarks) are
    left as they are."""
    from docutils import nodes

    from growthpath.markup import UNIT_AFTER
    from growthpath.publish.page import breakable, tie_units

    if app.builder.format != "latex":
        return
    skip = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.math, nodes.title)
    for text in list(doctree.findall(nodes.Text)):
        if isinstance(text.parent, skip) or any(isinstance(a, skip) for a in _ancestors(text)):
            continue
        old = str(text)
        new = tie_units(old)
        if any(isinstance(a, nodes.entry) for a in _ancestors(text)):
            new = breakable(new)
        parent = text.parent
        at = parent.index(text)
        before = parent[at - 1] if at > 0 else None
        if (UNIT_AFTER.match(new.replace("\u2060", "")) and isinstance(before, nodes.inline)
                and re.search(r"\d$", before.astext())):
            new = "\u00a0" + new[1:]      # a glued figure, then its unit
        if new != old:
            parent.replace(text, nodes.Text(new))


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


BIBLIOGRAPHY_STYLE = "growthpath"     # _config.yml's bibtex_default_style


def _bibliography_style():
    """pybtex's `unsrt` with a DOI shown as the address it links to (https://doi.org/…): the PDF prints a link whose
    text is not its address with the address in a footnote (latex_show_urls), so `doi:…` got a stray footnote mark."""
    from pybtex.style.formatting.unsrt import Style
    from pybtex.style.template import field, href, join

    class DoiAsAddress(Style):
        def format_doi(self, e):
            url = join["https://doi.org/", field("doi", raw=True)]
            return href(url)[url]

    return DoiAsAddress


def setup(app):
    import pybtex.plugin

    pybtex.plugin.register_plugin("pybtex.style.formatting", BIBLIOGRAPHY_STYLE, _bibliography_style())
    app.add_directive("growthpath-parameters", parameters_directive())
    app.connect("config-inited", _title_page)
    app.connect("builder-inited", _substitutions, priority=100)  # before myst-parser reads its config
    app.connect("builder-inited", _start_bundle)
    app.connect("build-finished", _write_bundle)
    app.connect("builder-inited", _restore_math)
    app.connect("build-finished", _keep_math, priority=100)  # before imgmath removes embedded images
    app.connect("doctree-read", _formulas_of)
    app.connect("env-purge-doc", _forget_formulas)
    app.connect("env-merge-info", _merge_formulas)
    app.connect("env-updated", _prerender_math)
    app.connect("doctree-resolved", _keep_box_heads, priority=400)   # before the colours' group opens right above a box
    app.connect("doctree-resolved", _colour_findings)
    app.connect("doctree-resolved", _space_percents)
    app.connect("doctree-resolved", _keep_ids_whole)
    app.connect("doctree-resolved", _tie_units, priority=600)   # after the glued percentages are spaced
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
