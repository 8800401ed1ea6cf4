"""One response per person per check-in, with a note, changed or taken back; and a
check-in made by hand answers the reminder that was waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from checkins.models import CheckIn, Prompt, Response
from partners.models import Membership, Notification
from tests.authz import assert_error_body
from tests.factories import CheckInFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def shared_checkin(alice_api: APIClient) -> str:
    made = alice_api.post(
        "/api/v1/checkins", {"pleasantness": -1, "energy": -1, "shared": True}, format="json"
    )
    assert made.status_code == 201
    return str(made.json()["id"])


def test_it_keeps_one_response_per_person_and_tells_the_owner_once(
    alice: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    checkin_id = shared_checkin(alice_api)
    path = f"/api/v1/partner/checkins/{checkin_id}/responses"

    first = bob_api.post(path, {"kind": "giving_space"}, format="json")
    assert first.status_code == 201
    changed = bob_api.post(path, {"kind": "want_to_talk", "note": "After dinner?"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["id"] == first.json()["id"]

    (response,) = Response.objects.all()
    assert (response.kind, response.note) == ("want_to_talk", "After dinner?")
    seen = alice_api.get(f"/api/v1/checkins/{checkin_id}").json()["responses"]
    assert [(r["kind"], r["note"]) for r in seen] == [("want_to_talk", "After dinner?")]
    told = Notification.objects.filter(recipient=alice, kind=Notification.Kind.RESPONSE)
    assert told.count() == 1


def test_it_lets_the_responder_take_it_back(alice_api: APIClient, bob_api: APIClient) -> None:
    checkin_id = shared_checkin(alice_api)
    path = f"/api/v1/partner/checkins/{checkin_id}/responses"
    bob_api.post(path, {"kind": "heard", "note": "Here"}, format="json")

    assert bob_api.delete(path).status_code == 204
    assert not Response.objects.exists()
    assert alice_api.get(f"/api/v1/checkins/{checkin_id}").json()["responses"] == []
    again = bob_api.delete(path)
    assert_error_body(again, 404, "not_found")
    assert "responded" in again.json()["errors"][0]["message"]
    # alice cannot take back what is bob's to take back.
    assert alice_api.delete(path).status_code == 404


def test_it_refuses_a_note_over_the_limit_in_our_voice(
    alice_api: APIClient, bob_api: APIClient
) -> None:
    checkin_id = shared_checkin(alice_api)
    response = bob_api.post(
        f"/api/v1/partner/checkins/{checkin_id}/responses",
        {"kind": "heard", "note": "x" * 501},
        format="json",
    )
    assert_error_body(response, 400, "max_length")
    assert "Ensure this field" not in response.content.decode()
    assert not Response.objects.exists()


def test_it_refuses_a_second_response_row_in_the_database(alice: User, bob: User) -> None:
    checkin = CheckInFactory.create(owner=alice)
    together = Membership.objects.get(user=bob, ended_at=None).partnership
    ResponseFactory.create(checkin=checkin, responder=bob, partnership=together)
    with pytest.raises(IntegrityError):
        ResponseFactory.create(checkin=checkin, responder=bob, partnership=together)


def waiting(user: User, *, hours_ago: int, snoozed: bool = False) -> Prompt:
    slot = timezone.now().replace(microsecond=0) - timedelta(hours=hours_ago)
    return Prompt.objects.create(
        user=user,
        slot_at=slot,
        due_at=slot,
        question=0,
        sent_at=slot,
        snoozed_until=timezone.now() + timedelta(minutes=30) if snoozed else None,
    )


@pytest.mark.parametrize("snoozed", [False, True])
def test_it_answers_the_waiting_reminder_with_a_check_in_made_by_hand(
    alice: User, bob: User, alice_api: APIClient, snoozed: bool
) -> None:
    older = waiting(alice, hours_ago=26)
    latest = waiting(alice, hours_ago=2, snoozed=snoozed)
    bobs = waiting(bob, hours_ago=2)

    made = alice_api.post("/api/v1/checkins", {"pleasantness": 1, "energy": 0}, format="json")
    assert made.status_code == 201

    checkin = CheckIn.objects.get()
    assert checkin.prompt_id == latest.pk
    for prompt in (older, latest):
        prompt.refresh_from_db()
        assert (prompt.status, prompt.snoozed_until) == (Prompt.Status.ANSWERED, None)
        assert prompt.answered_at is not None
    bobs.refresh_from_db()
    assert bobs.status == Prompt.Status.PENDING
    # Nothing is left to remind alice of.
    listed = alice_api.get("/api/v1/checkins/prompts").json()["results"]
    assert all(p["status"] != "pending" for p in listed)
