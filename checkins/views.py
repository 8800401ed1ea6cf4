"""The check-ins API: validate, call one service, render."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView, ListCreateAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from attune.api.throttling import WriteRateThrottle
from attune.api.views import caller, choice_param
from attune.errors import Invalid
from checkins import selectors, services
from checkins.models import Prompt
from checkins.serializers import (
    CheckInSerializer,
    CheckInUpdateSerializer,
    PartnerCheckInSerializer,
    PromptSerializer,
    ResponseSerializer,
    ScheduleSerializer,
    SnoozeSerializer,
)
from partners.viewer import request_viewer


def _validated(view: GenericAPIView, serializer_class: Any = None, **kwargs: Any) -> dict:
    serializer_class = serializer_class or view.get_serializer_class()
    serializer = serializer_class(data=view.request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    required=False,
    description="Only check-ins made at or after this moment: ISO 8601 with a timezone, "
    "e.g. `2026-11-26T00:00:00Z`.",
)


def _made_since(request: Request, checkins: Any) -> Any:
    """`checkins` narrowed by the `since` query parameter, when there is one."""
    raw = request.query_params.get("since")
    if raw is None:
        return checkins
    try:
        moment = parse_datetime(raw.strip())
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise Invalid(
            "A date and time with its timezone, e.g. 2026-11-26T00:00:00Z.",
            code="invalid",
            param="since",
        )
    return checkins.filter(created_at__gte=moment)


class ScheduleView(GenericAPIView):
    serializer_class = ScheduleSerializer

    def get(self, request: Request) -> Response:
        return Response(ScheduleSerializer(selectors.schedule_of(user=caller(request))).data)

    def put(self, request: Request) -> Response:
        user = caller(request)
        data = _validated(self)
        schedule = services.schedule_save(
            user=user,
            active=data["active"],
            weekdays=data["weekdays"],
            times=[t.strftime("%H:%M") for t in data["times"]],
            timezone_name=data.get("timezone") or user.timezone,
        )
        return Response(ScheduleSerializer(schedule).data)


class PromptList(ListAPIView):
    serializer_class = PromptSerializer

    @extend_schema(
        parameters=[OpenApiParameter("status", enum=list(Prompt.Status.values), required=False)]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        wanted = choice_param(self.request, "status", Prompt.Status.values)
        return selectors.prompts_of(user=caller(self.request), status=wanted)


class PromptSkip(GenericAPIView):
    serializer_class = PromptSerializer

    @extend_schema(request=None)
    def post(self, request: Request, prompt_id: str) -> Response:
        prompt = selectors.prompt_of(user=caller(request), prompt_id=prompt_id)
        return Response(PromptSerializer(services.prompt_skip(prompt=prompt)).data)


class PromptSnooze(GenericAPIView):
    serializer_class = SnoozeSerializer

    @extend_schema(request=SnoozeSerializer, responses=PromptSerializer)
    def post(self, request: Request, prompt_id: str) -> Response:
        prompt = selectors.prompt_of(user=caller(request), prompt_id=prompt_id)
        minutes = _validated(self)["minutes"]
        return Response(
            PromptSerializer(services.prompt_snooze(prompt=prompt, minutes=minutes)).data
        )


class CheckInList(ListCreateAPIView):
    serializer_class = CheckInSerializer

    @extend_schema(parameters=[SINCE])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _made_since(self.request, selectors.checkins_of(viewer=request_viewer(self.request)))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location="header",
                required=False,
                description="Repeat a POST with the same key: the first result comes back "
                "(200) and nothing is created twice.",
            )
        ],
        responses={201: CheckInSerializer, 200: CheckInSerializer},
    )
    def post(self, request: Request) -> Response:
        owner = caller(request)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 128:
            raise Invalid("At most 128 characters.", code="max_length", param="Idempotency-Key")
        checkin, created = services.checkin_create(
            owner=owner, fields=_validated(self), idempotency_key=key
        )
        if not created:
            # The first answer, as it is now (responses may have come since).
            checkin = selectors.checkin_of(viewer=request_viewer(request), checkin_id=checkin.pk)
        return Response(
            CheckInSerializer(checkin).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CheckInDetail(GenericAPIView):
    serializer_class = CheckInSerializer

    def get(self, request: Request, checkin_id: str) -> Response:
        checkin = selectors.checkin_of(viewer=request_viewer(request), checkin_id=checkin_id)
        return Response(CheckInSerializer(checkin).data)

    @extend_schema(request=CheckInUpdateSerializer, responses=CheckInSerializer)
    def patch(self, request: Request, checkin_id: str) -> Response:
        viewer = request_viewer(request)
        checkin = selectors.checkin_of(viewer=viewer, checkin_id=checkin_id)
        fields = _validated(self, CheckInUpdateSerializer, partial=True)
        services.checkin_update(checkin=checkin, by=viewer.user, fields=fields)
        checkin = selectors.checkin_of(viewer=viewer, checkin_id=checkin_id)
        return Response(CheckInSerializer(checkin).data)

    def delete(self, request: Request, checkin_id: str) -> Response:
        checkin = selectors.checkin_of(viewer=request_viewer(request), checkin_id=checkin_id)
        services.checkin_delete(checkin=checkin)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PartnerCheckInList(ListAPIView):
    serializer_class = PartnerCheckInSerializer

    @extend_schema(parameters=[SINCE])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _made_since(
            self.request, selectors.partner_checkins(viewer=request_viewer(self.request))
        )


class PartnerCheckInDetail(GenericAPIView):
    serializer_class = PartnerCheckInSerializer

    def get(self, request: Request, checkin_id: str) -> Response:
        checkin = selectors.partner_checkin(viewer=request_viewer(request), checkin_id=checkin_id)
        return Response(PartnerCheckInSerializer(checkin).data)


class PartnerCheckInResponses(GenericAPIView):
    """My one response to a check-in my partner shares with me.

    POST sends it (201), or, when I have responded already, replaces its kind
    and note (200): one response per person per check-in. Only the first tells
    my partner (a `response` activity, which may email them); a change shows on
    their page without a second notice. DELETE takes it back (204)."""

    serializer_class = ResponseSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "responses"

    @extend_schema(responses={201: ResponseSerializer, 200: ResponseSerializer})
    def post(self, request: Request, checkin_id: str) -> Response:
        viewer = request_viewer(request)
        checkin = selectors.partner_checkin(viewer=viewer, checkin_id=checkin_id)
        data = _validated(self)
        response, created = services.response_send(
            checkin=checkin, by=viewer.user, kind=data["kind"], note=data.get("note", "")
        )
        return Response(
            ResponseSerializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def delete(self, request: Request, checkin_id: str) -> Response:
        viewer = request_viewer(request)
        checkin = selectors.partner_checkin(viewer=viewer, checkin_id=checkin_id)
        services.response_withdraw(checkin=checkin, by=viewer.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
