"""Operating-system helpers shared by the runner, the chapter kernels and the build."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write `path` through a temporary file and a rename, so no reader (or a concurrent writer of the
    same content) ever sees half a file. Text is written as UTF-8."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    if isinstance(data, bytes):
        tmp.write_bytes(data)
    else:
        tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)
    return path


def die_with_parent() -> None:
    """PR_SET_PDEATHSIG (Linux): this process gets SIGKILL when its parent dies, even by SIGKILL, so
    nothing it runs outlives the command that started it. Elsewhere it does nothing."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class Busy(RuntimeError):
    """Another growthpath command holds this project's lock."""


LOCK_NAME = ".growthpath.lock"


@contextmanager
def project_lock(root: Path, command: str):
    """Hold the project's lock for the block: one run or build at a time per project, so two commands
    never interleave manifest, results or book updates. A second command is refused at once, naming the
    first. The operating system drops the lock when its holder dies, so no stale lock survives a crash.
    Nested use in one process (`build --run`) re-enters the same lock."""
    import json
    import sys
    import time

    from filelock import FileLock, Timeout

    lock = FileLock(Path(root) / LOCK_NAME, is_singleton=True, thread_local=False)
    info = Path(root) / f"{LOCK_NAME}.json"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        try:
            holder = json.loads(info.read_text(encoding="utf-8"))
            who = f"`{holder['command']}`, pid {holder['pid']}, since {holder['since']}"
        except (OSError, ValueError, KeyError):
            who = "another command"
        raise Busy(f"{who} is running in this project; wait for it to finish and try again "
                   "(nothing was changed)") from None
    try:
        if lock.lock_counter == 1:
            write_atomic(info, json.dumps({"command": command, "pid": os.getpid(),
                                           "since": time.strftime("%Y-%m-%d %H:%M:%S"), "argv": sys.argv[1:]}))
        yield
    finally:
        lock.release()
