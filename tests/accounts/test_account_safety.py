"""A borrowed phone, a known email or a stranger's guesses open nothing.

Each test plays the attack through allauth's real endpoints (the app client,
as a phone would) and checks that it now fails to get in.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.sessions import SEEN_KEY
from tests.factories import PASSWORD, UserFactory
from tests.second_factor import totp_code

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"


def flow_ids(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {flow["id"] for flow in response.json()["data"]["flows"]}


def sign_in(email: str, password: str = PASSWORD, ip: str = "203.0.113.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=ip)
    response = client.post(f"{APP}/auth/login", {"email": email, "password": password})
    assert response.status_code == 200, response.content
    client.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    return client


def token(client: APIClient) -> str:
    return client._credentials["HTTP_X_SESSION_TOKEN"]  # type: ignore[attr-defined]


def reauthenticate(client: APIClient) -> None:
    response = client.post(f"{APP}/auth/reauthenticate", {"password": PASSWORD})
    assert response.status_code == 200, response.content


def age_the_sign_in(client: APIClient, *, minutes: int) -> None:
    """Move every authentication of this session `minutes` into the past."""
    session = SessionStore(session_key=token(client))
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] -= minutes * 60
    session["account_authentication_methods"] = records
    session.save()


# --- Hole 1: a live session alone cannot take the account over ----------------


def test_it_asks_for_the_password_before_adding_an_email(alice) -> None:
    thief = sign_in(alice.email)
    age_the_sign_in(thief, minutes=10)

    response = thief.post(f"{APP}/account/email", {"email": "thief@example.org"})

    assert response.status_code == 401
    assert "reauthenticate" in flow_ids(response)
    assert not EmailAddress.objects.filter(email="thief@example.org").exists()


def test_it_adds_an_email_right_after_the_password_is_given_again(alice) -> None:
    owner = sign_in(alice.email)
    age_the_sign_in(owner, minutes=10)

    wrong = owner.post(f"{APP}/auth/reauthenticate", {"password": "not the password"})
    assert wrong.status_code == 400
    assert owner.post(f"{APP}/account/email", {"email": "a2@example.org"}).status_code == 401

    assert owner.post(f"{APP}/auth/reauthenticate", {"password": PASSWORD}).status_code == 200
    response = owner.post(f"{APP}/account/email", {"email": "a2@example.org"})
    assert response.status_code == 200, response.content
    assert EmailAddress.objects.filter(user=alice, email="a2@example.org").exists()


def test_it_asks_for_the_password_before_changing_the_primary_email(alice) -> None:
    EmailAddress.objects.create(user=alice, email="a2@example.org", verified=True)
    thief = sign_in(alice.email)
    age_the_sign_in(thief, minutes=10)

    response = thief.patch(f"{APP}/account/email", {"email": "a2@example.org", "primary": True})

    assert response.status_code == 401
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_it_asks_for_the_current_password_to_change_the_password(alice) -> None:
    thief = sign_in(alice.email)
    response = thief.post(f"{APP}/account/password/change", {"new_password": "taken over at last"})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_it_asks_for_the_password_before_ending_other_sessions(alice) -> None:
    owner_phone = sign_in(alice.email, ip="203.0.113.1")
    thief = sign_in(alice.email, ip="198.51.100.7")
    age_the_sign_in(thief, minutes=10)
    sessions = thief.get(f"{APP}/auth/sessions").json()["data"]
    assert len(sessions) == 2
    others = [s["id"] for s in sessions if not s["is_current"]]

    response = thief.delete(f"{APP}/auth/sessions", {"sessions": others})

    assert response.status_code == 401
    assert "reauthenticate" in flow_ids(response)
    assert owner_phone.get("/api/v1/me").status_code == 200


def test_it_ends_another_session_after_the_password_is_given_again(alice) -> None:
    lost_phone = sign_in(alice.email, ip="203.0.113.1")
    owner = sign_in(alice.email, ip="198.51.100.7")
    others = [
        s["id"] for s in owner.get(f"{APP}/auth/sessions").json()["data"] if not s["is_current"]
    ]
    reauthenticate(owner)

    response = owner.delete(f"{APP}/auth/sessions", {"sessions": others})

    assert response.status_code == 200, response.content
    assert lost_phone.get("/api/v1/me").status_code == 401
    assert owner.get("/api/v1/me").status_code == 200


def test_it_asks_for_the_password_before_adding_an_authenticator(alice) -> None:
    thief = sign_in(alice.email)
    age_the_sign_in(thief, minutes=10)

    setup = thief.get(f"{APP}/account/authenticators/totp")
    assert setup.status_code == 404  # not active yet: the answer carries a secret
    code = totp_code(setup.json()["meta"]["secret"])

    response = thief.post(f"{APP}/account/authenticators/totp", {"code": code})

    assert response.status_code == 401
    assert "reauthenticate" in flow_ids(response)


# --- Hole 2: security notices ----------------------------------------------------


def test_it_tells_the_account_when_its_password_changes(alice) -> None:
    owner = sign_in(alice.email)
    mail.outbox.clear()

    response = owner.post(
        f"{APP}/account/password/change",
        {"current_password": PASSWORD, "new_password": "a calmer new password"},
    )

    assert response.status_code in (200, 401), response.content
    notices = [m for m in mail.outbox if "password was changed" in m.subject]
    assert [m.to for m in notices] == [[alice.email]]
    body = notices[0].body
    assert "If it was not you" in body
    assert "Hello from" not in body
    assert "a calmer new password" not in body


@pytest.mark.parametrize(
    ("agent", "named"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Windows",
        ),
        ("Security team: restore your account at https://attune-help.example/restore", None),
    ],
)
def test_a_notice_names_the_device_in_our_words_not_the_header_as_sent(
    alice, agent: str, named: str | None
) -> None:
    owner = sign_in(alice.email)
    owner.credentials(HTTP_X_SESSION_TOKEN=token(owner), HTTP_USER_AGENT=agent)
    mail.outbox.clear()

    owner.post(
        f"{APP}/account/password/change",
        {"current_password": PASSWORD, "new_password": "a calmer new password"},
    )

    (notice,) = [m for m in mail.outbox if "password was changed" in m.subject]
    assert "attune-help.example" not in notice.body
    assert f"From: {named or 'A device we'}" in notice.body


def test_it_tells_the_old_address_when_the_primary_email_changes(alice) -> None:
    EmailAddress.objects.filter(user=alice).delete()
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    EmailAddress.objects.create(user=alice, email="new@example.org", verified=True)
    owner = sign_in(alice.email)
    reauthenticate(owner)
    mail.outbox.clear()

    response = owner.patch(f"{APP}/account/email", {"email": "new@example.org", "primary": True})

    assert response.status_code == 200, response.content
    notices = [m for m in mail.outbox if "email was changed" in m.subject]
    assert [m.to for m in notices] == [["alice@example.com"]]


def test_it_tells_the_account_when_an_email_address_is_added(alice) -> None:
    owner = sign_in(alice.email)
    reauthenticate(owner)
    mail.outbox.clear()
    assert owner.post(f"{APP}/account/email", {"email": "a2@example.org"}).status_code == 200

    # The new address gets its confirmation; nothing private is in either mail.
    assert {tuple(m.to) for m in mail.outbox} >= {("a2@example.org",)}
    for message in mail.outbox:
        assert message.subject.startswith("[attune] ")
        assert "127.0.0.1" not in message.body


# --- Hole 3: signup answers alike for a taken and a new email ---------------------


class CountingHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few iterations, counting how often a password is hashed."""

    iterations = 1000
    calls = 0

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt, iterations)


