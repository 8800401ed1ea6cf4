"""What an invitation may carry to a stranger (issue 11, holes 5 and 8).

An invitation reaches someone who may not know the inviter: its email and the
page behind its link hold no free text an attacker could shape (no URL, no line
break, nothing in the subject), never a part of anyone's email address, and one
address gets only a few of them a day, whoever asks.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from partners.models import Invitation, InvitedAddress
from partners.tasks import send_invitation_email
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "preview-token-0123456789abcdefghijkl"


def preview(client, token: str = TOKEN):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/invitations/preview", {"token": token}, format="json")


@pytest.mark.parametrize(
    "name",
    [
        "Alice\nBcc: victim@example.org",
        "Alice\r\nSubject: urgent",
        "Alice\tSmith",
        "Al\u200bice",  # zero-width space
        "Alice \u202eevil",  # right-to-left override
        "Alice\u2028Smith",  # line separator
        "Alice \u2066x\u2069",  # bidi isolates
        "Your bank: evil.example",
        "see https://evil.example",
        "www.evil",
        "alice@example.com",
        "pay-here.xn--p1ai",
        "evil\u3002com",  # an ideographic full stop, read as a dot by some clients
    ],
)
def test_it_refuses_a_display_name_that_is_not_just_a_name(alice, alice_api, name) -> None:
    response = alice_api.patch("/api/v1/me", {"display_name": name}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {
            "code": "invalid_display_name",
            "message": response.json()["errors"][0]["message"],
            "param": "display_name",
        }
    ]
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


@pytest.mark.parametrize(
    "name",
    [
        "Zoë",
        "Anne-Marie O'Neil",
        "J. R. R. Tolkien",
        "李小龙",
        "Nour 🌙",
        "👩\u200d❤️\u200d👨 us",
        "",
    ],
)
def test_it_keeps_accepting_ordinary_names(alice, alice_api, name) -> None:
    response = alice_api.patch("/api/v1/me", {"display_name": name}, format="json")
    assert response.status_code == 200, response.content
    alice.refresh_from_db()
    assert alice.display_name == name


def test_it_keeps_free_text_out_of_the_subject_and_survives_an_old_hostile_name(
    alice, alice_api
) -> None:
    # Saved before names were checked: a line break once broke the task (and
    # logged the name); the email now goes, with a neutral word for the name.
    User.objects.filter(pk=alice.pk).update(display_name="Alice\nBcc: x@evil.example")
    created = alice_api.post(
        "/api/v1/invitations", {"email": "friend@example.com"}, format="json"
    ).json()

    send_invitation_email.apply(args=(created["id"],)).get()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "An invitation to attune"
    assert "Someone would like to use attune together with you" in message.body
    assert "evil" not in message.body and "Bcc" not in message.body
    assert message.bcc == [] and message.to == ["friend@example.com"]


def test_it_names_an_inviter_without_a_display_name_neutrally(login) -> None:
    inviter = UserFactory.create(email="j.doe.1984@example.com", display_name="")
    created = (
        login(inviter)
        .post("/api/v1/invitations", {"email": "friend@example.com"}, format="json")
        .json()
    )
    send_invitation_email.apply(args=(created["id"],)).get()
    body = mail.outbox[0].body
    assert "Someone would like to use attune together with you" in body
    assert "j.doe" not in body and "1984" not in body


def test_it_shows_the_link_holder_who_invited_even_before_signing_in(alice, anon) -> None:
    invitation = InvitationFactory.create(inviter=alice, token=TOKEN)
    response = preview(anon)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "inviter": {"display_name": "Alice"},
        "expires_at": invitation.expires_at.isoformat().replace("+00:00", "Z"),
        "yours": False,
    }
    # Looking changes nothing.
    assert Invitation.objects.get().status_at(timezone.now()) == "pending"


def test_it_never_shows_a_part_of_the_inviters_email_to_a_link_holder(anon) -> None:
    inviter = UserFactory.create(email="j.doe.1984@example.com", display_name="")
    InvitationFactory.create(inviter=inviter, token=TOKEN)
    assert preview(anon).json()["inviter"] == {"display_name": "Someone"}
    User.objects.filter(pk=inviter.pk).update(display_name="Call +1 555 at evil.example")
    assert preview(anon).json()["inviter"] == {"display_name": "Someone"}


@pytest.mark.parametrize("state", ["unknown", "expired", "withdrawn", "accepted"])
def test_it_tells_a_link_holder_plainly_when_the_link_is_no_good(alice, carol, anon, state) -> None:
    fields = {
        "expired": {"expires_at": timezone.now() - timedelta(seconds=1)},
        "withdrawn": {"withdrawn_at": timezone.now()},
        "accepted": {"accepted_at": timezone.now(), "accepted_by": carol},
    }.get(state, {})
    InvitationFactory.create(
        inviter=alice, token="other-token" if state == "unknown" else TOKEN, **fields
    )
    response = preview(anon)
    assert response.status_code == 400
    # How that one link stopped working, and nothing about who made it.
    assert (
        response.json()["errors"][0]["code"]
        == {
            "unknown": "invalid_invitation",
            "expired": "invitation_expired",
            "withdrawn": "invitation_withdrawn",
            "accepted": "invitation_used",
        }[state]
    )
    assert "Alice" not in response.content.decode()
    assert "alice" not in response.content.decode()


def test_it_limits_how_often_anyone_can_be_looked_up_by_link(alice, anon, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "invitation_preview": "3/hour",
        },
    }
    InvitationFactory.create(inviter=alice, token=TOKEN)
    statuses = [preview(anon, f"guess-{n}").status_code for n in range(3)]
    assert statuses == [400, 400, 400]
    response = preview(anon)
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"


def test_it_sends_one_inviter_only_three_emails_to_an_address_a_day(alice_api) -> None:
    statuses = [
        alice_api.post("/api/v1/invitations", {"email": "Target@Example.org"}, format="json")
        for _ in range(4)
    ]
    assert [r.status_code for r in statuses] == [201, 201, 201, 429]
    assert statuses[3].json() == {
        "status": 429,
        "errors": [
            {
                "code": "throttled",
                "message": statuses[3].json()["errors"][0]["message"],
                "param": "email",
            }
        ],
    }
    assert Invitation.objects.count() == 3
    # The count keeps no address, only a keyed hash of it.
    stored = list(InvitedAddress.objects.values_list("address_hash", flat=True))
    assert len(stored) == 3 and all("target" not in value.lower() for value in stored)
    # Another address, or a link with no email, is still fine.
    assert alice_api.post("/api/v1/invitations", {"email": "other@example.org"}).status_code == 201
    assert alice_api.post("/api/v1/invitations", {}).status_code == 201


def test_it_stops_emailing_an_address_without_telling_one_inviter_of_another(
    login, django_capture_on_commit_callbacks
) -> None:
    """Past five emails a day from everyone, links are still made but no email
    goes, and the answer is the same: an inviter cannot learn that others
    invited the same person."""
    inviters = [login(UserFactory.create()) for _ in range(6)]
    answers = []
    with django_capture_on_commit_callbacks() as queued:
        for client in inviters:
            answers.append(client.post("/api/v1/invitations", {"email": "target@example.org"}))

    assert [r.status_code for r in answers] == [201] * 6
    assert set(answers[5].json()) == set(answers[0].json())
    # Five emails queued (each waits with its sealed token); the sixth, none.
    assert len(queued) == 5
    sealed = Invitation.objects.exclude(token_sealed="").values_list("inviter", flat=True)
    assert len(sealed) == 5
    assert Invitation.objects.filter(email="target@example.org").count() == 6


def test_it_counts_the_day_from_each_invitation(alice_api) -> None:
    for _ in range(3):
        alice_api.post("/api/v1/invitations", {"email": "friend@example.com"}, format="json")
    InvitedAddress.objects.update(created_at=timezone.now() - timedelta(days=1, seconds=1))
    response = alice_api.post("/api/v1/invitations", {"email": "friend@example.com"}, format="json")
    assert response.status_code == 201
    # Counts older than a day are forgotten.
    assert InvitedAddress.objects.count() == 1


def test_it_sends_nothing_for_a_message_queued_with_a_token_before_the_upgrade(alice) -> None:
    invitation = InvitationFactory.create(inviter=alice, token=TOKEN, email="friend@example.com")
    send_invitation_email.apply(args=(str(invitation.pk), TOKEN)).get()
    assert mail.outbox == []


def test_it_sends_nothing_and_forgets_a_token_no_key_opens(alice_api, settings) -> None:
    from attune.crypto import generate_key

    created = alice_api.post(
        "/api/v1/invitations", {"email": "friend@example.com"}, format="json"
    ).json()
    settings.FIELD_ENCRYPTION_KEYS = [generate_key()]  # the old key is gone
    send_invitation_email.apply(args=(created["id"],)).get()
    assert mail.outbox == []
    invitation = Invitation.objects.get(pk=created["id"])
    assert invitation.token_sealed == "" and invitation.emailed_at is None
