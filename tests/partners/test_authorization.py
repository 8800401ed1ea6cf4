"""Who may do what with invitations, the partnership and the consent log.

One row per actor of the harness (tests/authz.py), method and route. `{id}` is
always alice's pending invitation. Outsiders get 404, never 403, and a refused
request writes nothing. The accounts table (tests/accounts/test_authorization.py)
runs on this module's world: the same people, one invitation.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from partners.models import ConsentEvent, Invitation, Membership, Notification, Partnership
from tests import authz
from tests.authz import Cast, Row, assert_error_body
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

INVITATION_TOKEN = "alices-invitation-token-0123456789abcdef"
PAUSE = {"sharing_paused": True}
ACCEPT = {"token": INVITATION_TOKEN}
PREVIEW = {"token": INVITATION_TOKEN}
READ_ALL = {"all": True}

# fmt: off
# (method, path template, body, statuses in the order of authz.ACTORS)
#                                                            ali bob dav eri car ano
ROWS = authz.rows("default", authz.ACTORS, [
    # invitations: each lists only their own; someone paired cannot invite.
    ("GET", "invitations", None,                            "200 200 200 200 200 401"),
    ("POST", "invitations", {},                             "409 409 201 409 201 401"),
    # invitations/{id}: only its inviter may withdraw it; to anyone else it does not exist.
    ("DELETE", "invitations/{id}", None,                    "204 404 404 404 404 401"),
    # invitations/accept with alice's token: she is paired already, so nobody pairs;
    # once she has paired with erin, her pending invitations are void.
    ("POST", "invitations/accept", ACCEPT,                  "400 409 409 400 409 401"),
    # invitations/preview: whoever holds the link learns who sent it (a name, an
    # expiry), signed in or not yet; the token is its own permission.
    ("POST", "invitations/preview", PREVIEW,                "200 200 200 400 200 200"),
    # partnership: the two current partners only; an ex-partner learns nothing.
    ("GET", "partnership", None,                            "200 200 404 200 404 401"),
    ("PATCH", "partnership", PAUSE,                         "200 200 404 200 404 401"),
    ("DELETE", "partnership", None,                         "204 204 404 204 404 401"),
    # consent-log: the caller's own events only.
    ("GET", "consent-log", None,                            "200 200 200 200 200 401"),
    # inbox: each reads and marks only their own news; an ex-partner keeps only
    # the news that it ended.
    ("GET", "inbox", None,                                  "200 200 200 200 200 401"),
    ("POST", "inbox/read", READ_ALL,                        "200 200 200 200 200 401"),
])
# fmt: on

# Endpoints whose every answer must hold only the caller's own data. The others
# (partnership, accept) name the partner when they succeed.
OWN_DATA_ONLY = {
    "me",
    "me/export",
    "invitations",
    "invitations/{id}",
    "consent-log",
    "inbox",
    "inbox/read",
}


@dataclass
class World:
    users: dict[str, User]
    invitation: Invitation
    partnership: Partnership  # alice and bob's

    def item_id(self, template: str) -> Any:
        return self.invitation.pk

    def path(self, template: str) -> str:
        return authz.api(template, self.invitation.pk)

    def hidden(self, row: Row) -> set[str]:
        found = set()
        if row.status >= 400:
            # A refusal names nobody.
            found |= self.foreign_markers(row.actor)
            found |= {u.display_name for name, u in self.users.items() if name != row.actor}
        if row.template in OWN_DATA_ONLY:
            found |= self.foreign_markers(row.actor)
        return found

    def markers(self, name: str) -> set[str]:
        """Strings that identify `name`'s data: ids, email, invitations, consent events."""
        user = self.users[name]
        found = {str(user.pk), user.email}
        for invitation in Invitation.objects.filter(inviter=user):
            found.add(str(invitation.pk))
            if invitation.email:
                found.add(invitation.email)
        found.update(str(pk) for pk in user.consent_events.values_list("pk", flat=True))
        return found

    def foreign_markers(self, actor: str) -> set[str]:
        """What `actor` must never see: other people's markers and a partnership not theirs."""
        foreign = set().union(*(self.markers(name) for name in self.users if name != actor))
        if actor not in ("alice", "bob"):
            foreign.add(str(self.partnership.pk))
        return foreign


