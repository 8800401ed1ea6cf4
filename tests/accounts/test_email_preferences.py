"""Email that respects people: each non-essential kind (reminders, partner
activity) can be turned off in Settings or with one press from the email
(RFC 8058 one-click, signed out); security emails carry no such link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from accounts import email_preferences
from accounts.models import User
from checkins import services as checkin_services
from checkins.models import Prompt
from partners.tasks import send_notifications
from tests.factories import PromptFactory
from triggers import services as trigger_services
from triggers.models import Trigger

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


def _unsubscribe_path(message) -> str:  # type: ignore[no-untyped-def]
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    return header[1:-1].split("://", 1)[1].split("/", 1)[1]


def _partner_activity(alice, bob) -> None:  # type: ignore[no-untyped-def]
    trigger = Trigger.objects.create(owner=alice, title="Raised voices")
    trigger_services.item_share(item=trigger, by=alice)
    send_notifications(str(bob.pk))


def test_it_shows_and_changes_the_preferences_in_me(alice, login) -> None:
    api = login(alice)
    assert api.get("/api/v1/me").json()["email_preferences"] == {
        "reminders": True,
        "partner_activity": True,
    }

    response = api.patch("/api/v1/me", {"email_preferences": {"reminders": False}}, format="json")

    assert response.status_code == 200
    assert response.json()["email_preferences"] == {"reminders": False, "partner_activity": True}
    alice.refresh_from_db()
    assert (alice.email_reminders, alice.email_partner_activity) == (False, True)


def test_it_refuses_a_preference_that_is_not_a_boolean(alice, login) -> None:
    api = login(alice)
    for bad in ({"reminders": "no"}, {"newsletters": False}, "off"):
        response = api.patch("/api/v1/me", {"email_preferences": bad}, format="json")
        assert response.status_code == 400, bad
    alice.refresh_from_db()
    assert alice.email_reminders is True


def test_it_unsubscribes_from_reminders_in_one_click_signed_out(alice) -> None:
    prompt = PromptFactory.create(user=alice)
    checkin_services.prompts_send(prompt_ids=[str(prompt.pk)])
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK
    assert message.from_email.startswith("attune ")

    # What a mail provider sends: no cookie, no CSRF token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/" + _unsubscribe_path(message),
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.email_reminders, alice.email_partner_activity) == (False, True)
    # The next reminder waits on Today, and no email goes.
    later = PromptFactory.create(user=alice)
    checkin_services.prompts_send(prompt_ids=[str(later.pk)])
    assert len(mail.outbox) == 1
    later.refresh_from_db()
    assert later.status == Prompt.Status.PENDING


def test_it_asks_before_it_unsubscribes_when_the_link_is_opened(alice) -> None:
    path = "/" + email_preferences.unsubscribe_url(alice, "reminders").split("/", 3)[3]
    page = Client().get(path).content.decode()
    assert "Stop these emails</button>" in page
    alice.refresh_from_db()
    assert alice.email_reminders is True

    assert "No more reminder emails" in Client().post(path).content.decode()
    # A second press is harmless.
    assert "No more reminder emails" in Client().post(path).content.decode()
    alice.refresh_from_db()
    assert alice.email_reminders is False


def test_it_unsubscribes_from_partner_activity_and_sends_no_more(alice, bob) -> None:
    _partner_activity(alice, bob)
    (message,) = mail.outbox
    assert message.subject == "Alice shared something with you"
    assert message.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK

    Client().post("/" + _unsubscribe_path(message), ONE_CLICK, content_type="text/plain")

    bob.refresh_from_db()
    assert (bob.email_reminders, bob.email_partner_activity) == (True, False)
    _partner_activity(alice, bob)
    assert len(mail.outbox) == 1


def test_it_stops_only_the_person_the_link_names(alice, bob) -> None:
    Client().post(
        "/" + email_preferences.unsubscribe_url(alice, "partner_activity").split("/", 3)[3]
    )
    assert User.objects.get(pk=bob.pk).email_partner_activity is True
    assert User.objects.get(pk=alice.pk).email_partner_activity is False


def test_it_changes_nothing_for_a_link_that_is_not_ours(alice) -> None:
    page = Client().post("/email/unsubscribe?t=forged").content.decode()
    assert "doesn't look complete" in page
    alice.refresh_from_db()
    assert alice.email_reminders is True
