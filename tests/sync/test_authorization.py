"""Who may read which sync feed: each person only their own, and nothing hidden.

alice has two triggers: one shared with bob, one private (its title marked with
`SECRET`), both with private notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests import authz
from tests.authz import Cast, Row
from triggers import services
from triggers.models import Trigger

pytestmark = pytest.mark.django_db

ROWS = authz.rows(
    "default",
    authz.ACTORS,
    # alice bob dave erin carol anon
    [("GET", "sync", None, "200 200 200 200 200 401")],
)

# What each actor's full feed holds of alice's two triggers.
EXPECTED = {
    "alice": {("trigger", "shared"), ("trigger", "private")},
    "bob": {("partner_trigger", "shared")},
    "dave": set(),
    "erin": set(),
    "carol": set(),
}


@dataclass
class World:
    shared: Trigger
    private: Trigger

    def item_id(self, template: str) -> Any:
        return None

    def hidden(self, row: Row) -> set[str]:
        if row.actor == "alice":
            return set()
        found = {str(self.private.pk)}
        if row.actor != "bob":
            found.add(str(self.shared.pk))
        return found


def build(cast: Cast) -> World:
    def write(title: str) -> Trigger:
        fields = {"title": title, "notes": f"{authz.SECRET}-notes-9"}
        return services.item_create(model=Trigger, owner=cast.alice, fields=fields)

    shared = services.item_share(item=write("shared"), by=cast.alice)
    return World(shared=shared, private=write(f"{authz.SECRET}-private"))


def shows(world: World, row: Row, body: Any) -> None:
    titles = {str(world.shared.pk): "shared", str(world.private.pk): "private"}
    held = {
        (change["type"], titles[change["id"]])
        for change in body["changes"]
        if change["op"] == "upsert" and change["id"] in titles
    }
    assert held == EXPECTED[row.actor]


def snapshot() -> authz.Snapshot:
    return {"triggers": authz.rows_of(Trigger, "pk", "shared_with_id", "updated_at")}


TABLE = authz.Table(rows=ROWS, setups={"default": build}, snapshot=snapshot, shows=shows)


@TABLE.parametrize()
def test_it_answers_each_actor_as_the_table_says(row: Row, cast: Cast) -> None:
    TABLE.check(row, cast)
