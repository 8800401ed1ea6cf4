"""The stream stays bounded: old feed and inbox entries are compacted
(`STREAM_RETENTION_DAYS`); a sync cursor older than what is kept answers 410
`resync_required`, and a client starting again from no cursor sees everything
it can see now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from checkins import services as checkin_services
from partners import services
from partners.models import FeedEntry, FeedState, Notification
from partners.tasks import compact_stream

pytestmark = pytest.mark.django_db


def sync_all(
    api: Any, cursor: str | None = None, *, page_size: int = 100
) -> tuple[dict[tuple[str, str], str], str]:
    """{(type, id): op} for everything from `cursor` on, and the cursor at the end."""
    seen: dict[tuple[str, str], str] = {}
    while True:
        query = f"?page_size={page_size}" + (f"&cursor={cursor}" if cursor else "")
        response = api.get(f"/api/v1/sync{query}")
        assert response.status_code == 200, response.content
        body = response.json()
        for change in body["changes"]:
            seen[(change["type"], change["id"])] = change["op"]
        cursor = body["cursor"]
        if not body["has_more"]:
            return seen, str(cursor)


def age_everything(days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    FeedEntry.objects.update(created_at=then)
    Notification.objects.update(created_at=then)


def share(api: Any, title: str) -> str:
    trigger_id = str(api.post("/api/v1/triggers", {"title": title}, format="json").json()["id"])
    api.post(f"/api/v1/triggers/{trigger_id}/share")
    return trigger_id


def test_it_compacts_old_entries_and_asks_old_cursors_to_start_again(
    alice, bob, alice_api, bob_api
) -> None:
    kept = share(alice_api, "Kept")
    _, old_cursor = sync_all(bob_api)
    for helps in ("tea", "a walk", "quiet"):
        alice_api.patch(f"/api/v1/triggers/{kept}", {"helps": helps}, format="json")
    gone = share(alice_api, "Taken back")
    alice_api.delete(f"/api/v1/triggers/{gone}/share")
    entries_before = FeedEntry.objects.filter(recipient=bob).count()
    age_everything(days=91)

    compact_stream()
    compact_stream()  # run it twice, one effect

    assert FeedEntry.objects.filter(recipient=bob).count() < entries_before
    assert Notification.objects.count() == 0
    response = bob_api.get(f"/api/v1/sync?cursor={old_cursor}")
    assert response.status_code == 410
    assert response.json() == {
        "status": 410,
        "errors": [
            {
                "code": "resync_required",
                "message": response.json()["errors"][0]["message"],
                "param": "cursor",
            }
        ],
    }
    # From no cursor: everything bob can see now, and nothing of what was taken back.
    seen, fresh = sync_all(bob_api)
    assert seen == {("partner_trigger", kept): "upsert"}
    assert bob_api.get(f"/api/v1/sync?cursor={fresh}").status_code == 200
    # Alice's own copies are all still there.
    mine, _ = sync_all(alice_api)
    assert mine == {("trigger", kept): "upsert", ("trigger", gone): "upsert"}


def test_a_client_starting_after_a_compaction_pages_through_what_is_left(
    alice, bob, alice_api, bob_api
) -> None:
    first, second = share(alice_api, "One"), share(alice_api, "Two")
    gone = share(alice_api, "Taken back")
    alice_api.delete(f"/api/v1/triggers/{gone}/share")
    age_everything(days=91)
    compact_stream()
    assert FeedState.objects.get(user=bob).compacted_seq > 0

    seen, _ = sync_all(bob_api, page_size=1)

    assert seen == {("partner_trigger", first): "upsert", ("partner_trigger", second): "upsert"}


def test_it_keeps_what_is_recent(alice, bob, alice_api, bob_api) -> None:
    kept = share(alice_api, "Kept")
    _, cursor = sync_all(bob_api)
    gone = share(alice_api, "Taken back")
    alice_api.delete(f"/api/v1/triggers/{gone}/share")
    age_everything(days=89)

    compact_stream()

    assert FeedState.objects.get(user=bob).compacted_seq == 0
    seen, _ = sync_all(bob_api, cursor)
    assert seen == {("partner_trigger", gone): "delete"}
    assert [item["target"]["id"] for item in bob_api.get("/api/v1/inbox").json()["results"]] == [
        kept
    ]


def test_a_superseded_entry_goes_without_sending_anyone_back(
    alice, bob, alice_api, bob_api
) -> None:
    kept = share(alice_api, "Kept")
    _, cursor = sync_all(bob_api)
    alice_api.patch(f"/api/v1/triggers/{kept}", {"helps": "tea"}, format="json")
    age_everything(days=91)

    services.stream_compact()

    assert FeedEntry.objects.filter(recipient=bob, object_id=kept).count() == 1
    seen, _ = sync_all(bob_api, cursor)
    assert seen == {("partner_trigger", kept): "upsert"}


def test_the_retention_is_an_operator_setting(alice, bob, alice_api, settings) -> None:
    share(alice_api, "Kept")
    age_everything(days=10)
    settings.STREAM_RETENTION_DAYS = 30
    services.stream_compact()
    assert Notification.objects.exists()
    settings.STREAM_RETENTION_DAYS = 7
    services.stream_compact()
    assert not Notification.objects.exists()


def test_the_dispatcher_enqueues_compaction_once_an_hour(
    alice, django_capture_on_commit_callbacks
) -> None:
    from unittest import mock

    with (
        mock.patch.object(compact_stream, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        checkin_services.dispatch()
        checkin_services.dispatch()
    assert delay.call_count == 1
