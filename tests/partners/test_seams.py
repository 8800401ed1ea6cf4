"""What the partner can see of an item is declared once per kind (its shared
fields): a change that touches none of them tells the partner nothing."""

from __future__ import annotations

from typing import Any

import pytest

from partners.models import FeedEntry, Notification
from triggers.models import Trigger

pytestmark = pytest.mark.django_db


def partner_entries(user: Any) -> list[tuple[str, Any]]:
    return list(
        FeedEntry.objects.filter(recipient=user).order_by("seq").values_list("type", "object_id")
    )


def shared_trigger(api: Any) -> dict[str, Any]:
    trigger = api.post(
        "/api/v1/triggers", {"title": "Raised voices", "notes": "mine"}, format="json"
    ).json()
    assert api.post(f"/api/v1/triggers/{trigger['id']}/share").status_code == 200
    return trigger


def test_it_tells_the_partner_nothing_of_an_edit_to_private_notes(alice, bob, alice_api) -> None:
    trigger = shared_trigger(alice_api)
    before = partner_entries(bob)
    news = Notification.objects.filter(recipient=bob).count()

    response = alice_api.patch(
        f"/api/v1/triggers/{trigger['id']}", {"notes": "still only mine"}, format="json"
    )

    assert response.status_code == 200
    assert Trigger.objects.get(pk=trigger["id"]).notes == "still only mine"
    assert partner_entries(bob) == before
    assert Notification.objects.filter(recipient=bob).count() == news
    # The owner's own copy does change.
    assert ("trigger", Trigger.objects.get().pk) in partner_entries(alice)[-1:]


def test_it_tells_the_partner_of_an_edit_to_what_they_see(alice, bob, alice_api) -> None:
    trigger = shared_trigger(alice_api)
    before = partner_entries(bob)

    alice_api.patch(f"/api/v1/triggers/{trigger['id']}", {"helps": "a walk"}, format="json")

    assert partner_entries(bob)[len(before) :] == [("partner_trigger", Trigger.objects.get().pk)]


def test_it_tells_the_partner_nothing_of_new_links_on_a_shared_checkin(
    alice, bob, alice_api
) -> None:
    trigger = alice_api.post("/api/v1/triggers", {"title": "Noise"}, format="json").json()
    checkin = alice_api.post(
        "/api/v1/checkins", {"pleasantness": -1, "energy": 0, "shared": True}, format="json"
    ).json()
    before = partner_entries(bob)

    response = alice_api.patch(
        f"/api/v1/checkins/{checkin['id']}", {"trigger_ids": [trigger["id"]]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["trigger_ids"] == [trigger["id"]]
    assert partner_entries(bob) == before


def test_it_tells_the_partner_of_a_change_to_a_shared_checkin(alice, bob, alice_api) -> None:
    checkin = alice_api.post(
        "/api/v1/checkins", {"pleasantness": -1, "energy": 0, "shared": True}, format="json"
    ).json()
    before = partner_entries(bob)

    alice_api.patch(f"/api/v1/checkins/{checkin['id']}", {"need": "space"}, format="json")

    assert [t for t, _ in partner_entries(bob)[len(before) :]] == ["partner_checkin"]


def test_it_tells_a_paused_partner_nothing_and_the_partner_sees_nothing(
    alice, bob, alice_api, bob_api
) -> None:
    trigger = shared_trigger(alice_api)
    alice_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    before = partner_entries(bob)

    alice_api.patch(f"/api/v1/triggers/{trigger['id']}", {"helps": "a walk"}, format="json")

    assert partner_entries(bob) == before
    assert bob_api.get(f"/api/v1/partner/triggers/{trigger['id']}").status_code == 404
