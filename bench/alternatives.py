"""Before and after: what the dispatcher did in the first version against what
it does now, timed side by side, with one further alternative each. Nothing here
changes the app: each way runs on a queue no worker reads, or in a transaction
that is rolled back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import redis
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from attune.celery import app
from bench import population
from bench.population import minute_floor
from bench.scenarios import Outcome
from checkins import services
from checkins.models import Schedule
from checkins.tasks import SEND_BATCH, send_prompt, send_prompts

PROBE_QUEUE = "bench-probe"
BATCH = 500  # the dispatcher's batch size


def enqueue(*, count: int) -> Outcome:
    """`count` sends put on the broker in three ways."""
    print(f"what-if: {count:,} sends enqueued three ways", flush=True)
    ids = [str(uuid.uuid4()) for _ in range(count)]

    def one_delay_each() -> None:
        # What enqueue_prompt_sends did first, to a queue nobody reads.
        for prompt_id in ids:
            send_prompt.apply_async((prompt_id,), queue=PROBE_QUEUE)

    def one_producer() -> None:
        with app.producer_or_acquire() as producer:
            for prompt_id in ids:
                send_prompt.apply_async((prompt_id,), queue=PROBE_QUEUE, producer=producer)

    def chunks() -> None:
        # What enqueue_prompt_sends does now: one message per SEND_BATCH prompts.
        for start in range(0, len(ids), SEND_BATCH):
            send_prompts.apply_async((ids[start : start + SEND_BATCH],), queue=PROBE_QUEUE)

    out = Outcome()
    scenario = "what-if: enqueue"
    ways: list[tuple[str, Callable[[], None]]] = [
        ("before: one `send_prompt.delay` per prompt", one_delay_each),
        ("one `apply_async` per prompt, one shared producer", one_producer),
        (f"now: one `send_prompts` message per {SEND_BATCH} prompts", chunks),
    ]
    for label, way in ways:
        seconds = _timed(way)
        out.add(scenario, label, f"{seconds:.2f} s, {count / seconds:,.0f} prompts/s")
    _drop_probe_queue()
    return out


def _timed(function: Callable[[], None]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _drop_probe_queue() -> None:
    client = redis.Redis.from_url(app.conf.broker_url)
    try:
        client.delete(PROBE_QUEUE, f"_kombu.binding.{PROBE_QUEUE}")
    finally:
        client.close()


def advance(*, count: int) -> Outcome:
    """The schedules' advance, `BATCH` rows at a time: `QuerySet.bulk_update`
    (before), `services._advance`'s pipelined `executemany` (now), and one
    `UPDATE … FROM unnest(arrays)` with four parameters."""
    print(f"what-if: advancing {count:,} schedules three ways", flush=True)
    population.truncate()
    population.load(total=count, due=count, due_at=minute_floor(timezone.now()))
    schedules = list(Schedule.objects.order_by("pk"))
    for schedule in schedules:
        assert schedule.next_due_at is not None and schedule.next_slot_at is not None
        schedule.next_slot_at += timedelta(days=1)
        schedule.next_due_at += timedelta(days=1)
        schedule.last_question = 3
    batches = [schedules[start : start + BATCH] for start in range(0, count, BATCH)]
    fields = ["next_slot_at", "next_due_at", "last_question"]

    def bulk_update() -> None:
        for batch in batches:
            Schedule.objects.bulk_update(batch, fields)

    statement = sql.SQL(
        "UPDATE {table} AS s SET next_slot_at = v.slot, next_due_at = v.due, "
        "last_question = v.question "
        "FROM unnest(%s::uuid[], %s::timestamptz[], %s::timestamptz[], %s::smallint[]) "
        "AS v(id, slot, due, question) WHERE s.id = v.id"
    ).format(table=sql.Identifier(Schedule._meta.db_table))

    def executemany() -> None:
        for batch in batches:
            services._advance(batch)

    def unnest() -> None:
        with connection.cursor() as cursor:
            for batch in batches:
                cursor.execute(
                    statement,
                    [
                        [s.pk for s in batch],
                        [s.next_slot_at for s in batch],
                        [s.next_due_at for s in batch],
                        [s.last_question for s in batch],
                    ],
                )

    out = Outcome()
    scenario = f"what-if: advance {count:,} schedules"
    for label, way in (
        ("before: `bulk_update`", bulk_update),
        ("now: `executemany`, pipelined", executemany),
        ("`UPDATE … FROM unnest(…)`", unnest),
    ):
        with transaction.atomic():
            seconds = _timed(way)
            transaction.set_rollback(True)
        out.add(
            scenario,
            f"{label}, {BATCH} per statement",
            f"{seconds:.2f} s, {seconds / len(batches) * 1000:.1f} ms per batch",
        )
    population.truncate()
    return out
