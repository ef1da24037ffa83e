#!/usr/bin/env python
"""Benchmark the book build on this machine and write benchmarks/latest.{json,md}.

Everything runs on a fresh copy of the project (GROWTHPATH_ROOT), so the developer's own book is
untouched. Measured, in one run:
  1. cold build: `growthpath run` (base, parallel, cached) + `growthpath build` (HTML);
  2. the anchor: `jupyter-book build` with execute_notebooks: force (sequential execution inside
     Sphinx), the same notebooks with the same parameters injected by papermill --prepare-only;
  3. the floor: one kernel start + the imports every chapter needs, × chapters ÷ workers;
  4. a no-change rebuild (run + build);
  5. a rebuild after a one-file data change (a row appended to data/official/statistics.csv);
  6. peak resident memory of each step's whole process tree (sampled every 0.1 s; RSS, so pages that
     forked kernels share with their fork server are counted once per process: an upper bound);
and, for the record, the chart images the PDF build renders first (not part of an HTML build).

Order logs at scale (`--skip-book` runs only these and keeps the build figures of latest.json):
  a. a CSV log of `--log-lines` lines (7,250,000 ≈ 200 MB; scripts/make_orders.py) through Chapters 2
     and 4 (`growthpath run -c 2 -c 4 -p orders_path=… -p clv_orders_path=… -p calibration_end=…
     -p holdout_end=…`) in a fresh copy of the project after a warm-up run of those chapters on the
     bundled logs (as an analyst has it after `make book`): the whole run's time and peak memory of its
     process tree, the validation before any kernel starts, and each chapter's slowest cells (from the
     executed notebooks);
  b. `--scale-orders` order lines (100 M) in Parquet through Chapter 2's measures and the BG/NBD summary
     and fits, by growthpath.data.order_engine on DuckDB directly (scripts/bench_orders.py), step by step;
  c. the same workload at `--orders` sizes, by the engine and by the chapters' path (a pandas frame and
     the `orders` wrappers) up to `--frame-max`.
Logs are written under the system's temporary folder and deleted afterwards.
Usage: .venv/bin/python scripts/bench.py [--jobs 2] [--out benchmarks] [--skip-book] [--dropout]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
IMPORTS = ("import pandas, numpy, scipy, statsmodels.api, altair\n"
           "from growthpath.data import claims, official, orders\nfrom growthpath.analysis import market, feasibility\nfrom growthpath.publish import page\n"
           "from growthpath.charts import helpers, theme\npage.setup()")
# a later year-to-date reading, as an analyst adds each month (an annual 2026 level would instead move the forecast year)
EXAMPLE_ROW = ("nbs_online_goods_services_growth_2026:2026-01/10 YTD,nbs_online_goods_services_growth_2026,2026-01/10 YTD,"
               "2026-10-31,,4.5,%,4.5,%,yes,example,BENCHMARK ROW: not a published figure,网上商品和服务零售额 YoY growth,NBS,"
               "example,2026-11-15,https://www.stats.gov.cn/,example\n")


def copy_project(dest: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from growthpath import paths

    return paths.copy_project(dest, REPO)


def _pss(process: psutil.Process) -> int:
    try:
        return process.memory_full_info().pss
    except (psutil.Error, AttributeError):
        return 0


class PeakMemory:
    """Peak summed RSS of a process and all its children while it runs, and peak summed PSS (proportional
    set size: a page shared by n processes, such as a forked kernel's libraries, counts 1/n in each, so the
    sum is the memory the tree really holds); `timeline` holds (seconds, summed RSS, the process's own
    RSS, number of children) every 0.1 s."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.peak_pss, self._stop, self.timeline = pid, 0, 0, threading.Event(), []
        self.started = time.perf_counter()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
                total = sum(p.memory_info().rss for p in procs if p.is_running())
                self.peak = max(self.peak, total)
                if len(self.timeline) % 5 == 0:  # every 0.5 s: reading smaps is costly enough to slow what it measures
                    self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in procs))
                self.timeline.append((time.perf_counter() - self.started, total, root.memory_info().rss, len(procs) - 1))
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self.thread.join()
        return self.peak


def timed(cmd: list[str], root: Path, label: str) -> dict:
    """Run `cmd` in project `root`: seconds, peak memory of its process tree and its output; stop the
    benchmark if it fails."""
    r = run_tree(cmd, root, label)
    if r["returncode"] != 0:
        raise SystemExit(f"{label} failed ({' '.join(cmd)}):\n{r['output'][-3000:]}")
    return {k: r[k] for k in ("seconds", "peak_mib", "output")}


