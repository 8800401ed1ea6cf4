"""The whole consent story through the HTTP API, as the issue tells it."""

import pytest

from partners.models import ConsentEvent
from tests.conftest import pair
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TRIGGER = {
    "title": "Raised voices",
    "category": "words_or_tone",
    "intensity": 4,
    "signs": "I go quiet and look away",
    "helps": "A calm, low voice",
    "avoid": "Arguing in the car",
    "needs": ["space", "listening"],
    "notes": "PRIVATE-NOTE-from-childhood",
}
BOUNDARY = {
    "statement": "No phones at dinner",
    "area": "digital",
    "firmness": "flexible",
    "why": "Dinner is our time",
    "how_to_honor": "Leave it in the hall",
    "notes": "PRIVATE-NOTE-boundary",
}


def ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_it_follows_alices_consent_from_writing_to_a_new_partner(
    alice, bob, alice_api, bob_api, carol, login
) -> None:
    # alice writes a trigger and a boundary; bob sees nothing.
    trigger = alice_api.post("/api/v1/triggers", TRIGGER, format="json").json()
    boundary = alice_api.post("/api/v1/boundaries", BOUNDARY, format="json").json()
    assert trigger["shared"] is False and boundary["shared"] is False
    assert ids(bob_api.get("/api/v1/partner/triggers")) == []
    assert ids(bob_api.get("/api/v1/partner/boundaries")) == []
    assert bob_api.get(f"/api/v1/partner/triggers/{trigger['id']}").status_code == 404

    # alice shares the trigger; bob sees it without notes.
    response = alice_api.post(f"/api/v1/triggers/{trigger['id']}/share")
    assert response.status_code == 200 and response.json()["shared"] is True
    listed = bob_api.get("/api/v1/partner/triggers")
    assert ids(listed) == [trigger["id"]]
    assert "PRIVATE-NOTE" not in listed.content.decode()
    seen = bob_api.get(f"/api/v1/partner/triggers/{trigger['id']}")
    assert "notes" not in seen.json() and "PRIVATE-NOTE" not in seen.content.decode()
    assert seen.json()["title"] == "Raised voices"
    assert seen.json()["needs"] == ["space", "listening"]
    assert ids(bob_api.get("/api/v1/partner/boundaries")) == []

    # bob acknowledges and asks a question; alice answers.
    ack = bob_api.post(f"/api/v1/partner/triggers/{trigger['id']}/acknowledge")
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    assert alice_api.get(f"/api/v1/triggers/{trigger['id']}").json()["acknowledged_at"]
    asked = bob_api.post(
        f"/api/v1/partner/triggers/{trigger['id']}/questions",
        {"text": "What helps when we are out?"},
        format="json",
    )
    assert asked.status_code == 201
    question = alice_api.get(f"/api/v1/triggers/{trigger['id']}/questions").json()["results"]
    assert [q["text"] for q in question] == ["What helps when we are out?"]
    answered = alice_api.post(
        f"/api/v1/questions/{asked.json()['id']}/answer", {"text": "Step outside with me"}
    )
    assert answered.status_code == 200
    thread = bob_api.get(f"/api/v1/partner/triggers/{trigger['id']}/questions").json()
    assert thread["results"][0]["answer"] == "Step outside with me"

    # alice revokes: bob's very next requests get 404 and an empty list.
    assert alice_api.delete(f"/api/v1/triggers/{trigger['id']}/share").status_code == 200
    assert bob_api.get(f"/api/v1/partner/triggers/{trigger['id']}").status_code == 404
    assert ids(bob_api.get("/api/v1/partner/triggers")) == []
    assert bob_api.get(f"/api/v1/partner/triggers/{trigger['id']}/questions").status_code == 404

    # alice shares again, then pauses: bob sees nothing; she resumes: it is back.
    alice_api.post(f"/api/v1/triggers/{trigger['id']}/share")
    assert ids(bob_api.get("/api/v1/partner/triggers")) == [trigger["id"]]
    alice_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    assert ids(bob_api.get("/api/v1/partner/triggers")) == []
    assert bob_api.get(f"/api/v1/partner/triggers/{trigger['id']}").status_code == 404
    alice_api.patch("/api/v1/partnership", {"sharing_paused": False}, format="json")
    assert ids(bob_api.get("/api/v1/partner/triggers")) == [trigger["id"]]

    # alice ends the partnership and pairs with carol, who sees nothing until alice shares.
    assert alice_api.delete("/api/v1/partnership").status_code == 204
    assert ids(bob_api.get("/api/v1/partner/triggers")) == []
    assert alice_api.get(f"/api/v1/triggers/{trigger['id']}").json()["shared"] is False
    pair(alice, carol)
    carol_api = login(carol)
    assert ids(carol_api.get("/api/v1/partner/triggers")) == []
    assert carol_api.get(f"/api/v1/partner/triggers/{trigger['id']}").status_code == 404
    # The old thread belongs to the old partnership.
    assert alice_api.get(f"/api/v1/triggers/{trigger['id']}/questions").json()["results"] == []
    alice_api.post(f"/api/v1/triggers/{trigger['id']}/share")
    assert ids(carol_api.get("/api/v1/partner/triggers")) == [trigger["id"]]
    assert carol_api.get(f"/api/v1/partner/triggers/{trigger['id']}/questions").json() == {
        "results": [],
        "next": None,
    }
    assert ids(bob_api.get("/api/v1/partner/triggers")) == []

    # Every step is in alice's consent log, newest first.
    log = alice_api.get("/api/v1/consent-log?page_size=100").json()["results"]
    assert [(e["kind"], e["item_id"]) for e in reversed(log)] == [
        ("paired", None),
        ("share_granted", trigger["id"]),
        ("share_revoked", trigger["id"]),
        ("share_granted", trigger["id"]),
        ("sharing_paused", None),
        ("sharing_resumed", None),
        ("unpaired", None),
        ("paired", None),
        ("share_granted", trigger["id"]),
    ]
    assert all(e["item_type"] in ("", "trigger") for e in log)


