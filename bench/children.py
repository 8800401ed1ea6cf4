"""Child processes a benchmark starts (Celery workers, gunicorn), each in a
process group of its own, that never outlive the run.

Stopping a group reaches the children's own children (pool processes, gunicorn
workers). They are stopped when the run ends however it ends: normally, by an
exception, by Ctrl-C or SIGTERM (atexit), and, should the benchmark be
SIGKILLed, by the kernel (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import IO

from bench.environment import ROOT

_PR_SET_PDEATHSIG = 1
_running: list[subprocess.Popen[bytes]] = []


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: only async-signal-safe work here.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`command` from the project root, its output appended to `log`."""
    handle: IO[bytes] = log.open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=handle,
        stderr=subprocess.STDOUT,
        # preexec_fn is unsafe with threads; the benchmarks start none of their own.
        preexec_fn=_die_with_parent,
    )
    handle.close()
    _running.append(process)
    return process


def running() -> list[subprocess.Popen[bytes]]:
    return list(_running)


def stop_all(*, grace: float = 30) -> None:
    """SIGTERM (a warm shutdown) to each group, then SIGKILL to what is left."""
    for process in _running:
        _signal(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in _running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal(process, signal.SIGKILL)
            process.wait(timeout=10)
        # The grandchildren share the group: make sure none is left behind.
        _signal(process, signal.SIGKILL)
    _running.clear()


def _signal(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _exit_on_sigterm)
signal.signal(signal.SIGHUP, _exit_on_sigterm)