def ran_chapters(output: str) -> list[str]:
    return re.findall(r"ran (\S+) in", output)


def run_and_build(root: Path, jobs: int, label: str) -> dict:
    run = timed([str(BIN / "growthpath"), "run", "--jobs", str(jobs)], root, f"{label}: run")
    build = timed([str(BIN / "growthpath"), "build"], root, f"{label}: build")
    return {"seconds": round(run["seconds"] + build["seconds"], 2), "run_seconds": run["seconds"],
            "build_seconds": build["seconds"], "peak_mib": max(run["peak_mib"], build["peak_mib"]),
            "chapters_ran": ran_chapters(run["output"]), "build_skipped": "up to date" in build["output"]}


def anchor(root: Path) -> dict:
    """Jupyter Book's own path: execute every chapter (parameters injected, not run) during the build."""
    sys.path.insert(0, str(REPO))
    os.environ["GROWTHPATH_ROOT"] = str(root)
    from growthpath.publish import runner

    target = root / "book" / "chapters"
    for stale in target.glob("*.ipynb"):
        stale.unlink()
    for ch, resolved in runner.plan(None, "base", {}):
        subprocess.run([str(BIN / "papermill"), "--prepare-only", str(ch.source), str(target / f"{ch.name}.ipynb"),
                        "-y", json.dumps(resolved), "--cwd", str(root)], check=True, capture_output=True)
    config = (root / "_config.yml").read_text(encoding="utf-8")
    (root / "_config.yml").write_text(re.sub(r'execute_notebooks:\s*"off"', 'execute_notebooks: force', config)
                                      .replace("execute:\n", "execute:\n  timeout: 600\n", 1), encoding="utf-8")
    try:
        return timed([str(BIN / "jupyter-book"), "build", str(root), "--path-output", str(root / "_anchor"),
                      "--builder", "html"], root, "anchor (jupyter-book, execute_notebooks: force)")
    finally:
        (root / "_config.yml").write_text(config, encoding="utf-8")


def floor(root: Path, chapters: int, jobs: int) -> dict:
    """One kernel start + the chapters' imports, then shutdown; × chapters ÷ workers."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(root), env={**os.environ, "GROWTHPATH_ROOT": str(root)})
    reply = kc.execute_interactive(IMPORTS, timeout=300)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    one = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"floor: the imports failed: {reply['content']}")
    print(f"  floor: one kernel + imports {one:.1f}s", file=sys.stderr)
    return {"one_kernel_seconds": round(one, 2), "seconds": round(one * chapters / jobs, 2), "chapters": chapters, "workers": jobs}


def stills(root: Path) -> dict:
    """The PNG of every chart, which only the PDF build needs (growthpath.charts.stills), cold cache."""
    step = timed([sys.executable, "-c", "from growthpath.publish import build; print(build.fill_stills())"], root, "chart images for print")
    return {**step, "counts": step["output"].strip().splitlines()[-1]}


LOG_PARAMS = {"calibration_end": "2024-06-30", "holdout_end": "2024-12-31"}  # make_orders' logs span 2023-2024
# The same run before the order engine (pandas measures, pandas CSV parsing), measured with this script's
# chapter-level step on 2026-12-01: 7,250,000 lines (200.2 MB), 2 cores. Chapter 4 then failed after 286 s
# (an IOPub timeout in its histogram cell), so the run's time is a lower bound.
BEFORE_LOG_RUN = {"seconds": 385.4, "peak_mib": 4776, "validation_seconds": 98.7, "chapter_seconds": {"02_problem_definition": 245.7,
                  "04_theory": 285.7}, "failed": ["04_theory"]}


def make_log(path: Path, lines: int, dropout: bool) -> Path:
    cmd = [sys.executable, str(REPO / "scripts" / "make_orders.py"), str(lines), str(path)] + (["--dropout"] if dropout else [])
    subprocess.run(cmd, check=True, capture_output=True)
    return path


def run_tree(cmd: list[str], root: Path, label: str) -> dict:
    """`timed`, for a command that may fail, with the memory timeline."""
    env = {**os.environ, "GROWTHPATH_ROOT": str(root), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(proc.pid)
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    print(f"  {label}: {seconds:.1f}s, peak {peak / 2**20:.0f} MiB, exit {proc.returncode}", file=sys.stderr)
    return {"seconds": round(seconds, 2), "peak_mib": round(peak / 2**20), "pss_peak_mib": round(memory.peak_pss / 2**20),
            "returncode": proc.returncode, "output": output, "timeline": memory.timeline}


def slowest_cells(notebook: Path, n: int = 6) -> list[dict]:
    """The `n` cells of an executed notebook that took longest (papermill's per-cell durations)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [{"cell": i, "seconds": round(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0, 2),
              "first_line": "".join(c.get("source", "")).strip().splitlines()[0][:90] if c.get("source") else ""}
             for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    return sorted(cells, key=lambda c: -c["seconds"])[:n]


