"""Hole 11, still open: the partner's view tells when an unedited item was written.

The partner's lists no longer page by `created_at`, but every partner item carries
`updated_at`, read from `content_changed_at`, which is set to the moment the item
is written and moves only when its shared content is edited. For an item never
edited, `updated_at` is its creation time, to the microsecond.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from triggers import services
from triggers.models import Trigger

pytestmark = pytest.mark.django_db


def test_the_partner_cannot_read_when_an_unedited_item_was_written(alice, bob, bob_api) -> None:
    written_at = timezone.now() - timedelta(days=30)
    item = Trigger.objects.create(
        owner=alice,
        title="loud voices",
        created_at=written_at,
        updated_at=written_at,
        content_changed_at=written_at,
    )
    services.item_share(item=item, by=alice)

    written_day = written_at.date().isoformat()
    for path in ("/api/v1/partner/triggers", f"/api/v1/partner/triggers/{item.pk}", "/api/v1/sync"):
        response = bob_api.get(path)
        assert response.status_code == 200, path
        assert str(item.pk) in response.content.decode(), path
        assert written_day not in response.content.decode(), path
