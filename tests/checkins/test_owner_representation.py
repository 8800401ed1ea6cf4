"""The owner's view of a check-in is built by hand for speed (a sync page holds
many, each with its responses): it must stay exactly what the serializer's
declared fields render through DRF, key order included."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from accounts.models import User
from checkins.models import CheckIn
from checkins.selectors import checkins_of
from checkins.serializers import CheckInSerializer, CheckInUpdateSerializer
from partners.models import Membership
from partners.viewer import viewer_of
from tests.factories import CheckInFactory, PromptFactory, ResponseFactory, TriggerFactory

pytestmark = pytest.mark.django_db


def as_declared(serializer_class: type[CheckInSerializer], checkin: CheckIn) -> bytes:
    """What DRF's generic path renders, with the owner's additions as they were
    first written (trigger ids, whether shared, no responses when not read)."""
    serializer = serializer_class(checkin)
    data = serializers.ModelSerializer.to_representation(serializer, checkin)
    data["trigger_ids"] = sorted(str(t.pk) for t in checkin.triggers.all())  # in the ids' order
    data["shared"] = checkin.shared_with_id is not None
    if not hasattr(checkin, "visible_responses"):
        data["responses"] = []
    return JSONRenderer().render(data)


def alices_checkins(alice: User, bob: User) -> None:
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership
    now = timezone.now()
    CheckInFactory.create(owner=alice)
    full = CheckInFactory.create(
        owner=alice,
        shared_with=partnership,
        shared_at=now - timedelta(hours=3),
        pleasantness=-2,
        energy=2,
        feelings=["calm", "grateful"],
        need="listening",
        note="A long day",
        prompt=PromptFactory.create(user=alice),
        created_at=now - timedelta(days=1, microseconds=5),
    )
    full.triggers.set([TriggerFactory.create(owner=alice), TriggerFactory.create(owner=alice)])
    ResponseFactory.create(checkin=full, responder=bob, note="I am here")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns"])
def test_it_renders_what_the_declared_fields_would(alice: User, bob: User, zone: str) -> None:
    alices_checkins(alice, bob)
    with timezone.override(ZoneInfo(zone)):
        read = list(checkins_of(viewer=viewer_of(user=alice)).order_by("created_at"))
        assert [len(c.visible_responses) for c in read] == [1, 0]  # type: ignore[attr-defined]
        assert {c.prompt_id is None for c in read} == {True, False}
        for serializer_class in (CheckInSerializer, CheckInUpdateSerializer):
            for checkin in read:
                rendered = JSONRenderer().render(serializer_class(checkin).data)
                assert rendered == as_declared(serializer_class, checkin)


def test_it_renders_a_checkin_read_without_its_responses_as_before(alice: User, bob: User) -> None:
    alices_checkins(alice, bob)
    for checkin in CheckIn.objects.filter(owner=alice):
        rendered = JSONRenderer().render(CheckInSerializer(checkin).data)
        assert rendered == as_declared(CheckInSerializer, checkin)
        assert list(CheckInSerializer(checkin).data)[-3:] == ["trigger_ids", "shared", "responses"]


@pytest.mark.parametrize("zone", ["UTC", "America/St_Johns"])
def test_a_sync_page_renders_both_copies_from_rows_as_from_instances(
    alice: User, bob: User, zone: str
) -> None:
    """A sync page reads a check-in's own and partner copies as rows
    (`checkin_rows_among`): the same output as the instances the lists read."""
    from checkins.selectors import checkin_rows_among, partner_checkins
    from checkins.serializers import PartnerCheckInSerializer

    alices_checkins(alice, bob)
    CheckInFactory.create(owner=bob)  # not alice's, not shared: never among hers
    every = list(CheckIn.objects.values_list("pk", flat=True))
    with timezone.override(ZoneInfo(zone)):
        for person, serializer_class, instances in (
            (alice, CheckInSerializer, checkins_of),
            (bob, PartnerCheckInSerializer, partner_checkins),
        ):
            viewer = viewer_of(user=person)
            rows = [row for row in checkin_rows_among(viewer, every) if row["owner"] == alice.pk]
            read = instances(viewer=viewer).order_by("created_at")
            assert len(rows) == len(read) == (2 if person == alice else 1)
            by_id = {row["id"]: row for row in rows}
            expected = serializer_class(read, many=True).data
            shown = serializer_class([by_id[c.pk] for c in read], many=True).data
            assert JSONRenderer().render(shown) == JSONRenderer().render(expected)
            # Rows hold no instance: the note came out of the row, opened.
            assert any(row["note"] == "A long day" for row in rows)
