"""The triggers app's sections of `me/export`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.hooks import register_export
from accounts.models import User
from triggers.models import Boundary, Question, Trigger
from triggers.serializers import BoundarySerializer, QuestionSerializer, TriggerSerializer


def export_triggers(*, user: User) -> Any:
    return TriggerSerializer(
        Trigger.objects.filter(owner=user).order_by("created_at"), many=True
    ).data


def export_boundaries(*, user: User) -> Any:
    return BoundarySerializer(
        Boundary.objects.filter(owner=user).order_by("created_at"), many=True
    ).data


def export_questions(*, user: User) -> dict[str, Any]:
    """Questions I asked, and questions asked about my items (with my answers)."""
    about_mine = Q(trigger__owner=user) | Q(boundary__owner=user)
    ordered = Question.objects.order_by("created_at")
    return {
        "asked": QuestionSerializer(ordered.filter(asker=user), many=True).data,
        "received": QuestionSerializer(ordered.filter(about_mine), many=True).data,
    }


def register() -> None:
    register_export("triggers", export_triggers)
    register_export("boundaries", export_boundaries)
    register_export("questions", export_questions)
