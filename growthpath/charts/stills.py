"""Still images of the charts, for the PDF edition.

A chart output carries its Vega-Lite spec (`render.SPEC_MIME`); before LaTeX runs, `fill` adds the
`image/png` LaTeX needs to every chart output of the executed chapters that lacks one. Images are
rendered by vl-convert in one process per core and kept in `_build/.cache/stills/`, named by the
sha256 of the spec, the vl-convert version and the scale: a chart that did not change (between
builds, or between scenarios) is never rendered twice."""
from __future__ import annotations

import base64
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from growthpath import osutil, paths
from growthpath.charts.renderer import PNG_PPI, PNG_SCALE, SPEC_MIME


def cache_dir() -> Path:
    return paths.cache("stills")


def still_key(spec: dict) -> str:
    import vl_convert as vlc

    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{vlc.__version__}\0{PNG_SCALE}\0{PNG_PPI}\0{text}".encode()).hexdigest()


def render_png(spec: dict) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(spec, scale=PNG_SCALE, ppi=PNG_PPI)


def _render_to_cache(job: tuple[str, str, str]) -> str:
    key, spec_text, folder = job
    osutil.write_atomic(Path(folder) / f"{key}.png", render_png(json.loads(spec_text)))
    return key


def _pending(notebook: dict) -> list[dict]:
    return [o for cell in notebook["cells"] for o in cell.get("outputs", [])
            if SPEC_MIME in o.get("data", {}) and "image/png" not in o["data"]]


def fill(folder: Path, jobs: int | None = None) -> dict:
    """Add a PNG to every chart output in the notebooks of `folder` that has none; returns counts
    {"charts", "rendered", "cached", "notebooks"} (notebooks rewritten)."""
    books = {path: json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.ipynb"))}
    pending = {path: _pending(nb) for path, nb in books.items()}
    outputs = [o for found in pending.values() for o in found]
    if not outputs:
        return {"charts": 0, "rendered": 0, "cached": 0, "notebooks": 0}
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    keys = [still_key(o["data"][SPEC_MIME]) for o in outputs]
    missing = {k: json.dumps(o["data"][SPEC_MIME]) for k, o in zip(keys, outputs) if not (cache / f"{k}.png").exists()}
    _render(missing, cache, jobs or os.cpu_count() or 1)
    for key, output in zip(keys, outputs):
        output["data"]["image/png"] = base64.b64encode((cache / f"{key}.png").read_bytes()).decode("ascii")
    changed = [path for path, found in pending.items() if found]
    for path in changed:
        osutil.write_atomic(path, json.dumps(books[path], indent=1, ensure_ascii=False) + "\n")
    return {"charts": len(outputs), "rendered": len(missing), "cached": len(outputs) - len(missing), "notebooks": len(changed)}


def _render(missing: dict[str, str], cache: Path, jobs: int) -> None:
    jobs_list = [(k, text, str(cache)) for k, text in missing.items()]
    if len(jobs_list) <= 1 or jobs <= 1:
        for job in jobs_list:
            _render_to_cache(job)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(jobs_list))) as pool:
        list(pool.map(_render_to_cache, jobs_list))
