import pytest
from django.test import Client

from accounts.models import Invitation, Membership
from tests.factories import PASSWORD, InvitationFactory

pytestmark = pytest.mark.django_db


def browser_login(user) -> Client:  # type: ignore[no-untyped-def]
    """Sign in the way the web frontend does: allauth's browser client, cookie and CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.get("/_allauth/browser/v1/config")
    response = client.post(
        "/_allauth/browser/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200, response.content
    return client


def test_it_shows_who_invited_you_without_accepting(alice, carol) -> None:
    InvitationFactory.create(inviter=alice, token="link-token")
    client = browser_login(carol)
    response = client.get("/invite/link-token")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "strict-origin"
    html = response.content.decode()
    assert "Alice invited you to attune" in html
    assert "alice@example.com" not in html
    assert '<form method="post">' in html
    # Following the link (as a mail scanner would) changes nothing.
    assert Invitation.objects.get().accepted_at is None
    assert not Membership.objects.exists()


def test_it_accepts_only_on_an_explicit_post(alice, carol) -> None:
    InvitationFactory.create(inviter=alice, token="link-token")
    client = browser_login(carol)
    client.get("/invite/link-token")
    response = client.post(
        "/invite/link-token", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 200
    assert "You are now partners" in response.content.decode()
    assert set(Membership.objects.values_list("user_id", flat=True)) == {alice.id, carol.id}


def test_it_refuses_a_post_without_the_csrf_token(alice, carol) -> None:
    InvitationFactory.create(inviter=alice, token="link-token")
    client = browser_login(carol)
    assert client.post("/invite/link-token").status_code == 403
    assert not Membership.objects.exists()


def test_it_asks_an_anonymous_visitor_to_sign_in_first(alice) -> None:
    InvitationFactory.create(inviter=alice, token="link-token")
    client = Client()
    html = client.get("/invite/link-token").content.decode()
    assert "Sign in to attune first" in html
    client.post("/invite/link-token")
    assert not Membership.objects.exists()


def test_it_says_plainly_when_a_link_is_no_longer_valid(alice) -> None:
    response = Client().get("/invite/unknown-token")
    assert response.status_code == 404
    assert response["Referrer-Policy"] == "strict-origin"
    assert "can't be used" in response.content.decode()
