"""Sending in batches: one message and one mail connection for many reminders,
a refused address that holds nothing else back, and a broker outage that the
dispatcher rides out."""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPRecipientsRefused
from unittest import mock

import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from checkins import services, tasks
from checkins.models import Prompt, Schedule
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EIGHT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def due_at_eight():  # type: ignore[no-untyped-def]
    """People whose daily 08:00 UTC check-in is due at EIGHT."""

    def make(*emails: str) -> None:
        for email in emails:
            user = UserFactory.create(email=email)
            services.schedule_save(
                user=user,
                active=True,
                weekdays=list(range(7)),
                times=["08:00"],
                timezone_name="UTC",
            )
            Schedule.objects.filter(user=user).update(next_slot_at=EIGHT, next_due_at=EIGHT)

    return make


def dispatch(moment: datetime, capture, **options):  # type: ignore[no-untyped-def]
    """The dispatcher at `moment`, its enqueues recorded instead of sent."""
    enqueued: list[str] = []
    recording = mock.patch.object(tasks, "enqueue_prompt_sends", enqueued.extend)
    with recording, capture(execute=True):
        result = services.dispatch(now=moment, **options)
    return result, enqueued


def test_one_task_sends_a_batch_over_one_connection(
    due_at_eight, django_capture_on_commit_callbacks, settings
) -> None:
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    due_at_eight("a@example.com", "b@example.com", "c@example.com")
    _, ids = dispatch(EIGHT, django_capture_on_commit_callbacks)
    opened = _opened()

    tasks.send_prompts.apply(args=(ids,)).get()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.com",
        "b@example.com",
        "c@example.com",
    ]
    assert _opened() - opened == 1
    assert Prompt.objects.filter(sent_at__isnull=True).count() == 0
    # The same message again (a redelivery) sends nothing.
    tasks.send_prompts.apply(args=(ids,)).get()
    assert len(mail.outbox) == 3


def test_a_refused_address_holds_back_no_one_else(
    due_at_eight, django_capture_on_commit_callbacks, settings
) -> None:
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    due_at_eight("a@example.com", "gone@refused.test", "c@example.com")
    _, ids = dispatch(EIGHT, django_capture_on_commit_callbacks)

    with pytest.raises(SMTPRecipientsRefused):
        services.prompts_send(prompt_ids=ids)

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "c@example.com"]
    refused = Prompt.objects.get(user__email="gone@refused.test")
    # Released for the task's retry: not claimed, not sent.
    assert (refused.claimed_at, refused.sent_at) == (None, None)
    # The retry carries the whole batch; only the one left is sent.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.prompts_send(prompt_ids=ids) == 1
    assert [m.to[0] for m in mail.outbox][-1] == "gone@refused.test"
    assert len(mail.outbox) == 3


def test_an_error_mid_batch_releases_what_was_not_sent(
    due_at_eight, django_capture_on_commit_callbacks, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    due_at_eight("a@example.com", "b@example.com", "c@example.com")
    _, ids = dispatch(EIGHT, django_capture_on_commit_callbacks)
    from checkins import emails

    real, calls = emails.send_prompt, []

    def second_fails(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["prompt"].pk)
        if len(calls) == 2:
            raise ConnectionResetError("the mail server went away")
        real(**kwargs)

    with mock.patch.object(emails, "send_prompt", second_fails), pytest.raises(OSError):
        services.prompts_send(prompt_ids=ids)

    sent = Prompt.objects.filter(sent_at__isnull=False)
    assert list(sent.values_list("pk", flat=True)) == [calls[0]]
    assert Prompt.objects.filter(claimed_at__isnull=False, sent_at__isnull=True).count() == 0
    assert services.prompts_send(prompt_ids=ids) == 2
    assert len(mail.outbox) == 3


def test_sends_are_enqueued_fifty_to_a_message() -> None:
    ids = [f"id-{n}" for n in range(120)]
    with mock.patch.object(tasks.send_prompts, "delay") as delay:
        tasks.enqueue_prompt_sends(ids)
    chunks = [call.args[0] for call in delay.call_args_list]
    assert [len(chunk) for chunk in chunks] == [50, 50, 20]
    assert [prompt_id for chunk in chunks for prompt_id in chunk] == ids


def test_the_dispatcher_rides_out_a_broker_outage(
    due_at_eight, django_capture_on_commit_callbacks, caplog
) -> None:
    due_at_eight("a@example.com", "b@example.com", "c@example.com")
    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    broken = mock.patch.object(tasks.send_prompts, "delay", side_effect=down)
    with broken as delay, django_capture_on_commit_callbacks(execute=True):
        result = services.dispatch(now=EIGHT, batch_size=1)

    # Every batch was dispatched; the broker was tried once, then left alone.
    assert (result.prompts, result.deferred) == (3, 3)
    assert delay.call_count == 1
    assert Prompt.objects.filter(status="pending", enqueued_at=EIGHT).count() == 3
    assert Schedule.objects.filter(next_due_at=EIGHT + timedelta(days=1)).count() == 3
    assert [r.levelname for r in caplog.records if "broker" in r.getMessage()] == ["WARNING"]

    # Back up: the sweep takes all three once they are SWEEP_AFTER old.
    later = EIGHT + services.SWEEP_AFTER + timedelta(seconds=1)
    result, enqueued = dispatch(later, django_capture_on_commit_callbacks)
    assert (result.resent, result.deferred) == (3, 0)
    assert sorted(enqueued) == sorted(str(pk) for pk in Prompt.objects.values_list("pk", flat=True))


def _opened() -> int:
    from tests.mail_backends import RefusingBackend

    return RefusingBackend.opened
