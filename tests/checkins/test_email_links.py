""" "Snooze it" and "Skip this one" from the reminder email: the token rides in
the link's fragment and is POSTed in a body; one press acts, signed out too;
opening the link, or asking what it does, acts on nothing; a second press
changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from checkins import links, services
from checkins.models import Prompt
from tests.authz import assert_error_body, client_for
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
    match = re.search(rf"{label}: (\S+)", body)
    assert match, body
    return match.group(1)


def _token(label: str) -> str:
    link = _link(label)
    assert link.startswith("https://attune.test/reminder#"), link
    return link.split("#", 1)[1]


def _preview(client: APIClient, token: str) -> Any:
    return client.post("/api/v1/reminder-link/preview", {"token": token}, format="json")


def _press(client: APIClient, token: str) -> Any:
    return client.post("/api/v1/reminder-link/act", {"token": token}, format="json")


def test_it_keeps_the_token_out_of_every_url_in_the_email(sent_prompt) -> None:
    (message,) = mail.outbox
    body = str(message.body)
    tokens = [_token("Snooze it"), _token("Or skip this one")]
    for url in re.findall(r"https://\S+", body):
        path_and_query = url.split("#", 1)[0]
        assert not [token for token in tokens if token in path_and_query]
        assert "?t=" not in url
    unsubscribe = _link("Stop them here")
    assert unsubscribe.startswith("https://attune.test/email/unsubscribe#")


def test_it_skips_the_reminder_on_a_press_while_signed_out(sent_prompt) -> None:
    client = APIClient()
    token = _token("Or skip this one")

    # Opening the page (as a mail scanner does) and asking what it does act on nothing.
    page = Client().get("/reminder")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "strict-origin"
    preview = _preview(client, token)
    assert preview.status_code == 200
    assert preview.json() == {"action": "skip", "snooze_minutes": links.SNOOZE_MINUTES}
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.PENDING

    pressed = _press(client, token)
    assert pressed.status_code == 200
    assert pressed.json() == {"result": "skipped", "action": "skip", "snoozed_until": None}
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.SKIPPED


def test_it_snoozes_the_reminder_for_an_hour_and_says_until_when(sent_prompt) -> None:
    client = APIClient()
    token = _token("Snooze it")
    assert _preview(client, token).json()["action"] == "snooze"

    pressed = _press(client, token).json()
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.PENDING
    assert sent_prompt.snoozed_until is not None
    assert (
        timedelta(minutes=59)
        < sent_prompt.snoozed_until - timezone.now()
        <= timedelta(minutes=links.SNOOZE_MINUTES)
    )
    assert pressed["result"] == "snoozed"
    assert pressed["snoozed_until"] == sent_prompt.snoozed_until.isoformat().replace("+00:00", "Z")


def test_it_says_a_replayed_link_was_already_used_and_changes_nothing(sent_prompt) -> None:
    client = APIClient()
    snooze, skip = _token("Snooze it"), _token("Or skip this one")
    _press(client, snooze)
    sent_prompt.refresh_from_db()
    snoozed_until = sent_prompt.snoozed_until

    again = _press(client, snooze)
    assert_error_body(again, 409, "reminder_link_used")
    assert "already taken care of" in again.json()["errors"][0]["message"]
    # The other link of the same email is spent too: the reminder moved on.
    assert_error_body(_press(client, skip), 409, "reminder_link_used")
    assert_error_body(_preview(client, skip), 409, "reminder_link_used")
    sent_prompt.refresh_from_db()
    assert sent_prompt.snoozed_until == snoozed_until
    assert sent_prompt.status == Prompt.Status.PENDING


def test_it_leaves_an_answered_reminder_alone(sent_prompt) -> None:
    Prompt.objects.filter(pk=sent_prompt.pk).update(status=Prompt.Status.ANSWERED)
    assert_error_body(_press(APIClient(), _token("Or skip this one")), 409, "reminder_link_used")
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.ANSWERED


def test_it_does_not_let_the_first_emails_link_act_on_the_repeat(sent_prompt) -> None:
    """After a snooze the reminder is sent again; the first email's links stay spent."""
    client = APIClient()
    first_skip = _token("Or skip this one")
    _press(client, _token("Snooze it"))
    services.dispatch(now=timezone.now() + timedelta(minutes=61))
    assert services.prompts_send(prompt_ids=[str(sent_prompt.pk)]) == 1
    assert len(mail.outbox) == 2

    assert_error_body(_press(client, first_skip), 409, "reminder_link_used")
    assert _press(client, _token("Or skip this one")).json()["result"] == "skipped"
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.SKIPPED


def test_it_turns_away_an_expired_link(sent_prompt, monkeypatch) -> None:
    token = _token("Or skip this one")
    # As if the link's days had passed.
    monkeypatch.setattr(links, "MAX_AGE", timedelta(seconds=-1))
    assert_error_body(_preview(APIClient(), token), 400, "reminder_link_expired")
    expired = _press(APIClient(), token)
    assert_error_body(expired, 400, "reminder_link_expired")
    assert "run its course" in expired.json()["errors"][0]["message"]
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.PENDING


def test_it_turns_away_an_altered_link(sent_prompt, bob) -> None:
    bobs = PromptFactory.create(user=bob)
    forged = signing.dumps({"p": str(bobs.pk), "a": "skip", "s": "x"}, salt="another-salt")
    assert_error_body(_press(APIClient(), forged), 400, "invalid_reminder_link")
    assert_error_body(_preview(APIClient(), "nonsense"), 400, "invalid_reminder_link")
    missing = _preview(APIClient(), "")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["message"] == "Please write something here."
    bobs.refresh_from_db()
    assert bobs.status == Prompt.Status.PENDING


def test_it_acts_on_the_tokens_reminder_only_whoever_is_signed_in(sent_prompt, carol) -> None:
    """The token is the authority: carol holding alice's link (a forwarded email)
    skips that one reminder of alice's, and nothing of her own."""
    carols = PromptFactory.create(user=carol)
    pressed = _press(client_for(carol), _token("Or skip this one"))
    assert pressed.json()["result"] == "skipped"
    sent_prompt.refresh_from_db()
    carols.refresh_from_db()
    assert (sent_prompt.status, carols.status) == (Prompt.Status.SKIPPED, Prompt.Status.PENDING)


def test_it_needs_the_csrf_token_from_a_signed_in_browser(sent_prompt, alice) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(alice)
    refused = _press(browser, _token("Or skip this one"))
    assert refused.status_code == 403
    assert refused.json()["status"] == 403
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.PENDING


def test_it_takes_no_token_from_the_address(sent_prompt) -> None:
    """An old `?t=` link opens the same page; the server does nothing with it."""
    token = _token("Or skip this one")
    old = Client().get(f"/reminder?t={token}")
    assert old.status_code == 200
    assert token not in old.content.decode()
    assert Client().post(f"/reminder?t={token}").status_code == 405
    sent_prompt.refresh_from_db()
    assert sent_prompt.status == Prompt.Status.PENDING


def test_it_limits_how_often_one_visitor_may_try(sent_prompt, settings) -> None:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "reminder_link": "2/hour"},
    }
    client = APIClient()
    for _ in range(2):
        assert _preview(client, "guess").status_code == 400
    limited = _preview(client, "guess")
    assert limited.status_code == 429
    assert limited.json()["status"] == 429
