"""Moving the kernel's models from accounts to partners changes Django's state
only: a database at the schema before the move migrates forward with every row
where it was (on SQLite by default, on PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("accounts", "0005_invitation_safety"),
    ("triggers", "0002_questions_outlive_items"),
    ("checkins", "0002_responses_outlive_checkins"),
    ("partners", None),
]


def migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate to `targets`; the historical apps at that point."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    applied = [(app, name) for app, name in targets if name is not None]
    return executor.loader.project_state(applied).apps


def leaves() -> list[tuple[str, str | None]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()  # type: ignore[no-any-return]


def seed(apps: Any) -> dict[str, Any]:
    """One pair with a share, a question, a shared check-in and every kernel row."""
    model = apps.get_model
    now = timezone.now()
    alice = model("accounts", "User").objects.create(email="alice@example.com", password="!")
    bob = model("accounts", "User").objects.create(email="bob@example.com", password="!")
    partnership = model("accounts", "Partnership").objects.create(created_at=now)
    for person in (alice, bob):
        model("accounts", "Membership").objects.create(partnership=partnership, user=person)
        model("accounts", "ConsentEvent").objects.create(
            user=person, kind="paired", partnership=partnership
        )
    model("accounts", "Invitation").objects.create(
        inviter=alice, token_hash=uuid.uuid4().hex, expires_at=now + timedelta(days=1)
    )
    model("accounts", "InvitedAddress").objects.create(address_hash="h", inviter=alice)
    model("accounts", "Notification").objects.create(recipient=bob, kind="shared", due_at=now)
    trigger = model("triggers", "Trigger").objects.create(
        owner=alice, title="Raised voices", shared_with=partnership, shared_at=now
    )
    model("triggers", "Question").objects.create(
        trigger=trigger, asker=bob, partnership=partnership, text="When?"
    )
    checkin = model("checkins", "CheckIn").objects.create(
        owner=alice, pleasantness=0, energy=1, shared_with=partnership, shared_at=now
    )
    model("checkins", "Response").objects.create(
        checkin=checkin, responder=bob, partnership=partnership, kind="heard"
    )
    model("accounts", "FeedState").objects.create(user=bob, last_seq=1)
    model("accounts", "FeedEntry").objects.create(
        recipient=bob, seq=1, type="partner_trigger", object_id=trigger.pk
    )
    return {"alice": alice.pk, "bob": bob.pk, "partnership": partnership.pk}


def test_it_moves_the_models_and_keeps_every_row() -> None:
    latest = leaves()
    try:
        ids = seed(migrate(BEFORE))
        apps = migrate(latest)
    finally:
        migrate(latest)

    model = apps.get_model
    counts = {
        name: model("partners", name).objects.count()
        for name in (
            "Partnership",
            "Membership",
            "ConsentEvent",
            "Invitation",
            "InvitedAddress",
            "Notification",
            "FeedState",
            "FeedEntry",
        )
    }
    assert counts == {
        "Partnership": 1,
        "Membership": 2,
        "ConsentEvent": 2,
        "Invitation": 1,
        "InvitedAddress": 1,
        "Notification": 1,
        "FeedState": 1,
        "FeedEntry": 1,
    }
    partnership = model("partners", "Partnership").objects.get()
    assert partnership.pk == ids["partnership"]
    assert {m.user_id for m in partnership.members.all()} == {ids["alice"], ids["bob"]}
    # The foreign keys of the kinds now name the kernel's model, on the same rows.
    trigger = model("triggers", "Trigger").objects.get()
    assert trigger.shared_with == partnership
    assert trigger.title == "Raised voices"
    assert model("triggers", "Question").objects.get().partnership == partnership
    assert model("checkins", "CheckIn").objects.get().shared_with == partnership
    assert model("checkins", "Response").objects.get().partnership == partnership


def test_it_moves_the_content_types_with_the_models() -> None:
    from django.contrib.contenttypes.models import ContentType

    latest = leaves()
    try:
        old = migrate(BEFORE)
        content_types = old.get_model("contenttypes", "ContentType")
        content_types.objects.filter(app_label="partners").delete()
        content_types.objects.get_or_create(app_label="accounts", model="partnership")
        migrate(latest)
    finally:
        migrate(latest)

    ContentType.objects.clear_cache()
    assert ContentType.objects.filter(app_label="partners", model="partnership").exists()
    assert not ContentType.objects.filter(app_label="accounts", model="partnership").exists()
