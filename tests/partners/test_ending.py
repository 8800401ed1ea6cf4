"""Ending the partnership (DESIGN.md, consent invariant 5): alone, at once, after one
confirmation in the app; the other learns only that it ended, and by email only when
the person ending chose to send a message, which is kept and logged nowhere."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from partners.models import ConsentEvent, Membership, Notification

pytestmark = pytest.mark.django_db

WORDS = "Thank you for everything, PRIVATE-WORDS"


def end(api, body=None, capture=None):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        if body is None:
            return api.delete("/api/v1/partnership")
        return api.delete("/api/v1/partnership", body, format="json")


def test_it_ends_quietly_without_a_message(
    alice_api, bob, django_capture_on_commit_callbacks
) -> None:
    response = end(alice_api, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 204
    assert mail.outbox == []
    assert not Membership.objects.filter(user=bob, ended_at__isnull=True).exists()
    # bob learns it in his app, and only that it ended.
    assert Notification.objects.filter(recipient=bob, kind=Notification.Kind.UNPAIRED).exists()
    assert ConsentEvent.objects.filter(user=bob, kind=ConsentEvent.Kind.UNPAIRED).exists()


def test_it_ends_quietly_with_an_empty_message(
    alice_api, bob, django_capture_on_commit_callbacks
) -> None:
    response = end(alice_api, {"message": "   "}, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 204
    assert mail.outbox == []


def test_it_emails_the_message_only_when_one_is_given(
    alice_api, bob, django_capture_on_commit_callbacks, caplog, settings
) -> None:
    settings.SUPPORT_URL = "https://support.example.org/help"
    caplog.set_level(logging.DEBUG)
    response = end(alice_api, {"message": WORDS}, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 204

    (email,) = mail.outbox
    assert email.to == ["bob@example.com"]
    # The subject says who wrote, never what.
    assert email.subject == "A message from Alice on attune"
    assert WORDS in email.body
    assert "Nothing was deleted from your own space" in email.body
    assert "https://support.example.org/help" in email.body
    # Kept nowhere else: not in a log line.
    assert "PRIVATE-WORDS" not in caplog.text


def test_it_refuses_a_long_message_or_control_characters(
    alice_api, bob, django_capture_on_commit_callbacks
) -> None:
    for message in ("x" * 501, "hello\x1b[31m", "a\x00b", 3):
        response = end(alice_api, {"message": message}, capture=django_capture_on_commit_callbacks)
        assert response.status_code == 400, message
        assert response.json()["errors"][0]["param"] == "message"
    assert mail.outbox == []
    # Nothing ended on a refused request.
    assert Membership.objects.filter(user=bob, ended_at__isnull=True).exists()


def test_it_keeps_newlines_in_a_message(alice_api, bob, django_capture_on_commit_callbacks) -> None:
    response = end(
        alice_api, {"message": "Take care.\nA."}, capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 204
    assert "Take care.\nA." in mail.outbox[0].body


def test_it_refuses_unknown_fields(alice_api, bob, django_capture_on_commit_callbacks) -> None:
    response = end(alice_api, {"reason": "x"}, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert Membership.objects.filter(user=bob, ended_at__isnull=True).exists()


def test_it_sends_nothing_when_there_is_no_partner(
    carol_api, django_capture_on_commit_callbacks
) -> None:
    response = end(carol_api, {"message": WORDS}, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert mail.outbox == []
