"""Each endpoint in-process, one request after another, through Django's test
`Client` (the whole middleware stack, no socket): the SQL it runs, its CPU time
per request with nobody else in the way, and, with `--profile`, where that time
goes (cProfile).

It runs in the bench process against the same database and session tokens as
gunicorn, with the same settings (bench/http_settings.py).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from dataclasses import dataclass, field
from typing import Any

from bench.http_load import Endpoint

WARM = 20


@dataclass
class InProcess:
    endpoint: Endpoint
    queries: list[str]
    wall_ms: float
    cpu_ms: float
    profile: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)


def measure(endpoint: Endpoint, *, requests: int, profile: bool) -> InProcess:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(
        HTTP_HOST="127.0.0.1",
        headers={"X-Forwarded-Proto": "https", "Accept": "application/json"},
    )
    call = _caller(client, endpoint)
    for _ in range(WARM):
        call()
    with CaptureQueriesContext(connection) as captured:
        call()
    queries = [query["sql"] for query in captured.captured_queries]

    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    top = ""
    if profile:
        # Timed above without the profiler, which slows Python code several times over.
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [call() for _ in range(requests)])
        top = _top(profiler)
    return InProcess(
        endpoint=endpoint,
        queries=queries,
        wall_ms=1000 * wall / requests,
        cpu_ms=1000 * cpu / requests,
        profile=top,
    )


def _caller(client: Any, endpoint: Endpoint) -> Any:
    headers = {"X-Session-Token": endpoint.token} if endpoint.token else {}
    sent = 0

    def call() -> None:
        nonlocal sent
        sent += 1
        if endpoint.method == "GET":
            response = client.get(endpoint.path, headers=headers)
        else:
            extra = dict(headers)
            if endpoint.idempotency_keys:
                extra["Idempotency-Key"] = f"in-process-{time.time_ns()}-{sent}"
            response = client.generic(
                endpoint.method,
                endpoint.path,
                data=endpoint.body or b"",
                content_type="application/json",
                headers=extra,
            )
        if not 200 <= response.status_code < 300:
            raise RuntimeError(
                f"{endpoint.name} answered {response.status_code} in-process: "
                f"{response.content[:300]!r}"
            )

    return call


def _top(profiler: cProfile.Profile, lines: int = 30) -> str:
    parts = []
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(lines)
        text = out.getvalue()
        # From the column header on: the preamble repeats what the section title says.
        start = text.find("ncalls")
        parts.append(f"sorted by {order}:\n{text[start:] if start >= 0 else text}")
    return "\n\n".join(parts)
