import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_signs_up_and_reaches_me_with_the_session_token() -> None:
    client = APIClient()
    response = client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "New.Person@Example.com", "password": "listening before answering"},
        format="json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]

    response = client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "new.person@example.com"
    assert body["timezone"] == "UTC"
    assert body["quiet_hours"] is None
    user = User.objects.get(email="new.person@example.com")
    assert body["id"] == str(user.id)
    assert user.check_password("listening before answering")


def test_it_refuses_a_weak_password() -> None:
    response = APIClient().post(
        "/_allauth/app/v1/auth/signup",
        {"email": "weak@example.com", "password": "12345678"},
        format="json",
    )
    assert response.status_code == 400
    assert {e["param"] for e in response.json()["errors"]} == {"password"}
    assert not User.objects.filter(email="weak@example.com").exists()


def test_it_does_not_reveal_that_an_email_is_taken_on_password_reset(alice) -> None:
    client = APIClient()
    known = client.post(
        "/_allauth/app/v1/auth/password/request", {"email": alice.email}, format="json"
    )
    unknown = client.post(
        "/_allauth/app/v1/auth/password/request", {"email": "nobody@example.com"}, format="json"
    )
    # Password reset is by code: both answers say "a code flow is pending".
    assert known.status_code == unknown.status_code
    assert known.json()["data"]["flows"] == unknown.json()["data"]["flows"]
    pending = [f["id"] for f in known.json()["data"]["flows"] if f.get("is_pending")]
    assert pending == ["password_reset_by_code"]


def test_it_locks_out_an_email_after_repeated_failed_logins(alice) -> None:
    client = APIClient()

    def attempt(password: str) -> list[str]:
        response = client.post(
            "/_allauth/app/v1/auth/login",
            {"email": alice.email, "password": password},
            format="json",
        )
        assert response.status_code == 400
        return [error["code"] for error in response.json()["errors"]]

    codes = [attempt("not the password") for _ in range(6)]
    assert codes[0] == ["email_password_mismatch"]
    assert codes[-1] == ["too_many_login_attempts"]
    # Even the right password waits now: that is what stops guessing.
    assert attempt(PASSWORD) == ["too_many_login_attempts"]


def test_it_logs_out_and_the_token_stops_working(alice, login) -> None:
    client = login(alice)
    assert client.get("/api/v1/me").status_code == 200
    assert client.delete("/_allauth/app/v1/auth/session").status_code == 401
    assert client.get("/api/v1/me").status_code == 401
