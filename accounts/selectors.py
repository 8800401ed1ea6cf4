"""Reads scoped to the person asking. Other apps ask here who someone's partner is."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ConsentEvent, Invitation, Membership, Notification, User
from accounts.tokens import hash_token


def active_membership(*, user: User) -> Membership | None:
    return (
        Membership.objects.select_related("partnership")
        .filter(user=user, ended_at__isnull=True)
        .first()
    )


def partner_membership(*, membership: Membership) -> Membership | None:
    """The other side of `membership`'s partnership, with the partner's user row."""
    return (
        Membership.objects.select_related("user")
        .filter(partnership_id=membership.partnership_id)
        .exclude(user_id=membership.user_id)
        .first()
    )


def invitations_of(*, user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(inviter=user)


def invitation_pending_by_token(*, token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("inviter").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None or invitation.status_at(timezone.now()) != "pending":
        return None
    return invitation


def consent_events_of(*, user: User) -> QuerySet[ConsentEvent]:
    return ConsentEvent.objects.filter(user=user)


def recipients_with_due_notifications() -> list[Any]:
    return list(
        Notification.objects.filter(emailed_at__isnull=True, due_at__lte=timezone.now())
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def current_partner_membership(*, user: User) -> Membership | None:
    """The partner's side of `user`'s current partnership, or None when unpaired.

    Its `sharing_paused` says whether the partner's shares are visible to `user`.
    Every partner read asks this first, so it is one hand-written statement: the
    ORM took longer to compile the self-join than PostgreSQL took to run it.
    """
    user_id = Membership._meta.get_field("user").get_db_prep_value(user.pk, connection)
    found = Membership.objects.raw(
        """
        SELECT partner.*
        FROM "accounts_membership" AS mine
        JOIN "accounts_membership" AS partner
          ON partner.partnership_id = mine.partnership_id AND partner.user_id <> mine.user_id
        WHERE mine.user_id = %s AND mine.ended_at IS NULL AND partner.ended_at IS NULL
        LIMIT 1
        """,
        [user_id],
    )
    return next(iter(found), None)


def shared_with_me_filter(*, viewer: User) -> dict[str, Any] | None:
    """Filter arguments that select items the viewer's partner shares with them now.

    For any model with `owner` and `shared_with` (a partnership): the owner is the
    current partner, the share names this very partnership, and the partner has not
    paused sharing. None when nothing can be visible. Read on every request, so a
    revoke, pause or unpairing shows at once.
    """
    partner = current_partner_membership(user=viewer)
    if partner is None or partner.sharing_paused:
        return None
    return {"owner_id": partner.user_id, "shared_with_id": partner.partnership_id}


def other_member_id(*, partnership_id: Any, user_id: Any) -> Any | None:
    """The id of the other person in a partnership (ended or not), or None."""
    if partnership_id is None:
        return None
    return (
        Membership.objects.filter(partnership_id=partnership_id)
        .exclude(user_id=user_id)
        .values_list("user_id", flat=True)
        .first()
    )
