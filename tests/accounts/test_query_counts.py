"""List endpoints and the export run a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from partners import stream
from partners.models import ConsentEvent, Membership, Notification, Partnership
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def add_consent_events(user: User, count: int) -> None:
    # Distinct, increasing timestamps: the cursor pages on created_at.
    start = timezone.now() - timedelta(days=1)
    offset = ConsentEvent.objects.count()
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            user=user,
            kind=ConsentEvent.Kind.SHARING_PAUSED,
            created_at=start + timedelta(seconds=offset + i),
        )
        for i in range(count)
    )


def add_invitations(user: User, count: int) -> None:
    for _ in range(count):
        InvitationFactory.create(inviter=user)


def add_ended_partnerships(user: User, count: int) -> None:
    for _ in range(count):
        ended = timezone.now()
        partnership = Partnership.objects.create(ended_at=ended)
        Membership.objects.create(partnership=partnership, user=user, ended_at=ended)


def add_export_rows(user: User, count: int) -> None:
    add_invitations(user, count)
    add_ended_partnerships(user, count)
    add_consent_events(user, count)


def measure(client: APIClient, path: str) -> tuple[int, Any]:
    # A first request loads the session; measure a warm one.
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def results(body: Any) -> list[Any]:
    return body["results"]


def export_rows(body: Any) -> list[int]:
    return [len(body["invitations"]), len(body["partnerships"]), len(body["consent_log"])]


ENDPOINTS: list[tuple[str, Callable[[User, int], None], Callable[[Any], Any], Any, Any]] = [
    # (path, add rows, how many rows the body holds, holds with 1 row, with 20)
    ("/api/v1/invitations", add_invitations, lambda b: len(results(b)), 1, 20),
    ("/api/v1/consent-log", add_consent_events, lambda b: len(results(b)), 1, 20),
    ("/api/v1/me/export", add_export_rows, export_rows, [1, 1, 1], [20, 20, 20]),
]


@pytest.mark.parametrize(
    ("path", "add_rows", "count_rows", "one", "twenty"),
    ENDPOINTS,
    ids=[path.removeprefix("/api/v1/") for path, *_ in ENDPOINTS],
)
def test_it_runs_the_same_queries_for_1_and_20_rows(
    path: str,
    add_rows: Callable[[User, int], None],
    count_rows: Callable[[Any], Any],
    one: Any,
    twenty: Any,
    carol: User,
    carol_api: APIClient,
) -> None:
    add_rows(carol, 1)
    n1, body = measure(carol_api, path)
    assert count_rows(body) == one

    add_rows(carol, 19)
    n20, body = measure(carol_api, path)
    assert count_rows(body) == twenty

    assert n1 == n20


PAGINATED = {
    "/api/v1/invitations": add_invitations,
    "/api/v1/consent-log": add_consent_events,
}


@pytest.mark.parametrize("path", PAGINATED, ids=lambda p: p.removeprefix("/api/v1/"))
def test_it_pages_with_page_size_and_next(path: str, carol: User, carol_api: APIClient) -> None:
    PAGINATED[path](carol, 8)

    first = carol_api.get(path, {"page_size": 5})
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"results", "next"}
    assert len(body["results"]) == 5
    assert body["next"]

    second = carol_api.get(body["next"])
    assert second.status_code == 200
    rest = second.json()
    assert len(rest["results"]) == 3
    assert rest["next"] is None

    ids = [item["id"] for item in body["results"] + rest["results"]]
    assert len(set(ids)) == 8
    # Newest first across both pages.
    stamps = [item["created_at"] for item in body["results"] + rest["results"]]
    assert stamps == sorted(stamps, reverse=True)


def test_it_caps_page_size_at_100(carol: User, carol_api: APIClient) -> None:
    add_consent_events(carol, 105)

    body = carol_api.get("/api/v1/consent-log", {"page_size": 500}).json()
    assert len(body["results"]) == 100
    assert body["next"]

    rest = carol_api.get(body["next"]).json()
    assert len(rest["results"]) == 5
    assert rest["next"] is None


def test_it_pages_50_by_default(carol: User, carol_api: APIClient) -> None:
    add_consent_events(carol, 51)
    body = carol_api.get("/api/v1/consent-log").json()
    assert len(body["results"]) == 50
    assert len(carol_api.get(body["next"]).json()["results"]) == 1


def test_it_runs_the_same_queries_for_a_full_page_of_100(carol: User, carol_api: APIClient) -> None:
    add_consent_events(carol, 1)
    n1, body = measure(carol_api, "/api/v1/consent-log?page_size=100")
    assert len(results(body)) == 1

    add_consent_events(carol, 104)
    n100, body = measure(carol_api, "/api/v1/consent-log?page_size=100")
    assert len(results(body)) == 100
    # A further page exists; asking whether it does costs no extra query per row.
    assert body["next"]
    assert n1 == n100


def test_me_reads_only_the_person(carol: User, carol_api: APIClient) -> None:
    count, body = measure(carol_api, "/api/v1/me")
    assert body["email"] == carol.email
    # The session comes from the cache (cached_db): three queries before the
    # session was read without asking first whether it exists, two before the cache.
    # Then whether anything waits unread: nothing does, so no viewer and no count.
    assert count == 2


def test_me_counts_unread_in_a_fixed_number_of_queries(alice, bob, login) -> None:
    alice_api = login(alice)
    stream.record(
        recipient_id=alice.pk,
        kind=Notification.Kind.PAUSED,
        partnership_id=alice.memberships.get().partnership_id,
    )
    few, body = measure(alice_api, "/api/v1/me")
    waiting = body["unread_count"]
    assert waiting >= 1
    for _ in range(20):
        stream.record(
            recipient_id=alice.pk,
            kind=Notification.Kind.RESUMED,
            partnership_id=alice.memberships.get().partnership_id,
        )
    many, body = measure(alice_api, "/api/v1/me")
    assert body["unread_count"] == waiting + 20
    # Which target types wait unread (nothing: no viewer, no count), the viewer,
    # and the count through the consent rule for those types only.
    assert few == many == 4
