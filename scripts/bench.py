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
Usage: .venv/bin/python scripts/bench.py [--jobs 2] [--out benchmarks]
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
           "from growthpath import book, claims, official, orders, market, feasibility\n"
           "from growthpath.charts import helpers, theme\nbook.setup()")
EXAMPLE_ROW = ("nbs_online_retail:2026,nbs_online_retail,2026,2026-12-31,,172000,亿元,172000,亿元,yes,example,"
               "BENCHMARK ROW: not a published figure,全国网上零售额,NBS,example,2027-01-20,https://www.stats.gov.cn/,example\n")


def copy_project(dest: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from growthpath import paths

    return paths.copy_project(dest, REPO)


class PeakMemory:
    """Peak summed RSS of a process and all its children while it runs."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self.thread.join()
        return self.peak


def timed(cmd: list[str], root: Path, label: str) -> dict:
    env = {**os.environ, "GROWTHPATH_ROOT": str(root), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(proc.pid)
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    peak = memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed ({' '.join(cmd)}):\n{output[-3000:]}")
    print(f"  {label}: {seconds:.1f}s, peak {peak / 2**20:.0f} MiB", file=sys.stderr)
    return {"seconds": round(seconds, 2), "peak_mib": round(peak / 2**20), "output": output}


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
    from growthpath import runner

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
    step = timed([sys.executable, "-c", "from growthpath import build; print(build.fill_stills())"], root, "chart images for print")
    return {**step, "counts": step["output"].strip().splitlines()[-1]}


def orders_bench(work: Path, sizes: list[int], pandas_max: int) -> list[dict]:
    """Order-level workload on synthetic logs: DuckDB (Ibis) at every size, pandas up to `pandas_max`."""
    rows = []
    for n in sizes:
        path = work / f"orders_{n}.parquet"
        subprocess.run([sys.executable, str(REPO / "scripts" / "make_orders.py"), str(n), str(path)], check=True, capture_output=True)
        for eng in ("duckdb", "pandas"):
            if eng == "pandas" and n > pandas_max:
                continue
            r = timed([sys.executable, str(REPO / "scripts" / "bench_orders.py"), eng, str(path)], REPO, f"orders {n:,} {eng}")
            rows.append({"orders": n, "engine": "DuckDB via Ibis" if eng == "duckdb" else "pandas",
                         "seconds": r["seconds"], "peak_mib": r["peak_mib"], "result": r["output"].strip().splitlines()[-1]})
        path.unlink()
    return rows


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
              f"| anchor ÷ cold (speed-up over the plain Jupyter Book path) | {h['speedup_vs_anchor']:.2f}× | ≥ 1.5× |",
              f"| cold ÷ floor | {h['cold_over_floor']:.2f}× | ≤ 2× |",
              f"| no-change ÷ cold | {h['no_change_share']:.1%} | ≤ 10 % |",
              f"| one-file change re-ran only its readers | {h['one_file_only_readers']} | yes |", ""]
    per = r["cold"].get("chapter_seconds", {})
    if per:
        lines += ["Where the cold run's time goes, per chapter (kernel start, computation, charts; each worker's first chapter also waits for the fork server's imports): "
                  + ", ".join(f"{c} {v:.1f} s" for c, v in per.items())
                  + f"; sum {sum(per.values()):.1f} s over {result['jobs']} workers.", ""]
    if "orders" in result:
        lines += ["## Order-level computations", "", "| orders | engine | time | peak memory |", "|---|---|---|---|"]
        lines += [f"| {o['orders']:,} | {o['engine']} | {o['seconds']:.1f} s | {o['peak_mib']} MiB |" for o in result["orders"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks")
    parser.add_argument("--orders", type=int, nargs="*", default=[1_000_000, 10_000_000], help="synthetic order-log sizes")
    parser.add_argument("--pandas-max", type=int, default=1_000_000, help="largest log also run through pandas")
    parser.add_argument("--skip-book", action="store_true", help="only the order-level benchmark")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gp-bench-"))
    try:
        root = copy_project(work / "project")
        print("benchmark in", root, file=sys.stderr)
        order_rows = orders_bench(work, args.orders, args.pandas_max) if args.orders else []
        if args.skip_book:
            print(json.dumps(order_rows, indent=1))
            return
        results = {"cold": run_and_build(root, args.jobs, "cold")}
        cold_manifest = json.loads((root / "book" / "chapters" / ".manifest.json").read_text(encoding="utf-8"))
        results["cold"]["chapter_seconds"] = {c: e["seconds"] for c, e in sorted(cold_manifest.items())}
        results["no_change"] = run_and_build(root, args.jobs, "no change")
        manifest = json.loads((root / "book" / "chapters" / ".manifest.json").read_text(encoding="utf-8"))
        # the chapters that read the file, and the results pages (they read the results those rewrite)
        readers = sorted(c for c, e in manifest.items()
                         if "data/official/statistics.csv" in e["deps"] or "results/base.json" in e["deps"])
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
              "python": platform.python_version(), "jobs": args.jobs, "results": results, "orders": order_rows,
              "headline": {"speedup_vs_anchor": results["anchor"]["seconds"] / cold,
                           "cold_over_floor": cold / results["floor"]["seconds"],
                           "no_change_share": results["no_change"]["seconds"] / cold,
                           "one_file_only_readers": sorted(results["one_file"]["chapters_ran"]) == readers}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (args.out / "latest.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
