"""Who may do what with a person's own profile and export.

One row per actor of the harness (tests/authz.py), method and route, on the world
of tests/partners/test_authorization.py: alice, her partner bob, her ex-partner
dave, her next partner erin, carol a stranger, and alice's pending invitation.
Each answer holds only the caller's own data. An email's unsubscribe link is
open to anyone who holds it: it stops one kind of email for the one person it
names, whoever sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils.functional import lazy
from rest_framework.test import APIClient

from accounts import email_preferences
from accounts.models import User
from partners.models import Invitation
from tests import authz
from tests.authz import Cast, Row
from tests.factories import PASSWORD
from tests.partners.test_authorization import World, as_effect, build
from tests.partners.test_authorization import snapshot as partners_snapshot

pytestmark = pytest.mark.django_db

RENAME = {"display_name": "Renamed"}
# The harness's bodies are fixed before any world exists: the unsubscribe token
# is minted by the setup and read when the request is encoded.
_minted: dict[str, str] = {}
ALICES_LINK = {"token": lazy(lambda: _minted["token"], str)()}
ERASE = {"password": PASSWORD}

# fmt: off
# (method, path template, body, statuses in the order of authz.ACTORS)
#                                                            ali bob dav eri car ano
ROWS = authz.rows("default", authz.ACTORS, [
    # me: always the caller's own profile; DELETE erases the caller, nobody else.
    ("GET", "me", None,                                     "200 200 200 200 200 401"),
    ("PATCH", "me", RENAME,                                 "200 200 200 200 200 401"),
    ("DELETE", "me", ERASE,                                 "204 204 204 204 204 401"),
    # me/export: everything the caller owns, and nothing of anyone else.
    ("GET", "me/export", None,                              "200 200 200 200 200 401"),
]) + authz.rows("unsubscribe", authz.ACTORS, [
    # An email's unsubscribe link: the token is the authority, whoever holds it. It
    # stops alice's reminder emails, for anyone who sends it, and nothing else.
    ("POST", "unsubscribe/preview", ALICES_LINK,            "200 200 200 200 200 200"),
    ("POST", "unsubscribe", ALICES_LINK,                    "200 200 200 200 200 200"),
])
# fmt: on


@pytest.fixture
def world(cast: Cast) -> World:
    return build(cast)


# What each successful write must have done, and nothing more.


def _renamed(world: World, user: User, before: dict, after: dict) -> None:
    expected = {
        (pk, email, "Renamed" if pk == user.pk else name) for pk, email, name in before["users"]
    }
    assert after["users"] == expected
    assert {k: v for k, v in after.items() if k != "users"} == {
        k: v for k, v in before.items() if k != "users"
    }


def _erased(world: World, user: User, before: dict, after: dict) -> None:
    assert {pk for pk, *_ in after["users"]} == {pk for pk, *_ in before["users"]} - {user.pk}
    assert not User.objects.filter(pk=user.pk).exists()
    alice = world.users["alice"]
    assert User.objects.filter(pk=alice.pk).exists() == (user.pk != alice.pk)


def with_unsubscribe_link(cast_: Cast) -> World:
    """The world, and the unsubscribe link of an email to alice about reminders."""
    _minted["token"] = email_preferences.token_for(cast_.alice, "reminders")
    return build(cast_)


def snapshot() -> authz.Snapshot:
    return {
        **partners_snapshot(),
        "email_choices": authz.rows_of(User, "pk", "email_reminders", "email_partner_activity"),
    }


def _nothing_written(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    assert body == {"kind": "reminders"}
    assert after == before


def _alice_unsubscribed(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    assert body == {"kind": "reminders"}
    alice = world.users["alice"].pk
    assert after["email_choices"] == {
        (pk, False if pk == alice else reminders, activity)
        for pk, reminders, activity in before["email_choices"]
    }
    authz.unchanged_but(before, after, "email_choices")


TABLE = authz.Table(
    rows=ROWS,
    setups={"default": build, "unsubscribe": with_unsubscribe_link},
    snapshot=snapshot,
    effects={
        ("PATCH", "me"): as_effect(_renamed),
        ("DELETE", "me"): as_effect(_erased),
        ("POST", "unsubscribe/preview"): _nothing_written,
        ("POST", "unsubscribe"): _alice_unsubscribed,
    },
)


@TABLE.parametrize()
def test_it_answers_each_actor_as_the_table_says(row: Row, cast: Cast) -> None:
    TABLE.check(row, cast)


# The interesting rows, one by one.


@pytest.mark.parametrize("template", ["me", "me/export", "consent-log", "invitations"])
@pytest.mark.parametrize("actor", ["alice", "bob", "dave", "carol"])
def test_it_shows_only_the_callers_own_data(
    actor: str, template: str, world: World, login: Callable[[User], APIClient]
) -> None:
    response = login(world.users[actor]).get(world.path(template))
    assert response.status_code == 200
    text = response.content.decode()
    leaked = {marker for marker in world.foreign_markers(actor) if marker in text}
    assert not leaked


def test_it_exports_nothing_of_alice_to_carol(world: World, carol_api: APIClient) -> None:
    response = carol_api.get("/api/v1/me/export")
    assert response.status_code == 200
    export = response.json()
    assert export["profile"]["id"] == str(world.users["carol"].pk)
    assert export["profile"]["email"] == "carol@example.com"
    assert export["invitations"] == []
    assert export["partnerships"] == []
    assert export["consent_log"] == []
    text = response.content.decode()
    for marker in world.markers("alice") | {"Alice", str(world.partnership.pk)}:
        assert marker not in text


def test_it_exports_alices_own_data_to_alice(world: World, alice_api: APIClient) -> None:
    export = alice_api.get("/api/v1/me/export").json()
    assert export["profile"]["email"] == "alice@example.com"
    assert [i["id"] for i in export["invitations"]] == [
        str(pk)
        for pk in Invitation.objects.filter(inviter=world.users["alice"])
        .order_by("created_at")
        .values_list("pk", flat=True)
    ]
    assert str(world.partnership.pk) in {p["id"] for p in export["partnerships"]}
    assert {e["kind"] for e in export["consent_log"]} == {"paired"}


def test_it_deletes_only_the_caller(world: World, carol_api: APIClient) -> None:
    carol, alice = world.users["carol"], world.users["alice"]
    response = carol_api.delete("/api/v1/me", {"password": "not my password"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "incorrect_password"
    assert User.objects.filter(pk=carol.pk).exists()

    response = carol_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert not User.objects.filter(pk=carol.pk).exists()
    assert User.objects.filter(pk=alice.pk).exists()
    assert Invitation.objects.filter(pk=world.invitation.pk, withdrawn_at=None).exists()
    world.partnership.refresh_from_db()
    assert world.partnership.ended_at is None
    # Her token died with her account.
    assert carol_api.get("/api/v1/me").status_code == 401


def test_it_edits_only_the_callers_profile(world: World, carol_api: APIClient) -> None:
    response = carol_api.patch("/api/v1/me", {"display_name": "Caro"}, format="json")
    assert response.status_code == 200
    assert response.json()["email"] == "carol@example.com"
    assert User.objects.get(pk=world.users["carol"].pk).display_name == "Caro"
    assert User.objects.get(pk=world.users["alice"].pk).display_name == "Alice"


def test_it_refuses_another_user_id_in_the_profile_body(world: World, carol_api: APIClient) -> None:
    # There is no way to address someone else: an `id` or `email` key is refused.
    alice = world.users["alice"]
    for body in ({"id": str(alice.pk)}, {"email": alice.email}):
        response = carol_api.patch("/api/v1/me", body, format="json")
        assert response.status_code == 400
    assert User.objects.get(pk=world.users["carol"].pk).email == "carol@example.com"
    assert User.objects.get(pk=alice.pk).display_name == "Alice"
