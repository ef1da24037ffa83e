"""Execute chapter notebooks with papermill: validated parameters, a content-hash cache, parallel
workers, and atomic publication (a chapter's output is replaced only after it ran cleanly).

Cache key of a chapter = sha256 of (source notebook, resolved parameters, every data file the last
run read — recorded by `growthpath.data.datapackage.record_read` — and the package's source)."""
from __future__ import annotations

import contextlib
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

from growthpath import osutil, paths
from growthpath.data import datapackage, section_labels, params, scenarios
from growthpath.publish import results

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
    status: str                      # "ran" | "reused" (same inputs under another scenario) | "cached" | "failed"
    seconds: float = 0.0
    message: str = ""
    deps: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- chapters and parameters
def discover() -> list[Chapter]:
    return [Chapter(p.stem, p) for p in sorted(paths.chapters_dir().glob("[0-9][0-9]_*.ipynb"))]


def reads_results(chapter: Chapter) -> bool:
    """Pages built from other chapters' results (notebook metadata `growthpath.reads_results`) run
    after every other chapter of the same run."""
    meta = json.loads(chapter.source.read_text(encoding="utf-8")).get("metadata", {})
    return bool(meta.get("growthpath", {}).get("reads_results"))


def scenario_dir(scenario: str) -> Path:
    """Where a scenario's executed chapters live: the book shows `base`; the others feed the comparison."""
    return paths.book_chapters_dir() if scenario == "base" else paths.root() / "_build" / "runs" / scenario


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
        raise RunError(f"unknown {'chapter' if len(unknown) == 1 else 'chapters'}: {', '.join(unknown)}; valid chapters: {', '.join(c.name for c in chapters)}")
    return list(dict.fromkeys(index[n] for n in names))


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise RunError(f"parameter {pair!r} is not of the form key=value")
        if key.strip() == "scenario":  # a scenario is a named set of parameters, and names where results go
            raise RunError("the scenario is chosen with --scenario NAME (see data/scenarios.yml), not with -p scenario=…")
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
    for name, raw in overrides.items():  # overrides a chapter does not declare are for other chapters
        if name in declared:
            resolved[name] = params.coerce(name, raw, declared[name])
            if name.endswith("_path") and resolved[name]:
                resolved[name] = project_path(resolved[name])
    params.check({**declared, **resolved})
    return resolved


def project_path(value: str) -> str:
    """A file named on the command line, relative to the folder the user is in (as every shell tool
    reads it), written relative to the project when it lies inside it (so the book and the cache do not
    depend on where the project is checked out), absolute otherwise. Kernels run in the project root."""
    path = Path(value).expanduser()
    return paths.relative(path if path.is_absolute() else Path.cwd() / path)


# ----------------------------------------------------------------------------- cache
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dep_digest(dep: str) -> str:
    """What a recorded dependency covers, hashed: the findings a chapter shows at one seed section
    (`audit:<doc>:<section>`, `audit.place_digest`), else the file or rows of it (`datapackage.dep_digest`)."""
    if dep.startswith("audit:"):
        from growthpath import audit  # pandas and the rules: only for a chapter that recorded findings

        return audit.place_digest(dep)
    return datapackage.dep_digest(dep)


def _canonical(resolved: dict | None) -> str:
    return json.dumps(resolved, sort_keys=True, default=str)


