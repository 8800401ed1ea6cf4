"""The kernel's reads scoped to the person asking: memberships, invitations, the
consent log. What a person may see of shared items is `partners.consent`, given
a `partners.viewer.Viewer`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from partners.models import ConsentEvent, Invitation, Membership, Notification
from partners.tokens import hash_token


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


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link holds, in any state (`services.invitation_usable` says
    whether it can still be used)."""
    return Invitation.objects.select_related("inviter").filter(token_hash=hash_token(token)).first()


def consent_events_of(*, user: User) -> QuerySet[ConsentEvent]:
    return ConsentEvent.objects.filter(user=user)


def recipients_with_due_notifications() -> list[Any]:
    return list(
        Notification.objects.filter(emailed_at__isnull=True, due_at__lte=timezone.now())
        .values_list("recipient_id", flat=True)
        .distinct()
    )


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
