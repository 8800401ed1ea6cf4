"""Emails come from the stream: what happened and by whom, never what; a link to
its place; and nothing about what was taken back before the email went."""

from __future__ import annotations

import pytest
from django.core import mail

from partners import services as partner_services
from partners.models import Notification
from partners.selectors import recipients_with_due_notifications
from partners.tasks import send_notifications
from triggers import services
from triggers.models import Trigger

pytestmark = pytest.mark.django_db


def shared_trigger(alice, title: str = "Raised voices") -> Trigger:  # type: ignore[no-untyped-def]
    trigger = Trigger.objects.create(owner=alice, title=title, notes="PRIVATE")
    return services.item_share(item=trigger, by=alice)


def send(user) -> None:  # type: ignore[no-untyped-def]
    # The real task, called directly, as a worker would run it.
    send_notifications(str(user.pk))


def test_a_share_taken_back_before_the_email_sends_nothing(alice, bob) -> None:
    trigger = shared_trigger(alice)
    services.item_unshare(item=trigger, by=alice)

    send(bob)
    send(bob)

    assert mail.outbox == []
    # Nor does the dispatcher come back for it.
    assert bob.pk not in recipients_with_due_notifications()
    assert not Notification.objects.filter(recipient=bob, due_at__isnull=False).exists()


def test_a_share_taken_back_leaves_the_rest_of_the_email(alice, bob) -> None:
    kept = shared_trigger(alice, "Kept")
    taken_back = shared_trigger(alice, "Taken back")
    services.item_unshare(item=taken_back, by=alice)

    send(bob)

    (message,) = mail.outbox
    assert message.subject == "Alice shared something with you"
    assert f"/partner#trigger-{kept.pk}" in message.body
    assert str(taken_back.pk) not in message.body


def test_a_pause_before_the_email_sends_nothing(alice, bob) -> None:
    shared_trigger(alice)
    partner_services.partnership_set_paused(user=alice, paused=True)
    send(bob)
    assert mail.outbox == []


def test_the_subject_names_who_and_what_happened_never_what_was_written(alice, bob) -> None:
    trigger = shared_trigger(alice)
    question = services.question_ask(item=trigger, by=bob, text="PRIVATE question")

    send(alice)

    (message,) = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "Bob asked you something"
    assert f"https://attune.test/partner#question-{question.pk}" in message.body
    assert "PRIVATE" not in message.body and "Raised voices" not in message.body


def test_an_edit_to_private_notes_sends_nothing(alice, bob) -> None:
    trigger = shared_trigger(alice)
    send(bob)
    Notification.objects.filter(recipient=bob).update(emailed_at=None, due_at=None)
    mail.outbox.clear()

    services.item_update(item=trigger, fields={"notes": "still PRIVATE"})
    send(bob)

    assert mail.outbox == []