def fingerprint(chapter: Chapter, resolved: dict, deps: list[str], package: str) -> str:
    h = hashlib.sha256()
    h.update(chapter.source.read_bytes())
    h.update(_canonical(resolved).encode())
    for dep in sorted(set(deps)):  # a file, or some rows of it (`path#column=value`): see datapackage.dep_digest
        h.update(dep.encode() + b"\0" + dep_digest(dep).encode())
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
    osutil.write_atomic(output_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


def is_fresh(chapter: Chapter, resolved: dict, entry: dict | None, output: Path, package: str) -> bool:
    return bool(entry) and output.exists() and entry.get("hash") == fingerprint(chapter, resolved, entry.get("deps", []), package)


@dataclass(frozen=True)
class Copy:
    """An executed chapter in another scenario's folder whose inputs are the ones this run would use."""
    folder: Path
    entry: dict


def same_run_elsewhere(chapter: Chapter, resolved: dict, output_dir: Path, package: str,
                       made: set | None = None) -> Copy | None:
    """A chapter that does not read the scenario (declares no `scenario` and no parameter a scenario
    sets differently) executes to the same notebook under every scenario: its executed copy in another
    scenario's folder is reused when its fingerprint (notebook, resolved parameters, recorded
    dependencies, package) matches this run's, which is exactly when this run's cache would accept it.
    `made`: only copies executed in this invocation, as (folder, chapter, hash) (`--force`)."""
    here = Path(output_dir).resolve()
    for name in scenarios.names():
        folder = scenario_dir(name)
        if folder.resolve() == here:
            continue
        entry = load_manifest(folder).get(chapter.name)
        if (entry and _canonical(entry.get("parameters")) == _canonical(resolved)  # cheap first: other parameters, other run
                and is_fresh(chapter, resolved, entry, folder / f"{chapter.name}.ipynb", package)
                and (made is None or (folder.resolve(), chapter.name, entry["hash"]) in made)):
            return Copy(folder, entry)
    return None


# ----------------------------------------------------------------------------- execution (in a worker process)
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_env(threads: str) -> dict:
    """The environment kernels start from: each parallel kernel gets its share of the cores
    (numerical libraries read these when they are imported, i.e. in the fork server)."""
    return {**{var: threads for var in THREAD_VARS}, **os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "PYTHONPATH": kernel_pythonpath()}


def kernel_pythonpath() -> str:
    """Kernels import `growthpath` from where this process did, so the code `package_digest` hashes is
    the code that runs (not another copy a kernel's own sys.path would find first)."""
    rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return os.pathsep.join([str(paths.package_home()), *[p for p in rest if p != str(paths.package_home())]])


def _execute(source: str, target: str, resolved: dict, root: str, deps_file: str, results_file: str,
             threads: str = "1") -> dict:
    """Run one notebook; returns {"ok", "seconds", "message"}. Runs in a worker process so the
    kernel inherits this process's environment (dependency and results files)."""
    import papermill

    os.environ[datapackage.DEPS_ENV] = deps_file
    os.environ["GROWTHPATH_RESULTS_FILE"] = results_file
    os.environ["GROWTHPATH_ROOT"] = root
    os.environ["PYTHONPATH"] = kernel_pythonpath()
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for var in THREAD_VARS:  # parallel kernels each get their share of the cores, not all of them
        os.environ.setdefault(var, threads)
    start = time.perf_counter()
    for attempt in range(KERNEL_START_TRIES):
        result = _execute_once(papermill, source, target, resolved, root, start)
        if result["ok"] or not result.get("kernel_start_failed") or attempt == KERNEL_START_TRIES - 1:
            return result
    return result  # pragma: no cover


KERNEL_START_TRIES = 3


def _fork_server(threads: str):
    from growthpath.publish import kernels  # jupyter_client: only when a chapter runs

    return kernels.serving(env=kernel_env(threads))


def _execute_once(papermill, source: str, target: str, resolved: dict, root: str, start: float) -> dict:
    from growthpath.publish import kernels

    try:
        # the notebook is written once at the end (not after every cell: ~60 rewrites of a few MB),
        # the kernel is forked from a process that has the libraries imported (growthpath.publish.kernels),
        # and it is stopped at once instead of waiting for a graceful shutdown
        papermill.execute_notebook(source, target, parameters=resolved, cwd=root, kernel_name="python3",
                                   progress_bar=False, log_output=False, report_mode=False,
                                   request_save_on_cell_execute=False, shutdown_kernel="immediate",
                                   kernel_manager_class=kernels.ForkKernelManager)
    except papermill.PapermillExecutionError as exc:
        return {"ok": False, "seconds": time.perf_counter() - start,
                "message": f"cell {exc.exec_count or exc.cell_index} (`{_first_line(exc.source)}`): {exc.ename}: {exc.evalue}"}
    except Exception as exc:  # kernel died, bad notebook JSON, …
        # jupyter_client picks free TCP ports by probing; two kernels starting at once can collide:
        # such a start failure (nothing of the notebook ran) is retried
        started = "before replying to kernel_info" in str(exc) or "Address already in use" in str(exc)
        return {"ok": False, "seconds": time.perf_counter() - start, "message": f"{type(exc).__name__}: {exc}",
                "kernel_start_failed": started}
    return {"ok": True, "seconds": time.perf_counter() - start, "message": ""}


def _first_line(source: str) -> str:
    line = next((l.strip() for l in (source or "").splitlines() if l.strip() and not l.strip().startswith("#")), "")
    return line if len(line) <= 60 else line[:57] + "..."


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
    known = {name: ch for ch in chapters for name in params.declared(ch.source) if name not in params.RESERVED}
    unknown = [k for k in overrides if k not in known]
    if unknown:
        listed = ", ".join(map(repr, unknown))
        noun = "parameter" if len(unknown) == 1 else "parameters"
        which = (f"chapter {chapters[0].name} has no {noun} {listed}" if len(chapters) == 1
                 else f"no chapter of this run has a parameter {listed}")
        hints = [f"'{k}' is read by {'chapter' if len(params.chapters_of(k)) == 1 else 'chapters'} {', '.join(params.chapters_of(k))}"
                 if k in params.FIELDS
                 else str(params.unknown(k)) for k in unknown]
        raise RunError(f"{which} ({'; '.join(hints)}); the parameters are: {', '.join(sorted(known))}")
    errors, planned = [], []
    for ch in chapters:
        try:
            planned.append((ch, resolve(ch, scenario, overrides)))
        except params.ParameterError as exc:
            errors.append(str(exc))
    if errors:
        raise RunError("\n".join(dict.fromkeys(errors)))
    return planned


ORDER_LOGS = {"orders_path": "orders_columns", "clv_orders_path": "clv_orders_columns"}
BUNDLED_LOGS = {"orders_path": "orders_cdnow", "clv_orders_path": "orders_cdnow_sample"}  # used when the path is empty


def check_order_logs(todo: list[tuple[Chapter, dict]], keep: bool = True) -> None:
    """Validate every order log a chapter about to run reads (and its column mapping) before any kernel starts,
    so a bad file fails in seconds with the file, row and column, not halfway through a chapter; then
    whether it can feed what its chapter computes from it (`orders.model_problems`, given the chapter's
    own parameters: header only, one customer, nobody buying twice, zero amounts, calibration dates
    outside the data…). Warnings go to stderr, and only when nothing failed. `keep`: write each log that
    passed as a checked copy (`orders.keep_checked`), which the chapters then read instead of the file."""
    import sys

    # what each log's chapter computes with; `[clv_]orders_encoding` / `[clv_]orders_date_format` when declared
    needs = {"orders_path": ("cohort_freq", "repurchase_days", "churn_window_days"),
             "clv_orders_path": ("calibration_end", "holdout_end")}
    wanted: dict[tuple, dict] = {}   # per log (file, mapping, reading options): what it is read with, and the parameters to check
    for chapter, resolved in todo:
        effective = {**params.declared(chapter.source), **resolved}
        for path_key, columns_key in ORDER_LOGS.items():
            path, columns = effective.get(path_key) or "", effective.get(columns_key) or {}
            prefix = path_key.removesuffix("orders_path")
            how = {k: effective.get(f"{prefix}orders_{k}", effective.get(f"orders_{k}")) or None for k in ("encoding", "date_format")}
            uses = {k: effective[k] for k in needs[path_key] if k in effective}
            source = (path or BUNDLED_LOGS[path_key], json.dumps([columns, how], sort_keys=True))
            entry = wanted.setdefault(source, {"path": path, "key": path_key, "columns": columns, "how": how, "uses": []})
            _merge_uses(entry["uses"], uses)
    logs, errors, notes = {}, [], []
    for source, w in wanted.items():  # the bundled logs too: a chapter's parameters can ask what they cannot give
        from growthpath.data import orders  # pandas: only when there is a log to check

        path = w["path"]
        log = logs[source] = (orders.read(path, w["columns"] or None, **w["how"]) if path
                              else orders.read(None, resource=BUNDLED_LOGS[w["key"]]))
        found = []
        for uses in w["uses"]:  # one check per log unless chapters ask it different values of a parameter
            checked = orders.model_problems(log.frame, log.label, lines=log.lines, threads=os.cpu_count() or 1, **uses)
            found += checked.errors
            notes += checked.warnings if path else []  # the bundled logs' known traits are the chapters' to tell
        errors += found
        if keep and not found:  # the chapters read this checked copy instead of parsing and grouping the file again
            orders.keep_checked(log, w["columns"] or None, **w["how"])
        if path and log.ignored:
            notes.append(f"{log.label}: {'a column' if len(log.ignored) == 1 else 'columns'} not used by the book: {', '.join(map(repr, log.ignored))}")
    if logs:
        _free(logs)
    if errors:  # one log can feed several chapters' parameters: each problem once
        raise datapackage.DataError(list({str(e): e for e in errors}.values()))
    for note in dict.fromkeys(map(str, notes)):
        print(f"warning: {note}", file=sys.stderr)


def _merge_uses(checks: list[dict], uses: dict) -> None:
    """Add one chapter's parameters for a log to the checks planned for it: into the first check that
    sets none of them differently, else as a check of its own."""
    for check in checks:
        if all(check.get(k, v) == v for k, v in uses.items()):
            check.update(uses)
            return
    checks.append(dict(uses))


def _free(logs: dict) -> None:
    """Hand the memory of the logs just checked back to the system before the kernels start (a large log
    would otherwise stay in the runner's heap while each chapter reads its own copy)."""
    import gc

    from growthpath.data import orders

    orders.release_prepared()
    logs.clear()
    gc.collect()
    orders.return_freed_memory()


def run(names: list[str] | None = None, scenario: str = "base", overrides: dict[str, str] | None = None,
        jobs: int = 2, force: bool = False, output_dir: Path | None = None, progress=None,
        made: set | None = None) -> list[Outcome]:
    """Execute the chapters; returns one Outcome per chapter. Failed chapters leave their previous
    output in place and their executed copy in `<output_dir>/_failed/` for inspection. A chapter whose
    inputs equal those of its executed copy under another scenario is not run again: that copy is
    reused (`same_run_elsewhere`). `made` collects what this call executes, and with `force` limits
    reuse to copies in it (`run_scenarios` shares one across the scenarios)."""
    if jobs < 1:
        raise RunError(f"--jobs must be at least 1, got {jobs}")
    with osutil.project_lock(paths.root(), "growthpath run"):
        return _run(names, scenario, overrides or {}, jobs, force, output_dir, progress, made)


def output_for(scenario: str, overrides: dict[str, str], output_dir: Path | None = None) -> Path:
    """Where a run writes: the book (`book/chapters/`) only for the base scenario with no overrides;
    another scenario into its own folder; a run with `-p` overrides into a folder named after the
    scenario and a hash of the overrides. No run but a plain one changes the published edition."""
    if output_dir is not None:
        return Path(output_dir)
    if not overrides:
        return scenario_dir(scenario)
    given = {k: project_path(v) if k.endswith("_path") and v else v for k, v in overrides.items()}
    digest = _sha(json.dumps(sorted(given.items()), ensure_ascii=False).encode())[:8]
    return paths.root() / "_build" / "runs" / f"{scenario}-custom-{digest}"


def preview(names: list[str] | None = None, scenario: str = "base", overrides: dict[str, str] | None = None,
            force: bool = False, output_dir: Path | None = None) -> tuple[Path, dict[str, str]]:
    """What `run` would do, without running: the folder it would write and, per chapter, "run", "reused"
    (executed under another scenario with the same inputs) or "cached" (pages built from results count as "run" when anything before them runs). Parameters and
    order logs are checked as for a real run."""
    overrides = overrides or {}
    planned = plan(names, scenario, overrides)
    folder = output_for(scenario, overrides, output_dir)
    manifest, package = load_manifest(folder), paths.package_digest()
    status = {ch.name: "cached" if not force and is_fresh(ch, r, manifest.get(ch.name), folder / f"{ch.name}.ipynb", package)
              else "reused" if not force and same_run_elsewhere(ch, r, folder, package) else "run" for ch, r in planned}
    check_order_logs([(ch, r) for ch, r in planned if status[ch.name] == "run"], keep=False)
    if any(v == "run" for v in status.values()):
        status.update({ch.name: "run" for ch, _ in planned if reads_results(ch)})
    return folder, status


def _run(names, scenario, overrides, jobs, force, output_dir, progress, made=None) -> list[Outcome]:
    planned = plan(names, scenario, overrides)
    output_dir = output_for(scenario, overrides, output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(output_dir)
    package = paths.package_digest()
    section_labels.write_section_labels()
    fresh = lambda ch, resolved: not force and is_fresh(ch, resolved, manifest.get(ch.name), output_dir / f"{ch.name}.ipynb", package)
    first = [(ch, r) for ch, r in planned if not reads_results(ch)]
    last = [(ch, r) for ch, r in planned if reads_results(ch)]
    made = set() if made is None else made
    elsewhere = lambda ch, r: same_run_elsewhere(ch, r, output_dir, package, made if force else None)
    todo = [(ch, r) for ch, r in first if not fresh(ch, r)]
    copies = {ch.name: copy for ch, r in todo if (copy := elsewhere(ch, r))}
    check_order_logs([(ch, r) for ch, r in todo if ch.name not in copies])
    todo_names = {ch.name for ch, _ in todo}
    cached = {ch.name for ch, _ in first if ch.name not in todo_names} | {ch.name for ch, r in last if fresh(ch, r)}
    if progress:
        progress.start(total=len(planned), cached=len(cached))
    outcomes = []
    workers = max(1, min(jobs, len(planned)))
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    work = Path(tempfile.mkdtemp(prefix=".run-", dir=output_dir))
    try:
        with contextlib.ExitStack() as stack:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, initializer=_ignore_ctrl_c))
            stack.push(_stop_workers_on_ctrl_c(pool))
            # the fork server starts only when a chapter is to run (entering it again is a no-op)
            # on Ctrl-C the workers are stopped before the fork server (exit callbacks run last-in, first-out):
            # a worker left running would start an ordinary kernel when its server vanishes
            fork_kernels = lambda: (stack.enter_context(_fork_server(threads)), stack.push(_stop_workers_on_ctrl_c(pool)))
            if len(copies) < len(todo):
                fork_kernels()
            outcomes += _run_batch(pool, todo, work, scenario, output_dir, manifest, package, progress, threads, copies, made)
            results.write(scenario, results.records_from_manifest(manifest, scenario), results_file(scenario, output_dir))
            # pages built from the results files are judged only now, against the results just written
            later = [(ch, r) for ch, r in last if not fresh(ch, r)]
            copies = {ch.name: copy for ch, r in later if (copy := elsewhere(ch, r))}
            if progress:
                progress.cached -= sum(ch.name in cached for ch, _ in later)
            if len(copies) < len(later):
                fork_kernels()
            outcomes += _run_batch(pool, later, work, scenario, output_dir, manifest, package, progress, threads, copies, made)
            results.write(scenario, results.records_from_manifest(manifest, scenario), results_file(scenario, output_dir))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ran = {o.chapter for o in outcomes}
    outcomes += [Outcome(ch.name, "cached", deps=manifest[ch.name]["deps"]) for ch, _ in planned if ch.name not in ran]
    order = {ch.name: i for i, (ch, _) in enumerate(planned)}
    return sorted(outcomes, key=lambda o: order[o.chapter])


