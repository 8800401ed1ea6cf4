"""Granting and revoking one item's share: the consent rules every app follows.

Works on any model with `shared_with` (a partnership), `shared_at` and a `KIND`
string. The caller passes the item locked (`select_for_update`) inside its own
transaction, and saves the item afterwards when this returns True.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts import selectors
from accounts.errors import NoPartner
from accounts.models import ConsentEvent, Membership, Notification, Partnership, User
from accounts.services import consent_record, notify


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
    consent_record(
        user=by,
        kind=ConsentEvent.Kind.SHARE_GRANTED,
        partnership_id=membership.partnership_id,
        item_type=item.KIND,
        item_id=item.pk,
    )
    partner = selectors.partner_membership(membership=membership)
    if partner is not None and not membership.sharing_paused:
        notify(recipient=partner.user, kind=Notification.Kind.SHARED)
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
    consent_record(
        user=by,
        kind=ConsentEvent.Kind.SHARE_REVOKED,
        partnership_id=item.shared_with_id,
        item_type=item.KIND,
        item_id=item.pk,
    )
    item.shared_with_id = None
    item.shared_at = None
    return True


def audience(item: Any) -> Any | None:
    """The id of the partner who can see `item` right now, or None."""
    if item.shared_with_id is None:
        return None
    members = dict(
        Membership.objects.filter(
            partnership_id=item.shared_with_id, ended_at__isnull=True
        ).values_list("user_id", "sharing_paused")
    )
    if members.get(item.owner_id, True):  # the owner left, or pauses
        return None
    others = [user_id for user_id in members if user_id != item.owner_id]
    return others[0] if others else None