def test_it_shares_idempotently_and_logs_once(alice, bob, alice_api) -> None:
    item = alice_api.post("/api/v1/boundaries", BOUNDARY, format="json").json()
    for _ in range(3):
        assert alice_api.post(f"/api/v1/boundaries/{item['id']}/share").status_code == 200
    for _ in range(2):
        assert alice_api.delete(f"/api/v1/boundaries/{item['id']}/share").status_code == 200
    kinds = ConsentEvent.objects.filter(user=alice, item_id=item["id"]).values_list(
        "kind", flat=True
    )
    assert sorted(kinds) == ["share_granted", "share_revoked"]


def test_it_answers_409_no_partner_when_sharing_alone(alice, alice_api) -> None:
    item = alice_api.post("/api/v1/triggers", TRIGGER, format="json").json()
    response = alice_api.post(f"/api/v1/triggers/{item['id']}/share")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "no_partner"
    assert alice_api.get(f"/api/v1/triggers/{item['id']}").json()["shared"] is False
    assert not ConsentEvent.objects.filter(kind="share_granted").exists()


def test_it_shows_an_edit_after_acknowledgement_as_a_change(alice, bob, alice_api, bob_api):
    item = alice_api.post("/api/v1/triggers", TRIGGER, format="json").json()
    alice_api.post(f"/api/v1/triggers/{item['id']}/share")
    bob_api.post(f"/api/v1/partner/triggers/{item['id']}/acknowledge")
    url = f"/api/v1/partner/triggers/{item['id']}"
    assert bob_api.get(url).json()["changed_since_acknowledged"] is False

    # Editing private notes is not a change the partner can see...
    alice_api.patch(f"/api/v1/triggers/{item['id']}", {"notes": "more"}, format="json")
    assert bob_api.get(url).json()["changed_since_acknowledged"] is False
    # ...editing what they see is.
    alice_api.patch(f"/api/v1/triggers/{item['id']}", {"helps": "Silence"}, format="json")
    assert bob_api.get(url).json()["changed_since_acknowledged"] is True
    assert alice_api.get(f"/api/v1/triggers/{item['id']}").json()["changed_since_acknowledged"]
    bob_api.post(f"{url}/acknowledge")
    assert bob_api.get(url).json()["changed_since_acknowledged"] is False


def test_it_lets_the_partner_see_an_item_vanish_when_the_owner_deletes_it(
    alice, bob, alice_api, bob_api
) -> None:
    item = alice_api.post("/api/v1/triggers", TRIGGER, format="json").json()
    alice_api.post(f"/api/v1/triggers/{item['id']}/share")
    assert alice_api.delete(f"/api/v1/triggers/{item['id']}").status_code == 204
    assert bob_api.get(f"/api/v1/partner/triggers/{item['id']}").status_code == 404
    assert alice_api.get(f"/api/v1/triggers/{item['id']}").status_code == 404


def test_it_erases_everything_when_the_owner_deletes_the_account(
    alice, bob, alice_api, bob_api
) -> None:
    from tests.factories import PASSWORD
    from triggers.models import Boundary, Question, Trigger

    item = alice_api.post("/api/v1/triggers", TRIGGER, format="json").json()
    alice_api.post(f"/api/v1/triggers/{item['id']}/share")
    asked = bob_api.post(
        f"/api/v1/partner/triggers/{item['id']}/questions", {"text": "?"}, format="json"
    ).json()
    alice_api.post(f"/api/v1/questions/{asked['id']}/answer", {"text": "PRIVATE-answer"})
    alice_api.post("/api/v1/boundaries", BOUNDARY, format="json")

    alice_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert ids(bob_api.get("/api/v1/partner/triggers")) == []
    assert not Trigger.objects.exists() and not Boundary.objects.exists()
    # bob's question is his own and stays his, detached; alice's answer is gone.
    question = Question.objects.get()
    assert (question.asker, question.item_id, question.item_type, question.answer) == (
        bob,
        None,
        None,
        None,
    )
    assert "PRIVATE-answer" not in bob_api.get("/api/v1/me/export").content.decode()


def test_it_does_not_let_a_partner_ask_about_an_unshared_item(alice, bob, alice_api, bob_api):
    item = alice_api.post("/api/v1/triggers", TRIGGER, format="json").json()
    url = f"/api/v1/partner/triggers/{item['id']}/questions"
    assert bob_api.post(url, {"text": "Why?"}, format="json").status_code == 404
    assert bob_api.get(url).status_code == 404


def test_it_lets_a_new_partner_start_fresh(alice, alice_api) -> None:
    erin = UserFactory.create()
    pair(alice, erin)
    item = alice_api.post("/api/v1/triggers", TRIGGER, format="json").json()
    assert alice_api.post(f"/api/v1/triggers/{item['id']}/share").status_code == 200
