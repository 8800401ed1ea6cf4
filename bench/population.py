"""People with check-in schedules, loaded at COPY speed, and the clean-up between
scenarios.

Rows go in with PostgreSQL's COPY in large batches, one transaction each: a
million people take seconds, where creating them one by one would take an hour.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.utils import timezone
from psycopg import sql

from accounts.models import User
from checkins.models import Prompt, Schedule
from partners.models import Partnership

BATCH = 100_000
EVERY_DAY = json.dumps(list(range(7)))
# People live in many zones; offsets include a half hour and the southern summer.
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "America/Los_Angeles",
)


@dataclass
class Population:
    total: int
    due: int
    due_at: datetime
    due_schedule_ids: list[uuid.UUID]
    load_seconds: float = 0.0


def minute_floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def truncate() -> None:
    """Empty every table the benchmarks fill; CASCADE reaches schedules, prompts,
    check-ins and everything else that hangs off a person."""
    tables = [User._meta.db_table, Partnership._meta.db_table]
    statement = sql.SQL("TRUNCATE {} CASCADE").format(
        sql.SQL(", ").join(sql.Identifier(name) for name in tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)


def vacuum_analyze(*tables: type[models.Model]) -> None:
    """What autovacuum would have done on a table that lives for months: fresh
    statistics for the planner and a visibility map for index scans."""
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(
                sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(model._meta.db_table))
            )


def load(*, total: int, due: int, due_at: datetime) -> Population:
    """`total` people with a daily schedule in one of ZONES. The first `due` are due
    at `due_at`; the others at some minute between one and 24 hours after it."""
    assert due_at == minute_floor(due_at), "slots are whole minutes"
    started = timezone.now()
    people = [(uuid.uuid4(), uuid.uuid4()) for _ in range(total)]
    copy_rows(
        User,
        ["id", "email", "password", "timezone", "created_at"],
        (
            (user_id, f"bench-{index}@attune.invalid", "!", _zone(index), started)
            for index, (user_id, _) in enumerate(people)
        ),
    )
    copy_rows(
        Schedule,
        [
            "id",
            "user_id",
            "active",
            "weekdays",
            "times",
            "timezone",
            "next_slot_at",
            "next_due_at",
            "created_at",
            "updated_at",
        ],
        _schedule_rows(people, due=due, due_at=due_at, created_at=started),
    )
    vacuum_analyze(User, Schedule, Prompt)
    return Population(
        total=total,
        due=due,
        due_at=due_at,
        due_schedule_ids=[schedule_id for _, schedule_id in people[:due]],
        load_seconds=(timezone.now() - started).total_seconds(),
    )


def reset_due(population: Population) -> None:
    """Undo one dispatcher run: no prompts, and the same schedules due again."""
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("TRUNCATE {} CASCADE").format(sql.Identifier(Prompt._meta.db_table)))
    ids = population.due_schedule_ids
    for start in range(0, len(ids), BATCH):
        Schedule.objects.filter(pk__in=ids[start : start + BATCH]).update(
            next_slot_at=population.due_at, next_due_at=population.due_at, last_question=None
        )
    vacuum_analyze(Schedule, Prompt)


def _zone(index: int) -> str:
    return ZONES[index % len(ZONES)]


@lru_cache(maxsize=50_000)
def _wall_time(slot: datetime, zone: str) -> str:
    return json.dumps([slot.astimezone(ZoneInfo(zone)).strftime("%H:%M")])


def _schedule_rows(
    people: Sequence[tuple[uuid.UUID, uuid.UUID]],
    *,
    due: int,
    due_at: datetime,
    created_at: datetime,
) -> Iterator[tuple[Any, ...]]:
    for index, (user_id, schedule_id) in enumerate(people):
        # Not due: spread over the minutes of the next day, as real schedules are,
        # from an hour on, so none falls due while a scenario runs.
        slot = due_at if index < due else due_at + timedelta(minutes=60 + index % (1440 - 60))
        zone = _zone(index)
        yield (
            schedule_id,
            user_id,
            True,
            EVERY_DAY,
            _wall_time(slot, zone),
            zone,
            slot,
            slot,
            created_at,
            created_at,
        )


def copy_rows(model: type[models.Model], names: list[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (values for the fields in `names`, by attname) into the model's
    table, BATCH rows to a transaction. Every other column gets the field's
    default, computed once, so a field added later does not break the loader."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    missing = [name for name in names if name not in fields]
    assert not missing, f"{model.__name__} has no {missing}"
    assert model._meta.pk is not None and model._meta.pk.attname in names, "ids come per row"
    rest = [field for attname, field in fields.items() if attname not in names]
    constants = tuple(_column_value(field, field.get_default()) for field in rest)
    columns: list[sql.Composable] = [
        sql.Identifier(str(field.column)) for field in [*(fields[name] for name in names), *rest]
    ]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(columns)
    )
    written = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,
        ):
            for row in batch:
                copy.write_row((*row, *constants))
        written += len(batch)
    return written


def _column_value(field: models.Field[Any, Any], value: Any) -> Any:
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
