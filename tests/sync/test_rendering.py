"""The owner's copies in a sync page are shown quickly: the owner's items from
rows read with `values()` (`OwnItemSerializer.to_representation`), questions
from their serializer's declared fields built once per process
(`sync.feed._shown_by_fields`). Either way they must stay exactly what the
serializer's declared fields render for the stored object, key order included,
in any timezone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.models import User
from partners import compiled
from partners.models import Membership
from sync import feed
from tests.factories import BoundaryFactory, QuestionFactory, SelfCareNoteFactory, TriggerFactory

pytestmark = pytest.mark.django_db


def own_objects(alice: User, bob: User) -> dict[str, list[Any]]:
    """Alice's items in each state a page can hold, and a question on one."""
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership
    now = timezone.now()
    shared = {"owner": alice, "shared_with": partnership, "shared_at": now - timedelta(days=2)}
    trigger = TriggerFactory.create(
        **shared, signs="I go quiet", needs=["space", "listening"], notes="Mine alone"
    )
    QuestionFactory.create(item=trigger, asker=bob, text="What helps?")
    answered = QuestionFactory.create(item=trigger, asker=bob)
    answered.answer, answered.answered_at = "A walk", now
    answered.save()
    return {
        "trigger": [
            trigger,
            TriggerFactory.create(owner=alice, intensity=1, title="Late replies"),
            TriggerFactory.create(**shared, acknowledged_at=now - timedelta(days=1)),
        ],
        "boundary": [
            BoundaryFactory.create(owner=alice, why="Dinner is ours"),
            BoundaryFactory.create(**shared, acknowledged_at=now, content_changed_at=now),
        ],
        "self_care": [SelfCareNoteFactory.create(**shared, how_you_can_help="Tea")],
    }


def read_back(sync_type: str, objects: list[Any], viewer: Any) -> list[Any]:
    """As the feed reads them: through the type's own rows."""
    rows, _ = feed.types()[sync_type]
    found = {obj.pk: obj for obj in rows(viewer).filter(pk__in=[o.pk for o in objects])}
    return [found[o.pk] for o in objects]


@pytest.mark.parametrize("zone", ["UTC", "America/Sao_Paulo", "Asia/Kolkata"])
def test_it_shows_the_owners_copies_as_their_serializers_do(
    alice: User, bob: User, zone: str
) -> None:
    from partners.viewer import viewer_of

    objects = own_objects(alice, bob)
    viewer = viewer_of(user=alice)
    served = feed.types()
    compared = 0
    with timezone.override(zone):
        for sync_type, stored in objects.items():
            rows_of, serializer = served[sync_type]
            model = type(stored[0])
            # As the feed reads them: rows of the type's own read, by id.
            rows = compiled.values_among(
                rows_of,
                viewer,
                [o.pk for o in stored],
                tuple(serializer.columns(model)),  # type: ignore[attr-defined]
            )
            by_id = {row["id"]: row for row in rows}
            for obj in read_back(sync_type, stored, viewer):
                expected = JSONRenderer().render(serializer(obj).data)
                assert (
                    JSONRenderer().render(serializer().to_representation(by_id[obj.pk])) == expected
                )
                compared += 1
        questions = list(served["question"][0](viewer))
        assert len(questions) == 2
        show = feed._shown_by_fields(served["question"][1])
        assert show is not None
        for question in questions:
            expected = JSONRenderer().render(served["question"][1](question).data)
            assert JSONRenderer().render(show(question)) == expected
            compared += 1
    # Every owner's item and both questions.
    assert compared == 8


def test_it_leaves_serializers_with_their_own_rendering_to_drf() -> None:
    served = feed.types()
    for sync_type in (
        "checkin",
        "trigger",
        "boundary",
        "self_care",
        "partner_trigger",
        "partner_checkin",
    ):
        _, serializer = served[sync_type]
        assert feed._shown_by_fields(serializer) is None