def log_through_chapters(work: Path, lines: int, dropout: bool, jobs: int) -> dict:
    """A CSV order log through Chapters 2 and 4, as an analyst runs them, in a fresh copy of the project
    whose chapters have run once on the bundled logs (as after `make book`: what does not depend on the
    log, such as the audit's findings, is cached; the log's own work is all timed)."""
    log = make_log(work / "orders_log.csv", lines, dropout)
    size = log.stat().st_size
    root = copy_project(work / "log-project")
    run_tree([str(BIN / "growthpath"), "run", "-c", "2", "-c", "4"], root, "warm-up: chapters 2 and 4 on the bundled logs")
    cmd = [str(BIN / "growthpath"), "run", "-c", "2", "-c", "4", "--jobs", str(jobs), "-p", f"orders_path={log}",
           "-p", f"clv_orders_path={log}"] + [a for k, v in LOG_PARAMS.items() for a in ("-p", f"{k}={v}")]
    try:
        r = run_tree(cmd, root, f"chapters 2 and 4 on a {size / 1e6:.0f} MB log")
        timeline = r.pop("timeline")
        kernels = next((t for t, _, _, children in timeline if children >= 2), r["seconds"])  # workers start after validation
        before = [total for t, total, _, _ in timeline if t < kernels] or [0]
        chapters = {name: float(sec) for name, sec in re.findall(r"(?:ran|FAILED) (\S+) in ([\d.]+)s", r["output"])}
        failed = re.findall(r"FAILED (\S+) in", r["output"])
        cells = {}
        for nb in sorted(root.glob("_build/runs/*/0[24]_*.ipynb")) + sorted(root.glob("_build/runs/*/_failed/0[24]_*.ipynb")):
            cells[nb.stem + (" (failed)" if nb.parent.name == "_failed" else "")] = slowest_cells(nb)
        errors = [line for line in r["output"].splitlines() if "failed —" in line or line.startswith(("error", "warning"))]
        profile = timed([sys.executable, str(REPO / "scripts" / "bench_orders.py"), "chapters", str(log)], root,
                        "the same order work, call by call, in one process")
        steps = json.loads(profile["output"].strip().splitlines()[-1])["steps"]
        return {"lines": lines, "megabytes": round(size / 1e6, 1), "dropout": dropout, "seconds": r["seconds"], "peak_mib": r["peak_mib"],
                "pss_peak_mib": r["pss_peak_mib"],
                "validation_seconds": round(kernels, 1), "validation_peak_mib": round(max(before) / 2**20),
                "chapter_seconds": chapters, "failed": failed, "slowest_cells": cells, "messages": errors[:10],
                "returncode": r["returncode"], "steps": steps}
    finally:
        log.unlink(missing_ok=True)


def scale_bench(work: Path, n: int, dropout: bool, memory_limit: str) -> dict:
    """`n` order lines in Parquet through the engine on DuckDB, step by step (scripts/bench_orders.py)."""
    path = make_log(work / f"orders_{n}.parquet", n, dropout)
    try:
        r = timed([sys.executable, str(REPO / "scripts" / "bench_orders.py"), "engine", str(path), "--memory-limit", memory_limit,
                   "--temp-directory", str(work / "duckdb-spill")], REPO, f"{n:,} orders through the engine")
        detail = json.loads(r["output"].strip().splitlines()[-1])
        return {"orders": n, "dropout": dropout, "megabytes": round(path.stat().st_size / 1e6), "seconds": r["seconds"],
                "peak_mib": r["peak_mib"], "duckdb_memory_limit": memory_limit, "steps": detail["steps"], "results": detail["results"]}
    finally:
        path.unlink(missing_ok=True)
        shutil.rmtree(work / "duckdb-spill", ignore_errors=True)


