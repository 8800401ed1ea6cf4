"""Check-in slots across weekdays, several times a day and daylight-saving changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from checkins.slots import latest_slot_at_or_before, next_slot

EVERY_DAY = range(7)
MONDAY, TUESDAY, WEDNESDAY = 0, 1, 2
NEW_YORK = ZoneInfo("America/New_York")
EVENING = time(20, 0)


def local(day: date, wall: time, zone: ZoneInfo = NEW_YORK, *, fold: int = 0) -> datetime:
    """The UTC instant of a wall time, read the way the scheduler reads it."""
    return datetime.combine(day, wall, tzinfo=zone).replace(fold=fold).astimezone(UTC)


def chain(
    *, weekdays: range | set[int], times: set[time], zone: ZoneInfo, start: datetime, end: datetime
) -> list[datetime]:
    """Every slot in (start, end), found the way the dispatcher finds them."""
    fired: list[datetime] = []
    previous = start
    while True:
        slot = next_slot(weekdays=weekdays, times=times, zone=zone, after=previous)
        # Strictly later, or the walk would never end.
        assert slot is not None and slot > previous
        if slot >= end:
            return fired
        fired.append(slot)
        previous = slot


def transition_days(zone: ZoneInfo, year: int) -> tuple[date, date]:
    """The local dates on which `zone` springs forward and falls back in `year`."""
    spring: list[date] = []
    fall: list[date] = []
    day = date(year, 1, 1)
    while day.year == year:
        before = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
        after = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).utcoffset()
        assert before is not None and after is not None
        if after > before:
            spring.append(day)
        elif after < before:
            fall.append(day)
        day += timedelta(days=1)
    assert len(spring) == len(fall) == 1, (spring, fall)
    return spring[0], fall[0]


@dataclass(frozen=True)
class Case:
    zone: str
    spring: date  # the local date of the spring-forward change in 2026
    fall: date  # the local date of the fall-back change in 2026
    shift: timedelta  # how far the clocks move
    times: frozenset[time]  # besides EVENING
    moved: Mapping[time, time]  # on the spring day: wall time → where it fires
    repeated: frozenset[time]  # wall times that occur twice on the fall day


CASES = [
    # Gap 02:00-03:00 in March, repeated hour 01:00-02:00 in November.
    Case(
        zone="America/New_York",
        spring=date(2026, 3, 8),
        fall=date(2026, 11, 1),
        shift=timedelta(hours=1),
        times=frozenset({time(1, 30), time(2, 30)}),
        moved={time(2, 30): time(3, 30)},
        repeated=frozenset({time(1, 30)}),
    ),
    # The gap and the repeated hour are the same wall times: 02:00-03:00.
    Case(
        zone="Europe/Berlin",
        spring=date(2026, 3, 29),
        fall=date(2026, 10, 25),
        shift=timedelta(hours=1),
        times=frozenset({time(2, 15), time(2, 30)}),
        moved={time(2, 15): time(3, 15), time(2, 30): time(3, 30)},
        repeated=frozenset({time(2, 15), time(2, 30)}),
    ),
    # A 30-minute shift, southern hemisphere: gap 02:00-02:30 in October,
    # repeated 01:30-02:00 in April.
    Case(
        zone="Australia/Lord_Howe",
        spring=date(2026, 10, 4),
        fall=date(2026, 4, 5),
        shift=timedelta(minutes=30),
        times=frozenset({time(1, 45), time(2, 15)}),
        moved={time(2, 15): time(2, 45)},
        repeated=frozenset({time(1, 45)}),
    ),
    # Changes at 02:45 standard time: gap 02:45-03:45 in September, and
    # 02:45-03:45 again repeated in April.
    Case(
        zone="Pacific/Chatham",
        spring=date(2026, 9, 27),
        fall=date(2026, 4, 5),
        shift=timedelta(hours=1),
        times=frozenset({time(2, 50), time(3, 15)}),
        moved={time(2, 50): time(3, 50), time(3, 15): time(4, 15)},
        repeated=frozenset({time(2, 50), time(3, 15)}),
    ),
]


@pytest.mark.parametrize("change", ["spring", "fall"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.zone)
def test_it_fires_each_time_once_a_day_across_daylight_saving_changes(
    case: Case, change: str
) -> None:
    zone = ZoneInfo(case.zone)
    assert transition_days(zone, 2026) == (case.spring, case.fall)
    changed = case.spring if change == "spring" else case.fall
    days = [changed + timedelta(days=offset) for offset in range(-3, 4)]
    times = {*case.times, EVENING}

    fired = chain(
        weekdays=EVERY_DAY,
        times=times,
        zone=zone,
        start=local(days[0], time(0), zone),
        end=local(days[-1] + timedelta(days=1), time(0), zone),
    )

    assert all(slot.tzinfo is UTC for slot in fired)
    assert all(earlier < later for earlier, later in pairwise(fired))
    by_day: defaultdict[date, list[datetime]] = defaultdict(list)
    for slot in fired:
        by_day[slot.astimezone(zone).date()].append(slot)
    assert sorted(by_day) == days
    for day, slots in by_day.items():
        walls = sorted(slot.astimezone(zone).time() for slot in slots)
        if day == case.spring:
            assert walls == sorted(case.moved.get(wall, wall) for wall in times)
        else:
            assert walls == sorted(times)
        assert local(day, EVENING, zone) in slots

    if change == "spring":
        for wall, moved_to in case.moved.items():
            # The test's own premise: this wall time really is skipped that day.
            skipped = datetime.combine(case.spring, wall, tzinfo=zone)
            assert skipped.astimezone(UTC).astimezone(zone).time() == moved_to
            assert local(case.spring, wall, zone) in by_day[case.spring]
    else:
        for wall in case.repeated:
            first = local(case.fall, wall, zone, fold=0)
            second = local(case.fall, wall, zone, fold=1)
            assert second - first == case.shift
            assert first in by_day[case.fall]
            assert second not in by_day[case.fall]


def test_it_fires_only_on_the_chosen_weekdays() -> None:
    fired = chain(
        weekdays={MONDAY, WEDNESDAY},
        times={EVENING},
        zone=NEW_YORK,
        start=local(date(2026, 6, 1), time(0)),
        end=local(date(2026, 6, 15), time(0)),
    )
    assert fired == [
        local(date(2026, 6, 1), EVENING),
        local(date(2026, 6, 3), EVENING),
        local(date(2026, 6, 8), EVENING),
        local(date(2026, 6, 10), EVENING),
    ]


def test_it_skips_ahead_to_the_next_chosen_weekday() -> None:
    tuesday_noon = local(date(2026, 6, 2), time(12, 0))
    slot = next_slot(weekdays={MONDAY}, times={EVENING}, zone=NEW_YORK, after=tuesday_noon)
    assert slot == local(date(2026, 6, 8), EVENING)


def test_it_fires_several_times_a_day_in_order() -> None:
    fired = chain(
        weekdays=EVERY_DAY,
        times={EVENING, time(8, 0), time(12, 30)},
        zone=NEW_YORK,
        start=local(date(2026, 6, 1), time(0)),
        end=local(date(2026, 6, 2), time(12, 0)),
    )
    assert fired == [
        local(date(2026, 6, 1), time(8, 0)),
        local(date(2026, 6, 1), time(12, 30)),
        local(date(2026, 6, 1), EVENING),
        local(date(2026, 6, 2), time(8, 0)),
    ]


def test_it_returns_the_slot_after_one_it_is_given() -> None:
    slot = local(date(2026, 6, 1), time(8, 0))
    following = next_slot(
        weekdays=EVERY_DAY, times={time(8, 0), EVENING}, zone=NEW_YORK, after=slot
    )
    assert following == local(date(2026, 6, 1), EVENING)


def test_it_accepts_after_in_any_timezone() -> None:
    # 01:00 in Berlin on 2 June is still 1 June, 19:00 in New York.
    after = datetime(2026, 6, 2, 1, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    slot = next_slot(weekdays=EVERY_DAY, times={EVENING}, zone=NEW_YORK, after=after)
    assert slot == local(date(2026, 6, 1), EVENING)
    assert slot is not None and slot.tzinfo is UTC


def test_it_compares_a_moved_time_as_an_instant() -> None:
    # On 8 March 02:30 does not exist in New York and fires at 03:30 EDT,
    # after the 03:15 slot although its wall time is earlier.
    fired = chain(
        weekdays=EVERY_DAY,
        times={time(2, 30), time(3, 15)},
        zone=NEW_YORK,
        start=local(date(2026, 3, 8), time(0)),
        end=local(date(2026, 3, 9), time(0)),
    )
    assert [slot.astimezone(NEW_YORK).time() for slot in fired] == [time(3, 15), time(3, 30)]


def test_it_fires_once_when_a_moved_time_lands_on_another() -> None:
    fired = chain(
        weekdays=EVERY_DAY,
        times={time(2, 30), time(3, 30)},
        zone=NEW_YORK,
        start=local(date(2026, 3, 8), time(0)),
        end=local(date(2026, 3, 9), time(0)),
    )
    assert fired == [local(date(2026, 3, 8), time(3, 30))]


@pytest.mark.parametrize(
    ("weekdays", "times"), [(set(), {EVENING}), (EVERY_DAY, set()), (set(), set())]
)
def test_it_returns_none_without_weekdays_or_times(
    weekdays: range | set[int], times: set[time]
) -> None:
    moment = local(date(2026, 6, 1), time(12, 0))
    assert next_slot(weekdays=weekdays, times=times, zone=NEW_YORK, after=moment) is None
    assert (
        latest_slot_at_or_before(weekdays=weekdays, times=times, zone=NEW_YORK, at=moment) is None
    )


def test_it_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_slot(weekdays=EVERY_DAY, times={EVENING}, zone=NEW_YORK, after=datetime(2026, 6, 1))


def test_it_finds_the_latest_slot_at_exactly_a_slot() -> None:
    slot = local(date(2026, 6, 1), EVENING)
    latest = latest_slot_at_or_before(weekdays=EVERY_DAY, times={EVENING}, zone=NEW_YORK, at=slot)
    assert latest == slot


def test_it_finds_the_latest_slot_between_slots() -> None:
    latest = latest_slot_at_or_before(
        weekdays=EVERY_DAY,
        times={time(8, 0), EVENING},
        zone=NEW_YORK,
        at=local(date(2026, 6, 1), time(12, 0)),
    )
    assert latest == local(date(2026, 6, 1), time(8, 0))


def test_it_collapses_three_missed_days_into_the_latest_slot() -> None:
    # Down since before Monday's 20:00; back on Thursday at 09:00.
    latest = latest_slot_at_or_before(
        weekdays=EVERY_DAY,
        times={EVENING},
        zone=NEW_YORK,
        at=local(date(2026, 6, 4), time(9, 0)),
    )
    assert latest == local(date(2026, 6, 3), EVENING)


def test_it_looks_back_a_whole_week_for_the_latest_slot() -> None:
    latest = latest_slot_at_or_before(
        weekdays={TUESDAY},
        times={EVENING},
        zone=NEW_YORK,
        at=local(date(2026, 6, 9), time(19, 0)),
    )
    assert latest == local(date(2026, 6, 2), EVENING)


def test_it_does_not_count_a_moved_time_before_it_fires() -> None:
    # 02:30 on 8 March fires at 03:30 EDT, so at 03:00 EDT the latest is the day before.
    latest = latest_slot_at_or_before(
        weekdays=EVERY_DAY,
        times={time(2, 30)},
        zone=NEW_YORK,
        at=local(date(2026, 3, 8), time(3, 0)),
    )
    assert latest == local(date(2026, 3, 7), time(2, 30))
