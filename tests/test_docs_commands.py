"""Every command the README shows is run, on a copy of the executed project (`run` and `build` with
--dry-run: they check parameters, order logs and inputs as a real run would, and say what they would
do). Appendix E's commands are run by tests/test_rerun.py."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, copy_project

README = REPO / "README.md"


def readme_commands() -> list[str]:
    block = re.search(r"## Using the CLI.*?```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S).group(1)
    joined = block.replace("\\\n", " ")
    return [line.split("  #")[0].strip() for line in joined.splitlines() if line.startswith(".venv/bin/growthpath")]


def test_the_readme_shows_the_commands_an_analyst_needs():
    shown = " ".join(readme_commands())
    for needed in ("validate", "params", "run --dry-run", "-p orders_path=", "--scenario", "build", "results", "audit"):
        assert needed in shown, needed


@pytest.fixture(scope="module")
def workspace(executed, tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("readme") / "project")
    shutil.copytree(executed["root"] / "book" / "chapters", root / "book" / "chapters", dirs_exist_ok=True)
    for f in (executed["root"] / "results").glob("*.json"):
        shutil.copy2(f, root / "results" / f.name)
    # the files the examples name: an order log with the analyst's own column names, and a ledger
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_orders.py"), "20000", str(root / "raw.csv")], check=True)
    text = (root / "raw.csv").read_text(encoding="utf-8")
    (root / "my_orders.csv").write_text(text.replace('"customer_id","date","amount"', "buyer,paid_at,gmv", 1)
                                        .replace("customer_id,date,amount", "buyer,paid_at,gmv", 1), encoding="utf-8")
    shutil.copy2(root / "data" / "claims" / "claims.csv", root / "my_ledger.csv")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_runs(workspace, command):
    args = command.split(maxsplit=1)[1] if " " in command else ""
    if re.match(r"(run|build)\b", args) and "--help" not in args:
        args += " --dry-run"
    exe = Path(sys.executable).with_name("growthpath")
    env = {k: v for k, v in os.environ.items() if k != "GROWTHPATH_ROOT"}  # found from the folder, as a user runs it
    proc = subprocess.run(f"{exe} {args}", shell=True, cwd=workspace, env=env, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    allowed = (0, 1) if args.startswith("results") and "--update" not in args else (0,)  # results: 1 = values moved
    assert proc.returncode in allowed, f"{command}\n{output}"
    assert "Traceback" not in output and "Usage:" not in output or "--help" in args, output
    if not args.startswith(("--help", "--version")):
        assert proc.stderr.splitlines()[0] == f"project: {workspace}", output