@pytest.fixture
def defaults(settings):  # type: ignore[no-untyped-def]
    """The shipped defaults: mandatory verification by code."""
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return settings


def signup(email: str) -> tuple[int, dict, int]:
    before = CountingHasher.calls
    response = APIClient().post(
        f"{APP}/auth/signup", {"email": email, "password": "listening before answering"}
    )
    body = response.json()
    body.get("meta", {}).pop("session_token", None)
    return response.status_code, body, CountingHasher.calls - before


def test_it_answers_signup_alike_for_a_taken_and_a_new_email(defaults) -> None:
    UserFactory.create(email="taken@example.com")
    mail.outbox.clear()

    taken = signup("taken@example.com")
    new = signup("new@example.com")

    assert taken[0] == new[0] == 401
    assert taken[1] == new[1]
    # The same work on both paths: one password hash each (the time it takes
    # is most of a signup's time), and one email each.
    assert taken[2] == new[2] == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["new@example.com", "taken@example.com"]
    assert User.objects.filter(email="new@example.com").exists()


def test_it_makes_mandatory_verification_by_code_the_default() -> None:
    from django.conf import settings as live

    # conftest relaxes verification for most tests; the shipped module does not.
    import attune.settings as shipped

    assert shipped.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert shipped.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED is True
    assert live.ACCOUNT_LOGIN_BY_CODE_ENABLED is True