def orders_bench(work: Path, sizes: list[int], frame_max: int, dropout: bool) -> list[dict]:
    """The same workload on smaller logs: the engine at every size, the chapters' path (pandas frame +
    `orders` wrappers) up to `frame_max`."""
    rows = []
    for n in sizes:
        path = make_log(work / f"orders_{n}.parquet", n, dropout)
        for mode in ("engine", "frame"):
            if mode == "frame" and n > frame_max:
                continue
            r = timed([sys.executable, str(REPO / "scripts" / "bench_orders.py"), mode, str(path)], REPO, f"orders {n:,} {mode}")
            detail = json.loads(r["output"].strip().splitlines()[-1])
            rows.append({"orders": n, "path": {"engine": "engine on DuckDB (file read by DuckDB)",
                                               "frame": "orders.load + orders/clv wrappers"}[mode],
                         "seconds": r["seconds"], "peak_mib": r["peak_mib"], "steps": detail["steps"]})
        path.unlink()
    return rows


def _cell_rows(cells: dict) -> list[str]:
    out = []
    for nb, top in cells.items():
        out.append(f"- {nb}: " + "; ".join(f"cell {c['cell']} `{c['first_line'].replace('|', '/')}` {c['seconds']:.1f} s" for c in top))
    return out


def orders_markdown(result: dict) -> list[str]:
    lines = []
    if "load_average_before" in result:
        lines += [f"Order-level benchmarks of {result.get('orders_date', '')}: load average (1, 5, 15 min) "
                  f"{', '.join(map(str, result['load_average_before']))} before and "
                  f"{', '.join(map(str, result.get('load_average_after', [])))} after (other jobs share this machine).", ""]
    log = result.get("log_run")
    if log:
        b = BEFORE_LOG_RUN
        chapters = ", ".join(f"{c} {v:.1f} s" for c, v in log["chapter_seconds"].items())
        lines += [f"## An order log through Chapters 2 and 4 ({log['megabytes']:.0f} MB of CSV, {log['lines']:,} lines"
                  + (", BG/NBD-like buying with dropout" if log["dropout"] else "") + ")", "",
                  "`growthpath run -c 2 -c 4 -p orders_path=LOG -p clv_orders_path=LOG -p calibration_end=2024-06-30 "
                  "-p holdout_end=2024-12-31` in a fresh copy of the project, after its Chapters 2 and 4 ran once on the bundled logs "
                  "(as after `make book`: what does not depend on the log, like the audit's findings, is cached); peak memory is the summed RSS of the whole "
                  "process tree (the runner, its two forked workers, the fork server and the kernels; forked processes' "
                  "shared pages are counted in each: an upper bound) and, in brackets, its summed PSS (a shared page "
                  "counted once over the processes sharing it: what the tree holds).", "",
                  "| step | before (pandas) | now | target |", "|---|---|---|---|",
                  f"| whole run | {b['seconds']:.0f} s, {b['peak_mib']:,} MiB (04_theory failed) | {log['seconds']:.0f} s, {log['peak_mib']:,} MiB"
                  + (f" ({log['pss_peak_mib']:,} MiB PSS)" if log.get("pss_peak_mib") else "")
                  + (f" ({', '.join(log['failed'])} failed)" if log["failed"] else "") + " | ≤ 45 s, ≤ 2,048 MiB |",
                  f"| validation before any kernel (read, check what each chapter needs) | {b['validation_seconds']:.0f} s | "
                  f"{log['validation_seconds']:.0f} s, {log['validation_peak_mib']:,} MiB | |",
                  "| chapters (in parallel) | " + ", ".join(f"{c} {v:.0f} s" for c, v in b["chapter_seconds"].items())
                  + f" | {chapters} | |", ""]
        if log["slowest_cells"]:
            lines += ["Slowest cells of each chapter now:", ""] + _cell_rows(log["slowest_cells"]) + [""]
        if log["messages"]:
            lines += ["Runner messages:", ""] + [f"- `{m.strip()}`" for m in log["messages"]] + [""]
        if log.get("steps"):
            lines += ["Where the time goes: the same order work, call by call, in one process (`scripts/bench_orders.py chapters`; "
                      "in the run above the two chapters share the 2 cores):", "", "| step | time | peak memory |", "|---|---|---|"]
            lines += [f"| {r['step']} | {r['seconds']:.1f} s | {r['peak_mib']:,} MiB |" for r in log["steps"]]
            lines.append("")
    scale = result.get("scale")
    if scale:
        lines += [f"## {scale['orders']:,} order lines (Parquet, {scale['megabytes']:,} MB"
                  + (", BG/NBD-like buying with dropout" if scale["dropout"] else "") + ") through the engine", "",
                  f"`scripts/bench_orders.py engine`: DuckDB in-process, 2 threads, memory_limit {scale['duckdb_memory_limit']} "
                  "(it spills beyond it); a step's peak memory is the process's highest RSS during it.", "",
                  "| step | time | peak memory |", "|---|---|---|"]
        lines += [f"| {r['step']} | {r['seconds']:.1f} s | {r['peak_mib']:,} MiB |" for r in scale["steps"]]
        lines += [f"| **total** (process, including imports) | **{scale['seconds']:.0f} s** | **{scale['peak_mib']:,} MiB** |", "",
                  f"Targets: ≤ 300 s, ≤ 6,144 MiB. BG/NBD fit: {json.dumps(scale['results'].get('bgnbd'), default=str)}", ""]
    rows = result.get("orders") or []
    if rows:
        lines += ["## The same workload on smaller logs", "", "| orders | path | time | peak memory |", "|---|---|---|---|"]
        lines += [f"| {o['orders']:,} | {o.get('path', o.get('engine', ''))} | {o['seconds']:.1f} s | {o['peak_mib']:,} MiB |" for o in rows]
        lines.append("")
    return lines


