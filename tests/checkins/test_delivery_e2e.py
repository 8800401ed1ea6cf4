"""Reminders through real `celery worker` and `celery beat` processes.

These need a database and a broker that other processes can reach: PostgreSQL
and Redis, as in CI. On the SQLite default they are skipped.
"""

from __future__ import annotations

import contextlib
import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from attune.celery import app as celery_app
from checkins import services
from checkins.models import Prompt, Schedule
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    # Worker and beat processes of its own: run one at a time, after the parallel
    # suite (a reminder once failed to arrive within 3 minutes with the other test
    # process busy beside it).
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis://"),
        reason="worker processes need PostgreSQL and Redis",
    ),
]


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Processes:
    """Worker and beat processes, each in its own process group."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            # These tests run one at a time, outside the parallel suite (marked
            # `processes`), so attune's own app on the whole broker.
            [sys.executable, "-m", "celery", "-A", "attune", *args, "--loglevel", "WARNING"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process, signal.SIGTERM)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    # Settings create var/ only for the embedded SQLite and filesystem broker;
    # with PostgreSQL, Redis and a Redis cache (as in CI) nothing does, and beat
    # needs it for its schedule file.
    (tmp_path / "var").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_BACKEND": "tests.mail_backends.SlowFileBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "ATTUNE_VAR_DIR": str(tmp_path / "var"),
        "DISPATCH_INTERVAL_SECONDS": "1",
        "SITE_URL": "https://attune.test",
    }
    celery_app.control.purge()
    running = Processes(env)
    yield running
    running.stop_all()
    celery_app.control.purge()


def outbox(processes: Processes) -> list[email.message.Message]:
    folder = Path(processes.env["EMAIL_FILE_PATH"])
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def wait_until(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def wait_until_quiet(processes: Processes, *, quiet: float = 3.0, timeout: float = 60) -> None:
    """Until no new email has arrived for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(outbox(processes))
        if count != seen:
            seen, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)


def where_it_stopped(processes: Processes) -> str:
    schedules = list(Schedule.objects.values("active", "next_slot_at", "next_due_at", "times"))
    prompts = list(
        Prompt.objects.values("status", "slot_at", "enqueued_at", "claimed_at", "sent_at")
    )
    alive = [process.poll() is None for process in processes.running]
    return f"now {timezone.now()}, schedules {schedules}, prompts {prompts}, running {alive}"


def due_now(count: int) -> list[Schedule]:
    now = timezone.now()
    users = [UserFactory.create() for _ in range(count)]
    return Schedule.objects.bulk_create(
        Schedule(
            user=user,
            active=True,
            weekdays=list(range(7)),
            times=[(now - timedelta(minutes=1)).strftime("%H:%M")],
            timezone="UTC",
            next_slot_at=now - timedelta(seconds=30),
            next_due_at=now - timedelta(seconds=30),
        )
        for user in users
    )


def test_a_schedule_due_now_produces_exactly_one_email(processes: Processes) -> None:
    (schedule,) = due_now(1)
    processes.start("worker", "--pool", "solo", "-n", "e2e-worker@%h")
    processes.start("beat", "--schedule", processes.env["ATTUNE_VAR_DIR"] + "/beat-schedule")

    # Generous: worker and beat start cold (imports, Django set-up) on a busy machine.
    arrived = wait_until(lambda: len(outbox(processes)) >= 1, timeout=180)
    # This has failed now and then in CI only; say where the reminder stopped.
    assert arrived, f"no reminder arrived: {where_it_stopped(processes)}"
    # Beat keeps firing every second; nothing more may arrive.
    time.sleep(5)
    messages = outbox(processes)
    assert len(messages) == 1
    assert messages[0]["To"] == schedule.user.email
    prompt = Prompt.objects.get()
    assert messages[0]["Message-ID"] == f"<prompt-{prompt.pk}@attune>"
    assert prompt.sent_at is not None


def test_every_prompt_is_sent_once_after_a_worker_is_killed_mid_batch(
    processes: Processes,
) -> None:
    processes.env["SLOW_EMAIL_SECONDS"] = "0.05"
    total = 200
    due_now(total)
    worker = processes.start("worker", "--concurrency", "2", "-n", "e2e-first@%h")
    services.dispatch()  # creates the prompts and enqueues their sends
    assert Prompt.objects.count() == total

    assert wait_until(lambda: len(outbox(processes)) >= 40, timeout=60)
    processes.kill(worker)  # SIGKILL to the whole group, in the middle of the batch
    before_restart = len(outbox(processes))
    assert before_restart < total

    processes.start("worker", "--concurrency", "2", "-n", "e2e-second@%h")
    # Messages the dead worker had taken are gone with it; the next dispatcher
    # run after the sweep interval hands those prompts out again.
    wait_until_quiet(processes)
    services.dispatch(now=timezone.now() + timedelta(minutes=6))
    assert wait_until(
        lambda: not Prompt.objects.filter(sent_at__isnull=True).exists(), timeout=90
    ), "some prompts were never sent"

    ids = Counter(message["Message-ID"] for message in outbox(processes))
    expected = {f"<prompt-{pk}@attune>" for pk in Prompt.objects.values_list("pk", flat=True)}
    assert set(ids) == expected  # every prompt arrived
    # A worker killed between handing a message to the mail system and recording
    # it can repeat that one message (one per killed process at most); the
    # Message-ID lets the receiving side fold the repeat away.
    repeats = sum(count - 1 for count in ids.values())
    assert repeats <= 2, ids.most_common(3)
