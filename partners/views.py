"""The kernel's API: invitations, the partnership, the consent log, the inbox.
Each view validates input, calls one service, renders output."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from attune.api.throttling import WriteRateThrottle
from attune.api.views import caller
from attune.errors import NotFound
from partners import selectors, services, stream
from partners.serializers import (
    ConsentEventSerializer,
    InboxItemSerializer,
    InboxReadSerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationPreviewInputSerializer,
    InvitationPreviewSerializer,
    InvitationSerializer,
    NewInvitationSerializer,
    PartnershipEndSerializer,
    PartnershipSerializer,
    PartnershipUpdateSerializer,
    UnreadCountSerializer,
)
from partners.viewer import request_viewer


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class InvitationListView(ListAPIView):
    serializer_class = InvitationSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "invitations"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.invitations_of(user=caller(self.request))

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(request=InvitationCreateSerializer, responses={201: NewInvitationSerializer})
    def post(self, request: Request) -> Response:
        data = _validated(InvitationCreateSerializer, request)
        created = services.invitation_create(inviter=caller(request), email=data.get("email", ""))
        body = NewInvitationSerializer(created.invitation).data
        body.update(token=created.token, url=created.url)
        return Response(body, status=status.HTTP_201_CREATED)


class InvitationDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, invitation_id: str) -> Response:
        services.invitation_withdraw(invitation_id=invitation_id, by=caller(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _partnership_response(user, status_code: int = 200) -> Response:  # type: ignore[no-untyped-def]
    membership = selectors.active_membership(user=user)
    if membership is None:
        raise NotFound("You have no partner right now.")
    other = selectors.partner_membership(membership=membership)
    context = {"partner": other.user if other else None, "partner_membership": other}
    return Response(PartnershipSerializer(membership, context=context).data, status=status_code)


class InvitationAcceptView(APIView):
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "invitation_accept"

    @extend_schema(request=InvitationAcceptSerializer, responses={201: PartnershipSerializer})
    def post(self, request: Request) -> Response:
        data = _validated(InvitationAcceptSerializer, request)
        services.invitation_accept(token=data["token"], user=caller(request))
        return _partnership_response(caller(request), status.HTTP_201_CREATED)


class InvitationPreviewView(APIView):
    """Who sent the link in the body, for its holder, signed in or not yet.

    A POST, so that the token travels in a body and never in a URL or a log.
    """

    permission_classes = [AllowAny]
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "invitation_preview"

    @extend_schema(
        request=InvitationPreviewInputSerializer, responses={200: InvitationPreviewSerializer}
    )
    def post(self, request: Request) -> Response:
        data = _validated(InvitationPreviewInputSerializer, request)
        invitation = services.invitation_usable(token=data["token"], now=timezone.now())
        context = {"viewer_id": request.user.pk if request.user.is_authenticated else None}
        return Response(InvitationPreviewSerializer(invitation, context=context).data)


class PartnershipView(APIView):
    @extend_schema(responses=PartnershipSerializer)
    def get(self, request: Request) -> Response:
        return _partnership_response(caller(request))

    @extend_schema(
        request=PartnershipUpdateSerializer,
        responses=PartnershipSerializer,
        description="Changes my side only: `sharing_paused` pauses or resumes my sharing; "
        "`over_time` agrees, or stops agreeing, to look back together (`GET "
        "/checkins/over-time` opens while both partners agree). Each change is written "
        "to my consent log.",
    )
    def patch(self, request: Request) -> Response:
        data = _validated(PartnershipUpdateSerializer, request)
        if "sharing_paused" in data:
            services.partnership_set_paused(user=caller(request), paused=data["sharing_paused"])
        if "over_time" in data:
            services.partnership_set_over_time(user=caller(request), agreed=data["over_time"])
        return _partnership_response(caller(request))

    @extend_schema(
        request=PartnershipEndSerializer,
        responses={204: None},
        description="Ends the partnership at once, for both people. The body is optional: "
        "a `message` is emailed once to the other person and stored nowhere; without "
        "one, no email is sent and the other learns of the ending only in their app.",
    )
    def delete(self, request: Request) -> Response:
        data = _validated(PartnershipEndSerializer, request) if request.data else {}
        services.partnership_end(user=caller(request), message=data.get("message", ""))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConsentLogView(ListAPIView):
    serializer_class = ConsentEventSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.consent_events_of(user=caller(self.request))


class InboxView(ListAPIView):
    """What I may know happened, newest first: filtered by the consent rule at read time."""

    serializer_class = InboxItemSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        # Rows, not instances: the serializer reads only these columns.
        return stream.visible(request_viewer(self.request)).values(*InboxItemSerializer.columns)


class InboxReadView(APIView):
    @extend_schema(request=InboxReadSerializer, responses=UnreadCountSerializer)
    def post(self, request: Request) -> Response:
        data = _validated(InboxReadSerializer, request)
        viewer = request_viewer(request)
        stream.mark_read(viewer=viewer, ids=None if data.get("all") else data["ids"])
        return Response({"unread_count": stream.unread_count(viewer)})
