"""Push beside email (issue 14): reminders due at once, each person with one push
subscription, sent by real `celery worker` processes; both channels measured in
the same run.

    .venv/bin/python bench/push_delivery.py            # 10,000 reminders, writes bench/RESULTS.md
    .venv/bin/python bench/push_delivery.py --quick    # 1,000, prints only

The push service is a local HTTP server in a process of its own (`--serve`): it
checks each POST's shape as RFC 8291/8292 describe it (aes128gcm body with its
header and the sender's key, VAPID authorization, TTL) and answers 201 without
decrypting (tests/push decrypts). Email goes to Django's dummy backend, as in
bench/dispatcher.py. Delays are read back from the database: email's
`Prompt.sent_at`, push's `Delivery.sent_at`, each minus the prompt's `due_at`.
Worker memory is each process's peak RSS (VmHWM) at the end of the run.

Same database and Redis db as bench/dispatcher.py (bench/environment.py); it
truncates them. Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.request import urlopen

HERE = Path(__file__).resolve().parent
BEGIN = "<!-- bench/push_delivery.py: generated figures begin -->"
END = "<!-- bench/push_delivery.py: generated figures end -->"
TARGET_RATIO = 1.2  # push p99 / email p99, same run
TARGET_RSS_MB = 150.0
# aes128gcm (RFC 8188): salt 16, record size 4, key id length 1, then the
# sender's uncompressed P-256 key (65, RFC 8291) and at least a tag and a pad byte.
HEADER = 16 + 4 + 1 + 65


# --- The push service ---------------------------------------------------------------


def shape_error(headers: Any, body: bytes) -> str:
    """Why a POST is not a Web Push message, or "" when it looks like one."""
    if headers.get("Content-Encoding") != "aes128gcm":
        return "content-encoding"
    scheme, _, params = headers.get("Authorization", "").partition(" ")
    names = {param.strip().partition("=")[0] for param in params.split(",")}
    if scheme.lower() != "vapid" or not {"t", "k"} <= names:
        return "authorization"
    if not headers.get("TTL", "").isdigit():
        return "ttl"
    if len(body) < HEADER + 17 or body[20] != 65 or body[21] != 0x04:
        return "body header"
    if len(body) - HEADER > int.from_bytes(body[16:20], "big"):
        return "more than one record"
    return ""


def serve(port: int) -> None:
    """Answer 201 to well-formed messages, 400 to others; GET /stats counts them."""
    counts = {"accepted": 0, "refused": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a push service does

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            error = shape_error(self.headers, body)
            counts["refused" if error else "accepted"] += 1
            self._answer(400 if error else 201, error.encode())

        def do_GET(self) -> None:
            self._answer(200, json.dumps(counts).encode())

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def service_counts(base: str) -> dict[str, int]:
    with urlopen(f"{base}/stats", timeout=5) as answer:  # noqa: S310 - our own local server
        return dict(json.load(answer))


def wait_serving(base: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            service_counts(base)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# --- Worker memory ------------------------------------------------------------------


def peak_rss_mb(pid: int) -> dict[int, float]:
    """VmHWM (peak resident set) of `pid` and its children, in MB."""
    found: dict[int, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                found[pid] = int(line.split()[1]) / 1024
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found.update(peak_rss_mb(int(child)))
    return found


# --- The run ------------------------------------------------------------------------


def subscribe_everyone(endpoint_base: str) -> int:
    """One push subscription per person, at the local service (COPY, as the people)."""
    from django.utils import timezone

    from accounts.models import User
    from bench import population
    from push.models import Subscription
    from push.vapid import b64url, new_private_key, public_key_of

    # Every device shares one key pair: the sender encrypts for it all the same.
    p256dh, auth, now = public_key_of(new_private_key()), b64url(os.urandom(16)), timezone.now()
    users = User.objects.values_list("pk", flat=True).order_by("pk").iterator()
    rows = (
        (uuid.uuid4(), user_id, f"{endpoint_base}/d/{index}", p256dh, auth, "bench", now, now)
        for index, user_id in enumerate(users)
    )
    names = ["id", "user_id", "endpoint", "p256dh", "auth", "label", "created_at", "updated_at"]
    return population.copy_rows(Subscription, names, rows)


def delays(*, max_wait: float, due: int, dispatch_at: datetime) -> dict[str, list[float]]:
    """Wait until both channels sent everything (or the cap), then each one's delays."""
    from django.utils import timezone

    from checkins.models import Prompt
    from push.models import Delivery

    def unsent() -> tuple[int, int]:
        pushed = Delivery.objects.filter(sent_at__isnull=False).count()
        return Prompt.objects.filter(sent_at__isnull=True).count(), due - pushed

    waiting = unsent()
    while any(waiting) and (timezone.now() - dispatch_at).total_seconds() < max_wait:
        time.sleep(2)
        waiting = unsent()
        print(f"  unsent: {waiting[0]:,} emails, {waiting[1]:,} pushes", flush=True)
    due_at = dict(Prompt.objects.values_list("pk", "due_at"))
    emailed = Prompt.objects.values_list("pk", "sent_at")
    pushed = ((prompt_of(t), sent) for t, sent in Delivery.objects.values_list("topic", "sent_at"))
    return {
        "email": since_due(emailed, due_at) + [math.inf] * waiting[0],
        "push": since_due(pushed, due_at) + [math.inf] * waiting[1],
    }


