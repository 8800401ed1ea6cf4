"""Through a real Celery worker on the configured broker (Redis in CI): the
dispatcher's run makes a prompt, the worker pushes it once and emails it once."""

from __future__ import annotations

import time
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from checkins import services as checkin_services
from checkins.models import Prompt
from checkins.tasks import dispatch_checkins
from tests.push.conftest import device_of
from tests.push.service import Device, PushService
from tests.workers import thread_worker


def wait_for(condition, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_pushes_a_due_reminder_once(
    alice, push_service: PushService, phone: Device
) -> None:
    device_of(alice, push_service, phone)
    soon = timezone.now().astimezone(UTC) + timedelta(minutes=1)
    checkin_services.schedule_save(
        user=alice,
        active=True,
        weekdays=list(range(7)),
        times=[soon.strftime("%H:%M")],
        timezone_name="UTC",
    )
    # Due now, as a minute later.
    alice.checkin_schedule.__class__.objects.update(next_due_at=timezone.now())

    with thread_worker():
        dispatch_checkins.delay()
        assert wait_for(lambda: len(push_service.messages_for(phone)) == 1), "nothing pushed"
        assert wait_for(lambda: len(mail.outbox) == 1), "no email"
        dispatch_checkins.delay()  # a second run finds nothing to send
        time.sleep(1.5)

    [prompt] = Prompt.objects.all()
    assert [m["url"] for m in push_service.messages_for(phone)] == [f"/today?prompt={prompt.pk}"]
    assert len(mail.outbox) == 1
