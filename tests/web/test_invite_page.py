"""The invitation link's page: /invitation#<token>.

The token lives in the URL's fragment, which no browser sends to a server: the
page's script POSTs it to the API (see tests/e2e/test_partners_flow.py for the
browser's side). Old links that carried it in the path (/invite/<token>) are
retired, and nothing on the web side accepts an invitation any more: accepting
goes through the API, and its throttle.
"""

import pytest
from django.test import Client

from partners.models import Invitation, Membership
from tests.factories import PASSWORD, InvitationFactory

pytestmark = pytest.mark.django_db

TOKEN = "link-token-0123456789abcdefghijklmn"


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


def test_it_serves_the_invitation_page_to_anyone_without_a_token_in_sight(alice) -> None:
    InvitationFactory.create(inviter=alice, token=TOKEN)
    response = Client().get("/invitation")
    assert response.status_code == 200
    html = response.content.decode()
    assert "web/js/pages/invite.js" in html
    # Signing up or in comes back here; the token waits in the tab, not in ?next=.
    assert 'href="/signup?next=/invitation"' in html
    assert 'href="/login?next=/invitation"' in html
    assert "Alice" not in html and TOKEN not in html


def test_it_offers_a_signed_in_visitor_the_accept_button(alice, carol) -> None:
    html = browser_login(carol).get("/invitation").content.decode()
    assert 'id="invite-accept-form"' in html
    assert 'data-signed-in="true"' in html


def test_it_retires_an_old_link_that_carried_the_token_in_its_path(alice) -> None:
    InvitationFactory.create(inviter=alice, token=TOKEN)
    response = Client().get(f"/invite/{TOKEN}")
    assert response.status_code == 410
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert "can no longer be used" in html
    assert "Alice" not in html
    # The token is in an access log now: nobody can pair with it any more.
    invitation = Invitation.objects.get()
    assert invitation.withdrawn_at is not None and invitation.accepted_at is None


def test_it_accepts_nothing_at_the_old_form_address(alice, carol) -> None:
    InvitationFactory.create(inviter=alice, token=TOKEN)
    client = browser_login(carol)
    response = client.post(
        f"/invite/{TOKEN}",
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 405
    assert Invitation.objects.get().accepted_at is None
    assert not Membership.objects.exists()


def test_it_throttles_accepting_from_the_web_page(alice, carol, settings) -> None:
    """The page accepts through the API, as the browser client: the accept throttle holds."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "invitation_accept": "3/hour",
        },
    }
    InvitationFactory.create(inviter=alice, token=TOKEN)
    client = browser_login(carol)

    def accept(token: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/invitations/accept",
            {"token": token},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
        )

    assert [accept(f"guess-{n}").status_code for n in range(3)] == [400, 400, 400]
    response = accept(TOKEN)
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"
    assert not Membership.objects.exists()
