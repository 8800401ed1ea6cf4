"""The Django admin (issue 11, hole 14): entered only through the app's own
sign-in with a second factor, and unable to change who someone is or to show a
secret."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.test import Client

from accounts.models import User
from tests.accounts.test_mfa_api import activate_totp, fresh_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "/_allauth/browser/v1"


@pytest.fixture(autouse=True)
def _admin_mounted(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.admin_urls"


@pytest.fixture
def staff(db: Any) -> User:
    return UserFactory.create(email="staff@example.com", is_staff=True, is_superuser=True)


def sign_in(user: User, *, code_from: str | None = None) -> Client:
    """The web app's sign-in (allauth's browser client), with the second step
    when the person has an authenticator."""
    client = Client()
    response = client.post(
        f"{BROWSER}/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    if code_from is not None:
        assert response.status_code == 401, response.content
        response = client.post(
            f"{BROWSER}/auth/2fa/authenticate",
            {"code": fresh_code(code_from)},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    return client


def with_totp(user: User, login: Any) -> str:
    """Set up an authenticator app for `user` through the app API; its secret."""
    return activate_totp(login(user))


def admin_client(staff: User, login: Any) -> Client:
    """A staff member in the admin: an authenticator app set up, then signed in with it."""
    return sign_in(staff, code_from=with_totp(staff, login))


@pytest.fixture
def staff_admin(staff: User, login: Any) -> Client:
    return admin_client(staff, login)


def test_it_sends_the_admin_login_to_the_apps_sign_in() -> None:
    client = Client()
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/login?next=%2Fadmin%2F"


@pytest.mark.parametrize("wanted", ["https://example.org/admin/", "//example.org/", "/today"])
def test_it_sends_back_only_to_admin_pages(wanted: str) -> None:
    response = Client().get("/admin/login/", {"next": wanted})
    assert response["Location"] == "/login?next=%2Fadmin%2F"


def test_it_has_no_password_form_of_its_own(staff: User) -> None:
    """Passwords are tried only at allauth's sign-in, with its rate limits and
    lockout rules; the admin's login page checks none, however often."""
    client = Client()
    for _ in range(20):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/login?")
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_refuses_staff_without_an_authenticator_with_a_clear_page(staff: User) -> None:
    client = sign_in(staff)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    page = response.content.decode()
    assert "does not have one yet" in page
    assert 'href="/settings"' in page
    assert client.get("/admin/accounts/user/").status_code == 302


def test_it_refuses_a_session_that_skipped_the_second_factor(staff: User, login: Any) -> None:
    with_totp(staff, login)
    client = Client()
    client.force_login(staff)  # a session that never passed the second step
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "opened without it" in response.content.decode()


def test_it_refuses_people_who_are_not_staff(alice: User, login: Any) -> None:
    client = sign_in(alice, code_from=with_totp(alice, login))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "only for the people who look after it" in response.content.decode()


def test_it_lets_in_staff_who_signed_in_with_their_second_factor(staff_admin: Client) -> None:
    assert staff_admin.get("/admin/").status_code == 200
    assert staff_admin.get("/admin/login/")["Location"] == "/admin/"


def test_it_never_changes_who_someone_is(staff_admin: Client, alice: User) -> None:
    page = f"/admin/accounts/user/{alice.pk}/change/"
    assert staff_admin.get(page).status_code == 200
    response = staff_admin.post(
        page,
        {
            "email": "attacker@example.org",
            "display_name": "Alice",
            "timezone": "UTC",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302, response.content
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert not alice.is_staff
    assert not alice.is_superuser


def test_it_adds_nobody(staff_admin: Client) -> None:
    assert staff_admin.get("/admin/accounts/user/add/").status_code == 403


def test_it_has_no_email_address_admin(staff_admin: Client, alice: User) -> None:
    address = EmailAddress.objects.create(user=alice, email=alice.email, primary=True)
    assert staff_admin.get("/admin/account/emailaddress/").status_code == 404
    assert staff_admin.get(f"/admin/account/emailaddress/{address.pk}/change/").status_code == 404


def test_it_never_shows_an_authenticators_secret(
    staff_admin: Client, alice: User, login: Any
) -> None:
    secret = with_totp(alice, login)
    authenticator = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP)
    listing = staff_admin.get("/admin/mfa/authenticator/")
    assert listing.status_code == 200
    page = staff_admin.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/")
    assert page.status_code == 200
    for response in (listing, page):
        assert secret not in response.content.decode()
        assert str(authenticator.data.get("secret", "")) not in response.content.decode()
    delete = f"/admin/mfa/authenticator/{authenticator.pk}/delete/"
    assert staff_admin.post(delete, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_it_never_shows_a_session_key(staff_admin: Client, alice: User, login: Any) -> None:
    login(alice)
    session = UserSession.objects.filter(user=alice).first()
    assert session is not None
    listing = staff_admin.get("/admin/usersessions/usersession/")
    page = staff_admin.get(f"/admin/usersessions/usersession/{session.pk}/change/")
    for response in (listing, page):
        assert response.status_code == 200
        assert session.session_key not in response.content.decode()
