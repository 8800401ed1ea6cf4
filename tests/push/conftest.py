from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from push.models import Subscription
from tests.push.service import Device, PushService


@pytest.fixture(autouse=True)
def _local_endpoints(settings):  # type: ignore[no-untyped-def]
    # The test's push service listens on 127.0.0.1, as `make run`'s would.
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = True


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    service.start()
    yield service
    service.stop()


@pytest.fixture
def phone() -> Device:
    return Device("phone")


@pytest.fixture
def subscribe(push_service: PushService) -> Any:
    """Subscribe `device` for `client`'s person through the API; the stored row."""

    def subscribe(client: APIClient, device: Device, label: str = "My phone") -> Subscription:
        response = client.post(
            "/api/v1/push/subscriptions", push_service.subscription(device, label), format="json"
        )
        assert response.status_code in (200, 201), response.content
        return Subscription.objects.get(pk=response.json()["id"])

    return subscribe


def device_of(user: User, service: PushService, device: Device) -> Subscription:
    """A subscription stored directly (for sending tests that need no API call)."""
    data = service.subscription(device)
    return Subscription.objects.create(
        user=user,
        endpoint=data["endpoint"],
        p256dh=data["keys"]["p256dh"],
        auth=data["keys"]["auth"],
        label=data["label"],
    )
