"""HTTP speed (issue 7, "Speed"): attune under gunicorn, measured side by side
with a floor, in one run.

    .venv/bin/python bench/http_speed.py            # 10 s per endpoint, writes bench/RESULTS.md
    .venv/bin/python bench/http_speed.py --quick    # 3 s per endpoint, prints only
    .venv/bin/python bench/http_speed.py --profile  # also cProfile each endpoint in-process

gunicorn runs as production runs it (sync workers, `--workers 2`, access log on
stdout; see Dockerfile) on a PostgreSQL database and a Redis db of its own
(`attune_bench_http`, /8: the dispatcher benchmark uses attune_bench and /7 and
may run at the same time). wrk drives it on loopback with 8 connections, one
endpoint at a time: a warm-up, then a timed run.

- the floor: a bare Django view, no authentication and no DRF, returning the same
  50 rows as `partner/triggers` with `values()` (bench/http_urls.py; reachable
  only under bench/http_settings.py). It is measured before and after the reads;
  the ratio of each endpoint is to the mean of the two. The POST runs last, as it
  changes what the database holds.
- GET partner/triggers (50 shared triggers, text encrypted), GET me, GET a sync
  page of 100 entries (a catch-up) and one of the last 10 (a client polling with
  its cursor), a page of bob's inbox (50 of his 70 activities: what alice
  shared, answers to his questions), each as bob; POST checkins as alice (a
  shared answer with a linked trigger and a fresh Idempotency-Key per request).
  Both log in through allauth's app client and send `X-Session-Token`, as a
  client app does.

Targets (issue 7): reads at ≥ 0.6x the floor's requests/s, p99 under 50 ms, peak
memory (VmHWM) under 150 MB per gunicorn worker. Issue 12 sets its own ratios
for three reads: `partner/triggers` ≥ 0.5x, the 100-entry `sync` page ≥ 0.25x,
an `inbox` page ≥ 0.5x.
A non-2xx answer fails the run. Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATABASE = "attune_bench_http"
REDIS_DB = 8
INCREMENTAL = 10  # entries in the sync page a polling client typically gets


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="3 s per endpoint after 1 s warm-up")
    parser.add_argument("--duration", type=float, help="seconds per endpoint (default 10)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up first (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--rounds",
        type=int,
        help="passes of the reads, each between two floors; the read targets are judged "
        "on the median (default 3, 1 with --quick)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated endpoint names to measure besides the floor, "
        "e.g. 'partner/triggers,sync' (default: all)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile each endpoint in-process (Django's test Client) and add the "
        "profiles to the report",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=200,
        help="requests per endpoint for the in-process figures (default 200)",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="write bench/RESULTS.md after a --quick or --only run too "
        "(a full run always writes it)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=HERE / "RESULTS.md",
        help="the Markdown file to write the figures into (default bench/RESULTS.md)",
    )
    options = parser.parse_args(argv)
    options.duration = options.duration or (3.0 if options.quick else 10.0)
    options.rounds = options.rounds or (1 if options.quick else 3)
    options.warmup = (
        options.warmup if options.warmup is not None else (1.0 if options.quick else 2.0)
    )
    return options


def command_line(argv: list[str], overridden: dict[str, str]) -> str:
    """The exact command, as typed from the project root."""
    python = Path(sys.executable)
    shown = os.path.relpath(python, ROOT) if python.is_relative_to(ROOT) else str(python)
    env = [f"{name}={shlex.quote(value)}" for name, value in overridden.items()]
    return " ".join([*env, shlex.join([shown, "bench/http_speed.py", *argv])])


def bench_defaults() -> dict[str, str]:
    from bench import environment

    return {
        **environment.DEFAULTS,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        # As docker-compose.yml: rate-limit counters in Redis, shared by the workers.
        "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
    }


def main(argv: list[str]) -> int:
    # Run as a script, Python puts bench/ first on the path: the project root
    # instead, so that `bench` imports as a package.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(ROOT))
    options = parse(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.http_settings"

    from bench import environment

    overridden = environment.configure(bench_defaults())
    environment.ensure_database("The HTTP benchmarks")

    import django

    # whitenoise looks for collected static files, which an API benchmark never serves.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from bench import http_load, http_server

    http_load.wrk_binary()  # before anything slow: say how to install it
    started, clock = datetime.now(UTC), time.monotonic()
    load_before = os.getloadavg()
    work_dir = Path(tempfile.mkdtemp(prefix="attune-bench-http-"))
    try:
        run = _run(options, work_dir=work_dir)
    finally:
        http_server.stop_all()
        _empty_redis()
        print(f"gunicorn log and wrk output: {work_dir}")

    from bench import http_report

    run.command = command_line(argv, overridden)
    run.started = started
    run.seconds = time.monotonic() - clock
    run.facts = _facts(load_before)
    print()
    print(http_report.terminal(run))
    # No request completed in the timed window (a machine too busy for even one
    # answer) is no measurement either: it would read as 0 req/s and no errors.
    failed = [r for r in [*run.floors, *run.results] if r.failures or not r.requests]
    if failed:
        for result in failed:
            print(
                f"\nFAILED: {result.endpoint.name} had {result.failures} failed requests "
                f"and {result.requests} answered: statuses {result.statuses}, "
                f"socket errors {result.socket_errors}",
                file=sys.stderr,
            )
        print("Nothing written: a run with errors is no measurement.", file=sys.stderr)
        return 1
    if not (options.quick or options.only) or options.write:
        http_report.write(options.results, run)
        print(f"\nwritten to {options.results}")
    return 0


def _run(options: argparse.Namespace, *, work_dir: Path) -> Any:
    from django.core.management import call_command

    from bench import http_load, http_profile, http_report, http_seed, http_server
    from partners.models import FeedState
    from sync.feed import encode_cursor

    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    _empty_redis()
    couple = http_seed.seed()

    env = dict(os.environ)
    separator = "&" if "?" in env["DATABASE_URL"] else "?"
    env["DATABASE_URL"] += f"{separator}application_name={http_load.APPLICATION_NAME}"
    server = http_server.start(env=env, log=work_dir / "gunicorn.log")
    http_server.wait_ready(server)

    alice, bob = (_log_in(server, person.email) for person in (couple.alice, couple.bob))
    floor = http_load.Endpoint(
        name="floor",
        path=f"/bench/floor?owner={couple.alice.pk}&partnership={couple.partnership_id}",
        read=False,
    )
    body = http_seed.checkin_body(0, [couple.shared_trigger_ids[0]], shared=True)
    # A client that keeps its cursor asks for what changed since it last looked:
    # the last few entries of bob's feed, as a poll finds them.
    latest = FeedState.objects.get(user_id=couple.bob.pk).last_seq
    since = encode_cursor(latest - INCREMENTAL)
    endpoints = [
        http_load.Endpoint(
            name="partner/triggers",
            path="/api/v1/partner/triggers",
            token=bob,
            ratio_target=0.5,  # issue 12
        ),
        http_load.Endpoint(name="me", path="/api/v1/me", token=bob),
        http_load.Endpoint(
            name="sync",
            path="/api/v1/sync?page_size=100",
            token=bob,
            ratio_target=0.25,  # issue 12
        ),
        http_load.Endpoint(
            name=f"sync (last {INCREMENTAL})", path=f"/api/v1/sync?cursor={since}", token=bob
        ),
        http_load.Endpoint(
            name="inbox",
            path="/api/v1/inbox",
            token=bob,
            ratio_target=0.5,  # issue 12
        ),
        http_load.Endpoint(
            name="checkins POST",
            path="/api/v1/checkins",
            method="POST",
            token=alice,
            body=json.dumps(body).encode(),
            idempotency_keys=True,
            read=False,
        ),
    ]
    if options.only:
        wanted = {name.strip() for name in options.only.split(",")}
        unknown = wanted - {e.name for e in endpoints}
        if unknown:
            raise SystemExit(f"--only: no endpoint named {', '.join(sorted(unknown))}")
        endpoints = [e for e in endpoints if e.name in wanted]
    # Reads first, then writes: a POST adds to bob's feed, which the incremental
    # sync page (a fixed cursor) must not see, in-process or under wrk.
    reads = [e for e in endpoints if e.method == "GET"]
    writes = [e for e in endpoints if e.method != "GET"]
    in_process = {}

    def measure_in_process(endpoint: http_load.Endpoint) -> None:
        print(f"in-process: {endpoint.name} …", flush=True)
        in_process[endpoint.name] = http_profile.measure(
            endpoint, requests=options.requests, profile=options.profile
        )

    def measure(
        endpoint: http_load.Endpoint, *, connections: int = 0, threads: int = 0
    ) -> http_load.Result:
        connections = connections or options.connections
        print(
            f"wrk: {endpoint.name} ({options.duration:g} s, {connections} connections) …",
            flush=True,
        )
        return http_load.measure(
            server,
            endpoint,
            seconds=options.duration,
            warmup=options.warmup,
            connections=connections,
            threads=threads or options.threads,
            work_dir=work_dir,
            database_url=os.environ["DATABASE_URL"],
        )

    for endpoint in [floor, *reads]:
        _check(server, endpoint)
        measure_in_process(endpoint)
    # The floor brackets the reads (the ratios are to the mean of the two); the
    # writes come after, since they change what the database holds.
    rounds = []
    for number in range(1, options.rounds + 1):
        if options.rounds > 1:
            print(f"round {number} of {options.rounds}", flush=True)
        floors = [measure(floor)]
        results = [measure(endpoint) for endpoint in reads]
        floors.append(measure(floor))
        rounds.append(http_report.Round(floors=floors, reads=results))
    results = list(results)
    # Once more at one connection per worker: what one person waits, with no
    # queue of other requests in front (p99 at 8 connections on 2 workers is
    # about four service times, whatever the code does).
    light = [measure(e, connections=len(server.workers), threads=1) for e in reads]
    for endpoint in writes:
        _check(server, endpoint)
        measure_in_process(endpoint)
        results.append(measure(endpoint))
    memory = {pid: http_server.memory_kib(pid) for pid in server.workers}
    return http_report.Run(
        command="",
        started=datetime.now(UTC),
        seconds=0.0,
        facts={},
        settings=(
            f"{options.connections} connections, {options.threads} wrk threads, "
            f"{options.warmup:g} s warm-up + {options.duration:g} s per endpoint, "
            f"{options.rounds} round{'s' if options.rounds > 1 else ''} of the reads; "
            f"in-process figures over {options.requests} requests each"
        ),
        floors=floors,
        results=results,
        in_process=in_process,
        memory=memory,
        rounds=rounds,
        notes=_notes(floors, results),
        light=light,
    )


def _log_in(server: Any, email: str) -> str:
    """As a client app does: allauth's app endpoint, then keep the session token."""
    from bench import http_seed, http_server

    status, body = http_server.request(
        server,
        "POST",
        "/_allauth/app/v1/auth/login",
        body=json.dumps({"email": email, "password": http_seed.PASSWORD}).encode(),
    )
    if status != 200:
        raise RuntimeError(f"log-in of {email} answered {status}: {body[:300]!r}")
    token: str = json.loads(body)["meta"]["session_token"]
    return token


