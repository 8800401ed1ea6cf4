from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from attune.api.throttling import WriteRateThrottle
from attune.api.views import caller
from push import selectors, services
from push.serializers import (
    PushKeySerializer,
    SubscriptionCreateSerializer,
    SubscriptionSerializer,
    subscription_fields,
)


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class PushKeyView(APIView):
    """The server's VAPID public key. Public by nature, so anyone may read it: a
    page can prepare its subscription before the person signs in."""

    permission_classes = [AllowAny]

    @extend_schema(responses=PushKeySerializer, auth=[])
    def get(self, request: Request) -> Response:
        return Response({"public_key": settings.VAPID_PUBLIC_KEY})


class SubscriptionListView(ListAPIView):
    """My devices that get push, newest first."""

    serializer_class = SubscriptionSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "push_subscriptions"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.subscriptions_of(user=caller(self.request))

    @extend_schema(
        request=SubscriptionCreateSerializer,
        responses={201: SubscriptionSerializer, 200: SubscriptionSerializer},
        description="Keep this device's subscription: 201 when new, 200 when the same "
        "endpoint was kept already (its keys and label are updated). The endpoint must be "
        "a public https address.",
    )
    def post(self, request: Request) -> Response:
        data = _validated(SubscriptionCreateSerializer, request)
        subscription, created = services.subscription_save(
            user=caller(request), **subscription_fields(data)
        )
        return Response(
            SubscriptionSerializer(subscription).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class SubscriptionDetailView(APIView):
    @extend_schema(
        responses={204: None},
        description="Stop push to this device (a client does this when it signs out).",
    )
    def delete(self, request: Request, subscription_id: str) -> Response:
        services.subscription_delete(user=caller(request), subscription_id=subscription_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
