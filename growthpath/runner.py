"""Execute chapter notebooks with papermill: validated parameters, a content-hash cache, parallel
workers, and atomic publication (a chapter's output is replaced only after it ran cleanly).

Cache key of a chapter = sha256 of (source notebook, resolved parameters, every data file the last
run read — recorded by `growthpath.datapackage.record_read` — and the package's source)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from growthpath import datapackage, params, paths, scenarios

MANIFEST = ".manifest.json"
FAILED_DIR = "_failed"


class RunError(RuntimeError):
    pass


@dataclass(frozen=True)
class Chapter:
    name: str
    source: Path


@dataclass
class Outcome:
    chapter: str
    status: str                      # "ran" | "cached" | "failed"
    seconds: float = 0.0
    message: str = ""
    deps: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- chapters and parameters
def discover() -> list[Chapter]:
    return [Chapter(p.stem, p) for p in sorted(paths.chapters_dir().glob("[0-9][0-9]_*.ipynb"))]


def select(names: list[str] | None) -> list[Chapter]:
    """Chapters by full name (`01_background`), short name (`background`) or number (`1`)."""
    chapters = discover()
    if not names:
        return chapters
    index = {}
    for ch in chapters:
        number, short = ch.name.split("_", 1)
        for key in (ch.name, short, number, str(int(number))):
            index[key] = ch
    unknown = [n for n in names if n not in index]
    if unknown:
        raise RunError(f"unknown chapter(s): {', '.join(unknown)}; valid chapters: {', '.join(c.name for c in chapters)}")
    return list(dict.fromkeys(index[n] for n in names))


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise RunError(f"parameter {pair!r} is not of the form key=value")
        out[key.strip()] = value
    return out


def resolve(chapter: Chapter, scenario: str, overrides: dict[str, str]) -> dict[str, Any]:
    """The parameters a chapter runs with: its defaults, then the scenario, then `-p` overrides."""
    declared = params.declared(chapter.source)
    scenario_values = scenarios.params(scenario)
    resolved = {}
    for name, value in scenario_values.items():
        if name in declared:
            resolved[name] = params.coerce(name, value, declared[name])
    if "scenario" in declared:
        resolved["scenario"] = scenario
    unknown = [k for k in overrides if k not in declared]
    if unknown:
        raise params.ParameterError(
            f"chapter {chapter.name} has no parameter(s) {', '.join(map(repr, unknown))}; "
            f"its parameters are: {', '.join(declared)}")
    for name, raw in overrides.items():
        resolved[name] = params.coerce(name, raw, declared[name])
    params.check({**declared, **resolved})
    return resolved


# ----------------------------------------------------------------------------- cache
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_digest() -> str:
    pkg = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*.py")):
        h.update(str(p.relative_to(pkg)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def fingerprint(chapter: Chapter, resolved: dict, deps: list[str], package: str) -> str:
    h = hashlib.sha256()
    h.update(chapter.source.read_bytes())
    h.update(json.dumps(resolved, sort_keys=True, default=str).encode())
    for dep in sorted(set(deps)):
        path = paths.root() / dep
        h.update(dep.encode() + b"\0" + (_sha(path.read_bytes()).encode() if path.exists() else b"missing"))
    h.update(package.encode())
    return h.hexdigest()


def load_manifest(output_dir: Path) -> dict:
    path = output_dir / MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}  # a damaged manifest only costs a rerun


def save_manifest(output_dir: Path, manifest: dict) -> None:
    tmp = output_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, output_dir / MANIFEST)


def is_fresh(chapter: Chapter, resolved: dict, entry: dict | None, output: Path, package: str) -> bool:
    return bool(entry) and output.exists() and entry.get("hash") == fingerprint(chapter, resolved, entry.get("deps", []), package)


# ----------------------------------------------------------------------------- execution (in a worker process)
def _execute(source: str, target: str, resolved: dict, root: str, deps_file: str, results_file: str) -> dict:
    """Run one notebook; returns {"ok", "seconds", "message"}. Runs in a worker process so the
    kernel inherits this process's environment (dependency and results files)."""
    import papermill

    os.environ[datapackage.DEPS_ENV] = deps_file
    os.environ["GROWTHPATH_RESULTS_FILE"] = results_file
    os.environ["GROWTHPATH_ROOT"] = root
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    start = time.perf_counter()
    try:
        papermill.execute_notebook(source, target, parameters=resolved, cwd=root, kernel_name="python3",
                                   progress_bar=False, log_output=False, report_mode=False)
    except papermill.PapermillExecutionError as exc:
        return {"ok": False, "seconds": time.perf_counter() - start,
                "message": f"cell {exc.exec_count or exc.cell_index}: {exc.ename}: {exc.evalue}"}
    except Exception as exc:  # kernel died, bad notebook JSON, …
        return {"ok": False, "seconds": time.perf_counter() - start, "message": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "seconds": time.perf_counter() - start, "message": ""}