def _check(server: Any, endpoint: Any) -> None:
    """One request before the load: the right status and a full page."""
    from bench import http_seed, http_server

    headers = {"X-Session-Token": endpoint.token} if endpoint.token else {}
    if endpoint.idempotency_keys:
        headers["Idempotency-Key"] = f"check-{time.time_ns()}"
    status, body = http_server.request(
        server, endpoint.method, endpoint.path, body=endpoint.body, headers=headers
    )
    if not 200 <= status < 300:
        raise RuntimeError(f"{endpoint.name} answered {status}: {body[:300]!r}")
    data = json.loads(body)
    if endpoint.name in ("floor", "partner/triggers"):
        count = len(data["results"])
        if count != http_seed.SHARED_TRIGGERS:
            raise RuntimeError(f"{endpoint.name} returned {count} rows, not 50")
    if endpoint.name == "sync" and not data["has_more"]:
        raise RuntimeError("the sync page is not a full page of 100 entries")
    if endpoint.name.startswith("sync (last") and len(data["changes"]) != INCREMENTAL:
        raise RuntimeError(f"the incremental sync page holds {len(data['changes'])} entries")


def _notes(floors: list[Any], results: list[Any]) -> list[str]:
    notes = []
    if len(floors) == 2:
        first, last = (f.rps for f in floors)
        notes.append(
            f"The floor ran before and after the reads: {first:,.0f} and {last:,.0f} req/s "
            f"({abs(first - last) / max(first, last):.0%} apart); ratios are to their mean."
        )
    total_wrk = sum(r.wrk_cpu for r in [*floors, *results])
    total_time = sum(r.seconds for r in [*floors, *results])
    notes.append(
        f"wrk itself used {total_wrk:.1f} s of CPU over {total_time:.0f} s of timed runs "
        f"({total_wrk / total_time:.0%} of one core) on the same two cores."
    )
    notes.append(
        "worker CPU/req: CPU time of both gunicorn workers over the timed run, per "
        "request; DB CPU/req: the same for their PostgreSQL backends; in-process "
        "CPU/req and queries: the endpoint called one request after another through "
        "Django's test Client in the bench process (no socket, no concurrency)."
    )
    return notes


def _facts(load_before: tuple[float, float, float]) -> dict[str, Any]:
    from bench import environment, http_load, http_server

    facts = environment.machine_facts()
    facts["libraries"] += ", " + ", ".join(
        f"{name} {version(name)}" for name in ("gunicorn", "djangorestframework", "django-allauth")
    )
    facts["load_generator"] = f"{http_load.wrk_version()} on loopback"
    facts["server"] = (
        f"gunicorn, {http_server.WORKERS} sync workers, access log on stdout "
        "(as Dockerfile and docker-compose.yml run it); DEBUG off, CONN_MAX_AGE 60"
    )
    # Other sessions may share the machine: say how busy it was around the run.
    facts["load"] = "load average (1, 5, 15 min) at the start {}, at the end {}".format(
        *(", ".join(f"{value:.2f}" for value in load) for load in (load_before, os.getloadavg()))
    )
    return facts


def _empty_redis() -> None:
    """The bench's own Redis db: notification tasks no worker will run, rate-limit counters."""
    import redis

    client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    try:
        client.flushdb()
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
