import time

import pytest

from accounts.models import User
from attune.api.throttling import PasswordCheckThrottle
from partners.models import ConsentEvent, Invitation, Membership, Partnership
from tests.factories import PASSWORD, InvitationFactory

pytestmark = pytest.mark.django_db


def test_it_updates_the_profile(alice, alice_api) -> None:
    response = alice_api.patch(
        "/api/v1/me",
        {
            "display_name": "Ali",
            "timezone": "Europe/Berlin",
            "quiet_hours": {"start": "22:00", "end": "07:00"},
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["display_name"] == "Ali"
    assert body["timezone"] == "Europe/Berlin"
    assert body["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    alice.refresh_from_db()
    assert (alice.display_name, alice.timezone) == ("Ali", "Europe/Berlin")
    assert alice.quiet_hours_start.isoformat() == "22:00:00"

    # A partial update leaves the rest alone; null clears quiet hours.
    body = alice_api.patch("/api/v1/me", {"quiet_hours": None}, format="json").json()
    assert body["quiet_hours"] is None
    assert body["display_name"] == "Ali"


@pytest.mark.parametrize(
    ("payload", "param", "code"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "invalid_timezone"),
        ({"timezone": 5}, "timezone", "invalid"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours.start", "invalid"),
        ({"quiet_hours": {"start": "22:00"}}, "quiet_hours.end", "required"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_hours.end", "invalid"),
        ({"quiet_hours": "22-07"}, "quiet_hours", "invalid"),
        ({"display_name": "x" * 81}, "display_name", "max_length"),
        ({"email": "new@example.com"}, "email", "unknown_field"),
    ],
)
def test_it_rejects_bad_profile_input(alice, alice_api, payload, param, code) -> None:
    response = alice_api.patch("/api/v1/me", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert {"param": param, "code": code}.items() <= body["errors"][0].items()
    alice.refresh_from_db()
    assert alice.timezone == "UTC" and alice.email == "alice@example.com"


def test_it_changes_nothing_when_one_field_is_bad(alice, alice_api) -> None:
    response = alice_api.patch(
        "/api/v1/me", {"display_name": "Ali", "timezone": "Nowhere/Town"}, format="json"
    )
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_it_exports_everything_alice_owns(alice, bob, alice_api) -> None:
    response = alice_api.get("/api/v1/me/export")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = response.json()
    assert document["profile"]["email"] == "alice@example.com"
    assert len(document["invitations"]) == 1
    assert document["invitations"][0]["status"] == "accepted"
    assert len(document["partnerships"]) == 1
    assert document["partnerships"][0]["ended_at"] is None
    assert [event["kind"] for event in document["consent_log"]] == ["paired"]
    assert "bob@example.com" not in response.content.decode()


def test_it_refuses_to_delete_the_account_with_a_wrong_password(alice, alice_api) -> None:
    response = alice_api.delete("/api/v1/me", {"password": "guess"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "incorrect_password",
        "message": "That password is not correct.",
        "param": "password",
    }
    assert User.objects.filter(pk=alice.pk).exists()
    response = alice_api.delete("/api/v1/me", {}, format="json")
    assert response.json()["errors"][0]["param"] == "password"


def test_it_erases_the_account_and_everything_it_owns(alice, bob, alice_api, bob_api) -> None:
    InvitationFactory.create(inviter=alice, token="left-over")
    partnership = Partnership.objects.get()

    response = alice_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 204

    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Invitation.objects.filter(inviter_id=alice.pk).exists()
    assert not ConsentEvent.objects.filter(user_id=alice.pk).exists()
    assert not Membership.objects.filter(user_id=alice.pk).exists()
    # The token is dead, and the partner sees the partnership end.
    assert alice_api.get("/api/v1/me").status_code == 401
    assert bob_api.get("/api/v1/partnership").status_code == 404
    partnership.refresh_from_db()
    assert partnership.ended_at is not None
    assert [e["kind"] for e in bob_api.get("/api/v1/consent-log").json()["results"]] == [
        "unpaired",
        "paired",
    ]
    # Once both are gone, so is the partnership.
    assert bob_api.delete("/api/v1/me", {"password": PASSWORD}, format="json").status_code == 204
    assert not Partnership.objects.exists()


def test_it_stops_guessing_the_password_after_five_tries(alice, alice_api, monkeypatch) -> None:
    for _ in range(5):
        response = alice_api.delete("/api/v1/me", {"password": "guess"}, format="json")
        assert response.status_code == 400, response.content

    # The sixth is refused before any password is checked: even the right one.
    response = alice_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["status"] == 429 and body["errors"][0]["code"] == "throttled"
    assert User.objects.filter(pk=alice.pk).exists()
    # Reading and editing the profile are not held back.
    assert alice_api.get("/api/v1/me").status_code == 200
    assert alice_api.patch("/api/v1/me", {"display_name": "A"}, format="json").status_code == 200

    # A minute later the right password works again.
    later = time.time() + 61
    monkeypatch.setattr(PasswordCheckThrottle, "timer", staticmethod(lambda: later))
    response = alice_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 204, response.content
    assert not User.objects.filter(pk=alice.pk).exists()


def test_it_counts_guesses_per_person(alice, bob, alice_api, bob_api) -> None:
    for _ in range(6):
        alice_api.delete("/api/v1/me", {"password": "guess"}, format="json")
    response = bob_api.delete("/api/v1/me", {"password": "guess"}, format="json")
    assert response.status_code == 400
