"""Two-step sign-in with an authenticator app, through allauth's app API, and
the QR code the web app shows while one is being set up.

The test computes each code itself (RFC 6238: HMAC-SHA1 over the 30-second
counter), as the person's phone would.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.second_factor import fresh_code, totp_code
from tests.web.test_invite_page import browser_login

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"
QR = "/account/totp-qr.svg"


def reauthenticate(client: APIClient) -> None:
    """Changing authenticators needs the password given again, even just after login."""
    response = client.post(f"{APP}/auth/reauthenticate", {"password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content


def activate_totp(client: APIClient) -> str:
    reauthenticate(client)
    pending = client.get(f"{APP}/account/authenticators/totp")
    assert pending.status_code == 404
    secret: str = pending.json()["meta"]["secret"]
    assert pending.json()["meta"]["totp_url"].startswith("otpauth://totp/")
    response = client.post(
        f"{APP}/account/authenticators/totp", {"code": fresh_code(secret)}, format="json"
    )
    assert response.status_code == 200, response.content
    return secret


def start_login(user: Any) -> tuple[APIClient, dict[str, Any]]:
    client = APIClient()
    response = client.post(
        f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    body = response.json()
    client.credentials(HTTP_X_SESSION_TOKEN=body["meta"]["session_token"])
    return client, body | {"status": response.status_code}


def second_step(client: APIClient, code: str) -> Any:
    response = client.post(f"{APP}/auth/2fa/authenticate", {"code": code}, format="json")
    if response.status_code == 200:
        # Signing in completes with a new session token.
        client.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    return response


def test_it_activates_an_authenticator_app_and_then_asks_for_its_code(alice, login) -> None:
    secret = activate_totp(login(alice))
    assert Authenticator.objects.filter(user=alice, type="totp").exists()
    # Recovery codes come with the first authenticator.
    assert Authenticator.objects.filter(user=alice, type="recovery_codes").exists()

    client, started = start_login(alice)
    assert started["status"] == 401
    pending = [flow for flow in started["data"]["flows"] if flow.get("is_pending")]
    assert [flow["id"] for flow in pending] == ["mfa_authenticate"]
    assert client.get("/api/v1/me").status_code == 401

    response = second_step(client, fresh_code(secret))
    assert response.status_code == 200, response.content
    assert response.json()["meta"]["is_authenticated"] is True
    assert client.get("/api/v1/me").json()["email"] == alice.email


def test_it_refuses_a_wrong_code_and_a_code_from_another_time(alice, login) -> None:
    secret = activate_totp(login(alice))
    client, _ = start_login(alice)
    right = fresh_code(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert second_step(client, wrong).status_code == 400
    assert second_step(client, totp_code(secret, at=time.time() - 120)).status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_it_takes_each_code_once(alice, login) -> None:
    secret = activate_totp(login(alice))
    code = fresh_code(secret)
    first, _ = start_login(alice)
    assert second_step(first, code).status_code == 200
    # Someone who saw the code over a shoulder cannot use it again.
    second, _ = start_login(alice)
    assert second_step(second, code).status_code == 400


def test_it_lets_a_recovery_code_in_once(alice, login) -> None:
    owner = login(alice)
    activate_totp(owner)
    codes = owner.get(f"{APP}/account/authenticators/recovery-codes").json()["data"]
    assert codes["unused_code_count"] == codes["total_code_count"] > 0
    recovery = codes["unused_codes"][0]

    client, _ = start_login(alice)
    assert second_step(client, recovery).status_code == 200
    again, _ = start_login(alice)
    assert second_step(again, recovery).status_code == 400
    assert again.get("/api/v1/me").status_code == 401
    left = owner.get(f"{APP}/account/authenticators/recovery-codes").json()["data"]
    assert left["unused_code_count"] == codes["unused_code_count"] - 1


def test_it_removes_the_authenticator_app_and_signs_in_with_the_password_alone(
    alice, login
) -> None:
    owner = login(alice)
    activate_totp(owner)
    assert owner.delete(f"{APP}/account/authenticators/totp").status_code == 200
    assert not Authenticator.objects.filter(user=alice, type="totp").exists()
    _, started = start_login(alice)
    assert started["status"] == 200


# --- The QR code of a setup in progress ---------------------------------------------


def pending_setup(client: Client) -> str:
    response = client.get("/_allauth/browser/v1/account/authenticators/totp")
    assert response.status_code == 404
    secret: str = response.json()["meta"]["secret"]
    return secret


def test_it_draws_the_pending_setup_for_its_owner_as_svg_that_no_cache_keeps(alice) -> None:
    client = browser_login(alice)
    pending_setup(client)
    response = client.get(QR)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml") or svg.lstrip().startswith("<svg")
    assert "<svg" in svg and "<path" in svg
    assert "<script" not in svg


def test_it_draws_the_latest_secret_the_setup_handed_out(alice) -> None:
    client = browser_login(alice)
    pending_setup(client)
    first = client.get(QR).content
    pending_setup(client)
    assert client.get(QR).content != first


def test_it_draws_nothing_for_anyone_else(alice, bob, carol, dave) -> None:
    owner = browser_login(alice)
    pending_setup(owner)
    # Nobody without a setup of their own gets a picture: partner, ex-partner,
    # stranger or anonymous.
    assert Client().get(QR).status_code == 404
    for other in (bob, dave, carol):
        assert browser_login(other).get(QR).status_code == 404
    assert owner.get(QR).status_code == 200


def test_it_draws_nothing_before_a_setup_starts_or_after_it_ends(alice) -> None:
    client = browser_login(alice)
    assert client.get(QR).status_code == 404
    secret = pending_setup(client)
    token = client.cookies["csrftoken"].value
    again = client.post(
        "/_allauth/browser/v1/auth/reauthenticate",
        {"password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert again.status_code == 200, again.content
    response = client.post(
        "/_allauth/browser/v1/account/authenticators/totp",
        {"code": fresh_code(secret)},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content
    assert client.get(QR).status_code == 404


def test_it_answers_only_get(alice) -> None:
    client = browser_login(alice)
    pending_setup(client)
    assert client.post(QR, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value).status_code == 405
