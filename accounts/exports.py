"""`me/export`: everything a person owns, as one JSON document."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts import hooks
from accounts.models import Membership, User
from accounts.serializers import ConsentEventSerializer, InvitationSerializer, MeSerializer


def export_user(*, user: User) -> dict[str, Any]:
    now = timezone.now()
    memberships = Membership.objects.select_related("partnership").filter(user=user)
    document: dict[str, Any] = {
        "exported_at": now.isoformat(),
        "profile": MeSerializer(user).data,
        "invitations": InvitationSerializer(
            user.invitations.order_by("created_at"), many=True, context={"now": now}
        ).data,
        "partnerships": [
            {
                "id": str(m.partnership_id),
                "since": m.partnership.created_at.isoformat(),
                "ended_at": m.ended_at.isoformat() if m.ended_at else None,
                "sharing_paused": m.sharing_paused,
            }
            for m in memberships.order_by("created_at")
        ],
        "consent_log": ConsentEventSerializer(
            user.consent_events.order_by("created_at"), many=True
        ).data,
    }
    for name, section in hooks.export_sections().items():
        document[name] = section(user=user)
    return document
