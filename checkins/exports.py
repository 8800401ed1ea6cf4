"""The check-ins app's sections of `me/export`."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from checkins import selectors
from checkins.models import CheckIn, Prompt, Response, Schedule
from checkins.serializers import (
    CheckInSerializer,
    PromptSerializer,
    ResponseSerializer,
    ScheduleSerializer,
)
from partners.viewer import viewer_of


def export_checkins(*, user: User) -> dict[str, Any]:
    schedule = Schedule.objects.filter(user=user).first()
    viewer = viewer_of(user=user)
    answers = (
        CheckIn.objects.owned_by(viewer)
        .prefetch_related("triggers", "responses")
        .order_by("created_at")
    )
    for answer in answers:
        answer.visible_responses = list(answer.responses.all())  # type: ignore[attr-defined]
    given = Response.objects.filter(responder=user).order_by("created_at")
    # Name the check-in only while it is shared with me: otherwise my export
    # must not tell whether it still exists.
    visible = set(selectors.partner_checkins(viewer=viewer).values_list("pk", flat=True))
    return {
        "schedule": ScheduleSerializer(schedule).data if schedule else None,
        "prompts": PromptSerializer(
            Prompt.objects.filter(user=user).order_by("created_at"), many=True
        ).data,
        "answers": CheckInSerializer(answers, many=True).data,
        "responses_given": [
            {
                **ResponseSerializer(r).data,
                "checkin": str(r.checkin_id) if r.checkin_id in visible else None,
            }
            for r in given
        ],
    }
