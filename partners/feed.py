"""The change feed behind `sync`: who must hear that something changed.

Services call `touch` inside their transaction with every (recipient, type, id)
whose view changed: the owner's own copy, and the partner's when the item was or
becomes visible to them. Nothing else is recorded: the feed holds no content and
no operation, only "look again"; `sync` turns each entry into the current data, or
into a deletion when the recipient may no longer see the object.

Entries are numbered per recipient under a row lock on that recipient's counter,
so numbers follow commit order and a reader paging by number never skips an
entry that commits late. Take these locks last in a transaction (after any other
row locks) and in a fixed order, which `touch` does.

`compact` keeps the feed bounded as years pass: of the entries older than the
retention (`STREAM_RETENTION_DAYS`), it drops those a later entry for the same
object supersedes (no reader misses anything), then those that now read as a
deletion. Only the latter can leave a reader behind: the recipient's
`compacted_seq` moves past them, and `sync` answers an older cursor with 410
`resync_required`. A reader with no cursor still receives every object it can
see, since the last entry of each visible object is never dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from accounts.models import User
from partners import kinds
from partners.models import FeedEntry, FeedState
from partners.viewer import viewer_of

Touch = tuple[Any, str, Any]  # (recipient id, type, object id)


def touch(entries: Iterable[Touch]) -> None:
    by_recipient: dict[Any, list[tuple[str, Any]]] = defaultdict(list)
    for recipient_id, kind, object_id in entries:
        if recipient_id is not None:
            by_recipient[recipient_id].append((kind, object_id))
    if not by_recipient:
        return
    recipients = sorted(by_recipient, key=str)
    FeedState.objects.bulk_create([FeedState(user_id=r) for r in recipients], ignore_conflicts=True)
    rows = []
    for recipient_id in recipients:
        state = FeedState.objects.select_for_update().get(user_id=recipient_id)
        changes = list(dict.fromkeys(by_recipient[recipient_id]))
        first = state.last_seq + 1
        state.last_seq += len(changes)
        state.save(update_fields=["last_seq"])
        rows += [
            FeedEntry(recipient_id=recipient_id, seq=first + i, type=kind, object_id=object_id)
            for i, (kind, object_id) in enumerate(changes)
        ]
    FeedEntry.objects.bulk_create(rows)


def compact(*, before: datetime) -> int:
    """Drop what the feed no longer needs from entries created before `before`."""
    old = FeedEntry.objects.filter(created_at__lt=before)
    superseded = FeedEntry.objects.filter(
        recipient_id=OuterRef("recipient_id"),
        type=OuterRef("type"),
        object_id=OuterRef("object_id"),
        seq__gt=OuterRef("seq"),
    )
    dropped, _ = old.filter(Exists(superseded)).delete()
    recipients = list(old.values_list("recipient_id", flat=True).distinct())
    for user in User.objects.filter(pk__in=recipients):
        dropped += _compact_tombstones(user=user, before=before)
    return dropped


def _compact_tombstones(*, user: User, before: datetime) -> int:
    """One recipient's old entries for what they may no longer see."""
    old = FeedEntry.objects.filter(recipient=user, created_at__lt=before)
    wanted: dict[str, list[Any]] = defaultdict(list)
    for kind, object_id in old.values_list("type", "object_id"):
        wanted[kind].append(object_id)
    viewer = viewer_of(user=user)
    served = kinds.sync_types()
    gone: list[int] = []
    for kind, ids in wanted.items():
        visible: set[Any] = set()
        if kind in served:
            rows, _ = served[kind]
            visible = set(rows(viewer).filter(pk__in=ids).values_list("pk", flat=True))
        gone += old.filter(type=kind).exclude(object_id__in=visible).values_list("seq", flat=True)
    if not gone:
        return 0
    with transaction.atomic():
        state = FeedState.objects.select_for_update().get(user=user)
        floor = max(gone)
        if floor > state.compacted_seq:
            state.compacted_seq = floor
            state.save(update_fields=["compacted_seq"])
        dropped, _ = FeedEntry.objects.filter(recipient=user, seq__in=gone).delete()
    return dropped


def compacted_seq(*, user: Any) -> int:
    """Entries up to this number may be gone: an older cursor cannot be answered."""
    return _compacted(user).first() or 0


def entries_after(*, user: Any, after: int, limit: int) -> tuple[list[tuple[int, str, Any]], int]:
    """Up to `limit` of the user's entries after number `after` as (seq, type,
    object id), in order, and `compacted_seq` as of the same read.

    One statement where the compaction mark rides along with the entries: read
    on its own it was one of a sync page's 14 (bench/RESULTS.md, "Issue 12,
    session 5"). With no entry to carry it, it is read by itself."""
    rows = list(
        FeedEntry.objects.filter(recipient=user, seq__gt=after)
        .order_by("seq")
        .values_list("seq", "type", "object_id", Subquery(_compacted(user)))[:limit]
    )
    if not rows:
        return [], compacted_seq(user=user)
    return [(seq, kind, object_id) for seq, kind, object_id, _ in rows], rows[0][3] or 0


def _compacted(user: Any) -> QuerySet[FeedState, int]:
    return FeedState.objects.filter(user=user).values_list("compacted_seq", flat=True)
