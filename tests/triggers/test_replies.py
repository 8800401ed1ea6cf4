"""A question's thread after its first turn: replies from both sides, through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from partners.models import Notification
from tests.authz import assert_error_body, ids
from tests.factories import TriggerFactory
from triggers.models import Reply

pytestmark = pytest.mark.django_db

FROM_BOB = "Is-a-walk-enough-3e1f?"
FROM_ALICE = "A-walk-and-then-tea-77c2"


def ask(alice_api: APIClient, bob_api: APIClient, alice: User) -> tuple[Any, str]:
    trigger = TriggerFactory.create(owner=alice, title="Raised voices")
    assert alice_api.post(f"/api/v1/triggers/{trigger.pk}/share").status_code == 200
    asked = bob_api.post(
        f"/api/v1/partner/triggers/{trigger.pk}/questions", {"text": "What helps?"}, format="json"
    )
    assert asked.status_code == 201
    assert asked.json()["reply_count"] == 0
    return trigger, asked.json()["id"]


def reply(client: APIClient, question_id: str, text: str) -> Any:
    return client.post(f"/api/v1/questions/{question_id}/replies", {"text": text}, format="json")


def test_it_keeps_a_thread_going_both_ways_in_order(
    alice: User, bob: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    trigger, question_id = ask(alice_api, bob_api, alice)
    answered = alice_api.post(
        f"/api/v1/questions/{question_id}/answer", {"text": "A slow walk"}, format="json"
    )
    assert answered.status_code == 200  # the first answer still works as it did
    assert reply(bob_api, question_id, FROM_BOB).status_code == 201
    assert reply(alice_api, question_id, FROM_ALICE).status_code == 201

    for client, mine in ((alice_api, [False, True]), (bob_api, [True, False])):
        thread = client.get(f"/api/v1/questions/{question_id}/replies").json()["results"]
        assert [(r["text"], r["by"], r["mine"]) for r in thread] == [
            (FROM_BOB, "asker", mine[0]),
            (FROM_ALICE, "owner", mine[1]),
        ]
    listed = alice_api.get(f"/api/v1/triggers/{trigger.pk}/questions").json()["results"]
    assert [q["reply_count"] for q in listed] == [2]
    assert [q["reply_count"] for q in bob_api.get("/api/v1/questions").json()["results"]] == [2]

    # Each side heard of the other's reply: alice as of a question, bob of an answer.
    heard = Notification.objects.filter(target_id=question_id).order_by("created_at")
    assert [(n.recipient_id, n.kind) for n in heard] == [
        (alice.pk, Notification.Kind.QUESTION),
        (bob.pk, Notification.Kind.ANSWER),
        (alice.pk, Notification.Kind.QUESTION),
        (bob.pk, Notification.Kind.ANSWER),
    ]


def test_it_stores_replies_encrypted(alice: User, alice_api: APIClient, bob_api: APIClient) -> None:
    _, question_id = ask(alice_api, bob_api, alice)
    reply(bob_api, question_id, FROM_BOB)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {Reply._meta.db_table}")
        (stored,) = cursor.fetchone()
    assert FROM_BOB not in stored
    assert Reply.objects.get().text == FROM_BOB


def test_it_closes_the_thread_to_bob_while_the_item_is_not_shared_with_him(
    alice: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    trigger, question_id = ask(alice_api, bob_api, alice)
    alice_api.delete(f"/api/v1/triggers/{trigger.pk}/share")
    for response in (
        bob_api.get(f"/api/v1/questions/{question_id}/replies"),
        reply(bob_api, question_id, FROM_BOB),
    ):
        assert_error_body(response, 404, "not_found")
    # alice still reads and writes her thread with bob.
    assert reply(alice_api, question_id, FROM_ALICE).status_code == 201
    alice_api.post(f"/api/v1/triggers/{trigger.pk}/share")
    assert [
        r["text"] for r in bob_api.get(f"/api/v1/questions/{question_id}/replies").json()["results"]
    ] == [FROM_ALICE]


def test_it_keeps_the_askers_replies_and_drops_the_owners_when_the_item_goes(
    alice: User, bob: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    trigger, question_id = ask(alice_api, bob_api, alice)
    reply(bob_api, question_id, FROM_BOB)
    reply(alice_api, question_id, FROM_ALICE)
    assert alice_api.delete(f"/api/v1/triggers/{trigger.pk}").status_code == 204

    assert list(Reply.objects.values_list("author_id", flat=True)) == [bob.pk]
    assert_error_body(bob_api.get(f"/api/v1/questions/{question_id}/replies"), 404, "not_found")
    bobs = bob_api.get("/api/v1/me/export").json()["questions"]
    assert [r["text"] for r in bobs["my_replies"]] == [FROM_BOB]
    assert bobs["asked"][0]["item_id"] is None
    assert FROM_ALICE not in bob_api.get("/api/v1/me/export").content.decode()
    assert alice_api.get("/api/v1/me/export").json()["questions"]["my_replies"] == []


def test_it_exports_only_ones_own_replies(
    alice: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    _, question_id = ask(alice_api, bob_api, alice)
    reply(bob_api, question_id, FROM_BOB)
    reply(alice_api, question_id, FROM_ALICE)
    alices = alice_api.get("/api/v1/me/export").json()["questions"]["my_replies"]
    assert [(r["question"], r["text"]) for r in alices] == [(question_id, FROM_ALICE)]
    assert FROM_BOB not in str(alices)


def test_it_refuses_an_empty_or_overlong_reply_in_our_voice(
    alice: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    _, question_id = ask(alice_api, bob_api, alice)
    for text, code in (("", "blank"), ("x" * 2001, "max_length")):
        response = reply(bob_api, question_id, text)
        assert_error_body(response, 400, code)
        assert "This field" not in response.content.decode()
    assert not Reply.objects.exists()


def test_it_reads_a_thread_in_a_fixed_number_of_queries(
    alice: User, alice_api: APIClient, bob_api: APIClient, login: Callable[[User], APIClient]
) -> None:
    _, question_id = ask(alice_api, bob_api, alice)
    path = f"/api/v1/questions/{question_id}/replies"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert bob_api.get(path).status_code == 200
        return len(queries)

    reply(bob_api, question_id, "One")
    few = count()
    for n in range(6):
        reply(alice_api if n % 2 else bob_api, question_id, f"Reply {n}")
    assert count() == few
    assert len(ids(bob_api.get(path + "?page_size=3"))) == 3
