"""The `growthpath` command: a thin layer over the package. Every command exits non-zero on error
with one message saying what to fix."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from growthpath.markup import plural

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Run, build and check the growthpath analysis book.")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version
        out.print(f"growthpath {version('growthpath')}")
        raise typer.Exit()


@app.callback()
def main_options(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                              help="Print the version and exit.")) -> None:
    """Run, build and check the growthpath analysis book."""


MAX_LINES, MAX_ECHO = 25, 200  # an error fits on a screen, and echoes no value longer than this


def tidy(message: str) -> str:
    """`message` as printed: quoted values cut to MAX_ECHO characters, and at most MAX_LINES lines
    (with the first line, `error: …`, and the project line above it)."""
    import re

    message = re.sub(r"(['\"])([^'\"\n]{%d,})\1" % (MAX_ECHO + 1),
                     lambda m: f"{m[1]}{m[2][:MAX_ECHO - 1]}…{m[1]} ({len(m[2]):,} characters)", message)
    lines = message.splitlines()
    if len(lines) > MAX_LINES - 2:
        lines = lines[:MAX_LINES - 3] + [f"  … and {plural(len(lines) - (MAX_LINES - 3), 'more line')}"]
    return "\n".join(lines)


def fail(message: str, code: int = 2) -> None:
    """Stop with one message: `error: …`, exit code 2 for bad input (1 where a check or build failed)."""
    from rich.markup import escape

    err.print(f"[bold red]error:[/] {escape(tidy(message))}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


def project() -> Path:
    """The project this command acts on (found from the current folder upwards, or GROWTHPATH_ROOT),
    announced on the first line of output (stderr, so `--json` output stays clean)."""
    from growthpath import paths

    try:
        root = paths.root()
    except paths.NotAProject as exc:
        fail(str(exc))
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is None or not ctx.meta.get("growthpath.project"):  # `build --run` calls `run`: say it once
        err.print(f"project: {root}", soft_wrap=True)
        if ctx is not None:
            ctx.meta["growthpath.project"] = root
    return root


def interrupted(progress=None) -> None:
    """Ctrl-C: one line, exit code 130. Chapters finished before it stay; the published book is untouched."""
    if progress is not None:
        progress.stop()
    err.print("interrupted; published book unchanged")
    raise typer.Exit(130)


class Progress:
    """Chapters done / running and elapsed time, redrawn in place (plain lines when not a TTY)."""

    def __init__(self, console: Console):
        self.console, self.start_time, self.running_names, self.finished = console, time.perf_counter(), [], []
        self.live = Live(console=console, auto_refresh=False, transient=False) if console.is_terminal else None

    def _table(self):
        t = Table.grid(padding=(0, 2))
        done = len(self.finished) + self.cached
        t.add_row(f"[bold]{done}/{self.total}[/] done", f"running: {', '.join(self.running_names) or '–'}",
                  f"{time.perf_counter() - self.start_time:5.1f}s")
        return t

    def start(self, total: int, cached: int) -> None:
        self.total, self.cached = total, cached
        if self.live:
            self.live.start()
            self.live.update(self._table(), refresh=True)
        elif cached:
            self.console.print(f"{cached}/{total} chapters up to date (cached)")

    def running(self, name: str) -> None:
        self.running_names.append(name)
        if self.live:
            self.live.update(self._table(), refresh=True)

    def done(self, outcome) -> None:
        self.running_names = [n for n in self.running_names if n != outcome.chapter]
        self.finished.append(outcome)
        mark = {"ran": "[green]ran[/]", "reused": "[cyan]reused[/]"}.get(outcome.status, "[red]FAILED[/]")
        took = f"({outcome.message})" if outcome.status == "reused" else f"in {outcome.seconds:.1f}s"
        line = f"{mark} {outcome.chapter} {took}  ({len(self.finished) + self.cached}/{self.total}, " \
               f"{time.perf_counter() - self.start_time:.1f}s elapsed)"
        if self.live:
            self.live.console.print(line)
            self.live.update(self._table(), refresh=True)
        else:
            self.console.print(line)

    def stop(self) -> None:
        if self.live:
            self.live.stop()


@app.command()
def run(chapter: list[str] = typer.Option(None, "--chapter", "-c", help="Chapter name, short name or number; repeatable. Default: all."),
        scenario: str = typer.Option("base", "--scenario", "-s", help="Scenario from data/scenarios.yml."),
        param: list[str] = typer.Option(None, "--param", "-p", help="Override a declared parameter: key=value (repeatable)."),
        jobs: int = typer.Option(2, "--jobs", "-j", help="Chapters executed in parallel."),
        force: bool = typer.Option(False, "--force", help="Re-run chapters even when their inputs are unchanged."),
        output: Optional[Path] = typer.Option(None, "--output", help="Folder for executed notebooks (default: see above)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Check parameters and order logs, then print which chapters would run "
                                     "and where they would write; run nothing."),
        all_scenarios: bool = typer.Option(False, "--all-scenarios", help="Run every chapter under every scenario (base into the book, "
                                           "the others into _build/runs/) for the comparison page.")):
    """Execute chapter notebooks with papermill.

    A chapter whose notebook, parameters, data files and package code are unchanged is skipped.

    Where it writes: a plain run, the book's edition (book/chapters/ and results/base.json).
    With --scenario NAME: _build/runs/NAME/ and results/NAME.json.
    With any -p override: _build/runs/SCENARIO-custom-HASH/, results file inside.
    With --output DIR: DIR/. Only one run or build at a time per project.

    Example: growthpath run --chapter background --scenario pessimistic -p ci_level=0.9
    """
    project()
    try:  # Ctrl-C while the runner is still importing (pandas: a second or two) is an interruption like any other
        from growthpath.publish import runner
        from growthpath.data.datapackage import DataError
        from growthpath.data.scenarios import ScenarioError
    except KeyboardInterrupt:
        interrupted()

    if all_scenarios and (chapter or param or output or scenario != "base"):
        fail("--all-scenarios runs every chapter of every scenario with its own parameters: "
             "it cannot be combined with --chapter, --scenario, --param or --output")
    from growthpath import osutil, paths

    if dry_run:
        return _dry_run(chapter, scenario, param, force, output, all_scenarios)
    progress = Progress(err)
    try:
        if all_scenarios:
            def labelled(name):
                err.print(f"[bold]scenario {name}[/]")
                return Progress(err)
            outcomes = [o for runs in runner.run_scenarios(None, jobs, force, labelled).values() for o in runs]
        else:
            overrides = runner.parse_overrides(param or [])
            outcomes = runner.run(chapter or None, scenario, overrides, jobs, force, output, progress)
            folder = runner.output_for(scenario, overrides, output)
    except (runner.RunError, ScenarioError, DataError, osutil.Busy, ValueError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        interrupted(progress)
    finally:
        progress.stop()
    failed = [o for o in outcomes if o.status == "failed"]
    ran, reused = (sum(o.status == status for o in outcomes) for status in ("ran", "reused"))
    out.print(f"{ran} ran, {reused} reused (same inputs under another scenario), {len(outcomes) - ran - reused - len(failed)} cached, "
              f"{len(failed)} failed")
    if not all_scenarios:
        edition = "the book's edition" if folder == paths.book_chapters_dir() else "not the book's edition"
        out.print(f"executed chapters: {paths.for_user(folder)}/ ({edition}); "
                  f"results: {paths.for_user(runner.results_file(scenario, folder))}", soft_wrap=True)
    for o in failed:
        err.print(f"[red]chapter {o.chapter} failed[/] — {o.message}", soft_wrap=True)
    if failed:
        raise typer.Exit(1)


def _dry_run(chapter, scenario, param, force, output, all_scenarios) -> None:
    from growthpath import paths
    from growthpath.data import scenarios
    from growthpath.publish import runner
    from growthpath.data.datapackage import DataError

    try:
        names = scenarios.names() if all_scenarios else [scenario]
        for name in sorted(names, key=lambda n: n == "base"):
            folder, status = runner.preview(chapter or None, name, runner.parse_overrides(param or []), force, output)
            todo, reused = ([c for c, s in status.items() if s == kind] for kind in ("run", "reused"))
            out.print(f"{name}: would run {plural(len(todo), 'chapter')} ({', '.join(todo) or 'none'}), "
                      f"reuse {len(reused)} from another scenario, {len(status) - len(todo) - len(reused)} cached; "
                      f"writes {paths.for_user(folder)}/", soft_wrap=True)
    except (runner.RunError, scenarios.ScenarioError, DataError, ValueError) as exc:
        fail(str(exc))


@app.command()
def build(run_first: bool = typer.Option(False, "--run", help="Run every chapter under every scenario first (cached), as `make book` does."),
          pdf: bool = typer.Option(False, "--pdf", help="Also build the PDF (_build/latex/book.pdf) with xelatex, before the HTML so the HTML links it."),
          html: bool = typer.Option(True, "--html/--no-html", help="Build the HTML book."),
          force: bool = typer.Option(False, "--force", help="Rebuild even when nothing the build reads has changed."),
          dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be built (and why not), build nothing.")):
    """Build the book strictly (-W -n --keep-going) into a staging folder; publish to _build/ only on success.

    A build whose inputs (pages, executed chapters, configuration, package, data hash) are unchanged
    since the published one is skipped.

    Example: growthpath build --run --pdf
    """
    root = project()
    import signal

    from growthpath import osutil

    if dry_run:
        return _dry_build(run_first, pdf, html, force)
    # a terminated build unwinds like an interrupted one: the Sphinx child is killed, staging removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with osutil.project_lock(root, "growthpath build"):
            _build(run_first, pdf, html, force)
    except osutil.Busy as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        interrupted()


def _dry_build(run_first: bool, pdf: bool, html: bool, force: bool) -> None:
    from growthpath.publish import build as builder

    if run_first:
        _dry_run(None, "base", None, False, None, all_scenarios=True)
    try:
        if pdf:
            builder.check_latex()
        builder.require_executed()
    except builder.BuildError as exc:
        fail(str(exc), code=1)
    for wanted, builder_name, output, label in ((pdf, "pdflatex", "latex", "PDF"), (html, "html", "html", "HTML book")):
        if wanted:
            current = not force and not run_first and builder.up_to_date(builder_name, output)
            out.print(f"{label}: {'up to date' if current else 'would build'} (_build/{output}/)")


def _build(run_first: bool, pdf: bool, html: bool, force: bool) -> None:
    from growthpath.publish import build as builder

    if run_first:
        run(chapter=None, scenario="base", param=None, jobs=2, force=False, output=None, dry_run=False, all_scenarios=True)
    try:
        for wanted, builder_name, output, label, make in ((pdf, "pdflatex", "latex", "PDF", lambda: builder.build_pdf(stills_filled=True)),
                                                          (html, "html", "html", "HTML book", builder.build_html)):
            if not wanted:
                continue
            if builder_name == "pdflatex":
                builder.check_latex()
                started = time.perf_counter()
                made = builder.fill_stills()
                if made["charts"]:
                    out.print(f"chart images for print: {made['charts']} ({made['rendered']} rendered, "
                              f"{made['cached']} from _build/.cache/stills) in {time.perf_counter() - started:.1f}s")
            if not force and builder.up_to_date(builder_name, output):
                out.print(f"{label} up to date: nothing it reads has changed (--force rebuilds)")
                continue
            started = time.perf_counter()
            out.print(f"{label} in {make()} ({time.perf_counter() - started:.1f}s)")
    except builder.BuildError as exc:
        fail(str(exc), code=1)


@app.command()
def validate():
    """Check every data file against data/datapackage.json (and the scenarios file).

    Example: growthpath validate
    """
    project()
    from growthpath.data import claims, datapackage, official, orders, scenarios  # noqa: F401  (the last three register their checks)

    problems = datapackage.validate()
    try:
        scenarios.load()
    except (scenarios.ScenarioError, datapackage.DataError) as exc:
        problems.append(str(exc))
    if problems:
        fail(f"{plural(len(problems), 'problem')}:\n" + "\n".join(f"  - {p}" for p in problems))
    n = len(datapackage.load_descriptor()["resources"])
    out.print(f"all {n} data resources valid")


@app.command()
def datapackage(refresh: bool = typer.Option(False, "--refresh", help="Re-record md5 and size after a deliberate data change.")):
    """Show or refresh the data package's hashes.

    Example: growthpath datapackage --refresh
    """
    project()
    from growthpath.data import datapackage as dp

    if refresh:
        changed = dp.refresh_hashes()
        out.print(f"updated: {', '.join(changed)}" if changed else "all hashes already current")
    for res in dp.load_descriptor()["resources"]:
        out.print(f"{res['name']:<22} {res['path']:<42} {res.get('hash', '')}")


@app.command()
def audit(as_json: bool = typer.Option(False, "--json", help="Emit the findings as a JSON list."),
          severity: list[str] = typer.Option(None, "--severity", help="Only these severities (repeatable): contradiction, implausible, unclear."),
          rule: list[str] = typer.Option(None, "--rule", help="Only these rules (repeatable)."),
          claims: Optional[Path] = typer.Option(None, "--claims", help="Audit this ledger file instead of data/claims/claims.csv (same columns)."),
          list_rules: bool = typer.Option(False, "--list-rules", help="List the rules and their thresholds, then exit.")):
    """Check every number of the plan by rule and print the findings (exit code 0 whatever is found).

    Example: growthpath audit --severity contradiction --json > findings.json
    """
    project()
    import json

    from growthpath import audit as engine
    from growthpath.data.datapackage import DataError

    if list_rules:
        for r in engine.RULES.values():
            out.print(f"[bold]{r.name}[/]  {r.title}  {r.defaults or ''}")
        return
    bad = [s for s in (severity or []) if s not in engine.SEVERITIES]
    if bad:
        fail(f"unknown severity {', '.join(bad)}; valid: {', '.join(engine.SEVERITIES)}")
    try:
        findings = engine.run(claims_path=claims, only=rule or None)
    except DataError as exc:
        fail(str(exc))
    except KeyError as exc:
        fail(str(exc.args[0]))
    findings = [f for f in findings if not severity or f.severity in severity]
    if as_json:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=1) + "\n")
        return
    for f in findings:
        out.print(f"[bold]{f.severity:<13}[/] {f.rule}: {f.message}", soft_wrap=True)
        out.print(f"    {f.formula} → {f.result}   [dim]({', '.join(r.claim_id for r in f.refs)})[/]", soft_wrap=True)
    counts = {s: sum(f.severity == s for f in findings) for s in engine.SEVERITIES}
    out.print(f"{len(findings)} findings: " + ", ".join(f"{n} {s}" for s, n in counts.items()))


@app.command()
def results(scenario: list[str] = typer.Option(None, "--scenario", "-s", help="Scenario(s) to check; default: every scenario."),
            update: bool = typer.Option(False, "--update", help="Accept the current results as the golden copies (commit results/golden/).")):
    """Compare results/<scenario>.json (written by every run) with the committed golden copy.

    Exit code 1 and a diff (chapter, key, old, new) when a glued value moved beyond the tolerances.

    Example: growthpath results --scenario base
    """
    project()
    from growthpath.publish import results as res
    from growthpath.data import scenarios

    try:
        names = scenario or scenarios.names()
        unknown = [n for n in names if n not in scenarios.names()]
        if unknown:
            fail(f"unknown {'scenario' if len(unknown) == 1 else 'scenarios'} {', '.join(map(repr, unknown))}; valid scenarios: {', '.join(scenarios.names())}")
        if update:
            for name in names:
                out.print(f"golden copy updated: {res.paths.relative(res.update(name))}")
            return
        reports = []
        for name in names:
            changes = res.check(name)
            n = len(res.computed(res.load(res.results_path(name))))
            out.print(f"{name}: {n} computed values, {len(changes)} differ from the golden copy (claim_* values are the ledger's, not compared)")
            if changes:
                reports.append(res.diff_report(name, changes))
    except res.ResultsError as exc:
        fail(str(exc))
    if reports:
        fail("\n".join(reports), code=1)


@app.command()
def clean():
    """Remove executed chapters and build outputs (never data or sources).

    Example: growthpath clean
    """
    root = project()
    from growthpath import osutil, paths

    try:
        with osutil.project_lock(root, "growthpath clean"):
            paths.clean(root)
    except osutil.Busy as exc:
        fail(str(exc))
    out.print("removed _build/ and the executed chapters in book/chapters/ (tracked files stay)")


@app.command()
def params(as_json: bool = typer.Option(False, "--json", help="Emit the reference as JSON (one object per parameter)."),
           name: Optional[str] = typer.Argument(None, help="Show one parameter only.")):
    """The parameter reference: name, type, valid values, default and the chapters that read it.

    Set them for one run with -p name=value, or for a named scenario in data/scenarios.yml.

    Example: growthpath params ci_level
    """
    project()
    import json

    from growthpath.data import params as declared

    table = declared.reference()
    if name is not None:
        if name not in declared.FIELDS:
            fail(str(declared.unknown(name)))
        table = table[table["parameter"] == name]
    if as_json:
        sys.stdout.write(json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=1) + "\n")
        return
    for row in table.to_dict(orient="records"):
        out.print(f"[bold]{row['parameter']}[/] ({row['type']}; default {row['default']}; chapters {row['chapters']})", soft_wrap=True)
        out.print(f"    {row['meaning']} Valid: {row['valid values']}.", soft_wrap=True)


def main() -> None:  # pragma: no cover
    try:
        app(prog_name="growthpath")
    except Exception as exc:
        if not is_ctrl_c(exc):
            raise
        err.print("interrupted; published book unchanged")
        sys.exit(130)


QUERY_INTERRUPTED = "Query interrupted"   # what DuckDB raises when Ctrl-C arrives during one of its queries


def is_ctrl_c(exc: BaseException) -> bool:
    """Whether a library's error is a Ctrl-C it caught and wrapped: DuckDB raises "Query interrupted" during a query,
    and an error naming the KeyboardInterrupt when Ctrl-C lands in a Python callback it made (reading an Arrow table)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, KeyboardInterrupt) or str(exc) == QUERY_INTERRUPTED or "KeyboardInterrupt" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
