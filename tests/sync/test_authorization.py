"""Who may read which sync feed: each person only their own, and nothing hidden."""

from __future__ import annotations

from typing import Any

import pytest

from triggers import services
from triggers.models import Trigger

pytestmark = pytest.mark.django_db

ACTORS = ("alice", "bob", "dave", "carol", "anon")
MATRIX: list[tuple[str, str, str, dict[str, Any] | None, int]] = [
    ("alice", "GET", "sync", None, 200),
    ("bob", "GET", "sync", None, 200),
    ("dave", "GET", "sync", None, 200),
    ("carol", "GET", "sync", None, 200),
    ("anon", "GET", "sync", None, 401),
]

# What each actor's full feed holds of alice's two triggers.
EXPECTED = {
    "alice": {("trigger", "shared"), ("trigger", "private")},
    "bob": {("partner_trigger", "shared")},
    "dave": set(),
    "carol": set(),
}


@pytest.mark.parametrize(("actor", "method", "path", "body", "status"), MATRIX)
def test_it_answers_each_actor_as_the_matrix_says(
    actor, method, path, body, status, alice, bob, carol, dave, login, anon
) -> None:
    def write(title: str) -> Trigger:
        fields = {"title": title, "notes": "PRIVATE-NOTE-9"}
        return services.item_create(model=Trigger, owner=alice, fields=fields)

    shared = services.item_share(item=write("shared"), by=alice)
    private = write("private")
    users = {"alice": alice, "bob": bob, "dave": dave, "carol": carol}
    client = anon if actor == "anon" else login(users[actor])

    response = client.generic(method, f"/api/v1/{path}")
    assert response.status_code == status
    if status != 200:
        assert response.json()["status"] == 401
        return
    titles = {str(shared.pk): "shared", str(private.pk): "private"}
    held = {
        (change["type"], titles[change["id"]])
        for change in response.json()["changes"]
        if change["op"] == "upsert" and change["id"] in titles
    }
    assert held == EXPECTED[actor]
    text = response.content.decode()
    if actor != "alice":
        assert "PRIVATE-NOTE" not in text
        assert str(private.pk) not in text
    if actor in ("carol", "dave"):
        assert str(shared.pk) not in text
