"""When a check-in schedule fires: local wall times on chosen weekdays in one IANA zone.

Slots are read at fold=0. `datetime.combine(day, t, tzinfo=zone)` gives a wall
time the offset that was in force just before any change that day, so:

- a wall time that exists once keeps its wall time all year (20:00 stays 20:00);
- a wall time skipped by spring-forward (02:30 in New York's 02:00-03:00 gap) is
  read with the old offset, which lands it one gap later once converted to UTC
  (03:30 EDT) — it moves forward instead of vanishing;
- a wall time that occurs twice at fall-back is read as its first occurrence, so
  it fires once.

Candidates are compared as UTC instants, never as wall times: a moved gap time
can overtake a later wall time of the same day (02:30 → 03:30 passes 03:15), and
two wall times can land on the same instant (02:30 and 03:30 that day), which
then counts once. The search window reaches one local day past the obvious one
on each side, in case a zone's change near midnight pushes a slot onto the
neighbouring date.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_slot(
    *,
    weekdays: Collection[int],
    times: Collection[time],
    zone: ZoneInfo,
    after: datetime,
) -> datetime | None:
    """The first slot strictly after `after`, in UTC; None if nothing is scheduled."""
    day = _local_date(after, zone)
    candidates = _instants(weekdays, times, zone, days=_around(day, first=-1, last=8))
    return min((instant for instant in candidates if instant > after), default=None)


def latest_slot_at_or_before(
    *,
    weekdays: Collection[int],
    times: Collection[time],
    zone: ZoneInfo,
    at: datetime,
) -> datetime | None:
    """The most recent slot at or before `at`, in UTC; None if nothing is scheduled.

    A backlog after downtime collapses to this one slot instead of a burst."""
    day = _local_date(at, zone)
    candidates = _instants(weekdays, times, zone, days=_around(day, first=-8, last=1))
    return max((instant for instant in candidates if instant <= at), default=None)


def _local_date(moment: datetime, zone: ZoneInfo) -> date:
    # A naive datetime would be read in the server's timezone: refuse it.
    if moment.utcoffset() is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(zone).date()


def _around(day: date, *, first: int, last: int) -> Iterator[date]:
    """Local dates from `day + first` to `day + last`, inclusive."""
    return (day + timedelta(days=offset) for offset in range(first, last + 1))


def _instants(
    weekdays: Collection[int], times: Collection[time], zone: ZoneInfo, *, days: Iterator[date]
) -> Iterator[datetime]:
    for day in days:
        if day.weekday() in weekdays:
            for wall in times:
                local = datetime.combine(day, wall, tzinfo=zone).replace(fold=0)
                yield local.astimezone(UTC)
