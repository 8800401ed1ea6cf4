"""Passkeys through allauth's app API, as a client app on a phone would use them."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from rest_framework.test import APIClient

from tests.accounts.test_account_safety import APP, flow_ids, reauthenticate, sign_in
from tests.second_factor import SoftPasskey

pytestmark = pytest.mark.django_db


def add_passkey(client: APIClient, passkey: SoftPasskey, name: str = "My phone") -> None:
    options = client.get(f"{APP}/account/authenticators/webauthn?passwordless").json()
    credential = passkey.create(options["data"]["creation_options"]["publicKey"])
    response = client.post(
        f"{APP}/account/authenticators/webauthn", {"name": name, "credential": credential}
    )
    assert response.status_code == 200, response.content


def begin_passkey_login(client: APIClient) -> dict:
    """GET the request options; an app client keeps the challenge's session by token."""
    body = client.get(f"{APP}/auth/webauthn/login").json()
    client.credentials(HTTP_X_SESSION_TOKEN=body["meta"]["session_token"])
    return body["data"]["request_options"]["publicKey"]


def test_it_adds_a_passkey_only_after_the_password_is_given_again(alice) -> None:
    client = sign_in(alice.email)
    passkey = SoftPasskey()
    options = client.get(f"{APP}/account/authenticators/webauthn?passwordless")

    assert options.status_code == 401
    assert "reauthenticate" in flow_ids(options)

    reauthenticate(client)
    mail.outbox.clear()
    add_passkey(client, passkey)

    assert Authenticator.objects.filter(user=alice, type=Authenticator.Type.WEBAUTHN).count() == 1
    assert [m.subject for m in mail.outbox] == ["[attune] A passkey was added"]
    assert mail.outbox[0].to == [alice.email]


def test_it_signs_in_with_a_passkey_and_no_password(alice) -> None:
    owner = sign_in(alice.email)
    reauthenticate(owner)
    passkey = SoftPasskey()
    add_passkey(owner, passkey)

    phone = APIClient()
    options = begin_passkey_login(phone)
    response = phone.post(f"{APP}/auth/webauthn/login", {"credential": passkey.get(options)})

    assert response.status_code == 200, response.content
    phone.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    assert phone.get("/api/v1/me").json()["email"] == alice.email


def test_it_refuses_a_replayed_passkey_answer(alice) -> None:
    owner = sign_in(alice.email)
    reauthenticate(owner)
    passkey = SoftPasskey()
    add_passkey(owner, passkey)
    first = APIClient()
    answer = passkey.get(begin_passkey_login(first))
    assert first.post(f"{APP}/auth/webauthn/login", {"credential": answer}).status_code == 200

    # The same signed answer, sent again by someone who captured it.
    thief = APIClient()
    begin_passkey_login(thief)
    replay = thief.post(f"{APP}/auth/webauthn/login", {"credential": answer})

    assert replay.status_code == 400
    assert thief.get("/api/v1/me").status_code == 401


def test_it_removes_a_passkey_after_re_authentication_and_it_no_longer_signs_in(alice) -> None:
    owner = sign_in(alice.email)
    reauthenticate(owner)
    passkey = SoftPasskey()
    add_passkey(owner, passkey)
    authenticator = Authenticator.objects.get(user=alice, type=Authenticator.Type.WEBAUTHN)

    response = owner.delete(
        f"{APP}/account/authenticators/webauthn", {"authenticators": [authenticator.pk]}
    )

    assert response.status_code == 200, response.content
    phone = APIClient()
    options = begin_passkey_login(phone)
    refused = phone.post(f"{APP}/auth/webauthn/login", {"credential": passkey.get(options)})
    assert refused.status_code == 400