def _finish_notebook(path: Path, scenario: str, resolved: dict) -> None:
    """Hide papermill's injected cell in the book and record how the chapter was run."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nb["metadata"]["growthpath"] = {"scenario": scenario, "parameters": resolved}
    nb["metadata"].get("papermill", {}).pop("start_time", None)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- the run
def plan(names: list[str] | None, scenario: str, overrides: dict[str, str]) -> list[tuple[Chapter, dict]]:
    """Chapters with their resolved parameters; every error is raised before anything runs."""
    scenarios.params(scenario)  # unknown scenario → error listing the valid ones
    chapters = select(names)
    errors, planned = [], []
    for ch in chapters:
        try:
            planned.append((ch, resolve(ch, scenario, overrides)))
        except params.ParameterError as exc:
            errors.append(str(exc))
    if errors:
        raise RunError("\n".join(errors))
    return planned


def run(names: list[str] | None = None, scenario: str = "base", overrides: dict[str, str] | None = None,
        jobs: int = 2, force: bool = False, output_dir: Path | None = None, progress=None) -> list[Outcome]:
    """Execute the chapters; returns one Outcome per chapter. Failed chapters leave their previous
    output in place and their executed copy in `<output_dir>/_failed/` for inspection."""
    if jobs < 1:
        raise RunError(f"--jobs must be at least 1, got {jobs}")
    planned = plan(names, scenario, overrides or {})
    output_dir = Path(output_dir or paths.book_chapters_dir())
    output_dir.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(output_dir)
    package = package_digest()
    outcomes, todo = [], []
    for ch, resolved in planned:
        if not force and is_fresh(ch, resolved, manifest.get(ch.name), output_dir / f"{ch.name}.ipynb", package):
            outcomes.append(Outcome(ch.name, "cached", deps=manifest[ch.name]["deps"]))
        else:
            todo.append((ch, resolved))
    if progress:
        progress.start(total=len(planned), cached=len(outcomes))
    work = Path(tempfile.mkdtemp(prefix=".run-", dir=output_dir))
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, max(len(todo), 1))) as pool:
            futures = {}
            for ch, resolved in todo:
                files = {k: str(work / f"{ch.name}.{k}") for k in ("ipynb", "deps", "results")}
                Path(files["deps"]).touch()
                fut = pool.submit(_execute, str(ch.source), files["ipynb"], resolved, str(paths.root()),
                                  files["deps"], files["results"])
                futures[fut] = (ch, resolved, files)
                if progress:
                    progress.running(ch.name)
            for fut in as_completed(futures):
                ch, resolved, files = futures[fut]
                outcome = _publish(ch, resolved, files, fut.result(), scenario, output_dir, manifest, package)
                outcomes.append(outcome)
                if progress:
                    progress.done(outcome)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    order = {ch.name: i for i, (ch, _) in enumerate(planned)}
    return sorted(outcomes, key=lambda o: order[o.chapter])


def _publish(ch: Chapter, resolved: dict, files: dict, result: dict, scenario: str, output_dir: Path,
             manifest: dict, package: str) -> Outcome:
    executed = Path(files["ipynb"])
    if not result["ok"]:
        failed = output_dir / FAILED_DIR
        failed.mkdir(exist_ok=True)
        if executed.exists():
            shutil.move(executed, failed / f"{ch.name}.ipynb")
        where = paths.relative(failed / f"{ch.name}.ipynb")
        return Outcome(ch.name, "failed", result["seconds"], f"{result['message']} (executed copy: {where})")
    _finish_notebook(executed, scenario, resolved)
    deps = sorted(set(Path(files["deps"]).read_text(encoding="utf-8").split()))
    os.replace(executed, output_dir / f"{ch.name}.ipynb")
    results = Path(files["results"])
    manifest[ch.name] = {"hash": fingerprint(ch, resolved, deps, package), "deps": deps, "scenario": scenario,
                         "parameters": resolved, "seconds": round(result["seconds"], 2),
                         "results": json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}}
    save_manifest(output_dir, manifest)
    (output_dir / FAILED_DIR / f"{ch.name}.ipynb").unlink(missing_ok=True)
    return Outcome(ch.name, "ran", result["seconds"], deps=deps)
