"""The authorization harness every app's `tests/<app>/test_authorization.py` runs on.

An app keeps only its table: rows of (actor, method, route template, expected
status), each naming the setup that builds what the row needs. The harness signs
each actor in, sends the request and checks, for every row:

- the status, and the shared error body of a 401 or a 404 (a 401 row is sent
  again with a session token that names no session);
- that a 404 is exactly what an id that never existed gets (same status, same body);
- that no answer shows anyone but alice a string marked with `SECRET` (her private
  notes, her unshared items), nor the strings the setup says this row must hide;
- that a refused request, or any GET, leaves the snapshot of the stored state
  unchanged; a successful write is handed to the app's `effect` for that route.

The actors are the same everywhere (tests/test_routes.py checks every route has a
row for each): alice owns the items; bob is her partner; dave is her ex-partner;
erin her next partner — for erin's rows alice has left bob and paired with erin
after the setup ran, so whatever was shared with bob is gone; carol is a stranger;
anon sends no session.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Protocol

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import login as django_login
from django.db.models import Model
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.models import User
from partners import services as partners_services
from partners.models import Membership, Partnership

ACTORS = ("alice", "bob", "dave", "erin", "carol", "anon")
# The columns of a table of alice's shareable items: every actor on the "shared"
# setup, and bob again on each other state of sharing.
SHARING = (
    "alice",
    "bob",
    "bob@unshared",
    "bob@paused",
    "bob@revoked",
    "dave",
    "erin",
    "carol",
    "anon",
)
SHARING_SETUPS = ("shared", "unshared", "paused", "revoked")
OWNER = "alice"
# Put this in every private string of alice's (notes, unshared items): no answer to
# anyone else may contain it.
SECRET = "ALICE-ONLY"


NOT_AUTHENTICATED = {
    "status": 401,
    "errors": [{"code": "not_authenticated", "message": "Please sign in to continue."}],
}


def mint_session_token(user: User) -> str:
    """A session for `user`, as allauth's app client accepts it in `X-Session-Token`.

    allauth's session-token strategy uses the session key as the token, so signing
    in is Django's own `login()` on a fresh session, then saving it; the session is
    listed among the user's devices, as after a real sign-in. Sign-in itself is
    tested through allauth's HTTP login (tests/accounts/test_signup.py and others).
    """
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    django_login(request, user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    request.session.save()
    request.user = user
    UserSession.objects.create_from_request(request)
    return str(request.session.session_key)


def client_for(user: User | None) -> APIClient:
    """An API client signed in as `user`, or anonymous for None."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_X_SESSION_TOKEN=mint_session_token(user))
    return client


