"""Real `celery worker` processes for the delivery benchmark, started the way
tests/checkins/test_delivery_e2e.py starts them, that never outlive the run.

Each worker gets its own process group, so stopping it reaches its pool
children too. They are stopped when the run ends however it ends: normally, by
an exception, by Ctrl-C or SIGTERM (atexit), and, should this process be
SIGKILLed, by the kernel (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
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


def start(
    name: str, *args: str, env: dict[str, str], log: Path, app: str = "attune"
) -> subprocess.Popen[bytes]:
    handle: IO[bytes] = log.open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            "worker",
            "-n",
            f"{name}@%h",
            "--loglevel",
            "WARNING",
            *args,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=handle,
        stderr=subprocess.STDOUT,
        # preexec_fn is unsafe with threads; this process starts none of its own.
        preexec_fn=_die_with_parent,
    )
    handle.close()
    _running.append(process)
    return process


def wait_ready(names: list[str], *, timeout: float = 90) -> None:
    """Until every named worker answers a ping (it is consuming by then)."""
    from attune.celery import app

    deadline = time.monotonic() + timeout
    wanted = set(names)
    while time.monotonic() < deadline:
        for process in _running:
            if process.poll() is not None:
                raise RuntimeError(f"a worker exited early with status {process.returncode}")
        replies = app.control.ping(timeout=1.0) or []
        answered = {name.split("@", 1)[0] for reply in replies for name in reply}
        if wanted <= answered:
            return
    raise RuntimeError(f"workers {sorted(wanted)} did not answer within {timeout:.0f} s")


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
        # The pool children share the group: make sure none is left behind.
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
