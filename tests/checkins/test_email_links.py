""" "Snooze it" and "Skip this one" from the reminder email: one press, signed
out too; opening the link acts on nothing; a second press changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from checkins import links, services
from checkins.models import Prompt
from tests.factories import PromptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_prompt(alice):  # type: ignore[no-untyped-def]
    """A reminder for alice, sent through the real sending path."""
    prompt = PromptFactory.create(user=alice)
    assert services.prompts_send(prompt_ids=[str(prompt.pk)]) == 1
    return prompt


def _link(label: str) -> str:
    body = str(mail.outbox[-1].body)
    match = re.search(rf"{label}: \S+(/reminder\?t=\S+)", body)
    assert match, body
    return match.group(1)


def _press(client: Client, link: str) -> str:
    token = link.split("?t=", 1)[1]
    return client.post("/reminder", {"t": token}).content.decode()


def test_it_skips_the_reminder_on_a_press_while_signed_out(sent_prompt) -> None:
    client = Client(enforce_csrf_checks=False)
    link = _link("Or skip this one")

    page = client.get(link)
    assert page.status_code == 200
    assert "Skip this one</button>" in page.content.decode()
    # Opening the link (as a mail scanner does) acts on nothing.
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.PENDING

    assert "Skipped, and that's fine" in _press(client, link)
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.SKIPPED


def test_it_snoozes_the_reminder_for_an_hour(sent_prompt) -> None:
    client = Client()
    link = _link("Snooze it")
    assert "Snooze it</button>" in client.get(link).content.decode()

    assert "Snoozed for now" in _press(client, link)
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.PENDING
    assert sent_prompt.snoozed_until is not None
    assert (
        timedelta(minutes=59)
        < sent_prompt.snoozed_until - timezone.now()
        <= timedelta(minutes=links.SNOOZE_MINUTES)
    )


def test_it_says_a_replayed_link_was_already_done_and_changes_nothing(sent_prompt) -> None:
    client = Client()
    snooze = _link("Snooze it")
    skip = _link("Or skip this one")
    _press(client, snooze)
    sent_prompt.refresh_from_db()
    snoozed_until = sent_prompt.snoozed_until

    assert "already taken care of" in _press(client, snooze)
    # The other link of the same email is spent too: the reminder moved on.
    assert "already taken care of" in _press(client, skip)
    sent_prompt.refresh_from_db()
    assert sent_prompt.snoozed_until == snoozed_until
    assert sent_prompt.status == Prompt.Status.PENDING


def test_it_leaves_an_answered_reminder_alone(sent_prompt) -> None:
    Prompt.objects.filter(pk=sent_prompt.pk).update(status=Prompt.Status.ANSWERED)
    assert "already taken care of" in _press(Client(), _link("Or skip this one"))
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.ANSWERED


def test_it_does_not_let_the_first_emails_link_act_on_the_repeat(sent_prompt) -> None:
    """After a snooze the reminder is sent again; the first email's links stay spent."""
    client = Client()
    first_skip = _link("Or skip this one")
    _press(client, _link("Snooze it"))
    services.dispatch(now=timezone.now() + timedelta(minutes=61))
    assert services.prompts_send(prompt_ids=[str(sent_prompt.pk)]) == 1
    assert len(mail.outbox) == 2

    assert "already taken care of" in _press(client, first_skip)
    assert "Skipped" in _press(client, _link("Or skip this one"))
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.SKIPPED


def test_it_turns_away_an_expired_link(sent_prompt, monkeypatch) -> None:
    link = _link("Or skip this one")
    # As if the link's days had passed.
    monkeypatch.setattr(links, "MAX_AGE", timedelta(seconds=-1))
    page = Client().get(link).content.decode()
    assert "run its course" in page
    assert "<form" not in page
    assert "run its course" in _press(Client(), link)
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.PENDING


def test_it_turns_away_an_altered_link(sent_prompt, bob) -> None:
    bobs = PromptFactory.create(user=bob)
    forged = signing.dumps({"p": str(bobs.pk), "a": "skip", "s": "x"}, salt="another-salt")
    assert "doesn't look complete" in _press(Client(), f"/reminder?t={forged}")
    assert "doesn't look complete" in Client().get("/reminder?t=nonsense").content.decode()
    bobs.refresh_from_db()
    assert bobs.status == Prompt.Status.PENDING


def test_it_needs_the_csrf_token_on_the_press(sent_prompt) -> None:
    client = Client(enforce_csrf_checks=True)
    link = _link("Or skip this one")
    page = client.get(link).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf
    token = link.split("?t=", 1)[1]
    assert client.post("/reminder", {"t": token}).status_code == 403
    response = client.post("/reminder", {"t": token, "csrfmiddlewaretoken": csrf.group(1)})
    assert "Skipped" in response.content.decode()
