"""A person's quiet hours, in their own timezone: no emails or reminders then."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import User


def quiet_until(*, user: User, at: datetime) -> datetime | None:
    """If `at` falls inside `user`'s quiet hours, the UTC instant they end; else None."""
    start, end = user.quiet_hours_start, user.quiet_hours_end
    if start is None or end is None:
        return None
    zone = ZoneInfo(user.timezone)
    local = at.astimezone(zone)
    now = local.time()
    if start < end:
        inside, ends_tomorrow = start <= now < end, False
    else:  # the window wraps midnight, e.g. 22:00 → 07:00
        inside, ends_tomorrow = (now >= start or now < end), now >= start
    if not inside:
        return None
    end_day = local.date() + timedelta(days=1 if ends_tomorrow else 0)
    return _local_instant(end_day, end, zone)


def _local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time. A time skipped by a DST change lands
    after the gap (zoneinfo's fold=0 reading gives the pre-change offset)."""
    local = datetime.combine(day, wall, tzinfo=zone)
    return local.astimezone(UTC)
