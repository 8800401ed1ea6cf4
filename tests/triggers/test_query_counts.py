"""Every list of triggers, boundaries and questions, and the export, runs a fixed number of
queries whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from partners.models import Membership, Partnership
from tests.factories import (
    BoundaryFactory,
    QuestionFactory,
    SelfCareNoteFactory,
    TriggerFactory,
)
from triggers.models import SharedItem

pytestmark = pytest.mark.django_db

FACTORIES = {
    "triggers": TriggerFactory,
    "boundaries": BoundaryFactory,
    "self-care": SelfCareNoteFactory,
}


@dataclass
class Couple:
    """alice and bob, and the item of each kind that bob asks about (made on first use)."""

    alice: User
    bob: User
    partnership: Partnership
    targets: dict[str, SharedItem] = field(default_factory=dict)

    def shared_by(self, owner: User, kind: str) -> SharedItem:
        factory = FACTORIES[kind]
        return factory.create(owner=owner, shared_with=self.partnership, shared_at=timezone.now())

    def target(self, kind: str) -> SharedItem:
        if kind not in self.targets:
            self.targets[kind] = self.shared_by(self.alice, kind)
        return self.targets[kind]

    def ask(self, item: SharedItem, asker: User) -> None:
        QuestionFactory.create(
            item=item,
            asker=asker,
        )


@pytest.fixture
def couple(alice: User, bob: User) -> Couple:
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership
    return Couple(alice=alice, bob=bob, partnership=partnership)


def add_own(kind: str) -> Callable[[Couple, int], None]:
    def add(couple: Couple, count: int) -> None:
        for _ in range(count):
            FACTORIES[kind].create(owner=couple.alice, notes="private")

    return add


def add_shared(kind: str) -> Callable[[Couple, int], None]:
    def add(couple: Couple, count: int) -> None:
        for _ in range(count):
            couple.shared_by(couple.alice, kind)

    return add


def add_questions(kind: str) -> Callable[[Couple, int], None]:
    def add(couple: Couple, count: int) -> None:
        for _ in range(count):
            couple.ask(couple.target(kind), couple.bob)

    return add


# (path, who asks, add rows); `{item}` is the item the questions are about.
LISTS: list[tuple[str, str, Callable[[Couple, int], None]]] = [
    *(
        case
        for kind in FACTORIES
        for case in (
            (kind, "alice", add_own(kind)),
            (f"partner/{kind}", "bob", add_shared(kind)),
            (f"{kind}/{{item}}/questions", "alice", add_questions(kind)),
            (f"partner/{kind}/{{item}}/questions", "bob", add_questions(kind)),
        )
    )
]


def measure(client: APIClient, path: str) -> tuple[int, Any]:
    # A first request loads the session; measure a warm one.
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.parametrize(
    ("template", "viewer", "add_rows"), LISTS, ids=[template for template, *_ in LISTS]
)
def test_it_runs_the_same_queries_for_1_and_50_rows(
    template: str,
    viewer: str,
    add_rows: Callable[[Couple, int], None],
    couple: Couple,
    login: Callable[[User], APIClient],
) -> None:
    client = login(couple.alice if viewer == "alice" else couple.bob)

    def path() -> str:
        kind = next(k for k in FACTORIES if template.removeprefix("partner/").startswith(k))
        item = couple.targets.get(kind)
        return "/api/v1/" + template.format(item=item.pk if item else "") + "?page_size=100"

    add_rows(couple, 1)
    one, body = measure(client, path())
    assert len(body["results"]) == 1

    add_rows(couple, 49)
    fifty, body = measure(client, path())
    assert len(body["results"]) == 50
    assert body["next"] is None

    assert one == fifty


def add_export_rows(couple: Couple, count: int) -> None:
    """Per row: a trigger and a boundary of alice's, a question bob asked on that
    trigger, and one alice asked on a trigger bob shares."""
    if "bobs" not in couple.targets:
        couple.targets["bobs"] = couple.shared_by(couple.bob, "triggers")
    bobs = couple.targets["bobs"]
    for _ in range(count):
        trigger = couple.shared_by(couple.alice, "triggers")
        BoundaryFactory.create(owner=couple.alice, notes="private")
        couple.ask(trigger, couple.bob)
        couple.ask(bobs, couple.alice)


def export_rows(body: Any) -> list[int]:
    questions = body["questions"]
    return [
        len(body["triggers"]),
        len(body["boundaries"]),
        len(questions["asked"]),
        len(questions["received"]),
    ]


def test_it_exports_1_and_50_rows_with_the_same_queries(
    couple: Couple, login: Callable[[User], APIClient]
) -> None:
    client = login(couple.alice)

    add_export_rows(couple, 1)
    one, body = measure(client, "/api/v1/me/export")
    assert export_rows(body) == [1, 1, 1, 1]

    add_export_rows(couple, 49)
    fifty, body = measure(client, "/api/v1/me/export")
    assert export_rows(body) == [50, 50, 50, 50]

    assert one == fifty


def pause_and_resume(client: APIClient) -> tuple[int, int]:
    counts = []
    for paused in (True, False):
        with CaptureQueriesContext(connection) as queries:
            response = client.patch(
                "/api/v1/partnership", {"sharing_paused": paused}, format="json"
            )
        assert response.status_code == 200, response.content
        counts.append(len(queries))
    return counts[0], counts[1]


def test_pausing_with_1_and_20_shared_items_runs_the_same_queries(
    couple: Couple, login: Callable[[User], APIClient]
) -> None:
    client = login(couple.alice)
    client.get("/api/v1/me")  # load the session first

    def add(count: int) -> None:
        for kind in FACTORIES:
            for _ in range(count):
                couple.ask(couple.shared_by(couple.alice, kind), couple.bob)

    add(1)
    one = pause_and_resume(client)
    add(19)
    twenty = pause_and_resume(client)
    assert one == twenty


def test_the_partner_list_reads_the_person_the_partnership_and_the_page(
    couple: Couple, login: Callable[[User], APIClient]
) -> None:
    add_shared("triggers")(couple, 3)
    count, body = measure(login(couple.bob), "/api/v1/partner/triggers")
    assert len(body["results"]) == 3
    # Bob, whether alice still shares with him, the page. The session behind the
    # token comes from the cache (cached_db). Five before the session was read
    # without asking first whether it exists, four before the cache.
    assert count == 3