def markdown(result: dict) -> str:
    r = result["results"]
    rows = [
        ("1. cold build (run + HTML), our runner", f"{r['cold']['seconds']:.1f} s", f"{r['cold']['peak_mib']} MiB",
         f"{len(r['cold']['chapters_ran'])} chapters ran; run {r['cold']['run_seconds']:.1f} s, build {r['cold']['build_seconds']:.1f} s"),
        ("2. anchor: jupyter-book, execute_notebooks: force", f"{r['anchor']['seconds']:.1f} s", f"{r['anchor']['peak_mib']} MiB", "sequential execution inside Sphinx"),
        ("3. floor: kernel + imports × chapters ÷ workers", f"{r['floor']['seconds']:.1f} s", "–",
         f"one kernel + imports {r['floor']['one_kernel_seconds']:.1f} s × {r['floor']['chapters']} ÷ {r['floor']['workers']}"),
        ("4. no-change rebuild", f"{r['no_change']['seconds']:.1f} s", f"{r['no_change']['peak_mib']} MiB",
         f"{len(r['no_change']['chapters_ran'])} chapters ran; HTML build {'skipped' if r['no_change']['build_skipped'] else 'redone'}"),
        ("5. rebuild after one data file changed", f"{r['one_file']['seconds']:.1f} s", f"{r['one_file']['peak_mib']} MiB",
         f"re-ran: {', '.join(r['one_file']['chapters_ran']) or 'none'}"),
    ]
    if "stills" in r:
        rows.append(("(PDF only) chart images for print", f"{r['stills']['seconds']:.1f} s", f"{r['stills']['peak_mib']} MiB",
                     f"first step of `growthpath build --pdf`, not of an HTML build: {r['stills']['counts']}"))
    h = result["headline"]
    lines = [f"# Build benchmark ({result['date']}, {result['cores']} cores, {result['machine']})", "",
             "| step | time | peak memory | notes |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", "| headline | value | target |", "|---|---|---|",
              f"| anchor ÷ cold (speed-up over the plain Jupyter Book path) | {h['speedup_vs_anchor']:.2f}× | ≥ 2× |",
              f"| cold ÷ floor | {h['cold_over_floor']:.2f}× | ≤ 2× |",
              f"| no-change ÷ cold | {h['no_change_share']:.1%} | ≤ 5 % |",
              f"| one-file change re-ran only its readers | {h['one_file_only_readers']} | yes |", ""]
    per = r["cold"].get("chapter_seconds", {})
    if per:
        lines += ["Where the cold run's time goes, per chapter (kernel start, computation, charts; each worker's first chapter also waits for the fork server's imports): "
                  + ", ".join(f"{c} {v:.1f} s" for c, v in per.items())
                  + f"; sum {sum(per.values()):.1f} s over {result['jobs']} workers.", ""]
    lines += orders_markdown(result)
    return "\n".join(lines).rstrip("\n") + "\n"


ORDER_PARTS = ("log_run", "scale", "orders")


