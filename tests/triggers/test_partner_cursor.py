"""The partner's lists never tell when an item was written, not even in a page link.

They are ordered by when each item was shared, which the partner sees anyway,
so the cursor (DRF's base64 of `o=…&r=…&p=<position>`) holds that time only.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from triggers import services
from triggers.models import Boundary, SharedItem, Trigger

pytestmark = pytest.mark.django_db

KINDS = [
    (Trigger, "partner/triggers", {"title": "loud voices"}),
    (Boundary, "partner/boundaries", {"statement": "knock first"}),
]


def cursor_of(link: str) -> dict[str, list[str]]:
    encoded = parse_qs(urlsplit(link).query)["cursor"][0]
    return parse_qs(base64.b64decode(encoded.encode()).decode())


def written(model: type[SharedItem], *, owner, days_ago: int, fields) -> SharedItem:  # type: ignore[no-untyped-def]
    at = timezone.now() - timedelta(days=days_ago)
    return model._default_manager.create(
        owner=owner, created_at=at, updated_at=at, content_changed_at=at, **fields
    )


@pytest.mark.parametrize(("model", "path", "fields"), KINDS)
def test_it_keeps_creation_times_out_of_the_partners_page_links(
    alice, bob, bob_api, model, path, fields
) -> None:
    older = written(model, owner=alice, days_ago=30, fields=fields)
    newer = written(model, owner=alice, days_ago=3, fields=fields)
    # Shared in the other order: the newer one first, the older one today.
    services.item_share(item=newer, by=alice)
    services.item_share(item=older, by=alice)
    older.refresh_from_db()
    newer.refresh_from_db()

    first = bob_api.get(f"/api/v1/{path}?page_size=1").json()
    assert [row["id"] for row in first["results"]] == [str(older.pk)]
    cursor = cursor_of(first["next"])
    position = cursor["p"][0]
    assert position == str(older.shared_at)
    for item in (older, newer):
        assert item.created_at.date().isoformat() not in str(cursor)

    second = bob_api.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [str(newer.pk)]
    assert second["next"] is None


def test_it_still_lists_my_own_items_newest_written_first(alice, alice_api) -> None:
    older = written(Trigger, owner=alice, days_ago=30, fields={"title": "old"})
    newer = written(Trigger, owner=alice, days_ago=3, fields={"title": "new"})
    body = alice_api.get("/api/v1/triggers?page_size=1").json()
    assert [row["id"] for row in body["results"]] == [str(newer.pk)]
    assert cursor_of(body["next"])["p"] == [str(newer.created_at)]
    body = alice_api.get(body["next"]).json()
    assert [row["id"] for row in body["results"]] == [str(older.pk)]
