"""`me/export`: everything a person owns, as one JSON document."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.serializers import MeSerializer
from partners.exports import export_sections


def export_user(*, user: User) -> dict[str, Any]:
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": MeSerializer(user).data,
        **export_sections(user=user),
    }
