"""Answering a check-in, sharing it by choice, and the partner's small responses."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from checkins.models import CheckIn, Prompt, Response
from partners import services as accounts_services
from partners.models import ConsentEvent, Notification
from tests.factories import PASSWORD
from triggers.models import Trigger

pytestmark = pytest.mark.django_db

ANSWER = {
    "pleasantness": -1,
    "energy": 1,
    "feelings": ["tired", "hopeful"],
    "need": "listening",
    "note": "Long day at work, PRIVATE-detail",
}


def make_prompt(user) -> Prompt:  # type: ignore[no-untyped-def]
    slot = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    return Prompt.objects.create(user=user, slot_at=slot, due_at=slot, question=0)


def test_it_records_an_answer_and_marks_the_prompt_answered(alice, alice_api) -> None:
    prompt = make_prompt(alice)
    trigger = Trigger.objects.create(owner=alice, title="Deadlines")
    response = alice_api.post(
        "/api/v1/checkins",
        {**ANSWER, "prompt": str(prompt.pk), "trigger_ids": [str(trigger.pk)]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["prompt"] == str(prompt.pk)
    assert body["trigger_ids"] == [str(trigger.pk)]
    assert body["shared"] is False and body["responses"] == []
    prompt.refresh_from_db()
    assert prompt.status == "answered" and prompt.answered_at is not None
    assert CheckIn.objects.get().note == ANSWER["note"]

    again = alice_api.post("/api/v1/checkins", {**ANSWER, "prompt": str(prompt.pk)}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "prompt_answered"
    assert CheckIn.objects.count() == 1


def test_it_answers_without_a_prompt(alice_api) -> None:
    response = alice_api.post("/api/v1/checkins", {"pleasantness": 0, "energy": 0}, format="json")
    assert response.status_code == 201
    assert response.json()["prompt"] is None


def test_it_returns_the_first_result_for_a_repeated_idempotency_key(alice, alice_api) -> None:
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-7f1c"}
    first = alice_api.post("/api/v1/checkins", ANSWER, format="json", **headers)
    second = alice_api.post("/api/v1/checkins", {**ANSWER, "energy": -2}, format="json", **headers)
    assert first.status_code == 201 and second.status_code == 200
    assert second.json() == first.json()
    assert CheckIn.objects.count() == 1
    other = alice_api.post(
        "/api/v1/checkins", ANSWER, format="json", HTTP_IDEMPOTENCY_KEY="another"
    )
    assert other.status_code == 201 and CheckIn.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"energy": 0}, "pleasantness"),
        ({"pleasantness": 3, "energy": 0}, "pleasantness"),
        ({"pleasantness": 0, "energy": -3}, "energy"),
        ({"pleasantness": "1", "energy": 0}, "pleasantness"),
        ({"pleasantness": 0, "energy": 0, "feelings": ["hungry"]}, "feelings.0"),
        ({"pleasantness": 0, "energy": 0, "feelings": ["sad", "sad"]}, "feelings"),
        ({"pleasantness": 0, "energy": 0, "need": "money"}, "need"),
        ({"pleasantness": 0, "energy": 0, "note": "x" * 2001}, "note"),
        ({"pleasantness": 0, "energy": 0, "trigger_ids": ["nope"]}, "trigger_ids.0"),
        ({"pleasantness": 0, "energy": 0, "shared": "yes"}, "shared"),
        ({"pleasantness": 0, "energy": 0, "mood": "ok"}, "mood"),
    ],
)
def test_it_explains_a_bad_answer(alice_api, payload, param) -> None:
    response = alice_api.post("/api/v1/checkins", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["param"] == param
    assert not CheckIn.objects.exists()


def test_it_links_only_my_own_triggers_and_prompts(alice, alice_api, carol) -> None:
    theirs = Trigger.objects.create(owner=carol, title="Not yours")
    response = alice_api.post(
        "/api/v1/checkins", {**ANSWER, "trigger_ids": [str(theirs.pk)]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "trigger_ids"
    their_prompt = make_prompt(carol)
    response = alice_api.post(
        "/api/v1/checkins", {**ANSWER, "prompt": str(their_prompt.pk)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "prompt"
    assert not CheckIn.objects.exists()
    assert Prompt.objects.get().status == "pending"


def test_it_refuses_to_share_without_a_partner_and_writes_nothing(alice, alice_api) -> None:
    prompt = make_prompt(alice)
    response = alice_api.post(
        "/api/v1/checkins", {**ANSWER, "prompt": str(prompt.pk), "shared": True}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "no_partner"
    assert not CheckIn.objects.exists()
    assert Prompt.objects.get().status == "pending"


def test_the_partner_sees_a_shared_answer_and_responds(alice, bob, alice_api, bob_api) -> None:
    private = alice_api.post("/api/v1/checkins", ANSWER, format="json").json()
    assert bob_api.get("/api/v1/partner/checkins").json()["results"] == []
    assert bob_api.get(f"/api/v1/partner/checkins/{private['id']}").status_code == 404

    shared = alice_api.post("/api/v1/checkins", {**ANSWER, "shared": True}, format="json").json()
    assert shared["shared"] is True
    listed = bob_api.get("/api/v1/partner/checkins").json()["results"]
    assert [c["id"] for c in listed] == [shared["id"]]
    assert "trigger_ids" not in listed[0]

    response = bob_api.post(
        f"/api/v1/partner/checkins/{shared['id']}/responses",
        {"kind": "heard", "note": "I am here tonight"},
        format="json",
    )
    assert response.status_code == 201
    mine = alice_api.get(f"/api/v1/checkins/{shared['id']}").json()
    assert [(r["kind"], r["note"]) for r in mine["responses"]] == [("heard", "I am here tonight")]
    assert Notification.objects.filter(recipient=alice, kind="response").count() == 1

    bad = bob_api.post(
        f"/api/v1/partner/checkins/{shared['id']}/responses", {"kind": "fixed_it"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["param"] == "kind"
    hidden = bob_api.post(
        f"/api/v1/partner/checkins/{private['id']}/responses", {"kind": "heard"}, format="json"
    )
    assert hidden.status_code == 404
    assert Response.objects.count() == 1


def test_sharing_later_and_unsharing_follow_the_consent_rules(
    alice, bob, alice_api, bob_api
) -> None:
    answer = alice_api.post("/api/v1/checkins", ANSWER, format="json").json()
    url = f"/api/v1/checkins/{answer['id']}"
    assert alice_api.patch(url, {"shared": True}, format="json").json()["shared"] is True
    assert bob_api.get(f"/api/v1/partner/checkins/{answer['id']}").status_code == 200

    alice_api.patch(url, {"shared": False}, format="json")
    assert bob_api.get(f"/api/v1/partner/checkins/{answer['id']}").status_code == 404
    kinds = list(
        ConsentEvent.objects.filter(item_id=answer["id"])
        .order_by("created_at")
        .values_list("kind", flat=True)
    )
    assert kinds == ["share_granted", "share_revoked"]

    alice_api.patch(url, {"shared": True}, format="json")
    accounts_services.partnership_set_paused(user=alice, paused=True)
    assert bob_api.get("/api/v1/partner/checkins").json()["results"] == []
    accounts_services.partnership_set_paused(user=alice, paused=False)
    assert len(bob_api.get("/api/v1/partner/checkins").json()["results"]) == 1

    accounts_services.partnership_end(user=bob)
    assert bob_api.get(f"/api/v1/partner/checkins/{answer['id']}").status_code == 404
    assert alice_api.get(url).json()["shared"] is False


def test_it_edits_and_deletes_an_answer(alice, alice_api) -> None:
    answer = alice_api.post("/api/v1/checkins", ANSWER, format="json").json()
    url = f"/api/v1/checkins/{answer['id']}"
    patched = alice_api.patch(url, {"energy": -2, "feelings": []}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["energy"], patched.json()["feelings"]) == (-2, [])
    assert alice_api.patch(url, {"prompt": None}, format="json").status_code == 400
    assert alice_api.delete(url).status_code == 204
    assert not CheckIn.objects.exists()


def test_the_owner_hears_of_a_response_by_a_contentless_email(alice, bob, bob_api, alice_api):
    from partners.tasks import send_notifications

    shared = alice_api.post("/api/v1/checkins", {**ANSWER, "shared": True}, format="json").json()
    bob_api.post(
        f"/api/v1/partner/checkins/{shared['id']}/responses",
        {"kind": "want_to_talk", "note": "PRIVATE-reply"},
        format="json",
    )
    send_notifications.apply(args=(str(alice.pk),)).get()
    (message,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert "Bob responded to your check-in." in message.body
    assert "PRIVATE" not in message.body and "want_to_talk" not in message.body


def test_it_exports_schedule_prompts_answers_and_responses(alice, bob, alice_api, bob_api):
    from checkins import services

    services.schedule_save(
        user=alice, active=True, weekdays=[0], times=["09:00"], timezone_name="UTC"
    )
    make_prompt(alice)
    shared = alice_api.post("/api/v1/checkins", {**ANSWER, "shared": True}, format="json").json()
    bob_api.post(
        f"/api/v1/partner/checkins/{shared['id']}/responses", {"kind": "heard"}, format="json"
    )
    document = alice_api.get("/api/v1/me/export").json()["checkins"]
    assert document["schedule"]["times"] == ["09:00"]
    assert len(document["prompts"]) == 1
    assert [a["note"] for a in document["answers"]] == [ANSWER["note"]]
    assert [r["kind"] for r in document["answers"][0]["responses"]] == ["heard"]
    bobs = bob_api.get("/api/v1/me/export").json()["checkins"]
    assert bobs["answers"] == [] and [r["kind"] for r in bobs["responses_given"]] == ["heard"]
    assert ANSWER["note"] not in bob_api.get("/api/v1/me/export").content.decode()


def test_deleting_the_account_erases_answers_and_prompts(alice, bob, alice_api, bob_api):
    alice_api.post("/api/v1/checkins", {**ANSWER, "shared": True}, format="json")
    make_prompt(alice)
    alice_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert not CheckIn.objects.exists() and not Prompt.objects.exists()
    assert bob_api.get("/api/v1/partner/checkins").json()["results"] == []


def test_it_lists_the_answers_made_since_a_moment(alice, bob, alice_api, bob_api) -> None:
    body = {"pleasantness": 1, "energy": 0, "shared": True}
    older, newer = (alice_api.post("/api/v1/checkins", body, format="json").json() for _ in "ab")
    CheckIn.objects.filter(pk=older["id"]).update(created_at=datetime(2026, 3, 1, 8, tzinfo=UTC))
    CheckIn.objects.filter(pk=newer["id"]).update(created_at=datetime(2026, 3, 2, 8, tzinfo=UTC))

    for api, path in ((alice_api, "checkins"), (bob_api, "partner/checkins")):

        def ids(since: str) -> list[str]:
            response = api.get(f"/api/v1/{path}", {"since": since})  # noqa: B023
            assert response.status_code == 200, response.content
            return [checkin["id"] for checkin in response.json()["results"]]

        assert ids("2026-03-01T00:00:00Z") == [newer["id"], older["id"]]
        assert ids("2026-03-01T08:00:00+00:00") == [newer["id"], older["id"]]  # at counts
        assert ids("2026-03-02T09:00:00+01:00") == [newer["id"]]  # 08:00 UTC
        assert ids("2026-03-02T08:00:01Z") == []


@pytest.mark.parametrize("since", ["yesterday", "2026-03-01T08:00:00", "2026-02-30T08:00:00Z", ""])
def test_it_explains_a_bad_since(alice_api, since) -> None:
    response = alice_api.get("/api/v1/checkins", {"since": since})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["param"] == "since"