def since_due(sent: Iterable[tuple[Any, datetime | None]], due_at: dict[Any, Any]) -> list[float]:
    """`sent_at - due_at` of each prompt sent, in seconds, ascending."""
    return sorted((at - due_at[pk]).total_seconds() for pk, at in sent if at is not None)


def prompt_of(topic: str) -> Any:
    return uuid.UUID(topic.split(":")[1])


def phase(*, due: int, base: str, max_wait: float, push: bool) -> dict[str, list[float]]:
    """One dispatcher run of `due` reminders, with a device per person when `push`."""
    from django.utils import timezone

    from bench import scenarios
    from checkins import services

    print(f"{due:,} reminders due at once, {'email and push' if push else 'email alone'}")
    scenarios.purge_broker()
    # People load at a few thousand a second here; subscriptions as many again.
    _, dispatch_at = scenarios._load_due_soon(due=due, load_rate=2_000)
    if push:
        print(f"  subscribed {subscribe_everyone(base):,} devices", flush=True)
    wait = (dispatch_at - timezone.now()).total_seconds()
    print(f"  dispatcher starts at {dispatch_at:%H:%M:%S} (in {wait:.0f} s)", flush=True)
    time.sleep(max(0.0, wait))
    result = services.dispatch(now=timezone.now())
    assert result.prompts == due, f"dispatch made {result.prompts} prompts, expected {due}"
    found = delays(max_wait=max_wait, due=due if push else 0, dispatch_at=dispatch_at)
    return found if push else {"email alone": found["email"]}


