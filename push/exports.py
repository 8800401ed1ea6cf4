"""`me/export`'s devices: which devices got push, by label; never an endpoint or a key."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from push.models import Subscription


def export_devices(*, user: User) -> list[dict[str, Any]]:
    return [
        {"id": str(pk), "label": label, "created_at": created_at.isoformat()}
        for pk, label, created_at in Subscription.objects.filter(user=user)
        .order_by("created_at")
        .values_list("pk", "label", "created_at")
    ]
