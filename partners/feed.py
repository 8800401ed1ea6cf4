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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from partners.models import FeedEntry, FeedState

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
