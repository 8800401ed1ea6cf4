"""A snoozed reminder that comes back is pushed once more, as it is emailed once
more, and each coming back once whatever runs twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from checkins import services as checkin_services
from checkins.models import Prompt
from checkins.tasks import send_prompts
from push.models import Delivery
from push.tasks import push_prompts
from tests.factories import PromptFactory
from tests.push.conftest import device_of
from tests.push.service import Device, PushService

pytestmark = pytest.mark.django_db


def _send_twice(prompt: Prompt) -> None:
    # A redelivered message and a push retry beside it: one effect.
    send_prompts(prompt_ids=[str(prompt.pk)])
    send_prompts(prompt_ids=[str(prompt.pk)])
    push_prompts(prompt_ids=[str(prompt.pk)])


def _snooze_and_come_back(prompt: Prompt, *, minutes: int, at: timedelta) -> None:
    checkin_services.prompt_snooze(prompt=Prompt.objects.get(pk=prompt.pk), minutes=minutes)
    # The dispatcher's run once the snooze has ended hands the prompt on again.
    result = checkin_services.dispatch(now=timezone.now() + at)
    assert result.snoozes_due == 1


def test_it_pushes_a_snoozed_reminder_once_more_each_time_it_comes_back(
    alice, push_service: PushService, phone: Device
) -> None:
    device_of(alice, push_service, phone)
    prompt = PromptFactory.create(user=alice, enqueued_at=timezone.now())
    _send_twice(prompt)
    assert (len(push_service.messages_for(phone)), len(mail.outbox)) == (1, 1)

    _snooze_and_come_back(prompt, minutes=30, at=timedelta(minutes=31))
    _send_twice(prompt)
    assert (len(push_service.messages_for(phone)), len(mail.outbox)) == (2, 2)

    _snooze_and_come_back(prompt, minutes=60, at=timedelta(minutes=92))
    _send_twice(prompt)
    assert (len(push_service.messages_for(phone)), len(mail.outbox)) == (3, 3)

    urls = {message["url"] for message in push_service.messages_for(phone)}
    assert urls == {f"/today?prompt={prompt.pk}"}
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 3


def test_a_reminder_still_snoozed_is_not_pushed_again(
    alice, push_service: PushService, phone: Device
) -> None:
    device_of(alice, push_service, phone)
    prompt = PromptFactory.create(user=alice, enqueued_at=timezone.now())
    send_prompts(prompt_ids=[str(prompt.pk)])
    checkin_services.prompt_snooze(prompt=prompt, minutes=30)

    # Before the snooze ends: the dispatcher hands nothing on, a stray task sends nothing.
    assert checkin_services.dispatch(now=timezone.now() + timedelta(minutes=10)).snoozes_due == 0
    _send_twice(prompt)

    assert (len(push_service.messages_for(phone)), len(mail.outbox)) == (1, 1)


def test_the_sweep_after_a_killed_worker_pushes_nothing_again(
    alice, push_service: PushService, phone: Device
) -> None:
    """A worker killed after its batch's pushes and before its emails: the sweep
    hands the prompt on again, email goes (once), push finds its delivery taken."""
    device_of(alice, push_service, phone)
    prompt = PromptFactory.create(user=alice, enqueued_at=timezone.now())
    push_prompts(prompt_ids=[str(prompt.pk)])
    assert (len(push_service.messages_for(phone)), len(mail.outbox)) == (1, 0)

    result = checkin_services.dispatch(
        now=timezone.now() + checkin_services.SWEEP_AFTER + timedelta(minutes=1)
    )
    assert result.resent == 1
    _send_twice(prompt)

    assert (len(push_service.messages_for(phone)), len(mail.outbox)) == (1, 1)
    assert Prompt.objects.get(pk=prompt.pk).snoozes_ended == 0
