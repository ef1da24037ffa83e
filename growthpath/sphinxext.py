"""Sphinx extension for the book:

- serves the Vega/Vega-Lite/vega-embed bundle from the book itself (no CDN): the bundle comes from
  vl-convert (a PyPI wheel), is cached under `_build/.cache/`, and is written to `_static/`;
- fills MyST substitutions with this edition's identity (version, date, commit, data hash), its
  citation, and a link to the PDF when one has been built."""
from __future__ import annotations

from pathlib import Path

BUNDLE = "vega-bundle.js"
PDF = Path("_build") / "latex" / "book.pdf"


def _bundle_text(cache_dir: Path) -> str:
    import vl_convert as vlc

    from growthpath.charts.render import vega_bundle

    cached = cache_dir / f"vega-bundle-{vlc.__version__}.js"
    if not cached.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(vega_bundle(), encoding="utf-8")
        tmp.replace(cached)
    return cached.read_text(encoding="utf-8")


def _write_bundle(app) -> None:
    if app.builder.format != "html":
        return
    from growthpath import paths

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / BUNDLE).write_text(_bundle_text(paths.root() / "_build" / ".cache"), encoding="utf-8")
    app.add_js_file(BUNDLE)


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


def setup(app):
    app.connect("builder-inited", _substitutions, priority=100)  # before myst-parser reads its config
    app.connect("builder-inited", _write_bundle)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