def kept_order_figures(out: Path, orders_part: dict) -> dict:
    """This run's order-level figures; when it ran none of them (`--log-lines 0 --scale-orders 0 --orders`),
    the last run's, with their own date and load averages, so a book-only run does not drop them."""
    if any(k in orders_part for k in ORDER_PARTS) or not (out / "latest.json").exists():
        return {**orders_part, "orders_date": dt.date.today().isoformat()}
    previous = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    return {k: previous[k] for k in (*ORDER_PARTS, "orders_date", "load_average_before", "load_average_after") if k in previous}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks")
    parser.add_argument("--orders", type=int, nargs="*", default=[1_000_000, 10_000_000], help="smaller synthetic log sizes (c)")
    parser.add_argument("--frame-max", type=int, default=1_000_000, help="largest of those also run through the chapters' path")
    parser.add_argument("--log-lines", type=int, default=7_250_000, help="lines of the CSV log through Chapters 2 and 4 (≈ 200 MB); 0: skip")
    parser.add_argument("--scale-orders", type=int, default=100_000_000, help="order lines of the Parquet log for the engine; 0: skip")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB's memory limit for the large Parquet log")
    parser.add_argument("--dropout", action="store_true", help="the Parquet logs (b, c) with BG/NBD-like dropout (make_orders --dropout)")
    parser.add_argument("--log-dropout", action="store_true", help="the CSV log through the chapters (a) with dropout too")
    parser.add_argument("--skip-book", action="store_true", help="only the order-level benchmarks; the build figures of latest.json are kept")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gp-bench-"))
    orders_part = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
    try:
        if args.log_lines:
            orders_part["log_run"] = log_through_chapters(work, args.log_lines, args.log_dropout, args.jobs)
        if args.scale_orders:
            orders_part["scale"] = scale_bench(work, args.scale_orders, args.dropout, args.memory_limit)
        if args.orders:
            orders_part["orders"] = orders_bench(work, args.orders, args.frame_max, args.dropout)
        orders_part["load_average_after"] = [round(x, 2) for x in os.getloadavg()]  # other jobs on the machine show here
        if args.skip_book:
            previous = json.loads((args.out / "latest.json").read_text(encoding="utf-8"))
            result = {**previous, **orders_part, "orders_date": dt.date.today().isoformat()}
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "latest.json").write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
            (args.out / "latest.md").write_text(markdown(result), encoding="utf-8")
            print(markdown(result))
            return
        root = copy_project(work / "project")
        print("benchmark in", root, file=sys.stderr)
        results = {"cold": run_and_build(root, args.jobs, "cold")}
        cold_manifest = json.loads((root / "book" / "chapters" / ".manifest.json").read_text(encoding="utf-8"))
        results["cold"]["chapter_seconds"] = {c: e["seconds"] for c, e in sorted(cold_manifest.items())}
        results["no_change"] = run_and_build(root, args.jobs, "no change")
        manifest = json.loads((root / "book" / "chapters" / ".manifest.json").read_text(encoding="utf-8"))
        # the chapters that read the changed rows (or the whole file), and the results pages (they read the results
        # those rewrite)
        changed = {"data/official/statistics.csv", f"data/official/statistics.csv#series_id={EXAMPLE_ROW.split(',')[1]}",
                   "results/base.json"}
        readers = sorted(c for c, e in manifest.items() if changed & set(e["deps"]))
        with open(root / "data" / "official" / "statistics.csv", "a", encoding="utf-8") as fh:
            fh.write(EXAMPLE_ROW)
        subprocess.run([str(BIN / "growthpath"), "datapackage", "--refresh"], cwd=root, check=True, capture_output=True,
                       env={**os.environ, "GROWTHPATH_ROOT": str(root)})
        results["one_file"] = run_and_build(root, args.jobs, "one file changed")
        results["one_file"]["readers"] = readers
        results["stills"] = stills(root)
        results["floor"] = floor(root, len(manifest), args.jobs)
        anchor_root = copy_project(work / "anchor")
        results["anchor"] = anchor(anchor_root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for step in results.values():
        step.pop("output", None)
    cold = results["cold"]["seconds"]
    result = {"date": dt.date.today().isoformat(), "cores": os.cpu_count(), "machine": f"{platform.system()} {platform.machine()}",
              "python": platform.python_version(), "jobs": args.jobs, "results": results,
              **kept_order_figures(args.out, orders_part),
              "headline": {"speedup_vs_anchor": results["anchor"]["seconds"] / cold,
                           "cold_over_floor": cold / results["floor"]["seconds"],
                           "no_change_share": results["no_change"]["seconds"] / cold,
                           "one_file_only_readers": sorted(results["one_file"]["chapters_ran"]) == readers}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    (args.out / "latest.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
