"""Us over time: both partners' shared check-ins, week by week, side by side.

Only while both agree to look back together (`partners.agreement`). Each side
holds only check-ins its owner shares with the current partnership and does not
pause, by the kernel's one consent rule asked from each person's side
(`shared_q`): the view adds nothing the partner could not already read one
check-in at a time, and says nothing of private check-ins, not even how many.
Weeks start on Monday in the viewer's timezone. Averages, never a score: there is
no total, no trend and no streak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Avg, Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from attune.errors import Conflict, NotFound
from checkins.models import CheckIn
from partners.agreement import OverTimeAgreement, over_time_agreement, partner_side
from partners.consent import shared_q
from partners.viewer import Viewer, request_viewer

DEFAULT_WEEKS = 12
MAX_WEEKS = 52


class OverTimeNotAgreed(Conflict):
    code = "over_time_not_agreed"


def not_agreed(agreement: OverTimeAgreement, *, partner_name: str) -> OverTimeNotAgreed:
    """Who has not agreed yet, in words; the page reads who from `GET partnership`."""
    if not agreement.mine and not agreement.partner:
        message = "Looking back together opens once you both agree. Neither of you has yet."
    elif not agreement.mine:
        message = f"{partner_name} would like to look back together. It opens once you agree too."
    else:
        message = f"Looking back together opens once {partner_name} agrees too."
    return OverTimeNotAgreed(message)


@dataclass(frozen=True)
class Side:
    count: int = 0
    pleasantness: float | None = None
    energy: float | None = None


@dataclass(frozen=True)
class Week:
    start: date
    mine: Side
    partner: Side


def zone_of(viewer: Viewer) -> ZoneInfo:
    try:
        return ZoneInfo(viewer.user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def first_monday(*, now: datetime, weeks: int, zone: ZoneInfo) -> date:
    today = now.astimezone(zone).date()
    return today - timedelta(days=today.weekday(), weeks=weeks - 1)


def weekly(*, viewer: Viewer, weeks: int, now: datetime) -> list[Week]:
    """The last `weeks` weeks, oldest first, this one included. One query."""
    zone = zone_of(viewer)
    start = first_monday(now=now, weeks=weeks, zone=zone)
    rows = (
        CheckIn.objects.filter(
            shared_q(viewer) | shared_q(partner_side(viewer)),
            created_at__gte=datetime.combine(start, time.min, tzinfo=zone),
        )
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week", "owner_id")
        .annotate(count=Count("id"), pleasantness=Avg("pleasantness"), energy=Avg("energy"))
        .order_by()
    )
    sides: dict[tuple[date, Any], Side] = {
        (row["week"].astimezone(zone).date(), row["owner_id"]): Side(
            count=row["count"],
            pleasantness=round(float(row["pleasantness"]), 2),
            energy=round(float(row["energy"]), 2),
        )
        for row in rows
    }
    empty = Side()
    mondays = [start + timedelta(weeks=n) for n in range(weeks)]
    return [
        Week(
            start=monday,
            mine=sides.get((monday, viewer.user_id), empty),
            partner=sides.get((monday, viewer.partner_id), empty),
        )
        for monday in mondays
    ]


class OverTimeQuerySerializer(serializers.Serializer):
    weeks = serializers.IntegerField(
        min_value=1,
        max_value=MAX_WEEKS,
        default=DEFAULT_WEEKS,
        error_messages={
            "invalid": "Please give the number of weeks as a whole number.",
            "min_value": "Please ask for at least one week.",
            "max_value": f"We can look back at most {MAX_WEEKS} weeks.",
        },
    )


class SideSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Shared check-ins that week.")
    pleasantness = serializers.FloatField(
        allow_null=True, help_text="Their average, from -2 to 2; null without check-ins."
    )
    energy = serializers.FloatField(
        allow_null=True, help_text="Their average, from -2 to 2; null without check-ins."
    )


class WeekSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The Monday the week starts, in my timezone.")
    mine = SideSerializer()
    partner = SideSerializer()


class OverTimeSerializer(serializers.Serializer):
    timezone = serializers.CharField(help_text="The timezone the weeks are counted in.")
    sharing_paused = serializers.BooleanField(
        help_text="I pause sharing: my side is empty for now, for both of us."
    )
    partner_sharing_paused = serializers.BooleanField(
        help_text="My partner pauses sharing: their side is empty for now."
    )
    weeks = WeekSerializer(many=True, help_text="Oldest first; the last is this week.")


class OverTimeView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "weeks",
                int,
                required=False,
                description=f"How many weeks, this one included: 1 to {MAX_WEEKS}, "
                f"{DEFAULT_WEEKS} when absent.",
            )
        ],
        responses=OverTimeSerializer,
        description="Both partners' shared check-ins, week by week: for each week, "
        "how many each shared and their average pleasantness and energy. Only check-ins "
        "shared with the current partnership, only while their owner does not pause "
        "sharing, and only while both partners agree (`PATCH /partnership "
        '{"over_time": true}`): otherwise 409 `over_time_not_agreed`, whose message '
        "says who has not agreed yet. 404 without a partner.",
    )
    def get(self, request: Request) -> Response:
        query = OverTimeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        viewer = request_viewer(request)
        agreement = over_time_agreement(viewer)
        if agreement is None:
            raise NotFound("You have no partner right now.")
        if not agreement.both:
            raise not_agreed(agreement, partner_name=_partner_name(viewer))
        zone = zone_of(viewer)
        weeks = weekly(viewer=viewer, weeks=query.validated_data["weeks"], now=timezone.now())
        body = {
            "timezone": zone.key,
            "sharing_paused": viewer.i_pause,
            "partner_sharing_paused": viewer.partner_pauses,
            "weeks": weeks,
        }
        return Response(OverTimeSerializer(body).data)


def _partner_name(viewer: Viewer) -> str:
    partner = User.objects.filter(pk=viewer.partner_id).first()
    return partner.public_name if partner is not None else "Your partner"
