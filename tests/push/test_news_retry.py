"""A push of partner news that failed for a moment asks consent again when it is
retried, as the email's retry does: what was taken back meanwhile announces nothing."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core import mail

from partners.tasks import send_notifications
from push.tasks import push_news
from tests.push.conftest import device_of
from tests.push.service import Device, PushService
from triggers import services as trigger_services
from triggers.models import Trigger

pytestmark = pytest.mark.django_db


def _share(owner, title: str) -> Trigger:  # type: ignore[no-untyped-def]
    trigger = Trigger.objects.create(owner=owner, title=title)
    return trigger_services.item_share(item=trigger, by=owner)


def _first_try_fails(bob, push_service: PushService, phone: Device) -> tuple[Any, ...]:  # type: ignore[no-untyped-def]
    """The digest goes: its email does, its push meets a push service down and
    leaves a retry behind; the retry's arguments."""
    push_service.answers[phone.name] = 503
    with mock.patch.object(push_news, "apply_async") as later:
        send_notifications.apply(args=(str(bob.pk),)).get()
    assert len(mail.outbox) == 1 and push_service.messages_for(phone) == []
    push_service.answers[phone.name] = 201
    return tuple(later.call_args.args[0])


def test_a_retried_push_announces_nothing_taken_back_since(
    alice, bob, push_service: PushService, phone: Device
) -> None:
    device_of(bob, push_service, phone)
    trigger = _share(alice, "Raised voices")
    retry = _first_try_fails(bob, push_service, phone)

    trigger_services.item_unshare(item=trigger, by=alice)
    push_news(*retry)
    push_news(*retry)

    assert push_service.received == []


def test_a_retried_push_links_to_what_is_still_shared(
    alice, bob, push_service: PushService, phone: Device
) -> None:
    device_of(bob, push_service, phone)
    older = _share(alice, "Raised voices")
    newer = _share(alice, "Being late")
    retry = _first_try_fails(bob, push_service, phone)

    trigger_services.item_unshare(item=newer, by=alice)
    push_news(*retry)
    push_news(*retry)

    [message] = push_service.messages_for(phone)
    assert message["url"] == f"/partner#trigger-{older.pk}"


def test_a_retry_queued_before_the_change_is_still_understood(
    alice, bob, push_service: PushService, phone: Device
) -> None:
    device_of(bob, push_service, phone)
    trigger = _share(alice, "Raised voices")
    recipient, topic, urls = _first_try_fails(bob, push_service, phone)

    # Such a message carried the one url it links to.
    push_news(recipient, topic, urls[0])
    trigger_services.item_unshare(item=trigger, by=alice)
    push_news(recipient, topic, urls[0])

    assert [m["url"] for m in push_service.messages_for(phone)] == [
        f"/partner#trigger-{trigger.pk}"
    ]
