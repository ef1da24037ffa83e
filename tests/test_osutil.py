"""Shared OS helpers: atomic writes, and child processes that die with their parent."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import psutil
import pytest

from growthpath import osutil


def test_write_atomic_replaces_whole_files_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "new" / "folder" / "results.json"
    assert osutil.write_atomic(target, "第一版\n") == target
    assert target.read_text(encoding="utf-8") == "第一版\n"
    osutil.write_atomic(target, b"\x89PNG")
    assert target.read_bytes() == b"\x89PNG"
    assert sorted(p.name for p in target.parent.iterdir()) == ["results.json"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
@pytest.mark.parametrize("protected", [True, False])
def test_a_child_dies_with_its_parent(protected):
    """The parent starts a sleeping child and is then killed with SIGKILL. With die_with_parent the
    child goes too; the unprotected control shows the child would otherwise live on."""
    parent_code = (
        "import subprocess, sys, time\n"
        "from growthpath import osutil\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
        f"preexec_fn={'osutil.die_with_parent' if protected else 'None'})\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    child = psutil.Process(int(parent.stdout.readline()))
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    try:
        deadline = time.monotonic() + 3  # the signal is immediate; the control waits this long for nothing
        while child.is_running() and child.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
            time.sleep(0.05)
        gone = not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
        assert gone == protected
    finally:
        if child.is_running():
            child.kill()
