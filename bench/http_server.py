"""gunicorn as production runs it (Dockerfile, docker-compose.yml: sync workers,
`--workers 2`, access log on stdout), started and stopped by bench/http_speed.py.

gunicorn gets a process group of its own, so stopping it reaches its workers
too; it never outlives the run (bench/children.py).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import children

WORKERS = 2
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def workers(self) -> list[int]:
        """The worker processes' ids (children of the arbiter)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        try:
            return sorted(int(part) for part in children.read_text().split())
        except OSError:
            return []


def start(*, env: dict[str, str], log: Path, workers: int = WORKERS) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "attune.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "-"]
    process = children.start(command, env=env, log=log)
    return Server(process=process, port=port, log=log)


def wait_ready(server: Server, *, timeout: float = 60) -> None:
    """Until /healthz answers 200 and every worker is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with status {server.process.returncode}; see {server.log}"
            )
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _ = request(server, "GET", "/healthz")
            if status == 200 and len(server.workers) == WORKERS:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {server.log}")


def request(
    server: Server,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """One request as a client behind the TLS proxy sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        sent = {"X-Forwarded-Proto": "https", "Accept": "application/json", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def memory_kib(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS of one process, in KiB."""
    found = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                found[name] = int(value.split()[0])
    return found


stop_all = children.stop_all
