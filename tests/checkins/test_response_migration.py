"""One response per person per check-in (checkins 0004): where several exist, the
latest stays; other people's and detached responses are untouched."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("checkins", "0003_partnership_moved")]
AFTER = [("checkins", "0004_one_response_per_person")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_it_keeps_each_persons_latest_response() -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE)
        model = old.get_model
        User = model("accounts", "User")
        alice, bob, dave = (
            User.objects.create(email=f"{name}@example.com", password="!")
            for name in ("alice", "bob", "dave")
        )
        partnership = model("partners", "Partnership").objects.create(created_at=timezone.now())
        checkin = model("checkins", "CheckIn").objects.create(owner=alice, pleasantness=0, energy=0)
        Response = model("checkins", "Response")
        now = timezone.now()

        def respond(who: Any, kind: str, hours_ago: int, on: Any = checkin) -> Any:
            return Response.objects.create(
                checkin=on,
                responder=who,
                partnership=partnership,
                kind=kind,
                note=kind,
                created_at=now - timedelta(hours=hours_ago),
            ).pk

        respond(bob, "heard", 3)
        bobs_latest = respond(bob, "want_to_talk", 1)
        respond(bob, "giving_space", 2)
        daves = respond(dave, "heard", 5)
        detached = {respond(bob, "heard", 4, on=None), respond(bob, "heard", 6, on=None)}

        new = migrate(AFTER)
        kept = {r.pk: r.note for r in new.get_model("checkins", "Response").objects.all()}
        assert kept == {
            bobs_latest: "want_to_talk",
            daves: "heard",
            **dict.fromkeys(detached, "heard"),
        }
    finally:
        MigrationExecutor(connection).migrate(latest)
