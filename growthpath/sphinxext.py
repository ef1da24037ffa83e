"""Sphinx extension: serve the Vega/Vega-Lite/vega-embed bundle from the book itself (no CDN).

The bundle comes from vl-convert (a PyPI wheel), is cached under `_build/.cache/`, and is written to
the HTML output's `_static/` once per build."""
from __future__ import annotations

from pathlib import Path

BUNDLE = "vega-bundle.js"


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


def setup(app):
    app.connect("builder-inited", _write_bundle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
