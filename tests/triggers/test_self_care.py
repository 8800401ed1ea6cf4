"""Self-care notes: what restores me, what drains me, and how my partner can help.

A kind that arrived through one registration: these tests walk it through the
consent story on every channel (API, sync, export), with the private notes
searched for in everything bob can read.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as DjangoClient
from rest_framework.test import APIClient

from accounts.models import User
from tests.sync.test_sync import Client
from triggers.models import Question, SelfCareNote

pytestmark = pytest.mark.django_db

PRIVATE = "PRIVATE-self-care-6b1f"
NOTE = {
    "title": "A long walk alone",
    "effect": "restores",
    "how_you_can_help": "Offer to take the evening chores",
    "notes": PRIVATE,
}


def write(api: APIClient, **fields: Any) -> dict[str, Any]:
    response = api.post("/api/v1/self-care", NOTE | fields, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def news(api: APIClient, phone: Client) -> list[dict[str, Any]]:
    """What the feed tells `phone` since its last sync."""
    return list(api.get("/api/v1/sync", {"cursor": phone.cursor or ""}).json()["changes"])


def everything_bob_reads(bob_api: APIClient, note_id: str) -> str:
    paths = [
        "/api/v1/partner/self-care",
        f"/api/v1/partner/self-care/{note_id}",
        f"/api/v1/partner/self-care/{note_id}/questions",
        "/api/v1/questions",
        "/api/v1/me/export",
        "/api/v1/sync",
    ]
    return "".join(bob_api.get(path).content.decode() for path in paths)


def test_it_keeps_the_fields_and_refuses_an_unknown_effect(alice_api: APIClient) -> None:
    note = write(alice_api)
    assert {key: note[key] for key in NOTE} == NOTE
    assert (note["shared"], note["shared_at"]) == (False, None)

    response = alice_api.post("/api/v1/self-care", NOTE | {"effect": "energizes"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "effect"
    assert SelfCareNote.objects.count() == 1


def test_the_partner_sees_a_shared_note_without_its_private_notes(
    alice_api: APIClient, bob_api: APIClient
) -> None:
    note = write(alice_api, effect="drains", title="Crowded parties")
    assert bob_api.get(f"/api/v1/partner/self-care/{note['id']}").status_code == 404

    assert alice_api.post(f"/api/v1/self-care/{note['id']}/share").json()["shared"] is True
    shown = bob_api.get(f"/api/v1/partner/self-care/{note['id']}").json()
    assert {key: shown[key] for key in ("title", "effect", "how_you_can_help")} == {
        "title": "Crowded parties",
        "effect": "drains",
        "how_you_can_help": NOTE["how_you_can_help"],
    }
    assert "notes" not in shown
    asked = bob_api.post(
        f"/api/v1/partner/self-care/{note['id']}/questions", {"text": "Which ones?"}, format="json"
    ).json()
    assert (asked["item_type"], asked["item_id"]) == ("self_care", note["id"])
    assert PRIVATE not in everything_bob_reads(bob_api, note["id"])


@pytest.mark.parametrize("hide", ["revoke", "pause", "unpair"])
def test_revoking_pausing_and_unpairing_hide_it_on_every_channel(
    hide: str, alice_api: APIClient, bob_api: APIClient
) -> None:
    note = write(alice_api)
    alice_api.post(f"/api/v1/self-care/{note['id']}/share")
    question = bob_api.post(
        f"/api/v1/partner/self-care/{note['id']}/questions", {"text": "When?"}, format="json"
    ).json()
    phone = Client(bob_api)
    phone.sync()
    assert phone.ids("partner_self_care") == {note["id"]}
    assert phone.ids("question") == {question["id"]}

    if hide == "revoke":
        alice_api.delete(f"/api/v1/self-care/{note['id']}/share")
    elif hide == "pause":
        alice_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    else:
        alice_api.delete("/api/v1/partnership")

    phone.sync()
    assert phone.ids("partner_self_care") == set()
    assert phone.ids("question") == set()
    assert bob_api.get("/api/v1/partner/self-care").json()["results"] == []
    assert bob_api.get(f"/api/v1/partner/self-care/{note['id']}").status_code == 404
    read = everything_bob_reads(bob_api, note["id"])
    assert NOTE["title"] not in read and PRIVATE not in read


def test_editing_only_the_private_notes_tells_the_partner_nothing(
    alice_api: APIClient, bob_api: APIClient
) -> None:
    note = write(alice_api)
    alice_api.post(f"/api/v1/self-care/{note['id']}/share")
    phone = Client(bob_api)
    phone.sync()
    before = news(bob_api, phone)
    assert before == []

    response = alice_api.patch(
        f"/api/v1/self-care/{note['id']}", {"notes": f"{PRIVATE} again"}, format="json"
    )
    assert response.status_code == 200
    assert news(bob_api, phone) == []

    alice_api.patch(f"/api/v1/self-care/{note['id']}", {"effect": "drains"}, format="json")
    changes = news(bob_api, phone)
    assert [(c["type"], c["data"]["effect"]) for c in changes] == [("partner_self_care", "drains")]


def test_the_owner_syncs_and_exports_it_with_its_notes(
    alice: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    note = write(alice_api)
    phone = Client(alice_api)
    phone.sync()
    assert phone.objects[("self_care", note["id"])]["notes"] == PRIVATE

    document = alice_api.get("/api/v1/me/export").json()
    assert [(n["title"], n["notes"]) for n in document["self_care"]] == [(NOTE["title"], PRIVATE)]
    assert bob_api.get("/api/v1/me/export").json()["self_care"] == []


def test_a_question_outlives_the_deleted_note_detached_and_without_its_answer(
    alice_api: APIClient, bob_api: APIClient
) -> None:
    note = write(alice_api)
    alice_api.post(f"/api/v1/self-care/{note['id']}/share")
    question = bob_api.post(
        f"/api/v1/partner/self-care/{note['id']}/questions", {"text": "How?"}, format="json"
    ).json()
    response = alice_api.post(
        f"/api/v1/questions/{question['id']}/answer", {"text": "Just ask"}, format="json"
    )
    assert response.status_code == 200

    assert alice_api.delete(f"/api/v1/self-care/{note['id']}").status_code == 204

    kept = Question.objects.get(pk=question["id"])
    assert (kept.item_type, kept.item_id, kept.answer, kept.text) == (None, None, None, "How?")
    asked = bob_api.get("/api/v1/me/export").json()["questions"]["asked"]
    assert [(q["item_type"], q["item_id"], q["answer"]) for q in asked] == [(None, None, None)]


def test_the_schema_documents_every_self_care_route_and_keeps_notes_from_the_partner() -> None:
    schema = DjangoClient().get("/api/schema/?format=json").json()
    paths = {path for path in schema["paths"] if "self-care" in path}
    item = "/api/v1/self-care/{item_id}"
    partner = "/api/v1/partner/self-care/{item_id}"
    assert paths == {
        "/api/v1/self-care",
        item,
        f"{item}/share",
        f"{item}/questions",
        "/api/v1/partner/self-care",
        partner,
        f"{partner}/acknowledge",
        f"{partner}/questions",
    }
    components = schema["components"]["schemas"]
    assert components["EffectEnum"]["enum"] == ["restores", "drains"]
    own = components["SelfCareNote"]["properties"]
    shown = components["PartnerSelfCareNote"]["properties"]
    assert {"title", "effect", "how_you_can_help", "notes"} <= set(own)
    assert {"title", "effect", "how_you_can_help"} <= set(shown)
    assert "notes" not in shown
