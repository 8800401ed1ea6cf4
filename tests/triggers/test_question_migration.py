"""Questions name their item by kind and id (triggers 0004): every question
keeps its item, its answer and its detachment, forward and back (on SQLite by
default, on PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("triggers", "0003_partnership_moved")]
AFTER = [("triggers", "0004_questions_on_any_kind_self_care")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate triggers to `targets`; the historical apps at that point."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()  # type: ignore[no-any-return]


def seed_pair(apps: Any) -> tuple[Any, Any, Any]:
    model = apps.get_model
    alice = model("accounts", "User").objects.create(email="alice@example.com", password="!")
    bob = model("accounts", "User").objects.create(email="bob@example.com", password="!")
    partnership = model("partners", "Partnership").objects.create(created_at=timezone.now())
    for person in (alice, bob):
        model("partners", "Membership").objects.create(partnership=partnership, user=person)
    return alice, bob, partnership


def test_it_keeps_every_question_and_answer_forward_and_back() -> None:
    latest = leaves()
    try:
        old = migrate(BEFORE)
        alice, bob, partnership = seed_pair(old)
        Question = old.get_model("triggers", "Question")
        trigger = old.get_model("triggers", "Trigger").objects.create(owner=alice, title="Loud")
        boundary = old.get_model("triggers", "Boundary").objects.create(owner=alice, statement="S")
        common = {"asker": bob, "partnership": partnership}
        ids = {
            "trigger": Question.objects.create(
                trigger=trigger, text="When?", answer="Evenings", **common
            ).pk,
            "boundary": Question.objects.create(boundary=boundary, text="Why?", **common).pk,
            "detached": Question.objects.create(text="Still there?", **common).pk,
        }

        new = migrate(AFTER)
        Question = new.get_model("triggers", "Question")
        rows = {q.pk: (q.item_type, q.item_id, q.text, q.answer) for q in Question.objects.all()}
        assert rows == {
            ids["trigger"]: ("trigger", trigger.pk, "When?", "Evenings"),
            ids["boundary"]: ("boundary", boundary.pk, "Why?", None),
            ids["detached"]: (None, None, "Still there?", None),
        }
        # A question on a kind the old columns cannot name stays, detached, going back.
        note = new.get_model("triggers", "SelfCareNote").objects.create(
            owner_id=alice.pk, title="Walks"
        )
        on_note = Question.objects.create(
            item_type="self_care",
            item_id=note.pk,
            text="Which walks?",
            asker_id=bob.pk,
            partnership_id=partnership.pk,
        ).pk

        old = migrate(BEFORE)
        Question = old.get_model("triggers", "Question")
        back = {q.pk: (q.trigger_id, q.boundary_id, q.answer) for q in Question.objects.all()}
        assert back == {
            ids["trigger"]: (trigger.pk, None, "Evenings"),
            ids["boundary"]: (None, boundary.pk, None),
            ids["detached"]: (None, None, None),
            on_note: (None, None, None),
        }
    finally:
        MigrationExecutor(connection).migrate(latest)
