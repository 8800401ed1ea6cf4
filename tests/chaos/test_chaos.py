"""Chaos: 10,000 reminders due at once survive killed workers and a wiped broker.

Issue 7, "Faults". One run against the pytest-django PostgreSQL test database:

- 10,000 people whose check-in schedule is due now (bulk-created);
- a Redis server this test starts on a free port with no persistence, the broker
  of the workers and of this process's own enqueues;
- two workers, `celery -A attune worker --pool prefork --concurrency 1` twice,
  each in its own process group, sending through tests.mail_backends.SlowFileBackend
  (one .eml file per message);
- this process plays beat: it calls `services.dispatch()` about once a second.

While the reminders go out, PLAN SIGKILLs a worker's process group four times
(restarting it each time) and takes Redis down twice, once with SHUTDOWN NOSAVE
and once with SIGKILL. Redis comes back empty: what was queued is gone, and only
the dispatcher's sweep can bring it back.

Time. The sweep re-sends a prompt only once it was enqueued (and, if claimed,
claimed) more than `services.SWEEP_AFTER` (5 minutes) ago. Rather than wait, when
the system is idle (the Redis queue empty, no live worker holding a claim, no
email for QUIET seconds, prompts still unsent: their messages are gone) the test
skips ahead: it moves every instant the prompts remember into the past by just
enough for the next dispatcher tick to find them all stale, as if those idle
minutes had passed, and runs that tick. Everyone keeps reading the real clock,
the dispatcher (`dispatch()` with no `now`) and the workers alike.
(Advancing only the dispatcher's `now` would not do: the workers stamp
`claimed_at` with the real clock, so after the first jump a worker's claim made a
moment ago would look minutes old, and the sweep could take a prompt from a worker
in the middle of sending it: a repeat the test itself made.) Latencies are given
in simulated time: real time plus the time skipped.

Pass: exactly 10,000 distinct Message-IDs, one per prompt, none missing; the last
email within the sweep interval plus a minute of the last restart; repeats: see
the comment above the last assertions.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlsplit

import pytest
import redis
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from accounts.models import User
from attune.celery import app as celery_app
from checkins import services
from checkins.models import Prompt, Schedule

ROOT = Path(__file__).resolve().parents[2]

TOTAL = 10_000
SEND_DELAY = "0.002"  # SlowFileBackend's pause before each message, in seconds
TICK = 1.0  # this process runs the dispatcher this often (seconds), as beat would
QUIET = 2.0  # seconds without a new email (and an empty queue) before time is skipped
REDIS_DOWN = 1.0  # seconds Redis stays down at each restart
DRIVE_BUDGET = 900.0  # real seconds from the first dispatch to the last email
BAR = services.SWEEP_AFTER + timedelta(minutes=1)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="worker processes share the test database: PostgreSQL only",
    ),
]


@dataclass(frozen=True)
class Fault:
    kind: str  # "kill-worker", "redis-nosave" or "redis-sigkill"
    after: int  # injected once this many emails have arrived
    worker: int = 0

    @property
    def label(self) -> str:
        return f"{self.kind} {self.worker}" if self.kind == "kill-worker" else self.kind


# Worker kills land in the first wave and in the re-sends after each broker loss;
# the broker losses come late enough that CI does not re-send most of the run.
PLAN = (
    Fault("kill-worker", 2_000, worker=0),
    Fault("kill-worker", 4_500, worker=1),
    Fault("redis-nosave", 6_500),
    Fault("kill-worker", 8_000, worker=0),
    Fault("redis-sigkill", 8_800),
    Fault("kill-worker", 9_500, worker=1),
)
KILLS = sum(fault.kind == "kill-worker" for fault in PLAN)


def message_id(prompt_pk: Any) -> str:
    return f"<prompt-{prompt_pk}@attune>"


def unsent() -> QuerySet[Prompt]:
    return Prompt.objects.filter(status=Prompt.Status.PENDING, sent_at__isnull=True)


def wait_for(condition: Callable[[], bool], timeout: float, failure: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(failure)
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- The pieces ---------------------------------------------------------------------


class Timeline:
    """Real time plus the idle time the test skipped."""

    def __init__(self) -> None:
        self.skipped = timedelta(0)
        self.skips: list[tuple[datetime, timedelta]] = []  # (real instant, skipped by then)

    def now(self) -> datetime:
        return timezone.now() + self.skipped

    def at(self, real: datetime) -> datetime:
        """The simulated instant of something the real clock stamped."""
        skipped = timedelta(0)
        for instant, total in self.skips:
            if instant <= real:
                skipped = total
        return real + skipped

    def skip(self, by: timedelta) -> None:
        self.skipped += by
        self.skips.append((timezone.now(), self.skipped))


PROMPT_TIMES = (
    "slot_at",
    "due_at",
    "created_at",
    "enqueued_at",
    "claimed_at",
    "sent_at",
    "snoozed_until",
    "answered_at",
)


def age_prompts(by: timedelta) -> None:
    """As if `by` had passed: every instant the prompts remember moves `by` back.
    (Schedules are next due tomorrow, far beyond the minutes skipped; the test
    checks at the end that none made a second prompt.)"""
    Prompt.objects.update(**{name: F(name) - by for name in PROMPT_TIMES})


class RedisServer:
    """`redis-server` on its own port, no persistence: a restart comes back empty."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.client = redis.Redis(
            host="127.0.0.1", port=self.port, socket_timeout=5, socket_connect_timeout=1
        )

    def start(self) -> None:
        self.starts += 1
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        with (self.folder / f"redis-{self.starts}.log").open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.ping, 10, f"redis-server did not answer on port {self.port}")

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    def queued(self) -> int:
        """Messages waiting in the task queues (not those a worker has taken)."""
        keys = self.client.scan_iter(match="celery*", _type="LIST")
        return sum(cast(int, self.client.llen(key)) for key in keys)

    def shutdown_nosave(self) -> None:
        command = ["redis-cli", "-p", str(self.port), "shutdown", "nosave"]
        subprocess.run(command, check=False, capture_output=True, timeout=30)
        self._reap()

    def kill(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        assert self.process is not None
        self.process.wait(timeout=30)
        self.client.connection_pool.disconnect()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()
        self.client.close()


class Workers:
    """Celery workers, each `--pool prefork --concurrency 1` in its own process group."""

    def __init__(self, env: dict[str, str], logs: Path, count: int = 2) -> None:
        self.env = env
        self.logs = logs
        self.slots: list[subprocess.Popen[bytes] | None] = [None] * count
        self.everyone: list[subprocess.Popen[bytes]] = []

    def start(self, slot: int) -> None:
        number = len(self.everyone) + 1
        name = f"chaos{slot}-{number}@%h"
        log = self.logs / f"worker{slot}-{number}.log"
        command = [sys.executable, "-m", "celery", "-A", "attune", "worker", "-n", name]
        command += ["--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO"]
        # Mingle and gossip only slow the start-up; delivery does not use them.
        command += ["--without-mingle", "--without-gossip"]
        with log.open("wb") as handle:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.slots[slot] = process
        self.everyone.append(process)

        def ready() -> bool:
            assert process.poll() is None, f"worker {name} exited; see {log}"
            return b" ready." in log.read_bytes()

        wait_for(ready, 60, f"worker {name} did not start; see {log}")

    def kill(self, slot: int) -> None:
        process = self.slots[slot]
        assert process is not None
        self._kill(process)

    def alive(self) -> bool:
        return all(process is not None and process.poll() is None for process in self.slots)

    def stop_all(self) -> None:
        # The whole group of each worker ever started: its prefork child too.
        for process in self.everyone:
            self._kill(process)

    @staticmethod
    def _kill(process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


class Outbox:
    """The emails the workers wrote: one file per message, renamed into place whole."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.messages: dict[str, tuple[str, datetime]] = {}  # file -> (Message-ID, written)
        self._parser = BytesHeaderParser()

    def refresh(self) -> int:
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(".eml") and entry.name not in self.messages:
                    with open(entry.path, "rb") as handle:
                        headers = self._parser.parse(handle)
                    written = datetime.fromtimestamp(entry.stat().st_mtime, tz=UTC)
                    self.messages[entry.name] = (str(headers["Message-ID"]), written)
        return len(self.messages)

    def ids(self) -> Counter[str]:
        return Counter(message for message, _ in self.messages.values())

    def unfinished(self) -> int:
        """Half-written messages a killed worker left behind (never delivered)."""
        return sum(1 for _ in self.folder.glob("*.part"))


# --- The broker switch ------------------------------------------------------------

BROKER_URL_KEYS = ("broker_url", "broker_read_url", "broker_write_url")
BROKER_KEYS = (*BROKER_URL_KEYS, "broker_transport_options")
BROKER_ENV = ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL")


def _pools() -> tuple[Any, Any]:
    """The app's connection pool and producer pool (private: Celery resets both
    itself after a fork)."""
    app: Any = celery_app
    return app._pool, app.amqp._producer_pool


def _set_pools(connections: Any, producers: Any) -> None:
    app: Any = celery_app
    app._pool = connections
    app.amqp._producer_pool = producers


def _broker_config() -> dict[str, Any]:
    conf = celery_app.conf
    seen = {key: conf.get(key) for key in BROKER_KEYS}
    seen.update({name: os.environ.get(name) for name in BROKER_ENV})
    seen["writes to"] = celery_app.connection_for_write().as_uri()
    return seen


@contextlib.contextmanager
def broker(url: str) -> Iterator[None]:
    """Point this process's Celery app at `url`, then put everything back as it was.

    Celery's `conf.broker_url` reads the CELERY_BROKER_URL environment variable
    before its own settings (CI sets it), so both change. The connection and
    producer pools are keyed to the old URL: they are set aside (not closed, since
    kombu keeps them in a global registry that later tests reach again) and put back.
    """
    before = _broker_config()  # this also finalizes the app's configuration
    changes = celery_app.conf.changes  # the layer over the defaults and Django settings
    assert isinstance(changes, dict), type(changes)
    saved_changes = {key: changes[key] for key in BROKER_KEYS if key in changes}
    saved_env = {name: os.environ.get(name) for name in BROKER_ENV}
    saved_pools = _pools()
    try:
        for name in BROKER_ENV:
            os.environ.pop(name, None)
        os.environ["CELERY_BROKER_URL"] = url
        changes.update(dict.fromkeys(BROKER_URL_KEYS, url))
        # What attune/settings.py gives a redis:// broker.
        changes["broker_transport_options"] = {"visibility_timeout": 3600}
        _set_pools(None, None)
        writes_to = celery_app.connection_for_write().as_uri()
        assert urlsplit(url).netloc in writes_to, writes_to
        yield
    finally:
        chaos_connections, _ = _pools()
        if chaos_connections is not None and chaos_connections is not saved_pools[0]:
            chaos_connections.force_close_all()
        for key in BROKER_KEYS:
            changes.pop(key, None)
        changes.update(saved_changes)
        for name, value in saved_env.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value
        _set_pools(*saved_pools)
    # Later tests must find the app exactly as it was.
    assert _broker_config() == before
    assert all(now is then for now, then in zip(_pools(), saved_pools, strict=True))


@pytest.fixture
def chaos_redis(tmp_path: Path) -> Iterator[RedisServer]:
    for program in ("redis-server", "redis-cli"):
        if shutil.which(program) is None:
            pytest.fail(f"{program} is not on PATH: the chaos test runs a Redis of its own")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    try:
        server.start()
        with broker(server.url):
            yield server
    finally:
        server.stop()


# --- Setting up -------------------------------------------------------------------


def reminders_due_now(count: int) -> None:
    """`count` people, each with a daily schedule whose slot came a minute ago."""
    slot = (timezone.now() - timedelta(minutes=1)).replace(second=0, microsecond=0)
    no_password = make_password(None)
    users = [
        User(email=f"chaos{n}@example.com", display_name=f"Chaos {n}", password=no_password)
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2_000)
    Schedule.objects.bulk_create(
        (
            Schedule(
                user=user,
                active=True,
                weekdays=list(range(7)),
                times=[slot.strftime("%H:%M")],
                timezone="UTC",
                next_slot_at=slot,
                next_due_at=slot,
            )
            for user in users
        ),
        batch_size=2_000,
    )


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(*, broker_url: str, outbox: Path, var: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in BROKER_ENV}
    env.update(
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=broker_url,
        EMAIL_BACKEND="tests.mail_backends.SlowFileBackend",
        EMAIL_FILE_PATH=str(outbox),
        SLOW_EMAIL_SECONDS=SEND_DELAY,
        ATTUNE_VAR_DIR=str(var),
        SITE_URL="https://attune.test",
        LOG_LEVEL="INFO",  # the worker logs "ready." at INFO
    )
    return env


# --- The run ------------------------------------------------------------------------


@dataclass
class Restart:
    fault: Fault
    down: datetime  # simulated time
    up: datetime  # simulated time
    seconds: float  # real seconds from the fault to the component answering again
    detail: str


class Run:
    def __init__(
        self, *, server: RedisServer, workers: Workers, outbox: Outbox, timeline: Timeline
    ) -> None:
        self.server = server
        self.workers = workers
        self.outbox = outbox
        self.timeline = timeline
        self.restarts: list[Restart] = []
        self.skips: list[tuple[float, timedelta, int]] = []  # (run second, skipped, unsent)
        self.lost = 0  # messages wiped with Redis
        self.orphaned = 0  # prompts claimed, not marked sent, at a kill (both workers')
        self.repeats_expected: list[str] = []  # of those, the ones already emailed
        self.dispatches = 0
        self.resent = 0
        self.last_kill = datetime.min.replace(tzinfo=UTC)
        self.started = 0.0

    def say(self, news: str) -> None:
        print(f"  [{time.monotonic() - self.started:6.1f} s] {news}", flush=True)

    def dispatch(self) -> None:
        result = services.dispatch()
        self.dispatches += 1
        self.resent += result.resent

    def drive(self) -> None:
        plan = list(PLAN)
        self.started = time.monotonic()
        cpu = time.process_time()
        self.dispatch()  # beat's first tick: 10,000 prompts, 10,000 sends enqueued
        cpu = time.process_time() - cpu
        assert Prompt.objects.count() == TOTAL
        self.say(f"first dispatch done: {TOTAL:,} prompts, sends enqueued ({cpu:.1f} s CPU)")
        seen, changed, next_tick = 0, time.monotonic(), time.monotonic() + TICK
        while True:
            now = time.monotonic()
            if now - self.started > DRIVE_BUDGET:
                raise AssertionError(f"not done in {DRIVE_BUDGET:.0f} s: {self.state()}")
            count = self.outbox.refresh()
            if count != seen:
                seen, changed = count, now
            if plan and count >= plan[0].after:
                self.inject(plan.pop(0))
                changed = time.monotonic()
                continue
            left = unsent().count()
            if not plan and not left:
                return
            if now >= next_tick:
                self.dispatch()
                next_tick = now + TICK
            idle = now - changed >= QUIET and self.workers.alive()
            if left and idle and self.server.queued() == 0 and not self.sending():
                self.skip_idle_time(left)
                changed = next_tick = time.monotonic()
            time.sleep(0.25)

    def sending(self) -> bool:
        """Whether a live worker holds a claim: any claim since the last kill (the
        claims killed workers left behind are all older)."""
        return unsent().filter(claimed_at__gt=self.last_kill).exists()

    def skip_idle_time(self, left: int) -> None:
        """Nothing moves and prompts are unsent: their messages are gone. Jump to the
        first dispatcher tick whose sweep takes every one of them, and run it."""
        stamps = unsent().aggregate(enqueued=Max("enqueued_at"), claimed=Max("claimed_at"))
        latest = max(stamp for stamp in stamps.values() if stamp is not None)
        tick = latest + services.SWEEP_AFTER + timedelta(seconds=TICK)
        skipped = max(tick - timezone.now(), timedelta(0))
        if skipped:
            age_prompts(skipped)
            self.timeline.skip(skipped)
        self.skips.append((time.monotonic() - self.started, skipped, left))
        self.dispatch()
        self.say(f"idle with {left:,} unsent: skipped {skipped.total_seconds():.0f} s, swept")

    def inject(self, fault: Fault) -> None:
        began, down = time.monotonic(), self.timeline.now()
        if fault.kind == "kill-worker":
            killed_at = timezone.now()
            self.workers.kill(fault.worker)
            self.workers.start(fault.worker)
            up = self.timeline.now()
            detail = self.account_for_claims(since=self.last_kill, until=killed_at)
            self.last_kill = killed_at
        else:
            lost = self.server.queued()
            if fault.kind == "redis-nosave":
                self.server.shutdown_nosave()
            else:
                self.server.kill()
            time.sleep(REDIS_DOWN)
            self.server.start()
            up = self.timeline.now()
            assert self.server.queued() == 0, "Redis came back with messages"
            self.lost += lost
            detail = f"{lost} queued messages lost"
        restart = Restart(fault, down, up, time.monotonic() - began, detail)
        self.restarts.append(restart)
        self.say(f"{fault.label}: {detail}")

    def account_for_claims(self, *, since: datetime, until: datetime) -> str:
        """The prompts the killed worker had claimed and not marked sent (one batch,
        up to SEND_BATCH), and which of them it had emailed already: at most one,
        the message it was recording when it died. The live worker's batch shows
        here too, but an email of its own is recorded a moment after it is written:
        a second look tells the two apart."""
        claimed = list(
            unsent()
            .filter(claimed_at__gt=since, claimed_at__lte=until)
            .values_list("pk", flat=True)
        )
        emailed = self.emailed_unsent(claimed)
        if emailed:
            time.sleep(1)
            emailed = self.emailed_unsent(emailed)
        assert len(emailed) <= 1, emailed
        self.orphaned += len(claimed)
        self.repeats_expected += [message_id(pk) for pk in emailed]
        if not claimed:
            return "no claimed prompt left behind"
        return f"{len(claimed)} claimed prompts left unsent, " + (
            "one already emailed" if emailed else "none emailed"
        )

    def emailed_unsent(self, prompts: list[Any]) -> list[Any]:
        """Those of `prompts` still unsent in the database whose email is out."""
        self.outbox.refresh()
        ids = self.outbox.ids()
        still = unsent().filter(pk__in=prompts).values_list("pk", flat=True)
        return [pk for pk in still if message_id(pk) in ids]

    def state(self) -> str:
        return (
            f"{self.outbox.refresh()} emails, {unsent().count()} prompts unsent, "
            f"{self.server.queued()} queued, workers alive: {self.workers.alive()}, "
            f"logs in {self.workers.logs}"
        )


def test_ten_thousand_reminders_survive_killed_workers_and_a_wiped_broker(
    chaos_redis: RedisServer, tmp_path: Path
) -> None:
    began = time.monotonic()
    reminders_due_now(TOTAL)
    setup_seconds = time.monotonic() - began

    folder = tmp_path / "outbox"
    folder.mkdir()
    (tmp_path / "logs").mkdir()
    env = worker_env(broker_url=chaos_redis.url, outbox=folder, var=tmp_path / "var")
    workers = Workers(env, tmp_path / "logs")
    outbox = Outbox(folder)
    run = Run(server=chaos_redis, workers=workers, outbox=outbox, timeline=Timeline())
    try:
        booted = time.monotonic()
        workers.start(0)
        workers.start(1)
        boot_seconds = time.monotonic() - booted
        run.drive()
        drive_seconds = time.monotonic() - run.started
        # Anything still in flight lands now; then nothing more may arrive.
        wait_for(lambda: chaos_redis.queued() == 0, 60, "the queue never drained")
        time.sleep(QUIET)
    finally:
        workers.stop_all()

    outbox.refresh()
    ids = outbox.ids()
    expected = {message_id(pk) for pk in Prompt.objects.values_list("pk", flat=True)}
    missing = expected - set(ids)
    unexpected = set(ids) - expected
    repeats = {message: count - 1 for message, count in ids.items() if count > 1}
    last_email = max(run.timeline.at(written) for _, written in outbox.messages.values())
    last_restart = run.restarts[-1].up
    latency = last_email - last_restart

    timings = f"setup {setup_seconds:.1f} s, worker start {boot_seconds:.1f} s"
    timings += f", run {drive_seconds:.1f} s (real)"
    print(f"\nchaos: {TOTAL:,} reminders, Redis on :{chaos_redis.port}; {timings}")
    for restart in run.restarts:
        fault = restart.fault
        print(
            f"  {fault.label:<15} at {fault.after:>5,} emails, back in {restart.seconds:.1f} s: "
            f"{restart.detail}"
        )
    for second, skipped, left in run.skips:
        print(f"  idle at {second:.0f} s, {left:,} unsent: skipped {skipped.total_seconds():.0f} s")
    print(
        f"  dispatcher runs {run.dispatches}, prompts re-sent by the sweep {run.resent:,}, "
        f"messages lost with Redis {run.lost:,}, claimed and unsent at the kills {run.orphaned}"
    )
    print(
        f"  emails {len(outbox.messages):,}, distinct {len(ids):,}, missing {len(missing)}, "
        f"unexpected {len(unexpected)}, repeats {sum(repeats.values())} "
        f"(predicted at the kills {len(run.repeats_expected)}), "
        f"half-written {outbox.unfinished()}"
    )
    print(
        f"  last email {latency.total_seconds():.1f} s after the last restart "
        f"(simulated time; bar {BAR.total_seconds():.0f} s)"
    )

    assert Prompt.objects.count() == TOTAL  # one prompt per person, time jumps or not
    assert not unsent().exists()
    assert len(expected) == TOTAL
    assert not missing, f"{len(missing)} prompts never emailed"
    assert not unexpected
    assert len(ids) == TOTAL
    # The faults mattered: Redis took queued work with it, and the sweep re-sent it.
    assert run.lost > 0
    assert run.resent > 0
    # Repeats. Sending claims the prompt (an UPDATE that commits), writes the email,
    # then sets sent_at. A SIGKILL between the last two leaves the prompt claimed
    # and unsent though its email is out; the sweep cannot tell it from a claim
    # whose email never left, clears the claim and sends it again. Each repeat must
    # be exactly such a prompt (checked at each kill), so at most one per SIGKILL:
    # a worker sends the messages of its batch one at a time, recording each. The
    # rest of a killed worker's batch is claimed and was never emailed: the sweep
    # sends those once. The Message-ID is the same both
    # times, so the receiving side can fold the repeat away.
    assert sorted(repeats) == sorted(run.repeats_expected), repeats
    assert all(count == 1 for count in repeats.values())
    assert sum(repeats.values()) <= KILLS
    assert latency <= BAR, f"last email {latency} after the last restart"
