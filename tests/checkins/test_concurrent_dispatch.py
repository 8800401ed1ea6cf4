"""Several dispatchers at once on PostgreSQL: every slot gets exactly one prompt."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections

from checkins import services
from checkins.models import Prompt, Schedule
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]

EIGHT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_it_creates_no_duplicate_with_three_dispatchers_at_once() -> None:
    users = [UserFactory.create() for _ in range(300)]
    Schedule.objects.bulk_create(
        Schedule(
            user=user,
            active=True,
            weekdays=list(range(7)),
            times=["08:00"],
            next_slot_at=EIGHT,
            next_due_at=EIGHT,
        )
        for user in users
    )
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            services.dispatch(now=EIGHT, batch_size=25)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Prompt.objects.count() == 300
    assert Prompt.objects.values("user_id").distinct().count() == 300
    assert not Schedule.objects.filter(next_due_at__lte=EIGHT).exists()
