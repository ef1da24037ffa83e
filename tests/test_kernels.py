"""Forked chapter kernels (growthpath.publish.kernels): separate processes that start with the libraries
imported, that behave like ordinary kernels (interrupt, shutdown, environment, working directory),
that never outlive the run, and that give a chapter the same outputs and dependencies."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

import psutil
import pytest

from growthpath.publish import kernels, runner

pytestmark = pytest.mark.skipif(not kernels.enabled(), reason="forked kernels need Linux")

PROBE = ("import json, os, sys; print(json.dumps({'pid': os.getpid(), 'ppid': os.getppid(), 'leader': os.getsid(0) == os.getpid(), "
         "'cwd': os.getcwd(), 'marker': os.environ.get('GP_TEST_MARKER'), 'server_env': os.environ.get('GROWTHPATH_KERNEL_SERVER'), "
         "'pandas_loaded_before': 'pandas' in sys.modules, 'path': sys.path}))")


async def _start(cwd, env):
    km = kernels.ForkKernelManager(kernel_name="python3")
    await km.start_kernel(cwd=str(cwd), env=env)
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    return km, kc


async def _run(kc, code: str, timeout: float = 60) -> tuple[dict, list[str]]:
    printed = []
    reply = await kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: printed.append(m["content"].get("text", "")))
    return reply["content"], printed


def _probe(tmp_path, env=None) -> tuple[dict, str]:
    async def go():
        km, kc = await _start(tmp_path, {**os.environ, "GP_TEST_MARKER": "chapter-7", **(env or {})})
        try:
            _, printed = await _run(kc, PROBE)
            return json.loads("".join(printed)), type(km.provisioner.process).__name__
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
    return asyncio.run(go())


def test_a_forked_kernel_is_a_process_of_its_own(tmp_path):
    with kernels.serving():
        server = json.loads(os.environ[kernels.SERVER_ENV])
        seen, kind = _probe(tmp_path)
    assert kind == "ForkedKernel"
    assert seen["pandas_loaded_before"]  # forked from the server, which had imported it
    assert seen["ppid"] != os.getpid() and seen["leader"]  # the server's child, in a session of its own
    assert seen["cwd"] == str(tmp_path) and seen["marker"] == "chapter-7"
    assert seen["path"] == _probe(tmp_path)[0]["path"]  # the module search path of an ordinary kernel
    assert seen["server_env"] is None  # the kernel does not see the server's address
    assert not psutil.pid_exists(seen["pid"]) or psutil.Process(seen["pid"]).status() == psutil.STATUS_ZOMBIE
    assert server["interpreter"][0].endswith("python")


def test_without_a_server_the_kernel_starts_the_ordinary_way(tmp_path, monkeypatch):
    seen, kind = _probe(tmp_path)
    assert kind == "Popen" and not seen["pandas_loaded_before"] and seen["marker"] == "chapter-7"
    monkeypatch.setenv(kernels.SERVER_ENV, json.dumps({"address": str(tmp_path / "gone.sock"),
                                                       "interpreter": kernels.split_kernel_cmd(_kernel_argv())[0]}))
    seen, kind = _probe(tmp_path)  # a server that is not there: fall back, do not fail
    assert kind == "Popen" and seen["marker"] == "chapter-7"


def test_forking_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv(kernels.ENABLE_ENV, "0")
    with kernels.serving():
        assert kernels.SERVER_ENV not in os.environ
        _, kind = _probe(tmp_path)
    assert kind == "Popen"


def test_an_interrupt_reaches_a_forked_kernel(tmp_path):
    async def go():
        km, kc = await _start(tmp_path, dict(os.environ))
        try:
            assert type(km.provisioner.process).__name__ == "ForkedKernel"
            asyncio.get_running_loop().call_later(1.0, lambda: asyncio.ensure_future(km.interrupt_kernel()))
            started = time.monotonic()
            reply, _ = await _run(kc, "import time; time.sleep(60)")
            return reply, time.monotonic() - started
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
    with kernels.serving():
        reply, seconds = asyncio.run(go())
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    assert seconds < 20


def test_kernels_do_not_outlive_the_server(tmp_path):
    async def start_and_leave():
        km, kc = await _start(tmp_path, dict(os.environ))
        _, printed = await _run(kc, "import os; print(os.getpid())")
        kc.stop_channels()
        return int("".join(printed)), km
    with kernels.serving():
        pid, km = asyncio.run(start_and_leave())  # never shut down by its manager
        assert psutil.pid_exists(pid)
    km.context.destroy(linger=0)
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_the_servers_imports_read_no_data():
    """What a fork shares is what imports leave behind: if an import read a data file, a chapter
    would use it without the runner recording the read. The control shows the check can fail."""
    script = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and isinstance(args[0], str) else None)
import importlib
from growthpath import paths
from growthpath.publish import kernels
for name in kernels.preload():
    importlib.import_module(name)
data = str(paths.data_dir())
print(len([p for p in opened if p.startswith(data)]))
if "--control" in sys.argv:
    from growthpath.data import claims
    claims.load()
    print(len([p for p in opened if p.startswith(data)]))
"""
    quiet = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    control = subprocess.run([sys.executable, "-c", script, "--control"], capture_output=True, text=True, check=True)
    assert quiet.stdout.split() == ["0"]
    assert control.stdout.split()[0] == "0" and int(control.stdout.split()[1]) > 0


def test_a_chapter_gives_the_same_results_and_dependencies_forked_or_not(project, monkeypatch):
    forked = runner.run(["91"], output_dir=project / "forked")
    monkeypatch.setenv(kernels.ENABLE_ENV, "0")
    ordinary = runner.run(["91"], output_dir=project / "ordinary")
    assert [o.status for o in forked + ordinary] == ["ran", "ran"]
    assert forked[0].deps == ordinary[0].deps and "data/claims/claims.csv" in forked[0].deps
    values = lambda folder: json.loads((folder / ".manifest.json").read_text())["91_audit"]["results"]
    assert values(project / "forked") == values(project / "ordinary") and values(project / "forked")


def _kernel_argv() -> list[str]:
    from jupyter_client.kernelspec import get_kernel_spec

    return get_kernel_spec("python3").argv
