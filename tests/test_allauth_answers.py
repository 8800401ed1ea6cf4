"""allauth's own answers reach the client as allauth gives them (issue 11, hole 15).

allauth answers some requests by raising: a session token that was signed out or
has expired gets 410, a body that is not a JSON object 400, a change that needs
the password again 401 with the ways to give it. None of them is a server error.
"""

from __future__ import annotations

import pytest
from allauth.core.exceptions import RateLimited, ReauthenticationRequired
from django.contrib.sessions.backends.cached_db import SessionStore

from accounts import services
from accounts.models import User
from tests.factories import PASSWORD
from tests.test_errors import assert_error_shape

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"
SIGNED_IN_READS = [
    f"{APP}/auth/session",
    f"{APP}/config",
    f"{APP}/account/email",
    f"{APP}/account/authenticators",
    f"{APP}/auth/sessions",
]


def assert_session_gone(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 410, response.content
    body = response.json()
    assert body["status"] == 410
    assert not body["meta"]["is_authenticated"]
    assert {"id": "login"} in body["data"]["flows"]


@pytest.mark.parametrize("path", SIGNED_IN_READS)
def test_it_answers_a_signed_out_token_with_410(alice_api, path) -> None:
    assert alice_api.delete(f"{APP}/auth/session").status_code == 401
    assert_session_gone(alice_api.get(path))


def test_it_answers_a_signed_out_token_with_410_on_writes_too(alice_api) -> None:
    alice_api.delete(f"{APP}/auth/session")
    assert_session_gone(alice_api.post(f"{APP}/account/email", {"email": "x@example.com"}))
    assert_session_gone(alice_api.delete(f"{APP}/auth/session"))
    assert_session_gone(alice_api.post(f"{APP}/auth/login", {"email": "a", "password": "b"}))


def test_it_answers_an_expired_token_with_410(alice_api) -> None:
    token = alice_api._credentials["HTTP_X_SESSION_TOKEN"]
    SessionStore(session_key=token).delete()
    assert_session_gone(alice_api.get(f"{APP}/auth/session"))


def test_it_answers_an_unknown_token_with_410(anon) -> None:
    assert_session_gone(anon.get(f"{APP}/auth/session", HTTP_X_SESSION_TOKEN="no-such-session"))


@pytest.mark.parametrize(
    "path", [f"{APP}/tokens/refresh", f"{APP}/auth/login", f"{APP}/auth/signup"]
)
@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "3", "null", "{"])
def test_it_answers_a_body_that_is_not_an_object_with_400(anon, path, body) -> None:
    response = anon.generic("POST", path, body, content_type="application/json")
    assert_error_shape(response, 400)


def test_it_answers_a_browser_client_with_a_list_body_with_400(anon) -> None:
    response = anon.generic(
        "POST", "/_allauth/browser/v1/auth/login", "[]", content_type="application/json"
    )
    assert response.status_code in (400, 403)
    assert_error_shape(response, response.status_code)


def test_it_asks_to_reauthenticate_when_an_api_view_needs_it(alice_api, monkeypatch) -> None:
    def needs_password(**kwargs: object) -> None:
        raise ReauthenticationRequired()

    monkeypatch.setattr(services, "profile_update", needs_password)
    response = alice_api.patch("/api/v1/me", {"display_name": "A"}, format="json")
    body = assert_error_shape(response, 401)
    assert body["errors"][0]["code"] == "reauthentication_required"
    assert {"id": "reauthenticate"} in body["data"]["flows"]


def test_it_answers_allauths_rate_limit_with_429(alice_api, monkeypatch) -> None:
    def limited(**kwargs: object) -> None:
        raise RateLimited()

    monkeypatch.setattr(services, "profile_update", limited)
    response = alice_api.patch("/api/v1/me", {"display_name": "A"}, format="json")
    assert_error_shape(response, 429)


@pytest.mark.parametrize(
    "path", ["/account/phone", "/auth/phone/verify", "/auth/phone/verify/resend"]
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_it_answers_allauths_phone_endpoints_with_404(alice_api, anon, path, method) -> None:
    """attune keeps no phone numbers."""
    for client in (alice_api, anon):
        response = client.generic(
            method, f"{APP}{path}", '{"phone": "+314159265359"}', content_type="application/json"
        )
        assert_error_shape(response, 404)
    response = anon.get(f"/_allauth/browser/v1{path}")
    assert_error_shape(response, 404)


@pytest.mark.parametrize(
    ("path", "field"),
    [("/auth/sessions", "sessions"), ("/account/authenticators/webauthn", "authenticators")],
)
def test_it_answers_an_id_no_column_holds_with_400(alice_api, path, field) -> None:
    body = f'{{"{field}": [{10**30}]}}'
    response = alice_api.generic("DELETE", f"{APP}{path}", body, content_type="application/json")
    assert_error_shape(response, 400)


@pytest.mark.django_db(transaction=True)  # the failed insert must not end the test's transaction
def test_it_answers_the_same_signup_sent_twice_at_once_with_409(anon, monkeypatch) -> None:
    """Both requests pass allauth's check for a taken address before either has
    written; the database keeps the first."""
    from allauth.account.adapter import DefaultAccountAdapter

    save_user = DefaultAccountAdapter.save_user

    def the_other_request_wins(self, request, user, form, commit=True):  # type: ignore[no-untyped-def]
        User.objects.create_user(email=form.cleaned_data["email"], password=PASSWORD)
        return save_user(self, request, user, form, commit)

    monkeypatch.setattr(DefaultAccountAdapter, "save_user", the_other_request_wins)
    response = anon.post(
        f"{APP}/auth/signup", {"email": "new@example.com", "password": PASSWORD}, format="json"
    )
    assert_error_shape(response, 409)
    assert User.objects.filter(email="new@example.com").count() == 1
