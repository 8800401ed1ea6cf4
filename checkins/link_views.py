"""The reminder email's links as an API: what a link does, and acting on it.

The link itself is a page, `/reminder#<token>` (see checkins/links.py); its
script POSTs the token here in a body, so the token never sits in a URL, an
access log or a Referer. Both routes are open to anyone: the token is the whole
authority. Whoever holds one, signed in as anybody or not at all, acts only on
the one reminder it names, which may be another person's (a forwarded email):
it can skip or snooze that reminder once, and learns nothing else.

Cross-site requests: a signed-out press carries no cookie worth riding, and a
signed-in one has its CSRF token checked (DRF's session authentication). A page
on another site cannot read an answer, nor send a token it does not hold.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from attune.api.fields import InputSerializer, StrictCharField
from attune.api.throttling import WriteRateThrottle
from attune.errors import Conflict, Invalid
from checkins import links, services


class InvalidReminderLink(Invalid):
    code = "invalid_reminder_link"
    message = "This link doesn't look complete. Perhaps part of it went missing when it was copied."


class ExpiredReminderLink(Invalid):
    code = "reminder_link_expired"
    message = "This link has run its course: reminder links work for a few days."


class UsedReminderLink(Conflict):
    code = "reminder_link_used"
    message = (
        "This reminder was already taken care of: it has been answered, skipped or "
        "snoozed since this email was sent."
    )


UNUSABLE = {
    "invalid": InvalidReminderLink,
    "expired": ExpiredReminderLink,
    "used": UsedReminderLink,
    "done_already": UsedReminderLink,
}


class ReminderLinkInputSerializer(InputSerializer):
    token = StrictCharField(max_length=400)


class ReminderLinkPreviewSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=links.ACTIONS)
    snooze_minutes = serializers.IntegerField()


class ReminderLinkResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=("snoozed", "skipped"))
    action = serializers.ChoiceField(choices=links.ACTIONS)
    snoozed_until = serializers.DateTimeField(allow_null=True)


def _token(request: Request) -> str:
    serializer = ReminderLinkInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return str(serializer.validated_data["token"])


class _LinkView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "reminder_link"


class ReminderLinkPreviewView(_LinkView):
    @extend_schema(
        request=ReminderLinkInputSerializer,
        responses={200: ReminderLinkPreviewSerializer},
        description="What a reminder email's link would do, without doing it. Signed out "
        "too: the token is the authority. 400 `invalid_reminder_link` or "
        "`reminder_link_expired`, 409 `reminder_link_used`.",
    )
    def post(self, request: Request) -> Response:
        found, action = links.state(_token(request))
        if found != "ready":
            raise UNUSABLE[found]()
        body = {"action": action, "snooze_minutes": links.SNOOZE_MINUTES}
        return Response(ReminderLinkPreviewSerializer(body).data)


class ReminderLinkActView(_LinkView):
    @extend_schema(
        request=ReminderLinkInputSerializer,
        responses={200: ReminderLinkResultSerializer},
        description="Skip or snooze the one reminder the link names, once. A second press "
        "(or a press after the reminder was answered) changes nothing: 409 "
        "`reminder_link_used`.",
    )
    def post(self, request: Request) -> Response:
        token = _token(request)
        outcome = services.prompt_act_by_link(token=token)
        if outcome.result not in ("snoozed", "skipped"):
            raise UNUSABLE[outcome.result]()
        body: dict[str, Any] = {
            "result": outcome.result,
            "action": outcome.action,
            "snoozed_until": None,
        }
        if outcome.result == "snoozed":
            body["snoozed_until"] = links.snoozed_until(token)
        return Response(ReminderLinkResultSerializer(body).data)
