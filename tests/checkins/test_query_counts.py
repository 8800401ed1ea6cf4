"""Every list of check-ins and prompts, and the export with check-in data, runs a fixed
number of queries whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from checkins import services
from checkins.models import CheckIn
from partners.models import Membership, Partnership
from tests.factories import CheckInFactory, PromptFactory, ResponseFactory, TriggerFactory

pytestmark = pytest.mark.django_db

TRIGGERS_PER_CHECKIN = 2


@dataclass
class Couple:
    alice: User
    bob: User
    partnership: Partnership

    def shared_by(self, owner: User) -> CheckIn:
        """An answer shared with the partner, linked to triggers, with one response."""
        checkin = CheckInFactory.create(
            owner=owner, shared_with=self.partnership, shared_at=timezone.now()
        )
        checkin.triggers.set(
            [TriggerFactory.create(owner=owner) for _ in range(TRIGGERS_PER_CHECKIN)]
        )
        partner = self.bob if owner == self.alice else self.alice
        ResponseFactory.create(checkin=checkin, responder=partner)
        return checkin


@pytest.fixture
def couple(alice: User, bob: User) -> Couple:
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership
    return Couple(alice=alice, bob=bob, partnership=partnership)


def add_checkins(couple: Couple, count: int) -> None:
    for _ in range(count):
        couple.shared_by(couple.alice)
    # bob's own answers never count in alice's list.
    CheckInFactory.create(owner=couple.bob)


def add_prompts(couple: Couple, count: int) -> None:
    for _ in range(count):
        PromptFactory.create(user=couple.alice)
    # Another person's prompt never counts.
    PromptFactory.create(user=couple.bob)


def add_partner_checkins(couple: Couple, count: int) -> None:
    for _ in range(count):
        couple.shared_by(couple.alice)
    # alice's private answers stay out of bob's list.
    CheckInFactory.create(owner=couple.alice)


def linked_and_responses(row: dict[str, Any]) -> tuple[int, int]:
    return len(row.get("trigger_ids", [])), len(row["responses"])


# (path, who asks, add rows, what each row holds: linked triggers and responses).
LISTS: list[tuple[str, str, Callable[[Couple, int], None], set[Any]]] = [
    ("checkins", "alice", add_checkins, {(TRIGGERS_PER_CHECKIN, 1)}),
    ("checkins/prompts", "alice", add_prompts, set()),
    ("checkins/prompts?status=pending", "alice", add_prompts, set()),
    # The partner's view names no triggers.
    ("partner/checkins", "bob", add_partner_checkins, {(0, 1)}),
]


def measure(client: APIClient, path: str) -> tuple[int, Any]:
    # A first request loads the session; measure a warm one.
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def with_page_size(path: str) -> str:
    return f"/api/v1/{path}{'&' if '?' in path else '?'}page_size=100"


@pytest.mark.parametrize(
    ("path", "viewer", "add_rows", "holds"), LISTS, ids=[path for path, *_ in LISTS]
)
def test_it_runs_the_same_queries_for_1_and_50_rows(
    path: str,
    viewer: str,
    add_rows: Callable[[Couple, int], None],
    holds: set[Any],
    couple: Couple,
    login: Callable[[User], APIClient],
) -> None:
    client = login(couple.alice if viewer == "alice" else couple.bob)

    add_rows(couple, 1)
    one, body = measure(client, with_page_size(path))
    assert len(body["results"]) == 1

    add_rows(couple, 49)
    fifty, body = measure(client, with_page_size(path))
    assert len(body["results"]) == 50
    assert body["next"] is None
    if holds:
        # The prefetched details are there, not just the rows.
        assert {linked_and_responses(row) for row in body["results"]} == holds
        if "trigger_ids" in body["results"][0]:
            linked = {t for row in body["results"] for t in row["trigger_ids"]}
            assert len(linked) == 50 * TRIGGERS_PER_CHECKIN

    assert one == fifty


def add_export_rows(couple: Couple, count: int) -> None:
    """Per row: a shared answer of alice's (linked triggers, bob's response), a prompt
    of hers, and her response to an answer bob shares."""
    for _ in range(count):
        couple.shared_by(couple.alice)
        PromptFactory.create(user=couple.alice)
        couple.shared_by(couple.bob)


def export_rows(body: Any) -> list[Any]:
    section = body["checkins"]
    return [
        section["schedule"]["times"],
        len(section["answers"]),
        {linked_and_responses(answer) for answer in section["answers"]},
        len(section["prompts"]),
        len(section["responses_given"]),
    ]


def test_it_exports_1_and_50_rows_with_the_same_queries(
    couple: Couple, login: Callable[[User], APIClient]
) -> None:
    client = login(couple.alice)
    services.schedule_save(
        user=couple.alice, active=True, weekdays=[0], times=["20:00"], timezone_name="UTC"
    )

    add_export_rows(couple, 1)
    one, body = measure(client, "/api/v1/me/export")
    assert export_rows(body) == [["20:00"], 1, {(TRIGGERS_PER_CHECKIN, 1)}, 1, 1]

    add_export_rows(couple, 49)
    fifty, body = measure(client, "/api/v1/me/export")
    assert export_rows(body) == [["20:00"], 50, {(TRIGGERS_PER_CHECKIN, 1)}, 50, 50]

    assert one == fifty
