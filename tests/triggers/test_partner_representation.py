"""The partner's view of an item is built by hand for speed (a page holds 50), from
a model instance (details) or a row read with values() (lists): either way it must
stay exactly what the serializer's declared fields would render."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from accounts.models import User
from attune.api.fields import timestamp
from partners.models import Membership
from tests.factories import BoundaryFactory, TriggerFactory
from triggers.models import SharedItem
from triggers.serializers import (
    PartnerBoundarySerializer,
    PartnerItemSerializer,
    PartnerTriggerSerializer,
)

pytestmark = pytest.mark.django_db


def as_declared(serializer_class: type[PartnerItemSerializer], item: SharedItem) -> bytes:
    serializer = serializer_class(item)
    data = super(PartnerItemSerializer, serializer).to_representation(item)
    return JSONRenderer().render(data)


def items(alice: User) -> list[tuple[type[PartnerItemSerializer], SharedItem]]:
    """Items alice shares with bob (the tests ask for `bob`, which pairs them)."""
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership
    now = timezone.now()
    shared = {"owner": alice, "shared_with": partnership, "shared_at": now - timedelta(days=2)}
    return [
        (
            PartnerTriggerSerializer,
            TriggerFactory.create(
                **shared,
                title="Raised voices",
                signs="I go quiet",
                helps="A calm voice",
                avoid="Shouting",
                needs=["space", "listening"],
                notes="PRIVATE",
            ),
        ),
        (
            PartnerTriggerSerializer,
            # Acknowledged, then changed: changed_since_acknowledged is true.
            TriggerFactory.create(
                **shared, acknowledged_at=now - timedelta(days=1), content_changed_at=now
            ),
        ),
        (
            PartnerBoundarySerializer,
            BoundaryFactory.create(
                **shared, why="Dinner is ours", how_to_honor="Phones in the hall", notes="PRIVATE"
            ),
        ),
        (
            PartnerBoundarySerializer,
            BoundaryFactory.create(**shared, acknowledged_at=now, content_changed_at=now),
        ),
    ]


def test_it_renders_what_the_declared_fields_would(alice: User, bob: User) -> None:
    for serializer_class, stored in items(alice):
        item = type(stored)._default_manager.get(pk=stored.pk)  # as read from the database
        rendered = JSONRenderer().render(serializer_class(item).data)
        assert rendered == as_declared(serializer_class, item)
        assert b"PRIVATE" not in rendered


def test_a_row_renders_as_its_model_instance_does(alice: User, bob: User) -> None:
    # The partner's lists read rows with values(); details read instances.
    for serializer_class, stored in items(alice):
        model = type(stored)
        columns = serializer_class.columns(model)
        row = model._default_manager.filter(pk=stored.pk).values(*columns).get()
        rendered = JSONRenderer().render(serializer_class(row).data)
        assert rendered == as_declared(serializer_class, model._default_manager.get(pk=stored.pk))


def test_the_list_shows_each_item_as_its_detail_does(alice: User, bob: User, bob_api) -> None:
    for serializer_class, stored in items(alice):
        kind = "triggers" if serializer_class is PartnerTriggerSerializer else "boundaries"
        listed = bob_api.get(f"/api/v1/partner/{kind}").json()["results"]
        detail = bob_api.get(f"/api/v1/partner/{kind}/{stored.pk}").json()
        assert [entry for entry in listed if entry["id"] == str(stored.pk)] == [detail]


def test_it_lists_fields_in_the_declared_order(alice: User, bob: User) -> None:
    for serializer_class, item in items(alice):
        declared = list(serializer_class().fields)
        assert list(serializer_class(item).data) == declared


def test_it_renders_timestamps_as_drf_does(alice: User, bob: User) -> None:
    _, item = items(alice)[1]
    data = PartnerTriggerSerializer(item).data
    field = serializers.DateTimeField()
    assert item.acknowledged_at is not None
    assert data["acknowledged_at"] == field.to_representation(item.acknowledged_at)
    assert data["updated_at"] == field.to_representation(item.content_changed_at)
    assert data["updated_at"].endswith("Z")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns"])
def test_it_renders_any_timestamp_as_drf_does_in_the_current_timezone(zone: str) -> None:
    field = serializers.DateTimeField()
    moments = [
        datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # Berlin moves to summer time
        datetime(2026, 11, 1, 12, 30, tzinfo=ZoneInfo("America/New_York")),
    ]
    with timezone.override(ZoneInfo(zone)):
        for moment in moments:
            assert timestamp(moment) == field.to_representation(moment)
