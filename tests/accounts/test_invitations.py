from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from partners.models import ConsentEvent, Invitation, Membership
from partners.tokens import hash_token
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def create_invitation(client, **body) -> dict:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/invitations", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_it_creates_an_invitation_with_a_one_time_token(alice, alice_api) -> None:
    before = timezone.now()
    body = create_invitation(alice_api)

    token = body["token"]
    assert len(token) >= 32  # 192 random bits, URL-safe base64
    # The token rides in the fragment, which no browser sends to a server.
    assert body["url"] == f"https://attune.test/invitation#{token}"
    assert body["status"] == "pending"
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.inviter == alice
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    expires_at = invitation.expires_at
    assert before + timedelta(hours=72) <= expires_at <= timezone.now() + timedelta(hours=72)

    # The token is shown only once: the list never repeats it.
    listed = alice_api.get("/api/v1/invitations").json()["results"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert "token" not in listed[0] and "url" not in listed[0]


def test_it_makes_a_fresh_token_each_time(alice_api) -> None:
    tokens = {create_invitation(alice_api)["token"] for _ in range(5)}
    assert len(tokens) == 5


def test_it_reads_the_expiry_from_settings(alice_api, settings) -> None:
    settings.INVITATION_TTL = timedelta(hours=1)
    invitation = Invitation.objects.get(pk=create_invitation(alice_api)["id"])
    assert invitation.expires_at - invitation.created_at == timedelta(hours=1)


def test_it_pairs_both_people_when_the_invitation_is_accepted(
    alice, alice_api, carol, carol_api
) -> None:
    token = create_invitation(alice_api)["token"]

    response = carol_api.post("/api/v1/invitations/accept", {"token": token}, format="json")
    assert response.status_code == 201, response.content
    accepted = response.json()
    assert accepted["partner"] == {"id": str(alice.id), "display_name": "Alice"}
    assert accepted["sharing_paused"] is False

    seen_by_alice = alice_api.get("/api/v1/partnership").json()
    assert seen_by_alice["id"] == accepted["id"]
    assert seen_by_alice["partner"] == {"id": str(carol.id), "display_name": "Carol"}
    assert Membership.objects.filter(partnership_id=accepted["id"], ended_at=None).count() == 2
    assert alice_api.get("/api/v1/invitations").json()["results"][0]["status"] == "accepted"
    for person in (alice, carol):
        assert list(person.consent_events.values_list("kind", flat=True)) == ["paired"]


def test_it_refuses_a_used_invitation(alice_api, carol_api, login) -> None:
    token = create_invitation(alice_api)["token"]
    assert carol_api.post("/api/v1/invitations/accept", {"token": token}).status_code == 201

    erin_api = login(UserFactory.create())
    response = erin_api.post("/api/v1/invitations/accept", {"token": token})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invitation_used"


def test_it_refuses_an_expired_invitation(alice, carol_api) -> None:
    InvitationFactory.create(
        inviter=alice, token="expired-token", expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = carol_api.post("/api/v1/invitations/accept", {"token": "expired-token"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invitation_expired"
    assert not Membership.objects.exists()


def test_it_refuses_an_unknown_token(carol_api) -> None:
    response = carol_api.post("/api/v1/invitations/accept", {"token": "no-such-token"})
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "errors": [
            {
                "code": "invalid_invitation",
                "message": "We don't recognise this invitation link.",
            }
        ],
    }


def test_it_withdraws_an_invitation(alice_api, carol_api) -> None:
    created = create_invitation(alice_api)
    response = alice_api.delete(f"/api/v1/invitations/{created['id']}")
    assert response.status_code == 204
    assert Invitation.objects.get(pk=created["id"]).withdrawn_at is not None
    # Withdrawing twice is harmless.
    assert alice_api.delete(f"/api/v1/invitations/{created['id']}").status_code == 204

    response = carol_api.post("/api/v1/invitations/accept", {"token": created["token"]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invitation_withdrawn"


def test_it_cannot_withdraw_an_accepted_invitation(alice_api, carol_api) -> None:
    created = create_invitation(alice_api)
    carol_api.post("/api/v1/invitations/accept", {"token": created["token"]})
    response = alice_api.delete(f"/api/v1/invitations/{created['id']}")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "invitation_accepted"


def test_it_refuses_to_accept_your_own_invitation(alice_api) -> None:
    token = create_invitation(alice_api)["token"]
    response = alice_api.post("/api/v1/invitations/accept", {"token": token})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "own_invitation"
    assert not Membership.objects.exists()
    # The invitation is still usable by someone else.
    assert Invitation.objects.get(token_hash=hash_token(token)).accepted_at is None


def test_it_answers_409_when_the_invitee_already_has_a_partner(alice, bob_api, carol_api) -> None:
    token = create_invitation(carol_api)["token"]
    response = bob_api.post("/api/v1/invitations/accept", {"token": token})
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_paired"
    assert Invitation.objects.get(token_hash=hash_token(token)).accepted_at is None


def test_it_answers_409_when_the_inviter_paired_in_the_meantime(
    alice, carol, carol_api, login
) -> None:
    InvitationFactory.create(inviter=alice, token="alice-old-link")
    token = create_invitation(carol_api)["token"]
    alice_api = login(alice)
    assert alice_api.post("/api/v1/invitations/accept", {"token": token}).status_code == 201

    # Pairing withdrew alice's other link...
    erin_api = login(UserFactory.create())
    response = erin_api.post("/api/v1/invitations/accept", {"token": "alice-old-link"})
    assert response.status_code == 400
    # ...and a paired person cannot hand out a new one.
    response = alice_api.post("/api/v1/invitations", {}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_paired"


def test_it_validates_the_invitation_email(alice_api) -> None:
    response = alice_api.post("/api/v1/invitations", {"email": "not an email"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "email"
    assert not Invitation.objects.exists()


def test_it_rate_limits_invitation_creation(alice_api, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"invitations": "3/hour", "invitation_accept": "3/hour"},
    }
    statuses = [alice_api.post("/api/v1/invitations", {}).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = alice_api.post("/api/v1/invitations", {})
    assert response.json()["status"] == 429
    assert response.json()["errors"][0]["code"] == "throttled"
    assert Invitation.objects.count() == 3
    # Reading is not limited.
    assert alice_api.get("/api/v1/invitations").status_code == 200


def test_it_emails_the_invitation_naming_only_the_inviter(
    alice_api, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        created = create_invitation(alice_api, email="Friend@Example.com")
    assert len(callbacks) == 1
    from partners.tasks import send_invitation_email

    invitation = Invitation.objects.get(pk=created["id"])
    # Run the task the way a worker would, twice: one email.
    send_invitation_email.apply(args=(str(invitation.id),)).get()
    send_invitation_email.apply(args=(str(invitation.id),)).get()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["friend@example.com"]
    assert message.subject == "An invitation to attune"
    assert "Alice would like to use attune together with you" in message.body
    assert created["url"] in message.body
    assert "alice@example.com" not in message.body
    invitation.refresh_from_db()
    assert invitation.emailed_at is not None
    # Sent: the sealed token is wiped, nothing needs it any more.
    assert invitation.token_sealed == ""


def test_it_sends_no_email_for_a_withdrawn_invitation(alice_api) -> None:
    from partners.tasks import send_invitation_email

    created = create_invitation(alice_api, email="friend@example.com")
    alice_api.delete(f"/api/v1/invitations/{created['id']}")
    assert Invitation.objects.get(pk=created["id"]).token_sealed == ""
    send_invitation_email.apply(args=(created["id"],)).get()
    assert mail.outbox == []


def test_it_records_pairing_in_both_consent_logs(alice, bob) -> None:
    kinds = ConsentEvent.objects.filter(kind="paired").values_list("user_id", flat=True)
    assert set(kinds) == {alice.id, bob.id}
