"""Shares of every registered kind (`partners.kinds`), and who hears of a change.

- `grant` / `revoke`: one item's share. The caller passes the item locked
  (`select_for_update`) inside its own transaction, and saves the item
  afterwards when this returns True. The consent log names the item by its
  kind's sync type, never by its text.
- `item_changed`: after any write to an item, tells the change feed whose view
  changed: its owner always; the partner only when what they can see of it
  changed (it became visible or invisible to them, or a shared field changed).
  Take `before = seen_by(item)` before the write.
- `partnership_ended`, `pause_changed`, `owner_leaving`: what the kernel's own
  services call; they go over every registered kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from partners import consent, feed, kinds, selectors, services, stream
from partners.errors import NoPartner
from partners.models import ConsentEvent, Membership, Notification, Partnership


def grant(*, item: Any, by: User) -> bool:
    """Share with `by`'s current partnership. False when it already is (idempotent)."""
    membership = selectors.active_membership(user=by)
    if membership is None:
        raise NoPartner()
    if item.shared_with_id == membership.partnership_id:
        return False
    _hold_current(membership.partnership_id)
    item.shared_with_id = membership.partnership_id
    item.shared_at = timezone.now()
    services.consent_record(
        user=by,
        kind=ConsentEvent.Kind.SHARE_GRANTED,
        partnership_id=membership.partnership_id,
        item_type=kinds.of(item).sync_type,
        item_id=item.pk,
    )
    return True


def _hold_current(partnership_id: Any) -> None:
    """Lock the partnership for this share, or raise NoPartner once it has ended.

    Ending a partnership locks its row before anything else (`partnership_end`);
    a grant takes the same lock before writing into it, so one of the two waits
    for the other. A share that was first is then taken back by the ending; a
    share that comes second finds the partnership over. Without it, a share read
    "still paired" just before the ending committed and landed in an ended
    partnership, with a grant logged into it and news queued for the ex-partner.

    Two shares in one partnership take turns on it for the rest of their short
    transactions. An item already shared there writes nothing and takes no
    lock: the ending may be waiting for that item's row, which the caller holds.
    """
    still_current = Partnership.objects.select_for_update(no_key=True).filter(
        pk=partnership_id, ended_at__isnull=True
    )
    if not still_current.exists():
        raise NoPartner()


def revoke(*, item: Any, by: User) -> bool:
    """Stop sharing at once. False when it was not shared (idempotent)."""
    if item.shared_with_id is None:
        return False
    services.consent_record(
        user=by,
        kind=ConsentEvent.Kind.SHARE_REVOKED,
        partnership_id=item.shared_with_id,
        item_type=kinds.of(item).sync_type,
        item_id=item.pk,
    )
    item.shared_with_id = None
    item.shared_at = None
    return True


@dataclass(frozen=True)
class Seen:
    """What the partner could see of an item at one moment: who (None: nobody
    but the owner), within which partnership, and its shared content."""

    by: Any | None
    partnership_id: Any | None
    values: tuple[Any, ...]


def seen_by(item: Any) -> Seen:
    return Seen(
        by=consent.audience(item),
        partnership_id=item.shared_with_id,
        values=kinds.of(item).shared_values(item),
    )


def item_changed(*, item: Any, before: Seen | None = None, deleted: bool = False) -> None:
    """Tell the feeds that `item` changed (inside the write's transaction).

    `before` is `seen_by(item)` taken before the write (None for a new item). A
    deleted item passes `deleted=True`: its partner, if any, drops it. An item
    that becomes visible or invisible to the partner brings its threads along.
    """
    kind = kinds.of(item)
    nobody = Seen(by=None, partnership_id=None, values=())
    before = before or nobody
    now = nobody if deleted else seen_by(item)
    touches: list[kinds.Touch] = [(item.owner_id, kind.sync_type, item.pk)]
    if before.by != now.by:
        for seen in (before, now):
            touches += _partner_copy(kind, item, seen, with_threads=not deleted)
    elif now.by is not None and before.values != now.values:
        touches += _partner_copy(kind, item, now, with_threads=False)
    feed.touch(touches)
    _tell_partner(kind, item, before=before, now=now)


def _tell_partner(kind: kinds.Kind, item: Any, *, before: Seen, now: Seen) -> None:
    """The partner's stream hears that an item became visible to them, or that
    what they see of it changed; an item that left their sight leaves their
    inbox by itself (`partners.stream.visible`)."""
    if now.by is None:
        return
    if before.by != now.by:
        news = Notification.Kind.SHARED
    elif before.values != now.values:
        news = Notification.Kind.CHANGED
    else:
        return
    stream.record(
        recipient_id=now.by,
        kind=news,
        partnership_id=now.partnership_id,
        target_type=kind.partner_sync_type,
        target_id=item.pk,
    )


def _partner_copy(kind: kinds.Kind, item: Any, seen: Seen, *, with_threads: bool) -> list[Any]:
    if seen.by is None:
        return []
    touches: list[kinds.Touch] = [(seen.by, kind.partner_sync_type, item.pk)]
    if with_threads and kind.threads is not None:
        one = kind.model._default_manager.filter(pk=item.pk)
        touches += [(seen.by, t, pk) for t, pk in kind.threads(one, seen.partnership_id)]
    return touches


def partnership_ended(*, partnership: Partnership, member_ids: list[Any]) -> None:
    """A share belongs to one partnership: every kind's shares end with it (same
    transaction). Both feeds hear of it: each owner's copy shows the item
    unshared, the other partner drops what they could see, with its threads."""
    members = dict(
        Membership.objects.filter(partnership=partnership).values_list("user_id", "sharing_paused")
    )
    touches: list[kinds.Touch] = []
    for kind in kinds.all_kinds():
        shared = kind.model._default_manager.filter(shared_with=partnership)
        for pk, owner_id in shared.values_list("pk", "owner_id"):
            partner_id = consent.audience_among(members, owner_id=owner_id)
            touches += [(owner_id, kind.sync_type, pk), (partner_id, kind.partner_sync_type, pk)]
        shared.update(shared_with=None, shared_at=None, **dict.fromkeys(kind.cleared_when_unshared))
    for related in kinds.all_related():
        if related.on_partnership_end is not None:
            touches += related.on_partnership_end(partnership.pk, member_ids)
    feed.touch(touches)


def pause_changed(*, membership: Membership) -> None:
    """Pausing hides, resuming shows again: the partner's feed hears of each item
    shared in this partnership, and of the threads on them."""
    partner_id = selectors.other_member_id(
        partnership_id=membership.partnership_id, user_id=membership.user_id
    )
    mine = Q(owner_id=membership.user_id, shared_with_id=membership.partnership_id)
    touches: list[kinds.Touch] = []
    for kind in kinds.all_kinds():
        items = kind.model._default_manager.filter(mine)
        touches += [
            (partner_id, kind.partner_sync_type, pk) for pk in items.values_list("pk", flat=True)
        ]
        if kind.threads is not None:
            touches += [
                (partner_id, sync_type, pk)
                for sync_type, pk in kind.threads(items, membership.partnership_id)
            ]
    feed.touch(touches)


def owner_leaving(*, user: User) -> None:
    """Before an account goes: what each kind must erase with it."""
    for related in kinds.all_related():
        if related.on_owner_leaving is not None:
            related.on_owner_leaving(user)
