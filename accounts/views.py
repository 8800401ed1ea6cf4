"""The person's API (`me`, `me/export`, an email's unsubscribe link): validate
input, call one service, render output."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import email_preferences, exports, services
from accounts.models import User
from accounts.serializers import MeSerializer, MeUpdateSerializer, PasswordSerializer
from attune.api.fields import InputSerializer, StrictCharField
from attune.api.throttling import PasswordCheckThrottle, WriteRateThrottle
from attune.api.views import caller
from attune.errors import Invalid
from partners import stream
from partners.viewer import request_viewer


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _me(request: Request, user: User) -> dict:
    """My profile, with how much waits unread in my inbox: one query when nothing
    waits, else three (that one, the viewer, `partners.stream.unread_count`)."""
    named = stream.unread_named(user_id=user.pk)
    unread = stream.unread_count(request_viewer(request), named=named) if named else 0
    return dict(MeSerializer(user, context={"unread_count": unread}).data)


class MeView(APIView):
    # DELETE checks a password: a few guesses a minute, refused before hashing.
    throttle_classes = [PasswordCheckThrottle]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(_me(request, caller(request)))

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        data = _validated(MeUpdateSerializer, request)
        changes = {}
        if "display_name" in data:
            changes["display_name"] = data["display_name"]
        if "timezone" in data:
            changes["timezone_name"] = data["timezone"]
        if "quiet_hours" in data:
            hours = data["quiet_hours"]
            changes["quiet_hours"] = (hours["start"], hours["end"]) if hours else None
        if "email_preferences" in data:
            changes["email_preferences"] = data["email_preferences"]
        if "push_preferences" in data:
            changes["push_preferences"] = data["push_preferences"]
        user = services.profile_update(user=caller(request), **changes)
        return Response(_me(request, user))

    @extend_schema(request=PasswordSerializer, responses={204: None})
    def delete(self, request: Request) -> Response:
        data = _validated(PasswordSerializer, request)
        services.account_delete(user=caller(request), password=data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportView(APIView):
    @extend_schema(
        responses=inline_serializer("Export", {"exported_at": serializers.DateTimeField()})
    )
    def get(self, request: Request) -> Response:
        response = Response(exports.export_user(user=caller(request)))
        response["Content-Disposition"] = 'attachment; filename="attune-export.json"'
        return response


class InvalidUnsubscribeLink(Invalid):
    code = "invalid_unsubscribe_link"
    message = "This link doesn't look complete. Perhaps part of it went missing when it was copied."


class UnsubscribeInputSerializer(InputSerializer):
    token = StrictCharField(max_length=400)


class UnsubscribeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=tuple(email_preferences.KINDS))


def _unsubscribe_token(request: Request) -> str:
    return str(_validated(UnsubscribeInputSerializer, request)["token"])


class _UnsubscribeView(APIView):
    """An email's "stop these emails" link, from its page (`/email/unsubscribe#<token>`).

    Open to anyone: the signed token is the whole authority, and all it can do is
    stop one kind of email for the one person it names (who may not be the one
    signed in, if an email was forwarded). It travels in the body, never a URL."""

    permission_classes = [AllowAny]
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "email_unsubscribe"


class UnsubscribePreviewView(_UnsubscribeView):
    @extend_schema(
        request=UnsubscribeInputSerializer,
        responses={200: UnsubscribeSerializer},
        description="Which kind of email the link would stop, without stopping it. "
        "400 `invalid_unsubscribe_link`.",
    )
    def post(self, request: Request) -> Response:
        found = email_preferences.read(_unsubscribe_token(request))
        if found is None:
            raise InvalidUnsubscribeLink()
        return Response(UnsubscribeSerializer({"kind": found[1]}).data)


class UnsubscribeView(_UnsubscribeView):
    @extend_schema(
        request=UnsubscribeInputSerializer,
        responses={200: UnsubscribeSerializer},
        description="Stop the kind of email the link names, for the person it names. "
        "Pressing it again is harmless. 400 `invalid_unsubscribe_link`.",
    )
    def post(self, request: Request) -> Response:
        kind = services.email_unsubscribe(token=_unsubscribe_token(request))
        if kind is None:
            raise InvalidUnsubscribeLink()
        return Response(UnsubscribeSerializer({"kind": kind}).data)