def build(cast_: Cast) -> World:
    invitation = cast(
        Invitation,
        InvitationFactory.create(
            inviter=cast_.alice, token=INVITATION_TOKEN, email="invitee@example.com"
        ),
    )
    partnership = Membership.objects.get(user=cast_.alice, ended_at=None).partnership
    names = ("alice", "bob", "dave", "erin", "carol")
    users = {name: getattr(cast_, name) for name in names}
    return World(users=users, invitation=invitation, partnership=partnership)


@pytest.fixture
def world(cast: Cast) -> World:
    return build(cast)


def snapshot() -> authz.Snapshot:
    """The stored state these endpoints can change (not sessions or last_login)."""
    return {
        "users": authz.rows_of(User, "pk", "email", "display_name"),
        "invitations": authz.rows_of(Invitation, "pk", "inviter_id", "accepted_at", "withdrawn_at"),
        "partnerships": authz.rows_of(Partnership, "pk", "ended_at"),
        "memberships": authz.rows_of(Membership, "pk", "user_id", "ended_at", "sharing_paused"),
        "consent_events": authz.rows_of(ConsentEvent, "pk"),
        "inbox": authz.rows_of(Notification, "pk", "recipient_id", "read_at"),
    }


# What each successful write must have done, and nothing more.


def _invited(world: World, user: User, before: dict, after: dict) -> None:
    new = after["invitations"] - before["invitations"]
    assert len(new) == 1
    assert next(iter(new))[1] == user.pk
    assert after["invitations"] >= before["invitations"]
    assert {k: v for k, v in after.items() if k != "invitations"} == {
        k: v for k, v in before.items() if k != "invitations"
    }


def _withdrawn(world: World, user: User, before: dict, after: dict) -> None:
    world.invitation.refresh_from_db()
    assert world.invitation.inviter == user
    assert world.invitation.withdrawn_at is not None
    assert world.invitation.accepted_at is None


def _paused(world: World, user: User, before: dict, after: dict) -> None:
    active = {(user_id, p) for _, user_id, ended, p in after["memberships"] if ended is None}
    # alice and her current partner (bob, or erin once she has moved on): only the caller paused.
    assert len(active) == 2
    assert (world.users["alice"].pk, user.pk == world.users["alice"].pk) in active
    assert (user.pk, True) in active
    kinds = list(user.consent_events.order_by("created_at").values_list("kind", flat=True))
    assert kinds[-1] == "sharing_paused"


def _ended(world: World, user: User, before: dict, after: dict) -> None:
    ended = {pk for pk, ended_at in after["partnerships"] if ended_at is not None}
    (newly,) = ended - {pk for pk, ended_at in before["partnerships"] if ended_at is not None}
    assert Membership.objects.filter(partnership_id=newly, user=user).exists()
    assert not Membership.objects.filter(ended_at=None).exists()
    assert after["users"] == before["users"]


def _read(world: World, user: User, before: dict, after: dict) -> None:
    changed = before["inbox"] ^ after["inbox"]
    assert {recipient for _, recipient, _ in changed} <= {user.pk}
    assert not Notification.objects.filter(recipient=user, read_at=None).exists()
    assert {k: v for k, v in after.items() if k != "inbox"} == {
        k: v for k, v in before.items() if k != "inbox"
    }


def _nothing_written(world: World, user: User | None, before: dict, after: dict) -> None:
    assert after == before


EFFECTS: dict[tuple[str, str], Callable[[World, User, dict, dict], None]] = {
    ("POST", "invitations"): _invited,
    ("DELETE", "invitations/{id}"): _withdrawn,
    ("PATCH", "partnership"): _paused,
    ("DELETE", "partnership"): _ended,
    ("POST", "invitations/preview"): _nothing_written,
    ("POST", "inbox/read"): _read,
}


