"""Real `celery worker` processes for the delivery benchmark, started the way
tests/checkins/test_delivery_e2e.py starts them, that never outlive the run
(bench/children.py).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench import children


def start(name: str, *args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "celery", "-A", "attune", "worker", "-n", f"{name}@%h"]
    return children.start([*command, "--loglevel", "WARNING", *args], env=env, log=log)


def wait_ready(names: list[str], *, timeout: float = 90) -> None:
    """Until every named worker answers a ping (it is consuming by then)."""
    from attune.celery import app

    deadline = time.monotonic() + timeout
    wanted = set(names)
    while time.monotonic() < deadline:
        for process in children.running():
            if process.poll() is not None:
                raise RuntimeError(f"a worker exited early with status {process.returncode}")
        replies = app.control.ping(timeout=1.0) or []
        answered = {name.split("@", 1)[0] for reply in replies for name in reply}
        if wanted <= answered:
            return
    raise RuntimeError(f"workers {sorted(wanted)} did not answer within {timeout:.0f} s")


stop_all = children.stop_all