def run(*, due: int, log_dir: Path, max_wait: float) -> Any:
    from bench import children, scenarios, workers
    from bench.timers import percentile

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    children.start(
        [sys.executable, str(Path(__file__)), "--serve", str(port)],
        env={**os.environ},
        log=log_dir / "push-service.log",
    )
    wait_serving(base)
    worker = workers.start(
        "bench-a", "--concurrency", "2", env={**os.environ}, log=log_dir / "worker.log"
    )
    try:
        workers.wait_ready(["bench-a"])
        found = phase(due=due, base=base, max_wait=max_wait, push=False)
        found.update(phase(due=due, base=base, max_wait=max_wait, push=True))
        rss = peak_rss_mb(worker.pid)
        counts = service_counts(base)
    finally:
        workers.stop_all()
        scenarios.purge_broker()

    out = scenarios.Outcome()
    title = "worker 1x2"
    out.add(title, "reminders due at the dispatcher's start, each run", f"{due:,}")
    out.add(
        title,
        "push service: accepted / refused (bad shape)",
        f"{counts['accepted']:,} / {counts['refused']:,}",
        target="0 refused",
        verdict="met" if not counts["refused"] else "missed",
    )
    p99: dict[str, float] = {}
    for channel, values in found.items():
        sent = sum(math.isfinite(v) for v in values)
        out.add(title, f"{channel}: sent (read back from the database)", f"{sent:,}")
        for name, share in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
            value = percentile(values, share)
            shown = f"{value:.2f} s" if math.isfinite(value) else f"> {max_wait:.0f} s"
            out.add(title, f"{channel}: delay `sent_at - due_at` {name}", shown)
        p99[channel] = percentile(values, 0.99)
    ratio = p99["push"] / p99["email"] if p99["email"] else math.inf
    out.add(
        title,
        "**push p99 / email p99 (same run)**",
        f"**{ratio:.2f}x**",
        target=f"≤ {TARGET_RATIO}x",
        verdict="met" if ratio <= TARGET_RATIO else f"missed ({ratio:.2f}x)",
    )
    out.add(
        title,
        "email p99 beside push / email p99 alone",
        f"{p99['email'] / p99['email alone']:.2f}x" if p99["email alone"] else "-",
    )
    for index, (pid, mb) in enumerate(sorted(rss.items(), key=lambda item: item[0] != worker.pid)):
        role = "main process" if pid == worker.pid else f"pool process {index}"
        out.add(
            title,
            f"worker peak RSS, {role}",
            f"{mb:.0f} MB",
            target=f"< {TARGET_RSS_MB:.0f} MB",
            verdict="met" if mb < TARGET_RSS_MB else "missed",
        )
    return out


def markdown(
    *,
    command: str,
    scale: str,
    started: datetime,
    seconds: float,
    facts: dict[str, Any],
    outcome: Any,
) -> str:
    from bench import report

    parts = [
        BEGIN,
        "## Push beside email: figures (generated)",
        "",
        f"- **Date:** {started:%Y-%m-%d %H:%M} UTC; the run took {seconds / 60:.1f} min",
        f"- **Machine:** {facts['cpu']}, {facts['memory']} RAM; {facts['load']}",
        f"- **PostgreSQL** {facts['postgres']}; **Redis** {facts['redis']}; {facts['libraries']}",
        f"- **Scale:** {scale}",
        f"- **Command** (from the project root): `{command}`",
        "",
        report.table(outcome),
        END,
    ]
    return "\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1/10 scale: 1,000 reminders")
    parser.add_argument("--write", action="store_true", help="write RESULTS.md after --quick too")
    parser.add_argument("--max-wait", type=float, default=900, help="seconds to wait for sends")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.serve:
        serve(options.serve)
        return 0
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(HERE.parent))
    from bench import environment

    overridden = environment.configure(
        {**environment.DEFAULTS, "PUSH_ALLOW_LOCAL_ENDPOINTS": "true"}
    )
    environment.ensure_database("The push benchmark")
    import django

    django.setup()
    from django.core.management import call_command

    from bench import dispatcher, population, report

    call_command("migrate", interactive=False, verbosity=0)
    due = 1_000 if options.quick else 10_000
    started, clock, load_before = datetime.now(UTC), time.monotonic(), os.getloadavg()
    log_dir = Path(tempfile.mkdtemp(prefix="attune-bench-push-"))
    try:
        outcome = run(due=due, log_dir=log_dir, max_wait=options.max_wait)
    finally:
        population.truncate()
        print(f"logs: {log_dir}")
    print()
    print(report.terminal(outcome))
    if not options.quick or options.write:
        facts = environment.machine_facts()
        facts["load"] = "load average (1, 5, 15 min) at the start {}, at the end {}".format(
            *(", ".join(f"{v:.2f}" for v in load) for load in (load_before, os.getloadavg()))
        )
        command = dispatcher.command_line(argv, overridden).replace(
            "bench/dispatcher.py", "bench/push_delivery.py"
        )
        block = markdown(
            command=command,
            scale="1/10 (--quick)" if options.quick else "full",
            started=started,
            seconds=time.monotonic() - clock,
            facts=facts,
            outcome=outcome,
        )
        report.replace_block(HERE / "RESULTS.md", begin=BEGIN, end=END, block=block)
        print(f"\nwritten to {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