def as_effect(
    check: Callable[[World, User, dict, dict], None],
) -> authz.Effect:
    def effect(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
        check(world, cast(User, world.users.get(row.actor)), before, after)

    return effect


TABLE = authz.Table(
    rows=ROWS,
    setups={"default": build},
    snapshot=snapshot,
    effects={route: as_effect(check) for route, check in EFFECTS.items()},
)


@TABLE.parametrize()
def test_it_answers_each_actor_as_the_table_says(row: Row, cast: Cast) -> None:
    TABLE.check(row, cast)


# The interesting rows, one by one.


@pytest.mark.parametrize("actor", ["bob", "dave", "carol"])
def test_it_hides_alices_invitation_from_everyone_else(
    actor: str, world: World, login: Callable[[User], APIClient]
) -> None:
    client = login(world.users[actor])
    response = client.delete(world.path("invitations/{id}"))
    assert response.status_code == 404
    # Exactly what an id that never existed gets: no hint that this one does.
    unknown = client.delete(f"/api/v1/invitations/{uuid.uuid4()}")
    assert unknown.status_code == 404
    assert response.json() == unknown.json()

    world.invitation.refresh_from_db()
    assert world.invitation.withdrawn_at is None
    assert world.invitation.accepted_at is None
    assert str(world.invitation.pk) not in client.get("/api/v1/invitations").content.decode()


def test_it_lets_alice_withdraw_her_own_invitation(world: World, alice_api: APIClient) -> None:
    assert alice_api.delete(world.path("invitations/{id}")).status_code == 204
    world.invitation.refresh_from_db()
    assert world.invitation.withdrawn_at is not None
    listed = alice_api.get("/api/v1/invitations").json()["results"]
    # The other one is the invitation bob accepted.
    assert sorted(item["status"] for item in listed) == ["accepted", "withdrawn"]
    assert {item["id"]: item["status"] for item in listed}[str(world.invitation.pk)] == "withdrawn"


def test_it_tells_dave_nothing_of_alices_current_partnership(
    world: World, login: Callable[[User], APIClient]
) -> None:
    dave_api = login(world.users["dave"])
    bob = world.users["bob"]
    responses = [
        dave_api.get("/api/v1/partnership"),
        dave_api.get("/api/v1/me/export"),
        dave_api.get("/api/v1/consent-log"),
        dave_api.patch("/api/v1/partnership", PAUSE, format="json"),
    ]
    assert [r.status_code for r in responses] == [404, 200, 200, 404]
    assert responses[0].json() == {
        "status": 404,
        "errors": [{"code": "not_found", "message": "You have no partner right now."}],
    }
    for response in responses:
        text = response.content.decode()
        for marker in (str(bob.pk), "Bob", bob.email, str(world.partnership.pk)):
            assert marker not in text
    # Dave sees his own, ended partnership with alice, and only that.
    export = responses[1].json()
    assert [p["ended_at"] is not None for p in export["partnerships"]] == [True]


def test_it_shows_the_partnership_to_alice_and_bob_only(
    world: World, login: Callable[[User], APIClient]
) -> None:
    alice, bob = world.users["alice"], world.users["bob"]
    mine = login(alice).get("/api/v1/partnership").json()
    theirs = login(bob).get("/api/v1/partnership").json()
    assert mine["id"] == theirs["id"] == str(world.partnership.pk)
    assert mine["partner"] == {"id": str(bob.pk), "display_name": "Bob"}
    assert theirs["partner"] == {"id": str(alice.pk), "display_name": "Alice"}
    for outsider in ("carol", "dave"):
        response = login(world.users[outsider]).get("/api/v1/partnership")
        assert response.status_code == 404
        assert_error_body(response, 404, "not_found")


def test_it_pauses_only_bobs_side_when_bob_pauses(
    world: World, login: Callable[[User], APIClient]
) -> None:
    alice, bob = world.users["alice"], world.users["bob"]
    response = login(bob).patch("/api/v1/partnership", PAUSE, format="json")
    assert response.status_code == 200
    assert response.json()["sharing_paused"] is True
    assert Membership.objects.get(user=bob, ended_at=None).sharing_paused is True
    assert Membership.objects.get(user=alice, ended_at=None).sharing_paused is False
    assert login(alice).get("/api/v1/partnership").json()["sharing_paused"] is False
    assert not alice.consent_events.filter(kind="sharing_paused").exists()
    assert bob.consent_events.filter(kind="sharing_paused").count() == 1


@pytest.mark.parametrize("outsider", ["carol", "dave"])
def test_it_lets_no_outsider_end_alice_and_bobs_partnership(
    outsider: str, world: World, login: Callable[[User], APIClient]
) -> None:
    response = login(world.users[outsider]).delete("/api/v1/partnership")
    assert response.status_code == 404
    assert_error_body(response, 404, "not_found")
    world.partnership.refresh_from_db()
    assert world.partnership.ended_at is None
    active = set(Membership.objects.filter(ended_at=None).values_list("user_id", flat=True))
    assert active == {world.users["alice"].pk, world.users["bob"].pk}
    assert login(world.users["alice"]).get("/api/v1/partnership").json()["partner"]["id"] == str(
        world.users["bob"].pk
    )
    assert not ConsentEvent.objects.filter(kind="unpaired").exists()