def _ignore_ctrl_c() -> None:
    """Workers leave Ctrl-C to the runner, which stops them at once (no traceback from each worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers_on_ctrl_c(pool):
    """An exit callback: on Ctrl-C, kill the pool's workers and drop queued chapters, so the run stops
    within a second or two instead of waiting for the chapters in flight (their kernels end with the
    fork server, which is left next). Finished chapters stay published; unfinished ones leave nothing."""
    import multiprocessing

    def stop(exc_type, exc, tb) -> bool:
        if exc_type is KeyboardInterrupt:
            for child in multiprocessing.active_children():
                child.kill()
            # wait for the pool's manager thread (quick: its workers are dead); left running, it races
            # the interpreter's exit hook on a closed pipe and prints an OSError traceback (CPython 3.11)
            pool.shutdown(wait=True, cancel_futures=True)
        return False

    return stop


def expected_seconds(chapter: Chapter, manifest: dict) -> float:
    """Its last run time, or, never run, a guess from its size (about 0.2 s per code cell)."""
    if "seconds" in manifest.get(chapter.name, {}):
        return float(manifest[chapter.name]["seconds"])
    cells = json.loads(chapter.source.read_text(encoding="utf-8"))["cells"]
    return 0.2 * sum(c["cell_type"] == "code" for c in cells)


def _run_batch(pool, batch, work: Path, scenario: str, output_dir: Path, manifest: dict, package: str, progress,
               threads: str = "1", copies: dict | None = None, made: set | None = None) -> list[Outcome]:
    """Publish the chapters executed with the same inputs under another scenario (`copies`), then submit
    the others, the longest first (by their last run time), so the workers finish together."""
    futures, outcomes, copies = {}, [], copies or {}
    for ch, resolved in batch:
        if ch.name in copies:
            outcome = _reuse(ch, copies[ch.name], work, scenario, output_dir, manifest)
            outcomes.append(outcome)
            if progress:
                progress.done(outcome)
    batch = sorted([item for item in batch if item[0].name not in copies], key=lambda item: -expected_seconds(item[0], manifest))
    for ch, resolved in batch:
        files = {k: str(work / f"{ch.name}.{k}") for k in ("ipynb", "deps", "results")}
        Path(files["deps"]).touch()
        fut = pool.submit(_execute, str(ch.source), files["ipynb"], resolved, str(paths.root()),
                          files["deps"], files["results"], threads)
        futures[fut] = (ch, resolved, files)
        if progress:
            progress.running(ch.name)
    for fut in as_completed(futures):
        ch, resolved, files = futures[fut]
        outcome = _publish(ch, resolved, files, fut.result(), scenario, output_dir, manifest, package)
        outcomes.append(outcome)
        if outcome.status == "ran" and made is not None:
            made.add((Path(output_dir).resolve(), ch.name, manifest[ch.name]["hash"]))
        if progress:
            progress.done(outcome)
    return outcomes


def results_file(scenario: str, output_dir: Path) -> Path:
    """results/<scenario>.json for the scenario's own folder; a run into any other folder (--output)
    keeps its results beside its notebooks, so it never overwrites the book's."""
    if Path(output_dir).resolve() == scenario_dir(scenario).resolve():
        return results.results_path(scenario)
    return Path(output_dir) / f"results-{scenario}.json"


