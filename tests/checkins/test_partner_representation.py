"""The partner's view of a check-in is built by hand for speed (their list and a
sync page hold many): it must stay exactly what the serializer's declared fields
would render, key order included."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.models import User
from checkins.models import CheckIn
from checkins.selectors import partner_checkins
from checkins.serializers import PartnerCheckInSerializer
from partners.models import Membership
from partners.viewer import viewer_of
from tests.factories import CheckInFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def as_declared(checkin: CheckIn) -> bytes:
    serializer = PartnerCheckInSerializer(checkin)
    data = super(PartnerCheckInSerializer, serializer).to_representation(checkin)
    return JSONRenderer().render(data)


def shared_by_alice(alice: User, bob: User) -> list[CheckIn]:
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership
    now = timezone.now()
    shared = {"owner": alice, "shared_with": partnership, "shared_at": now - timedelta(hours=3)}
    plain = CheckInFactory.create(**shared)
    full = CheckInFactory.create(
        **shared,
        pleasantness=-2,
        energy=2,
        feelings=["calm", "grateful"],
        need="listening",
        note="A long day",
        created_at=now - timedelta(days=1, microseconds=5),
    )
    ResponseFactory.create(checkin=full, responder=bob, note="I am here")
    ResponseFactory.create(checkin=plain, responder=bob, kind="here_for_you", note="")
    return [plain, full]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_it_renders_what_the_declared_fields_would(alice: User, bob: User, zone: str) -> None:
    shared_by_alice(alice, bob)
    with timezone.override(ZoneInfo(zone)):
        read = list(partner_checkins(viewer=viewer_of(user=bob)))
        assert len(read) == 2
        for checkin in read:
            rendered = JSONRenderer().render(PartnerCheckInSerializer(checkin).data)
            assert rendered == as_declared(checkin)
            assert list(PartnerCheckInSerializer(checkin).data) == list(
                PartnerCheckInSerializer().fields
            )
    assert {len(getattr(checkin, "visible_responses")) for checkin in read} == {1}  # noqa: B009
