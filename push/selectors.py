"""Reads of push subscriptions, scoped to the person asking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from push import preferences
from push.models import Subscription


def subscriptions_of(*, user: User) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user)


def subscriptions_wanting(*, user_ids: list[Any], kind: str) -> QuerySet[Subscription]:
    """The devices of those among `user_ids` who want `kind` by push."""
    return Subscription.objects.filter(
        user_id__in=user_ids, **{f"user__{preferences.KINDS[kind]}": True}
    )
