"""The load generator of bench/http_speed.py: wrk on loopback, one endpoint at a time.

Each measurement is a warm-up run (thrown away), then a timed run with the same
connections. Around the timed run the bench reads how much CPU the gunicorn
workers, their PostgreSQL backends and wrk itself used, so a figure can be told
apart from what the rest of the machine was doing.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import http_server

SCRIPT = Path(__file__).resolve().parent / "http_wrk.lua"
# Names the gunicorn workers' database connections, to find their backends.
APPLICATION_NAME = "attune-bench-http"
INSTALL_HINT = (
    "wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu) or "
    "`brew install wrk` (macOS), then run this again."
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    method: str = "GET"
    token: str = ""
    body: bytes | None = None
    # A fresh Idempotency-Key per request, as a client sends for each new answer.
    idempotency_keys: bool = False
    # Reads are held to the ratio and p99 targets; the floor is the reference.
    read: bool = True
    # The req/s a read must reach against the floor's (issue 7: 0.6x; issue 12
    # names its own for some reads).
    ratio_target: float = 0.6


@dataclass
class Result:
    endpoint: Endpoint
    requests: int
    seconds: float
    latency_us: dict[str, float]
    statuses: dict[str, int]
    socket_errors: dict[str, int]
    response_bytes: float
    worker_cpu: float
    database_cpu: float
    wrk_cpu: float
    extra: dict[str, Any] = field(default_factory=dict)
    connections: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        """Non-2xx answers plus connections that failed."""
        bad = sum(count for status, count in self.statuses.items() if not status.startswith("2"))
        return bad + sum(self.socket_errors.values())

    def per_request_ms(self, seconds: float) -> float:
        return 1000 * seconds / self.requests if self.requests else 0.0


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(INSTALL_HINT)
    return found


def wrk_version() -> str:
    completed = subprocess.run(  # noqa: S603 - the wrk found on PATH
        [wrk_binary(), "--version"], capture_output=True, text=True, check=False
    )
    return (completed.stdout or completed.stderr).splitlines()[0].split(" Copyright")[0]


def measure(
    server: http_server.Server,
    endpoint: Endpoint,
    *,
    seconds: float,
    warmup: float,
    connections: int,
    threads: int,
    work_dir: Path,
    database_url: str,
) -> Result:
    if warmup > 0:
        _wrk(
            server,
            endpoint,
            seconds=warmup,
            connections=connections,
            threads=threads,
            work_dir=work_dir,
            tag="warmup",
        )
    workers = server.workers
    cpu_before = sum(http_server.cpu_seconds(pid) for pid in workers)
    backends = BackendCpu(database_url)
    backends.start()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        outcome = _wrk(
            server,
            endpoint,
            seconds=seconds,
            connections=connections,
            threads=threads,
            work_dir=work_dir,
            tag="timed",
        )
    finally:
        database_cpu = backends.stop()
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if server.workers != workers:
        raise RuntimeError(
            f"gunicorn replaced a worker during {endpoint.name} "
            f"({workers} became {server.workers}); see {server.log}"
        )
    worker_cpu = sum(http_server.cpu_seconds(pid) for pid in workers) - cpu_before
    wrk_cpu = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    requests = int(outcome["requests"])
    return Result(
        endpoint=endpoint,
        requests=requests,
        seconds=outcome["duration_us"] / 1e6,
        latency_us=outcome["latency_us"],
        statuses={str(k): int(v) for k, v in outcome["statuses"].items()},
        socket_errors={k: int(v) for k, v in outcome["errors"].items() if k != "status"},
        response_bytes=outcome["bytes"] / requests if requests else 0.0,
        worker_cpu=worker_cpu,
        database_cpu=database_cpu,
        wrk_cpu=wrk_cpu,
        connections=connections,
    )


def _wrk(
    server: http_server.Server,
    endpoint: Endpoint,
    *,
    seconds: float,
    connections: int,
    threads: int,
    work_dir: Path,
    tag: str,
) -> dict[str, Any]:
    slug = endpoint.name.replace("/", "-").replace(" ", "-")
    out = work_dir / f"{slug}-{tag}.json"
    env = {**os.environ, "BENCH_METHOD": endpoint.method, "BENCH_OUT": str(out)}
    env["BENCH_TOKEN"] = endpoint.token
    if endpoint.body is not None:
        body_file = work_dir / f"{slug}-body.json"
        body_file.write_bytes(endpoint.body)
        env["BENCH_BODY_FILE"] = str(body_file)
    if endpoint.idempotency_keys:
        # Unique across runs and phases: a repeated key would answer the first check-in.
        env["BENCH_KEY_PREFIX"] = f"bench-{tag}-{time.time_ns()}"
    completed = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [
            wrk_binary(),
            "--threads",
            str(threads),
            "--connections",
            str(connections),
            "--duration",
            f"{seconds:g}s",
            "--timeout",
            "10s",
            "--script",
            str(SCRIPT),
            f"http://127.0.0.1:{server.port}{endpoint.path}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not out.exists():
        raise RuntimeError(
            f"wrk failed on {endpoint.name} (status {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    result: dict[str, Any] = json.loads(out.read_text())
    return result


class BackendCpu:
    """CPU time of the PostgreSQL backends serving the gunicorn workers, sampled
    twice a second while a run lasts (a backend may be replaced mid-run: Django
    reconnects after CONN_MAX_AGE, and a new backend's whole life counts)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)
        self._connection: Any = None

    def start(self) -> None:
        import psycopg

        self._connection = psycopg.connect(self.database_url, autocommit=True)
        for pid, cpu in self._read().items():
            self.first[pid] = self.last[pid] = cpu
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._connection.close()
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def _sample(self) -> None:
        # A backend that exits between the query and /proc reads as 0: keep its last value.
        for pid, cpu in self._read().items():
            self.last[pid] = max(cpu, self.last.get(pid, 0.0))

    def _read(self) -> dict[int, float]:
        rows = self._connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME]
        ).fetchall()
        return {pid: http_server.cpu_seconds(pid) for (pid,) in rows}