def call(client: APIClient, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    return getattr(client, method.lower())(path, body, format="json", **extra)


def api(template: str, item_id: Any = None) -> str:
    return "/api/v1/" + template.format(id=item_id)


def assert_error_body(response: Any, status: int, code: str) -> None:
    """The one error shape: {"status", "errors": [{"code", "message", …}]}."""
    body = response.json()
    assert body["status"] == status
    assert len(body["errors"]) == 1
    assert body["errors"][0]["code"] == code
    assert body["errors"][0]["message"]


def ids(response: Any) -> list[str]:
    """The ids of a list answer's `results`, in order."""
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def leaked(markers: Iterable[str], text: str) -> set[str]:
    return {marker for marker in markers if marker in text}


# Snapshots of stored state.

Snapshot = dict[str, set[tuple[Any, ...]]]


def rows_of(model: type[Model] | Any, *columns: str) -> set[tuple[Any, ...]]:
    """A table's rows as a set; JSON lists (weekdays, times) become tuples."""
    return {
        tuple(tuple(value) if isinstance(value, list) else value for value in row)
        for row in model._default_manager.values_list(*columns)
    }


def unchanged_but(before: Snapshot, after: Snapshot, *keys: str) -> None:
    """Every table of the snapshot but `keys` is as it was."""
    assert {k: v for k, v in after.items() if k not in keys} == {
        k: v for k, v in before.items() if k not in keys
    }


# The table.


@dataclass(frozen=True)
class Row:
    actor: str
    method: str
    template: str
    status: int
    body: Any = None
    setup: str = "default"

    @property
    def id(self) -> str:
        return f"{self.actor}@{self.setup}-{self.method}-{self.template}-{self.status}"


def rows(
    setup: str,
    columns: Sequence[str],
    lines: Iterable[tuple[str, str, Any, str]],
) -> list[Row]:
    """Rows from compact lines: (method, template, body, "statuses in `columns` order").

    A column is an actor, run on `setup`, or `actor@other_setup` (`bob@paused`).
    """
    found = []
    for method, template, body, statuses in lines:
        for column, status in zip(columns, statuses.split(), strict=True):
            actor, _, own_setup = column.partition("@")
            found.append(Row(actor, method, template, int(status), body, own_setup or setup))
    return found


@dataclass
class Cast:
    """The people of every table, by actor name."""

    alice: User
    bob: User
    dave: User
    erin: User
    carol: User

    def user(self, actor: str) -> User | None:
        return None if actor == "anon" else getattr(self, actor)

    @property
    def users(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in ACTORS if name != "anon"}

    def move_on(self) -> None:
        """alice leaves bob and pairs with erin, her next partner."""
        partners_services.partnership_end(user=self.alice)
        created = partners_services.invitation_create(inviter=self.alice)
        partners_services.invitation_accept(token=created.token, user=self.erin)


def partner_sees(row: Row) -> bool:
    """In a `SHARING` table: bob, in the setup where alice shares with him."""
    return row.actor == "bob" and row.setup == "shared"


def current_partnership(user: User) -> Partnership:
    return Membership.objects.get(user=user, ended_at=None).partnership


class World(Protocol):
    """What a setup builds: ids for the routes, and what each answer must hide."""

    def item_id(self, template: str) -> Any: ...

    def hidden(self, row: Row) -> set[str]:
        """Strings `row`'s answer must not contain (beyond `SECRET` to non-owners).

        Asked before the request is sent, so a row may delete what it names."""
        ...


Effect = Callable[[Any, Row, Any, Snapshot, Snapshot], None]


@dataclass
class Table:
    """One app's authorization table and how to check its answers."""

    rows: list[Row]
    setups: Mapping[str, Callable[[Cast], Any]]
    snapshot: Callable[[], Snapshot]
    # (method, template) → what a successful write stored: (world, row, body, before, after).
    effects: Mapping[tuple[str, str], Effect] = field(default_factory=dict)
    # What a successful GET must show: (world, row, body).
    shows: Callable[[Any, Row, Any], None] | None = None

    def parametrize(self) -> Any:
        return pytest.mark.parametrize("row", self.rows, ids=[row.id for row in self.rows])

    def check(self, row: Row, cast: Cast) -> None:
        world = self.setups[row.setup](cast)
        if row.actor == "erin":
            cast.move_on()
        client = client_for(cast.user(row.actor))
        hidden = world.hidden(row)
        before = self.snapshot()

        response = call(
            client, row.method, api(row.template, world.item_id(row.template)), row.body
        )

        assert response.status_code == row.status, response.content
        text = response.content.decode()
        if row.actor != OWNER:
            assert SECRET not in text
        assert not leaked(hidden, text)
        if row.status == 401:
            assert response.json() == NOT_AUTHENTICATED
            assert response.headers["WWW-Authenticate"] == 'X-Session-Token realm="api"'
            # A session token that names no session is no better than none.
            client.credentials(HTTP_X_SESSION_TOKEN="not-a-session-token")
            bad = call(client, row.method, api(row.template, world.item_id(row.template)), row.body)
            assert (bad.status_code, bad.json()) == (401, NOT_AUTHENTICATED)
        if row.status == 404:
            assert_error_body(response, 404, "not_found")
            unknown = call(client, row.method, api(row.template, uuid.uuid4()), row.body)
            assert (unknown.status_code, unknown.json()) == (404, response.json())
        if row.status >= 400 or row.method == "GET":
            assert self.snapshot() == before
        body = response.json() if response.content else None
        if row.status >= 300:
            return
        if row.method == "GET":
            if self.shows is not None:
                self.shows(world, row, body)
            return
        effect = self.effects.get((row.method, row.template))
        assert effect is not None, f"add the stored effect of {row.method} {row.template}"
        effect(world, row, body, before, self.snapshot())
