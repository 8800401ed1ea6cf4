"""The kernel's part of `me/export`: invitations, partnerships and the consent
log, then each registered section (`partners.kinds`), in registration order."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import User
from partners import kinds
from partners.models import Membership
from partners.serializers import ConsentEventSerializer, InvitationSerializer


def export_sections(*, user: User) -> dict[str, Any]:
    now = timezone.now()
    memberships = Membership.objects.select_related("partnership").filter(user=user)
    document: dict[str, Any] = {
        "invitations": InvitationSerializer(
            user.invitations.order_by("created_at"),  # type: ignore[attr-defined]
            many=True,
            context={"now": now},
        ).data,
        "partnerships": [
            {
                "id": str(m.partnership_id),
                "since": m.partnership.created_at.isoformat(),
                "ended_at": m.ended_at.isoformat() if m.ended_at else None,
                "sharing_paused": m.sharing_paused,
                # Since when this person agreed to look back together; None: not agreed.
                "over_time_since": m.over_time_since.isoformat() if m.over_time_since else None,
            }
            for m in memberships.order_by("created_at")
        ],
        "consent_log": ConsentEventSerializer(
            user.consent_events.order_by("created_at"),  # type: ignore[attr-defined]
            many=True,
        ).data,
    }
    for name, section in kinds.export_sections().items():
        document[name] = section(user=user)
    return document