def run_scenarios(names: list[str] | None = None, jobs: int = 2, force: bool = False,
                  progress_for=None) -> dict[str, list[Outcome]]:
    """Every chapter under every scenario, each into `scenario_dir`; `base` last, so the book's
    comparison page reads the other scenarios' fresh results."""
    every = scenarios.names()
    unknown = [n for n in names or [] if n not in every]
    if unknown:
        raise scenarios.ScenarioError(f"unknown {'scenario' if len(unknown) == 1 else 'scenarios'} {', '.join(map(repr, unknown))}; valid scenarios: {', '.join(every)}")
    chosen = sorted(names or every, key=lambda n: n == "base")
    made = set()  # what this call executed: with --force, the only copies a later scenario may reuse
    return {name: run(None, name, {}, jobs, force, scenario_dir(name), progress_for(name) if progress_for else None, made)
            for name in chosen}


def _reuse(ch: Chapter, copy: Copy, work: Path, scenario: str, output_dir: Path, manifest: dict) -> Outcome:
    """Publish the executed copy of a chapter from another scenario's folder as this scenario's: the same
    notebook (its metadata naming this scenario) and the same manifest entry, so its glued values are in
    this scenario's results file too."""
    staged = work / f"{ch.name}.ipynb"
    shutil.copyfile(copy.folder / f"{ch.name}.ipynb", staged)
    _finish_notebook(staged, scenario, copy.entry.get("parameters", {}))
    os.replace(staged, output_dir / f"{ch.name}.ipynb")
    manifest[ch.name] = {**copy.entry, "scenario": scenario, "reused_from": paths.relative(copy.folder)}
    save_manifest(output_dir, manifest)
    (output_dir / FAILED_DIR / f"{ch.name}.ipynb").unlink(missing_ok=True)
    return Outcome(ch.name, "reused", 0.0, f"same inputs as in {paths.relative(copy.folder)}", deps=copy.entry.get("deps", []))


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
