"""The GitHub Actions workflow that tests and publishes the book cannot run here (no network); this checks
that every command it runs exists (a Makefile target, a `growthpath` subcommand, git) and that it deploys
what `make book` builds."""
from __future__ import annotations

import shlex
import subprocess

import yaml

from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "book.yml"


def steps() -> list[dict]:
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    return [step for job in jobs.values() for step in job.get("steps", [])]


def commands(script: str) -> list[list[str]]:
    """Each simple command of a `run:` script (lines, `&&`, `;`)."""
    out = []
    for line in script.splitlines():
        for part in line.replace("&&", ";").split(";"):
            if part.strip():
                out.append(shlex.split(part))
    return out


def make_target_exists(target: str) -> bool:
    return subprocess.run(["make", "-n", "-C", str(REPO), target], capture_output=True, text=True).returncode == 0


def cli_commands() -> set[str]:
    import typer.main

    from growthpath.cli import app

    return set(typer.main.get_command(app).commands)


def unknown(cmd: list[str]) -> str | None:
    if cmd[0] == "make":
        return None if len(cmd) == 2 and make_target_exists(cmd[1]) else f"no Makefile target: {shlex.join(cmd)}"
    if cmd[0] == "growthpath":
        return None if cmd[1] in cli_commands() else f"no growthpath command: {shlex.join(cmd)}"
    if cmd[0] == "git":
        return None
    return f"a command the project does not provide: {shlex.join(cmd)}"


def test_the_checks_reject_what_does_not_exist():
    assert unknown(["make", "test"]) is None and unknown(["growthpath", "build", "--pdf"]) is None
    assert unknown(["make", "publish"]) and unknown(["growthpath", "deploy"]) and unknown(["jupyter-book", "build", "."])


def test_every_command_the_workflow_runs_exists():
    runs = [cmd for step in steps() if "run" in step for cmd in commands(step["run"])]
    assert ["make", "test"] in runs and ["make", "book"] in runs
    assert [problem for problem in map(unknown, runs) if problem] == []


def test_it_tests_before_it_builds_and_deploys_the_html_book_with_its_pdf():
    runs = [step["run"].strip() for step in steps() if "run" in step]
    assert runs.index("make test") < runs.index("make book")
    upload = next(step for step in steps() if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    book = subprocess.run(["make", "-n", "-C", str(REPO), "book"], capture_output=True, text=True, check=True).stdout
    assert "growthpath build --pdf" in book  # the HTML build that links the PDF edition, into _build/html
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in steps())
