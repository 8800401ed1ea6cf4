from datetime import UTC, datetime

import pytest

from checkins import services


@pytest.fixture
def daily_at_eight(alice):  # type: ignore[no-untyped-def]
    """Alice asks to be checked in on every day at 08:00 UTC, from 1 March 2026."""

    def make(*, now: datetime = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)):  # type: ignore[no-untyped-def]
        services.schedule_save(
            user=alice, active=True, weekdays=list(range(7)), times=["08:00"], timezone_name="UTC"
        )
        schedule = alice.checkin_schedule
        schedule.next_slot_at = schedule.next_due_at = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
        schedule.save()
        return schedule

    return make
