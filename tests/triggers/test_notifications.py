"""Gentle emails: that something happened, never what; one an hour; never in quiet hours."""

import time as clock
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.quiet_hours import quiet_until
from partners import services as accounts_services
from partners.models import Notification
from partners.tasks import send_notifications
from tests.factories import UserFactory
from tests.workers import thread_worker
from triggers import services
from triggers.models import Trigger

pytestmark = pytest.mark.django_db

PRIVATE = ("Raised voices", "quiet", "PRIVATE", "What helps", "A hug")


def shared_trigger(alice, bob) -> Trigger:  # type: ignore[no-untyped-def]
    trigger = Trigger.objects.create(
        owner=alice, title="Raised voices", signs="goes quiet", notes="PRIVATE"
    )
    return services.item_share(item=trigger, by=alice)


def deliver(user) -> None:  # type: ignore[no-untyped-def]
    send_notifications.apply(args=(str(user.pk),)).get()


def assert_contentless(message) -> None:  # type: ignore[no-untyped-def]
    for text in PRIVATE:
        assert text not in message.subject and text not in message.body


def test_it_tells_the_partner_that_something_was_shared_once(alice, bob) -> None:
    shared_trigger(alice, bob)
    deliver(bob)
    deliver(bob)  # a redelivered task sends nothing more
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [bob.email]
    assert message.subject == "Alice shared something with you"
    trigger = Trigger.objects.get()
    assert f"https://attune.test/partner#trigger-{trigger.pk}" in message.body
    assert_contentless(message)


def test_it_tells_about_questions_and_answers_without_their_text(alice, bob) -> None:
    trigger = shared_trigger(alice, bob)
    question = services.question_ask(item=trigger, by=bob, text="What helps?")
    deliver(alice)
    assert mail.outbox[-1].subject == "Bob asked you something"
    assert f"https://attune.test/partner#question-{question.pk}" in mail.outbox[-1].body
    services.question_answer(question=question, text="A hug")
    Notification.objects.filter(recipient=bob, emailed_at=None).update(due_at=timezone.now())
    Notification.objects.filter(recipient=bob).exclude(emailed_at=None).update(
        emailed_at=timezone.now() - timedelta(hours=2)
    )
    deliver(bob)
    assert {m.to[0] for m in mail.outbox} == {alice.email, bob.email}
    assert mail.outbox[-1].subject.startswith("Alice answered your question")
    assert f"https://attune.test/partner#question-{question.pk}" in mail.outbox[-1].body
    for message in mail.outbox:
        assert_contentless(message)


def test_it_folds_events_within_the_hour_into_the_next_email(alice, bob) -> None:
    first = shared_trigger(alice, bob)
    deliver(bob)
    assert len(mail.outbox) == 1

    services.item_unshare(item=first, by=alice)
    services.item_share(item=first, by=alice)
    second = Trigger.objects.create(owner=alice, title="Being late")
    services.item_share(item=second, by=alice)
    pending = Notification.objects.filter(recipient=bob, emailed_at=None)
    assert pending.count() == 2
    sent_at = Notification.objects.get(recipient=bob, emailed_at__isnull=False).emailed_at
    assert set(pending.values_list("due_at", flat=True)) == {sent_at + timedelta(hours=1)}

    deliver(bob)  # too early: nothing
    assert len(mail.outbox) == 1

    # An hour later the two events leave together.
    Notification.objects.filter(recipient=bob).exclude(emailed_at=None).update(
        emailed_at=sent_at - timedelta(hours=1)
    )
    pending.update(due_at=timezone.now())
    deliver(bob)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Alice shared something with you, and 1 more thing"
    assert f"/partner#trigger-{first.pk}" in mail.outbox[1].body
    assert f"/partner#trigger-{second.pk}" in mail.outbox[1].body
    assert not Notification.objects.filter(recipient=bob, emailed_at=None).exists()


def test_an_event_joining_a_waiting_email_enqueues_no_second_send(
    alice, bob, django_capture_on_commit_callbacks
) -> None:
    from unittest import mock

    with mock.patch.object(send_notifications, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            shared_trigger(alice, bob)
        with django_capture_on_commit_callbacks(execute=True):
            shared_trigger(alice, bob)
    assert delay.call_count == 1
    assert Notification.objects.filter(recipient=bob, emailed_at=None).count() == 2
    # The one send takes both, in one email.
    send_notifications.apply(args=(str(bob.pk),)).get()
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(recipient=bob, emailed_at=None).exists()


def test_it_waits_for_the_end_of_quiet_hours(alice, bob) -> None:
    now = timezone.now().astimezone(UTC)
    bob.timezone = "UTC"
    bob.quiet_hours_start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    bob.quiet_hours_end = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    bob.save()

    shared_trigger(alice, bob)
    notification = Notification.objects.get(recipient=bob)
    assert notification.due_at > now + timedelta(hours=1, minutes=58)
    accounts_services.notifications_send_due()
    deliver(bob)
    assert mail.outbox == []


def test_it_sends_nothing_about_a_partnership_that_ended(alice, bob) -> None:
    shared_trigger(alice, bob)
    accounts_services.partnership_end(user=alice)
    deliver(bob)
    assert mail.outbox == []


def test_it_does_not_notify_while_the_owner_pauses(alice, bob) -> None:
    accounts_services.partnership_set_paused(user=alice, paused=True)
    shared_trigger(alice, bob)
    assert not Notification.objects.filter(recipient=bob, kind="shared").exists()


@pytest.mark.parametrize(
    ("zone", "start", "end", "at", "expected"),
    [
        ("UTC", "22:00", "07:00", "2026-03-10T23:30Z", "2026-03-11T07:00Z"),
        ("UTC", "22:00", "07:00", "2026-03-10T03:00Z", "2026-03-10T07:00Z"),
        ("UTC", "22:00", "07:00", "2026-03-10T12:00Z", None),
        ("UTC", "13:00", "15:00", "2026-03-10T14:00Z", "2026-03-10T15:00Z"),
        ("UTC", "13:00", "15:00", "2026-03-10T15:00Z", None),
        # Berlin is UTC+1 in winter: 23:30 local is 22:30 UTC; 07:00 local is 06:00 UTC.
        ("Europe/Berlin", "22:00", "07:00", "2026-01-10T22:30Z", "2026-01-11T06:00Z"),
        # New York springs forward on 8 March 2026: 07:00 EDT is 11:00 UTC.
        ("America/New_York", "22:00", "07:00", "2026-03-08T04:00Z", "2026-03-08T11:00Z"),
    ],
)
def test_it_finds_the_end_of_quiet_hours(zone, start, end, at, expected) -> None:
    user = UserFactory.build(
        timezone=zone,
        quiet_hours_start=time.fromisoformat(start),
        quiet_hours_end=time.fromisoformat(end),
    )
    moment = datetime.fromisoformat(at)
    result = quiet_until(user=user, at=moment)
    assert result == (datetime.fromisoformat(expected) if expected else None)


@pytest.mark.django_db(transaction=True)
def test_it_delivers_due_notifications_through_a_real_worker() -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    from tests.conftest import pair

    pair(alice, bob)
    with thread_worker():
        shared_trigger(alice, bob)  # commits, then enqueues the send
        deadline = clock.monotonic() + 30
        while not mail.outbox and clock.monotonic() < deadline:
            clock.sleep(0.1)
        accounts_services.notifications_send_due()  # the dispatcher finds nothing more
        clock.sleep(1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [bob.email]
