"""The inbox: what I may know happened, newest first, each leading to its place.

What I may no longer see (revoked, paused, unpaired, deleted) leaves it on the
very next request: the consent rule filters it at read time.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from partners import services
from partners.models import Notification
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def inbox(api: APIClient, query: str = "") -> list[dict[str, Any]]:
    response = api.get(f"/api/v1/inbox{query}")
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


def kinds_of(api: APIClient) -> list[str]:
    return [item["kind"] for item in inbox(api)]


def new_trigger(api: APIClient, title: str = "Raised voices", *, share: bool = True) -> str:
    trigger = api.post("/api/v1/triggers", {"title": title, "notes": "mine"}, format="json")
    trigger_id = str(trigger.json()["id"])
    if share:
        assert api.post(f"/api/v1/triggers/{trigger_id}/share").status_code == 200
    return trigger_id


def unread(api: APIClient) -> int:
    return int(api.get("/api/v1/me").json()["unread_count"])


def test_it_shows_a_share_with_its_place(alice, bob, alice_api, bob_api) -> None:
    trigger_id = new_trigger(alice_api)

    (item,) = inbox(bob_api)

    assert item["kind"] == "shared"
    assert item["read"] is False
    assert item["target"] == {"type": "partner_trigger", "id": trigger_id}
    assert item["url"] == f"/partner#trigger-{trigger_id}"
    assert set(item) == {"id", "kind", "created_at", "read", "target", "url"}
    assert unread(bob_api) == 1
    # Alice learns that bob accepted her invitation, nothing of her own share.
    assert kinds_of(alice_api) == ["paired"]


def test_it_lists_newest_first_in_pages(alice, bob, alice_api, bob_api) -> None:
    ids = [new_trigger(alice_api, f"Trigger {n}") for n in range(3)]

    first = bob_api.get("/api/v1/inbox?page_size=2").json()
    second = bob_api.get(first["next"]).json()

    listed = [item["target"]["id"] for item in first["results"] + second["results"]]
    assert listed == list(reversed(ids))
    assert second["next"] is None


def test_it_tells_nothing_of_an_edit_to_private_notes(alice, bob, alice_api, bob_api) -> None:
    trigger_id = new_trigger(alice_api)
    bob_api.post("/api/v1/inbox/read", {"all": True}, format="json")

    alice_api.patch(f"/api/v1/triggers/{trigger_id}", {"notes": "still mine"}, format="json")
    assert kinds_of(bob_api) == ["shared"]
    assert unread(bob_api) == 0

    alice_api.patch(f"/api/v1/triggers/{trigger_id}", {"helps": "a walk"}, format="json")
    assert kinds_of(bob_api) == ["changed", "shared"]
    assert unread(bob_api) == 1


def test_it_tells_a_change_once_while_the_news_is_unread(alice, bob, alice_api, bob_api) -> None:
    trigger_id = new_trigger(alice_api)
    for helps in ("a walk", "tea"):
        alice_api.patch(f"/api/v1/triggers/{trigger_id}", {"helps": helps}, format="json")
    assert kinds_of(bob_api) == ["shared"]


def test_it_leads_to_the_exact_question_and_answer(alice, bob, alice_api, bob_api) -> None:
    trigger_id = new_trigger(alice_api)
    question = bob_api.post(
        f"/api/v1/partner/triggers/{trigger_id}/questions", {"text": "What helps?"}, format="json"
    ).json()

    asked = inbox(alice_api)[0]
    assert asked["kind"] == "question"
    assert asked["target"] == {"type": "question", "id": question["id"]}
    assert asked["url"] == f"/partner#question-{question['id']}"

    alice_api.post(f"/api/v1/questions/{question['id']}/answer", {"text": "Tea"}, format="json")
    answered = inbox(bob_api)[0]
    assert answered["kind"] == "answer"
    assert answered["url"] == f"/partner#question-{question['id']}"
    for api in (alice_api, bob_api):
        assert "What helps" not in str(inbox(api)) and "Tea" not in str(inbox(api))


def test_it_tells_of_acknowledgements_checkins_and_responses(
    alice, bob, alice_api, bob_api
) -> None:
    trigger_id = new_trigger(alice_api)
    bob_api.post(f"/api/v1/partner/triggers/{trigger_id}/acknowledge")
    checkin = alice_api.post(
        "/api/v1/checkins",
        {"pleasantness": 1, "energy": 0, "need": "listening", "shared": True},
        format="json",
    ).json()
    bob_api.post(
        f"/api/v1/partner/checkins/{checkin['id']}/responses", {"kind": "heard"}, format="json"
    )

    mine = inbox(alice_api)
    assert [item["kind"] for item in mine] == ["response", "acknowledged", "paired"]
    assert mine[0]["url"] == f"/today#checkin-{checkin['id']}"
    assert mine[1]["url"] == f"/mine#trigger-{trigger_id}"
    shared = inbox(bob_api)[0]
    assert shared["target"] == {"type": "partner_checkin", "id": checkin["id"]}
    assert shared["url"] == f"/today#checkin-{checkin['id']}"


def test_it_marks_read_by_ids_and_all(alice, bob, alice_api, bob_api) -> None:
    new_trigger(alice_api, "One")
    new_trigger(alice_api, "Two")
    newest, _ = inbox(bob_api)

    response = bob_api.post("/api/v1/inbox/read", {"ids": [newest["id"]]}, format="json")
    assert response.json() == {"unread_count": 1}
    assert [item["read"] for item in inbox(bob_api)] == [True, False]
    assert unread(bob_api) == 1

    # Someone else's ids are ignored like ids that never existed.
    paired = Notification.objects.get(recipient=alice, kind="paired")
    bob_api.post("/api/v1/inbox/read", {"ids": [str(paired.pk)]}, format="json")
    assert Notification.objects.get(pk=paired.pk).read_at is None

    assert bob_api.post("/api/v1/inbox/read", {"all": True}, format="json").json() == {
        "unread_count": 0
    }
    assert unread(bob_api) == 0


def test_it_refuses_a_read_mark_that_says_nothing(bob_api) -> None:
    response = bob_api.post("/api/v1/inbox/read", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "ids"


def test_a_revoked_share_leaves_the_inbox_on_the_next_request(
    alice, bob, alice_api, bob_api
) -> None:
    trigger_id = new_trigger(alice_api)
    assert unread(bob_api) == 1

    alice_api.delete(f"/api/v1/triggers/{trigger_id}/share")

    assert inbox(bob_api) == []
    assert unread(bob_api) == 0


def test_a_pause_hides_the_news_and_says_only_that_it_paused(
    alice, bob, alice_api, bob_api
) -> None:
    new_trigger(alice_api)
    alice_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")

    assert kinds_of(bob_api) == ["paused"]
    assert inbox(bob_api)[0]["target"] is None

    alice_api.patch("/api/v1/partnership", {"sharing_paused": False}, format="json")
    assert kinds_of(bob_api) == ["resumed", "paused", "shared"]


def test_an_ending_leaves_only_the_news_that_it_ended(alice, bob, alice_api, bob_api) -> None:
    new_trigger(alice_api)
    question_on = new_trigger(bob_api, "Bob's")
    alice_api.post(
        f"/api/v1/partner/triggers/{question_on}/questions", {"text": "Why?"}, format="json"
    )

    assert alice_api.delete("/api/v1/partnership").status_code == 204

    assert kinds_of(bob_api) == ["unpaired"]
    assert inbox(bob_api)[0]["target"] is None
    # The one who ended it knows; their inbox from that partnership is gone.
    assert kinds_of(alice_api) == []
    assert unread(bob_api) == 1


def test_a_deleted_account_leaves_only_the_news_that_it_ended(
    alice, bob, alice_api, bob_api
) -> None:
    new_trigger(alice_api)

    account_services.account_delete(user=alice, password=PASSWORD)

    assert kinds_of(bob_api) == ["unpaired"]


def test_a_deleted_item_leaves_the_inbox(alice, bob, alice_api, bob_api) -> None:
    trigger_id = new_trigger(alice_api)
    alice_api.delete(f"/api/v1/triggers/{trigger_id}")
    assert inbox(bob_api) == []


def test_a_next_partner_sees_nothing_of_the_last(alice, bob, carol, alice_api, login) -> None:
    new_trigger(alice_api)
    services.partnership_end(user=alice)
    from tests.conftest import pair

    pair(carol, alice)
    carol_api = login(carol)
    assert kinds_of(carol_api) == ["paired"]
    assert kinds_of(login(bob)) == ["unpaired"]


def count_queries(api: APIClient, path: str) -> int:
    assert api.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert api.get(path).status_code == 200
    return len(queries)


def test_it_reads_the_inbox_and_me_in_a_fixed_number_of_queries(
    alice, bob, alice_api, bob_api
) -> None:
    new_trigger(alice_api)
    one = count_queries(bob_api, "/api/v1/inbox?page_size=100")
    me_one = count_queries(bob_api, "/api/v1/me")

    for n in range(12):
        trigger_id = new_trigger(alice_api, f"Trigger {n}")
        alice_api.patch(f"/api/v1/triggers/{trigger_id}", {"helps": "tea"}, format="json")
    question = bob_api.post(
        f"/api/v1/partner/triggers/{trigger_id}/questions", {"text": "?"}, format="json"
    ).json()
    alice_api.post(f"/api/v1/questions/{question['id']}/answer", {"text": "!"}, format="json")
    alice_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    alice_api.patch("/api/v1/partnership", {"sharing_paused": False}, format="json")

    assert len(inbox(bob_api, "?page_size=100")) == 16
    assert count_queries(bob_api, "/api/v1/inbox?page_size=100") == one
    assert count_queries(bob_api, "/api/v1/me") == me_one


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns"])
def test_an_activity_renders_what_the_declared_fields_would(
    alice, bob, alice_api, bob_api, zone: str
) -> None:
    """The inbox renders by hand, from rows: it must stay what DRF's generic path
    renders from the declared fields, key order included, read or not, with a
    target and without."""
    from rest_framework import serializers as drf
    from rest_framework.renderers import JSONRenderer

    from partners.serializers import InboxItemSerializer

    new_trigger(alice_api)
    bob_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    Notification.objects.filter(recipient=bob).update(read_at=timezone.now())
    new_trigger(bob_api)  # unread, for alice
    activities = Notification.objects.order_by("created_at")
    assert {a.target_id is None for a in activities} == {True, False}
    assert {a.read_at is None for a in activities} == {True, False}
    with timezone.override(ZoneInfo(zone)):
        for activity in activities:
            declared = drf.ModelSerializer.to_representation(InboxItemSerializer(), activity)
            expected = JSONRenderer().render(declared)
            row = Notification.objects.values(*InboxItemSerializer.columns).get(pk=activity.pk)
            assert JSONRenderer().render(InboxItemSerializer(row).data) == expected
            assert JSONRenderer().render(InboxItemSerializer(activity).data) == expected
