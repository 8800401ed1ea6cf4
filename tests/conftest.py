"""Fixtures shared by every test: alice, her partner bob, and carol, a stranger.

Tests reach the API the way a client app does, with a session token in
`X-Session-Token`. The `login` fixture mints that session directly (see
tests/authz.py); only the sign-in tests go through allauth's HTTP login.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

# Imported before any test publishes a task: under xdist it gives this process its
# own keys on the shared Redis broker.
import tests.workers  # noqa: F401
from accounts.models import User
from partners import services
from partners.models import Membership, Partnership
from tests.authz import Cast, client_for
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    # Hashing is deliberately slow in production; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
    # Rate-limit counters live in the cache: each test starts from zero.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    settings.SITE_URL = "https://attune.test"


@pytest.fixture
def login(db) -> Callable[[User], APIClient]:  # type: ignore[no-untyped-def]
    return client_for


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def alice(db) -> User:  # type: ignore[no-untyped-def]
    return UserFactory.create(email="alice@example.com", display_name="Alice")


@pytest.fixture
def bob(db, alice) -> User:  # type: ignore[no-untyped-def]
    """Alice's partner."""
    bob = UserFactory.create(email="bob@example.com", display_name="Bob")
    pair(alice, bob)
    return bob


@pytest.fixture
def carol(db) -> User:  # type: ignore[no-untyped-def]
    """A stranger to alice and bob."""
    return UserFactory.create(email="carol@example.com", display_name="Carol")


@pytest.fixture
def dave(db, alice) -> User:  # type: ignore[no-untyped-def]
    """Alice's ex-partner: they were paired once and it has ended.

    Built from rows rather than services so that it combines with `bob` in any order.
    """
    dave = UserFactory.create(email="dave@example.com", display_name="Dave")
    ended = timezone.now()
    partnership = Partnership.objects.create(created_at=ended - timedelta(days=30), ended_at=ended)
    for person in (alice, dave):
        Membership.objects.create(partnership=partnership, user=person, ended_at=ended)
    return dave


@pytest.fixture
def erin(db) -> User:  # type: ignore[no-untyped-def]
    """Alice's next partner, once she has left bob (`Cast.move_on`)."""
    return UserFactory.create(email="erin@example.com", display_name="Erin")


@pytest.fixture
def cast(alice, bob, dave, erin, carol) -> Cast:  # type: ignore[no-untyped-def]
    """Every actor of the authorization tables (tests/authz.py)."""
    return Cast(alice=alice, bob=bob, dave=dave, erin=erin, carol=carol)


def pair(inviter: User, invitee: User) -> None:
    created = services.invitation_create(inviter=inviter)
    services.invitation_accept(token=created.token, user=invitee)


@pytest.fixture
def alice_api(alice, login) -> APIClient:  # type: ignore[no-untyped-def]
    return login(alice)


@pytest.fixture
def bob_api(bob, login) -> APIClient:  # type: ignore[no-untyped-def]
    return login(bob)


@pytest.fixture
def carol_api(carol, login) -> APIClient:  # type: ignore[no-untyped-def]
    return login(carol)
