"""Us over time: `GET /api/v1/checkins/over-time`, both partners' shared check-ins
week by week, once both agree to look back together (`PATCH partnership
{"over_time": true}`, tested in tests/partners/test_over_time_agreement.py).

Each side holds only what its owner shares with the current partnership and does
not pause: never a private check-in, nor one shared with an ex-partner, not even
in a count. Who may call it at all is in the authorization table at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from checkins.models import CheckIn
from partners import services as partners_services
from partners.models import ConsentEvent, Membership
from tests import authz
from tests.authz import Cast, Row, assert_error_body
from tests.factories import CheckInFactory

pytestmark = pytest.mark.django_db

PATH = "/api/v1/checkins/over-time"
AUCKLAND = ZoneInfo("Pacific/Auckland")
UTC = ZoneInfo("UTC")


def agree(*people: User) -> None:
    for person in people:
        partners_services.partnership_set_over_time(user=person, agreed=True)


def this_monday(zone: ZoneInfo) -> date:
    today = timezone.now().astimezone(zone).date()
    return today - timedelta(days=today.weekday())


def at(day: date, hour: int, zone: ZoneInfo = UTC) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone)


def shared(owner: User, *, when: datetime, pleasantness: int = 0, energy: int = 0) -> CheckIn:
    """A check-in `owner` shares with their current partnership."""
    partnership = Membership.objects.get(user=owner, ended_at=None).partnership
    return CheckInFactory.create(
        owner=owner,
        created_at=when,
        pleasantness=pleasantness,
        energy=energy,
        shared_with=partnership,
        shared_at=when,
    )


def private(owner: User, *, when: datetime, pleasantness: int = 2, energy: int = 2) -> CheckIn:
    return CheckInFactory.create(
        owner=owner, created_at=when, pleasantness=pleasantness, energy=energy
    )


def side(count: int, pleasantness: float | None = None, energy: float | None = None) -> dict:
    return {"count": count, "pleasantness": pleasantness, "energy": energy}


EMPTY = side(0)


def test_it_shows_both_sides_week_by_week_once_both_agree(
    alice: User, bob: User, dave: User, alice_api: APIClient
) -> None:
    agree(alice, bob)
    monday = this_monday(UTC)
    last_week = monday - timedelta(weeks=1)
    shared(alice, when=at(last_week, 9), pleasantness=2, energy=-1)
    shared(alice, when=at(last_week, 20), pleasantness=-1, energy=-2)
    shared(alice, when=at(last_week + timedelta(days=2), 8), pleasantness=0, energy=1)
    shared(bob, when=at(last_week, 10), pleasantness=1, energy=1)
    shared(bob, when=at(monday - timedelta(weeks=5), 10), pleasantness=-2, energy=0)
    # Never counted: private ones, and one alice once shared with dave.
    private(alice, when=at(last_week, 11))
    private(bob, when=at(last_week, 12))
    private(bob, when=at(monday - timedelta(weeks=3), 12))
    with_dave = Membership.objects.get(user=dave).partnership
    CheckInFactory.create(
        owner=alice, created_at=at(last_week, 13), pleasantness=2, energy=2, shared_with=with_dave
    )

    response = alice_api.get(PATH)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["timezone"] == "UTC"
    assert (body["sharing_paused"], body["partner_sharing_paused"]) == (False, False)
    weeks = body["weeks"]
    assert len(weeks) == 12
    assert [week["start"] for week in weeks] == [
        (monday - timedelta(weeks=11 - n)).isoformat() for n in range(12)
    ]
    by_start = {week["start"]: (week["mine"], week["partner"]) for week in weeks}
    assert by_start[last_week.isoformat()] == (side(3, 0.33, -0.67), side(1, 1.0, 1.0))
    assert by_start[(monday - timedelta(weeks=5)).isoformat()] == (EMPTY, side(1, -2.0, 0.0))
    others = [
        sides
        for start, sides in by_start.items()
        if start not in {last_week.isoformat(), (monday - timedelta(weeks=5)).isoformat()}
    ]
    assert others == [(EMPTY, EMPTY)] * 10


def test_it_shows_the_partner_the_same_weeks_from_their_side(
    alice: User, bob: User, bob_api: APIClient
) -> None:
    agree(alice, bob)
    last_week = this_monday(UTC) - timedelta(weeks=1)
    shared(alice, when=at(last_week, 9), pleasantness=2, energy=-1)
    shared(bob, when=at(last_week, 10), pleasantness=1, energy=1)

    weeks = bob_api.get(PATH).json()["weeks"]

    assert (weeks[-2]["mine"], weeks[-2]["partner"]) == (side(1, 1.0, 1.0), side(1, 2.0, -1.0))


def test_it_counts_weeks_in_the_viewers_timezone(
    alice: User, bob: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    alice.timezone = "Pacific/Auckland"
    alice.save(update_fields=["timezone"])
    agree(alice, bob)
    # Half past midnight on Monday in Auckland is still Sunday in UTC.
    monday_in_auckland = this_monday(AUCKLAND) - timedelta(weeks=1)
    shared(alice, when=at(monday_in_auckland, 0, AUCKLAND).replace(minute=30), pleasantness=1)

    hers = alice_api.get(PATH).json()
    his = bob_api.get(PATH).json()

    assert hers["timezone"] == "Pacific/Auckland"
    counted = {week["start"]: week["mine"]["count"] for week in hers["weeks"]}
    assert counted[monday_in_auckland.isoformat()] == 1
    assert sum(counted.values()) == 1
    sunday_in_utc = monday_in_auckland - timedelta(days=1)
    his_weeks = {week["start"]: week["partner"]["count"] for week in his["weeks"]}
    assert his_weeks[(sunday_in_utc - timedelta(days=6)).isoformat()] == 1
    assert sum(his_weeks.values()) == 1


def test_it_leaves_a_pausing_persons_side_empty(
    alice: User, bob: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    agree(alice, bob)
    last_week = this_monday(UTC) - timedelta(weeks=1)
    shared(alice, when=at(last_week, 9), pleasantness=1)
    shared(bob, when=at(last_week, 10), pleasantness=-1)
    partners_services.partnership_set_paused(user=bob, paused=True)

    hers = alice_api.get(PATH).json()
    his = bob_api.get(PATH).json()

    assert (hers["sharing_paused"], hers["partner_sharing_paused"]) == (False, True)
    assert (hers["weeks"][-2]["mine"], hers["weeks"][-2]["partner"]) == (side(1, 1.0, 0.0), EMPTY)
    # What bob pauses is hidden from both of them, so neither reads what the other cannot.
    assert (his["sharing_paused"], his["partner_sharing_paused"]) == (True, False)
    assert (his["weeks"][-2]["mine"], his["weeks"][-2]["partner"]) == (EMPTY, side(1, 1.0, 0.0))


def test_it_forgets_a_share_taken_back(alice: User, bob: User, bob_api: APIClient) -> None:
    agree(alice, bob)
    last_week = this_monday(UTC) - timedelta(weeks=1)
    checkin = shared(alice, when=at(last_week, 9))
    assert bob_api.get(PATH).json()["weeks"][-2]["partner"]["count"] == 1

    CheckIn.objects.filter(pk=checkin.pk).update(shared_with=None, shared_at=None)

    assert bob_api.get(PATH).json()["weeks"][-2]["partner"] == EMPTY


@pytest.mark.parametrize(
    ("agreeing", "who", "message"),
    [
        ((), "alice", "Neither of you has yet."),
        (("alice",), "alice", "once Bob agrees too"),
        (("bob",), "alice", "Bob would like to look back together"),
        (("alice",), "bob", "Alice would like to look back together"),
    ],
)
def test_it_says_who_has_not_agreed_yet(
    agreeing: tuple[str, ...],
    who: str,
    message: str,
    alice: User,
    bob: User,
    login: Callable[[User], APIClient],
) -> None:
    people = {"alice": alice, "bob": bob}
    agree(*(people[name] for name in agreeing))
    shared(bob, when=timezone.now() - timedelta(days=1))

    response = login(people[who]).get(PATH)

    assert response.status_code == 409
    assert_error_body(response, 409, "over_time_not_agreed")
    assert message in response.json()["errors"][0]["message"]
    assert "count" not in response.content.decode()


def test_it_closes_again_when_one_stops_agreeing(
    alice: User, bob: User, alice_api: APIClient
) -> None:
    agree(alice, bob)
    assert alice_api.get(PATH).status_code == 200

    partners_services.partnership_set_over_time(user=bob, agreed=False)

    assert_error_body(alice_api.get(PATH), 409, "over_time_not_agreed")


def test_it_does_not_carry_an_agreement_into_the_next_partnership(
    alice: User, bob: User, erin: User, login: Callable[[User], APIClient]
) -> None:
    agree(alice, bob)
    Cast(alice=alice, bob=bob, dave=erin, erin=erin, carol=erin).move_on()
    shared(alice, when=timezone.now() - timedelta(days=1))

    for person in (alice, erin):
        assert_error_body(login(person).get(PATH), 409, "over_time_not_agreed")
    assert_error_body(login(bob).get(PATH), 404, "not_found")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("weeks=0", "at least one week"),
        ("weeks=53", "at most 52 weeks"),
        ("weeks=soon", "whole number"),
    ],
)
def test_it_refuses_a_number_of_weeks_out_of_range(
    query: str, message: str, alice: User, bob: User, alice_api: APIClient
) -> None:
    agree(alice, bob)
    response = alice_api.get(f"{PATH}?{query}")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["param"] == "weeks"
    assert message in error["message"]


def test_it_looks_back_as_many_weeks_as_asked(alice: User, bob: User, alice_api: APIClient) -> None:
    agree(alice, bob)
    shared(alice, when=at(this_monday(UTC) - timedelta(weeks=51), 12))

    one = alice_api.get(f"{PATH}?weeks=1").json()["weeks"]
    year = alice_api.get(f"{PATH}?weeks=52").json()["weeks"]

    assert [week["start"] for week in one] == [this_monday(UTC).isoformat()]
    assert len(year) == 52
    assert year[0]["mine"]["count"] == 1


def test_it_runs_the_same_queries_for_1_and_200_check_ins(
    alice: User, bob: User, alice_api: APIClient
) -> None:
    agree(alice, bob)
    now = timezone.now()

    def measure() -> int:
        assert alice_api.get(PATH).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert alice_api.get(PATH).status_code == 200
        return len(queries)

    shared(alice, when=now - timedelta(days=1))
    one = measure()
    for n in range(100):
        shared(alice, when=now - timedelta(days=n % 80, hours=1))
        shared(bob, when=now - timedelta(days=n % 80, hours=2))
    assert measure() == one


def test_it_answers_404_to_someone_without_a_partner(
    dave: User, carol: User, login: Callable[[User], APIClient]
) -> None:
    for person in (dave, carol):
        assert_error_body(login(person).get(PATH), 404, "not_found")


# The authorization table of the route once both agree; the check-ins table
# (tests/checkins/test_authorization.py) has its row for when nobody has agreed.

#                                             ali bsh bun bpa bre dav eri car ano
ROWS = authz.rows("shared", authz.SHARING, [
    ("GET", "checkins/over-time", None,        "200 200 200 200 200 404 409 404 401"),
])  # fmt: skip


@dataclass
class World:
    users: dict[str, User]
    setup: str

    def item_id(self, template: str) -> Any:
        return None

    def hidden(self, row: Row) -> set[str]:
        return set()  # the answer holds counts and averages, never an id or a note


def build(setup: str) -> Callable[[Cast], World]:
    """alice and bob both agree; alice shares one check-in of last week with bob
    (per setup: shared, never shared, shared while she pauses, taken back) and
    keeps one private; dave was once shared one too."""

    def make(cast: Cast) -> World:
        alice, bob, dave = cast.alice, cast.bob, cast.dave
        agree(alice, bob)
        last_week = this_monday(UTC) - timedelta(weeks=1)
        private(alice, when=at(last_week, 8))
        with_dave = Membership.objects.get(user=dave).partnership
        CheckInFactory.create(owner=alice, created_at=at(last_week, 9), shared_with=with_dave)
        subject = shared(alice, when=at(last_week, 10), pleasantness=1, energy=-1)
        if setup == "unshared":
            CheckIn.objects.filter(pk=subject.pk).update(shared_with=None, shared_at=None)
        if setup == "paused":
            partners_services.partnership_set_paused(user=alice, paused=True)
        if setup == "revoked":
            CheckIn.objects.filter(pk=subject.pk).update(shared_with=None)
        return World(users=cast.users, setup=setup)

    return make


def shows(world: World, row: Row, body: Any) -> None:
    """alice's side holds her one shared check-in while bob could read it, and
    nothing else: not her private one, not the one once shared with dave."""
    side = "mine" if row.actor == "alice" else "partner"
    count = sum(week[side]["count"] for week in body["weeks"])
    assert count == (1 if world.setup == "shared" else 0)


def snapshot() -> authz.Snapshot:
    return {
        "checkins": authz.rows_of(CheckIn, "pk", "shared_with_id"),
        "memberships": authz.rows_of(Membership, "pk", "over_time_since", "sharing_paused"),
        "consent_events": authz.rows_of(ConsentEvent, "pk"),
    }


TABLE = authz.Table(
    rows=ROWS,
    setups={name: build(name) for name in authz.SHARING_SETUPS},
    snapshot=snapshot,
    shows=shows,
)


@TABLE.parametrize()
def test_it_answers_each_actor_as_the_table_says_once_both_agree(row: Row, cast: Cast) -> None:
    TABLE.check(row, cast)
