"""Chapter kernels forked from a process that has already imported the libraries.

Starting a Python kernel and importing pandas, SciPy, statsmodels, Altair and this package costs
about 2.5 s of CPU, and every chapter used to pay it. During a run, one fork server imports them
once; each chapter's kernel is then `fork()`ed from it and is ready in about 0.4 s.

The kernel is still a process of its own (own session, environment and working directory), reached
over the usual ZMQ connection file, so papermill and nbclient drive it exactly as before. What the
fork shares is what imports leave behind, and imports read no data: a chapter's reads are recorded
by `datapackage.record_read` while it runs (tests/test_kernels.py checks both). The server refuses
to fork once it has a second thread, and every failure falls back to the ordinary launch;
`GROWTHPATH_FORK_KERNELS=0` turns forking off.

    with kernels.serving():          # the runner, around its worker pool
        papermill.execute_notebook(..., kernel_manager_class=kernels.ForkKernelManager)
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from growthpath import osutil

ENABLE_ENV = "GROWTHPATH_FORK_KERNELS"
SERVER_ENV = "GROWTHPATH_KERNEL_SERVER"  # {"address": <unix socket>, "interpreter": [...]} while serving
KERNEL_IMPORTS = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython.display")
LIBRARIES = ("numpy", "pandas", "scipy.stats", "statsmodels.api", "altair", "myst_nb", "myst_nb.ext.glue", "nbformat",
             "narwhals.stable.v1", "pandas.io.formats.html",  # these four: what glue and Altair load on first use
             "pyarrow.parquet", "ibis.backends.duckdb")     # and what an order log's first measure loads (1.5 s)
NOT_IN_KERNELS = {"__main__", "cli", "build", "lint", "linkcheck", "sphinxext", "kernels", "runner"}
REPLY_TIMEOUT = 120.0  # the server answers once its imports are done (a few seconds)


def enabled() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux") and os.environ.get(ENABLE_ENV, "1") != "0"


def preload() -> list[str]:
    """What the server imports: the kernel, the chapters' libraries and every package module a
    chapter can use (the command line and build tooling excluded)."""
    import growthpath

    ours = [m.name for m in pkgutil.walk_packages(growthpath.__path__, "growthpath.")
            if m.name.rsplit(".", 1)[-1] not in NOT_IN_KERNELS]
    return [*KERNEL_IMPORTS, *LIBRARIES, *ours]


def split_kernel_cmd(cmd: list[str]) -> tuple[list[str], list[str]] | None:
    """(interpreter with its options, ipykernel arguments) when `cmd` starts ipykernel, else None."""
    if "-m" in cmd:
        at = cmd.index("-m")
        if cmd[at + 1:at + 2] == ["ipykernel_launcher"] and all(o.startswith("-X") for o in cmd[1:at]):
            return cmd[:at], cmd[at + 2:]
    return None


# ----------------------------------------------------------------------------- the runner's side
@contextlib.contextmanager
def serving(kernel_name: str = "python3", env: dict | None = None):
    """A fork server for the duration of the block (nested blocks share the outer one). Its address
    is in the environment, which the runner's worker processes inherit. Leaving the block ends the
    server and any kernel still running."""
    if not enabled() or os.environ.get(SERVER_ENV):
        yield
        return
    from jupyter_client.kernelspec import get_kernel_spec

    split = split_kernel_cmd(get_kernel_spec(kernel_name).argv)
    if split is None:  # not an ipykernel kernelspec: nothing to fork
        yield
        return
    folder = tempfile.mkdtemp(prefix="growthpath-kernels-")
    address = os.path.join(folder, "fork.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)  # listening before the server has imported anything: no client can miss it
    # a process group of its own: a terminal's Ctrl-C reaches the runner, which ends the server, and not a server
    # still starting up (an interpreter interrupted while importing `site` prints a fatal error)
    server = subprocess.Popen([*split[0], "-m", "growthpath.publish.kernels", str(listener.fileno())], process_group=0,
                              stdin=subprocess.PIPE, pass_fds=[listener.fileno()], env=env or dict(os.environ))
    listener.close()
    os.environ[SERVER_ENV] = json.dumps({"address": address, "interpreter": split[0]})
    try:
        yield
    except BaseException:  # Ctrl-C or a failure: no polite quit to a server that may still be importing
        server.kill()      # its kernels die with it (die_with_parent)
        server.wait()
        raise
    finally:
        del os.environ[SERVER_ENV]
        with contextlib.suppress(OSError, RuntimeError, ValueError):  # a server that is gone needs no quit
            ForkServer(address, split[0]).call(op="quit", timeout=15)
        server.stdin.close()  # (worker processes forked from here hold this pipe too: EOF alone is not enough)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------------- the server process
def main(listener_fd: int) -> None:
    listener = socket.socket(fileno=listener_fd)
    control = os.dup(0)  # EOF here: the runner is done (or gone)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to handle; it then closes `control`
    osutil.die_with_parent()
    if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does: kernels do not import from the folder they start in
    for name in preload():
        importlib.import_module(name)
    serve(listener, control)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # its kernels are gone; tearing down an interpreter with pandas & co. loaded would hold up Ctrl-C by seconds


def serve(listener: socket.socket, control: int) -> None:
    children: dict[int, int | None] = {}
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(control, selectors.EVENT_READ)
    running = True
    while running:
        for key, _ in selector.select():
            if key.fileobj is listener:
                connection, _ = listener.accept()
                with connection:
                    running = _handle(connection, children, (listener.fileno(), control, selector.fileno()))
            elif not os.read(control, 4096):
                running = False
    for pid, status in children.items():
        if status is None:
            _kill_group(pid)


def _handle(connection: socket.socket, children: dict, own_fds: tuple[int, ...]) -> bool:
    """Answer one request; False when it asked the server to quit."""
    connection.settimeout(10)
    request = {}
    try:
        request = json.loads(_read_line(connection))
        reply = _answer(request, children, (*own_fds, connection.fileno()))
    except Exception as exc:  # reported to the client, which then launches the ordinary way
        reply = {"error": f"{type(exc).__name__}: {exc}"}
    with contextlib.suppress(OSError):
        connection.sendall(json.dumps(reply).encode() + b"\n")
    return request.get("op") != "quit"


def _answer(request: dict, children: dict, own_fds: tuple[int, ...]) -> dict:
    if request["op"] == "fork":
        if threading.active_count() != 1:
            raise RuntimeError(f"the fork server has {threading.active_count()} threads; forking is unsafe")
        pid = _fork_kernel(request["argv"], request["env"], request["cwd"], own_fds)
        children[pid] = None
        return {"pid": pid}
    if request["op"] == "poll":
        pid = request["pid"]
        if pid not in children:
            raise KeyError(f"process {pid} is not a kernel of this server")
        if children[pid] is None:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children[pid] = os.waitstatus_to_exitcode(status)
        return {"status": children[pid]}
    if request["op"] == "quit":
        return {}
    raise ValueError(f"unknown request {request['op']!r}")


def _fork_kernel(argv: list[str], env: dict, cwd: str | None, own_fds: tuple[int, ...]) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the kernel: never returns
        os.setsid()
        osutil.die_with_parent()
        for fd in own_fds:  # the server's sockets (their Python objects stay on this never-returning stack)
            os.close(fd)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update({k: v for k, v in env.items() if k != SERVER_ENV})
        if cwd:
            os.chdir(cwd)
        _fresh_randomness()
        from ipykernel import kernelapp

        # IPKernelApp read JPY_PARENT_PID when the server imported it; the kernel's parent is the server
        argv = [*argv, f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [kernelapp.__file__, *argv]
        kernelapp.launch_new_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
    os._exit(code)


def _fresh_randomness() -> None:
    """A new process would seed NumPy's global generator from the OS; a fork would copy the server's."""
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _read_line(connection: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


# ----------------------------------------------------------------------------- the kernel manager's side
class ForkServer:
    """A client of the server named in the environment (one connection per request)."""

    def __init__(self, address: str, interpreter: list[str]):
        self.address, self.interpreter = address, interpreter

    @classmethod
    def from_env(cls) -> ForkServer | None:
        found = os.environ.get(SERVER_ENV)
        return cls(**json.loads(found)) if found else None

    def call(self, timeout: float = REPLY_TIMEOUT, **request) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(self.address)
            connection.sendall(json.dumps(request).encode() + b"\n")
            line = _read_line(connection)
        reply = json.loads(line) if line else {"error": "the fork server closed the connection"}
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def fork(self, argv: list[str], env: dict, cwd: str | None) -> ForkedKernel:
        return ForkedKernel(self, self.call(op="fork", argv=argv, env=env, cwd=cwd)["pid"])


class ForkedKernel:
    """The part of `subprocess.Popen` that jupyter_client's LocalProvisioner uses."""

    stdin = stdout = stderr = None

    def __init__(self, server: ForkServer, pid: int):
        self.server, self.pid, self.returncode = server, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self.server.call(op="poll", pid=self.pid)["status"]
            except (RuntimeError, OSError, ValueError):  # the server is gone, and its kernels with it
                self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner that asks the fork server for the kernel process when one is serving."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        server, split = ForkServer.from_env(), split_kernel_cmd(cmd)
        if not enabled() or server is None or split is None or split[0] != server.interpreter:
            return await super().launch_kernel(cmd, **kwargs)
        try:
            self.process = server.fork(split[1], dict(kwargs.get("env") or os.environ), kwargs.get("cwd"))
        except (RuntimeError, OSError, ValueError) as exc:
            self.log.warning("no forked kernel (%s); starting one the ordinary way", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.pid = self.pgid = self.process.pid  # the kernel leads its own session
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info


class ForkKernelManager(AsyncKernelManager):
    """nbclient's kernel manager with `ForkProvisioner` (papermill: `kernel_manager_class=`) and the
    kernel's sockets encrypted (CurveZMQ) when pyzmq supports it, through public attributes only: a
    manager uses the provisioner it has and creates one only when it has none, so the provisioner is
    set when the manager is made."""

    def __init__(self, **kwargs):
        import zmq

        kwargs.setdefault("transport_encryption", "auto" if zmq.has("curve") else "disabled")
        super().__init__(**kwargs)
        self.kernel_id = self.kernel_id or str(uuid.uuid4())
        self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)


if __name__ == "__main__":
    main(int(sys.argv[1]))