# --- Hole 7: a stranger's wrong guesses do not keep me out -----------------------


def test_it_lets_me_in_while_a_stranger_spends_attempts_on_my_email(alice) -> None:
    stranger = APIClient(REMOTE_ADDR="198.51.100.66")
    for _ in range(8):
        stranger.post(f"{APP}/auth/login", {"email": alice.email, "password": "a guess"})
    refused = stranger.post(f"{APP}/auth/login", {"email": alice.email, "password": PASSWORD})
    assert refused.status_code in (400, 429)

    assert sign_in(alice.email, ip="203.0.113.5").get("/api/v1/me").status_code == 200


def test_it_signs_in_by_an_emailed_code_when_the_password_attempts_are_spent(alice) -> None:
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(6):
        client.post(f"{APP}/auth/login", {"email": alice.email, "password": "a guess"})
    mail.outbox.clear()

    requested = client.post(f"{APP}/auth/code/request", {"email": alice.email})
    assert requested.status_code == 401
    assert "login_by_code" in flow_ids(requested)
    code = next(
        line.strip() for line in mail.outbox[-1].body.splitlines() if line.startswith("    ")
    )
    client.credentials(HTTP_X_SESSION_TOKEN=requested.json()["meta"]["session_token"])
    confirmed = client.post(f"{APP}/auth/code/confirm", {"code": code})

    assert confirmed.status_code == 200, confirmed.content
    client.credentials(HTTP_X_SESSION_TOKEN=confirmed.json()["meta"]["session_token"])
    assert client.get("/api/v1/me").json()["email"] == alice.email


# --- Sessions stay while used, and end when unused -------------------------------


def test_it_keeps_an_app_session_alive_while_it_is_used(alice, settings) -> None:
    client = sign_in(alice.email)
    key = client._credentials["HTTP_X_SESSION_TOKEN"]  # type: ignore[attr-defined]
    # Signed in 50 days ago and last seen 10 minutes ago.
    store = SessionStore(session_key=key)
    store[SEEN_KEY] = int(time.time()) - 600
    store.set_expiry(timezone.now() + timedelta(days=10))
    store.save()
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + timedelta(days=11)

    assert client.get("/api/v1/me").status_code == 200

    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(days=59)
    seen = UserSession.objects.get(session_key=key).last_seen_at
    assert timezone.now() - seen < timedelta(minutes=1)
    assert settings.SESSION_COOKIE_AGE == 60 * 24 * 3600


def test_it_writes_at_most_once_per_few_minutes(alice, django_assert_max_num_queries) -> None:
    client = sign_in(alice.email)
    client.get("/api/v1/me")
    key = client._credentials["HTTP_X_SESSION_TOKEN"]  # type: ignore[attr-defined]
    expires = Session.objects.get(session_key=key).expire_date

    client.get("/api/v1/me")

    assert Session.objects.get(session_key=key).expire_date == expires


def test_it_lists_signed_in_devices_with_when_they_were_last_seen(alice) -> None:
    phone = sign_in(alice.email, ip="203.0.113.1")
    sign_in(alice.email, ip="198.51.100.7")

    sessions = phone.get(f"{APP}/auth/sessions").json()["data"]

    assert sorted(s["ip"] for s in sessions) == ["198.51.100.7", "203.0.113.1"]
    assert all(s["last_seen_at"] for s in sessions)
    assert [s["ip"] for s in sessions if s["is_current"]] == ["203.0.113.1"]
