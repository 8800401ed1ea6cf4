"""Who may do what with push subscriptions.

alice has one device subscribed (the subject of every `{id}` route); bob, her
partner, has one of his own. Subscriptions are per person: a partner, an
ex-partner, the next partner and a stranger each see and change only their
own, and another person's subscription id is 404. The VAPID public key is
public: anyone, signed in or not, may read it. No answer ever carries a key or
another person's endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from accounts.models import User
from push.models import Subscription
from tests import authz
from tests.authz import Cast, Row
from tests.push.service import Device, b64url

pytestmark = pytest.mark.django_db

ALICES_ENDPOINT = "https://push.example.com/alice-device-7f3a"
BOBS_ENDPOINT = "https://push.example.com/bob-device-91c2"
NEW_ENDPOINT = "http://127.0.0.1:9/new-device-55d0"


def _body(endpoint: str, device: Device, label: str) -> dict[str, Any]:
    return {
        "endpoint": endpoint,
        "keys": {"p256dh": device.p256dh, "auth": b64url(device.auth)},
        "label": label,
    }


NEW_DEVICE = Device("new")
SUBSCRIBE = _body(NEW_ENDPOINT, NEW_DEVICE, "A new device")

# fmt: off
# (method, path template, body, statuses in the order of authz.ACTORS)
#                                                            ali bob dav eri car ano
ROWS = authz.rows("default", authz.ACTORS, [
    # The public key is public.
    ("GET", "push/key", None,                               "200 200 200 200 200 200"),
    # Each lists and adds only their own devices.
    ("GET", "push/subscriptions", None,                     "200 200 200 200 200 401"),
    ("POST", "push/subscriptions", SUBSCRIBE,               "201 201 201 201 201 401"),
    # alice's device: hers alone to remove; to anyone else it does not exist.
    ("DELETE", "push/subscriptions/{id}", None,             "204 404 404 404 404 401"),
])
# fmt: on


@dataclass
class World:
    users: dict[str, User]
    alices: Subscription
    bobs: Subscription

    def item_id(self, template: str) -> Any:
        return self.alices.pk

    def hidden(self, row: Row) -> set[str]:
        # Nobody's keys, ever; nobody else's endpoints or ids.
        found = {s.p256dh for s in (self.alices, self.bobs)} | {
            s.auth for s in (self.alices, self.bobs)
        }
        if row.actor != "alice":
            found |= {ALICES_ENDPOINT, str(self.alices.pk)}
        if row.actor != "bob":
            found |= {BOBS_ENDPOINT, str(self.bobs.pk)}
        return found


def _subscription(user: User, endpoint: str, name: str) -> Subscription:
    device = Device(name)
    return Subscription.objects.create(
        user=user,
        endpoint=endpoint,
        p256dh=device.p256dh,
        auth=b64url(device.auth),
        label=f"{name}'s device",
    )


def build(cast_: Cast) -> World:
    return World(
        users=cast_.users,
        alices=_subscription(cast_.alice, ALICES_ENDPOINT, "alice"),
        bobs=_subscription(cast_.bob, BOBS_ENDPOINT, "bob"),
    )


def snapshot() -> authz.Snapshot:
    return {
        "subscriptions": authz.rows_of(Subscription, "pk", "user_id", "endpoint", "label"),
        "users": authz.rows_of(User, "pk", "email", "push_reminders", "push_partner_activity"),
    }


def _subscribed(world: Any, row: Row, body: Any, before: Any, after: Any) -> None:
    user = world.users[row.actor]
    new = after["subscriptions"] - before["subscriptions"]
    assert new == {
        (Subscription.objects.get(pk=body["id"]).pk, user.pk, NEW_ENDPOINT, "A new device")
    }
    authz.unchanged_but(before, after, "subscriptions")
    assert before["subscriptions"] <= after["subscriptions"]


def _removed(world: Any, row: Row, body: Any, before: Any, after: Any) -> None:
    gone = before["subscriptions"] - after["subscriptions"]
    assert gone == {(world.alices.pk, world.users["alice"].pk, ALICES_ENDPOINT, "alice's device")}
    assert after["subscriptions"] <= before["subscriptions"]
    authz.unchanged_but(before, after, "subscriptions")


TABLE = authz.Table(
    rows=ROWS,
    setups={"default": build},
    snapshot=snapshot,
    effects={
        ("POST", "push/subscriptions"): _subscribed,
        ("DELETE", "push/subscriptions/{id}"): _removed,
    },
)


@pytest.fixture(autouse=True)
def _local_new_device(settings):  # type: ignore[no-untyped-def]
    # The new device's endpoint is on this machine: allowed as in tests and local runs.
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = True


@TABLE.parametrize()
def test_it_answers_each_actor_as_the_table_says(row: Row, cast: Cast) -> None:
    TABLE.check(row, cast)


def test_it_lists_only_the_callers_own_devices(cast: Cast) -> None:
    world = build(cast)
    for name in ("alice", "bob", "carol"):
        listed = authz.client_for(cast.user(name)).get("/api/v1/push/subscriptions").json()
        expected = {"alice": [str(world.alices.pk)], "bob": [str(world.bobs.pk)], "carol": []}
        assert [row["id"] for row in listed["results"]] == expected[name]
