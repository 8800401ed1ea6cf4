"""The invitation page tells apart how a link stopped working (issue 13, item 8): the
holder learns the state of that one link, nothing about its inviter; a signed-in
holder learns whether the link is their own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from partners import services
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def preview(client, token: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/invitations/preview", {"token": token}, format="json")


def test_it_tells_the_inviter_the_link_is_their_own(alice_api, carol_api, alice) -> None:
    token = services.invitation_create(inviter=alice).token
    assert preview(alice_api, token).json()["yours"] is True
    assert preview(carol_api, token).json()["yours"] is False


def test_it_tells_an_anonymous_holder_only_who_and_until_when(anon, alice) -> None:
    token = services.invitation_create(inviter=alice).token
    body = preview(anon, token).json()
    assert set(body) == {"inviter", "expires_at", "yours"}
    assert body["yours"] is False


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        (
            {"expires_at": timezone.now() - timedelta(seconds=1)},
            "invitation_expired",
            "This invitation link has expired.",
        ),
        (
            {"withdrawn_at": timezone.now()},
            "invitation_withdrawn",
            "This invitation link was withdrawn by the person who made it.",
        ),
    ],
)
def test_it_says_how_a_link_stopped_working(anon, alice, fields, code, message) -> None:
    InvitationFactory.create(inviter=alice, token="the-token", **fields)
    assert preview(anon, "the-token").json()["errors"] == [{"code": code, "message": message}]


def test_it_says_a_used_link_was_used(anon, alice, bob) -> None:
    # bob's fixture paired him through alice's link: it is used now.
    from partners.models import Invitation

    invitation = Invitation.objects.get(inviter=alice)
    InvitationFactory.create(
        inviter=alice, token="used", accepted_at=invitation.accepted_at, accepted_by=bob
    )
    assert preview(anon, "used").json()["errors"][0]["code"] == "invitation_used"
