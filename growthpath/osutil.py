"""Operating-system helpers shared by the runner, the chapter kernels and the build."""
from __future__ import annotations

import os
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
