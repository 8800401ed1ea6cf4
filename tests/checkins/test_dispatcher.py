"""The dispatcher: due schedules become one prompt per slot, never a burst."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from checkins import services, tasks
from checkins.content import QUESTIONS
from checkins.models import CheckIn, Prompt, Schedule

pytestmark = pytest.mark.django_db

EIGHT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def dispatch_at(moment, capture):  # type: ignore[no-untyped-def]
    """Run the dispatcher at `moment`; return the prompt ids it enqueued (after
    commit, as it would), recorded instead of sent to the broker."""
    sent: list[str] = []
    with mock.patch.object(tasks, "enqueue_prompt_sends", sent.extend), capture(execute=True):
        services.dispatch(now=moment)
    return sent


def send(prompt_id: str) -> bool:
    return services.prompts_send(prompt_ids=[prompt_id]) == 1


def test_it_creates_one_prompt_when_a_slot_comes(
    alice, daily_at_eight, django_capture_on_commit_callbacks
) -> None:
    daily_at_eight()
    assert dispatch_at(EIGHT - timedelta(seconds=1), django_capture_on_commit_callbacks) == []

    enqueued = dispatch_at(EIGHT + timedelta(seconds=20), django_capture_on_commit_callbacks)
    prompt = Prompt.objects.get()
    assert enqueued == [str(prompt.pk)]
    assert (prompt.user, prompt.slot_at, prompt.status) == (alice, EIGHT, "pending")
    schedule = Schedule.objects.get()
    assert schedule.next_due_at == EIGHT + timedelta(days=1)

    # A second run in the same minute finds nothing due.
    assert dispatch_at(EIGHT + timedelta(seconds=40), django_capture_on_commit_callbacks) == []
    assert Prompt.objects.count() == 1


def test_it_catches_up_with_one_prompt_after_three_days_down(
    daily_at_eight, django_capture_on_commit_callbacks
) -> None:
    daily_at_eight()
    back = EIGHT + timedelta(days=3, hours=2)
    enqueued = dispatch_at(back, django_capture_on_commit_callbacks)
    prompt = Prompt.objects.get()
    assert enqueued == [str(prompt.pk)]
    assert prompt.slot_at == EIGHT + timedelta(days=3)
    assert Schedule.objects.get().next_due_at == EIGHT + timedelta(days=4)


def test_it_does_not_remind_someone_who_already_checked_in(
    alice, daily_at_eight, django_capture_on_commit_callbacks
) -> None:
    daily_at_eight()
    dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    CheckIn.objects.create(
        owner=alice, pleasantness=1, energy=0, created_at=EIGHT + timedelta(hours=5)
    )
    enqueued = dispatch_at(EIGHT + timedelta(days=1), django_capture_on_commit_callbacks)
    assert enqueued == []
    latest = Prompt.objects.get(slot_at=EIGHT + timedelta(days=1))
    assert latest.status == "suppressed"
    # The day after, she has not checked in since the previous slot: reminded again.
    enqueued = dispatch_at(EIGHT + timedelta(days=2), django_capture_on_commit_callbacks)
    assert len(enqueued) == 1


def test_it_expires_a_pending_prompt_when_the_next_slot_comes(
    daily_at_eight, django_capture_on_commit_callbacks
) -> None:
    daily_at_eight()
    dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    dispatch_at(EIGHT + timedelta(days=1), django_capture_on_commit_callbacks)
    statuses = dict(Prompt.objects.values_list("slot_at", "status"))
    assert statuses == {EIGHT: "expired", EIGHT + timedelta(days=1): "pending"}


def test_it_never_asks_the_same_question_twice_in_a_row(
    daily_at_eight, django_capture_on_commit_callbacks
) -> None:
    daily_at_eight()
    for day in range(30):
        dispatch_at(EIGHT + timedelta(days=day), django_capture_on_commit_callbacks)
    asked = list(Prompt.objects.order_by("slot_at").values_list("question", flat=True))
    assert len(asked) == 30
    assert all(a != b for a, b in pairwise(asked))
    assert all(0 <= q < len(QUESTIONS) for q in asked)


def test_it_sends_a_reminder_once_even_when_the_task_runs_twice(
    alice, daily_at_eight, django_capture_on_commit_callbacks
) -> None:
    from checkins.tasks import send_prompt

    daily_at_eight()
    (prompt_id,) = dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    send_prompt.apply(args=(prompt_id,)).get()
    send_prompt.apply(args=(prompt_id,)).get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert message.subject == "A gentle check-in from attune"
    prompt = Prompt.objects.get()
    assert QUESTIONS[prompt.question] in message.body
    assert f"https://attune.test/today?prompt={prompt.pk}" in message.body
    assert "snooze" in message.body.lower() and "skip" in message.body.lower()
    assert message.extra_headers["Message-ID"] == f"<prompt-{prompt.pk}@attune>"
    assert "streak" not in message.body.lower()
    assert prompt.sent_at is not None


def test_it_releases_the_claim_when_the_mail_server_is_down(
    daily_at_eight, django_capture_on_commit_callbacks, settings
) -> None:
    daily_at_eight()
    (prompt_id,) = dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with pytest.raises(OSError):
        send(prompt_id)
    assert Prompt.objects.get().claimed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send(prompt_id) is True
    assert len(mail.outbox) == 1


def test_the_sweep_resends_a_prompt_claimed_but_never_sent(
    daily_at_eight, django_capture_on_commit_callbacks
) -> None:
    daily_at_eight()
    (prompt_id,) = dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    # A worker claimed it and died before sending.
    Prompt.objects.filter(pk=prompt_id).update(claimed_at=EIGHT)

    assert dispatch_at(EIGHT + timedelta(minutes=4), django_capture_on_commit_callbacks) == []
    later = EIGHT + timedelta(minutes=6)
    assert dispatch_at(later, django_capture_on_commit_callbacks) == [prompt_id]
    assert Prompt.objects.get().claimed_at is None
    assert send(prompt_id) is True
    # Once sent, no sweep takes it again.
    assert dispatch_at(later + timedelta(minutes=10), django_capture_on_commit_callbacks) == []


def test_the_sweep_resends_a_prompt_whose_message_was_lost(
    daily_at_eight, django_capture_on_commit_callbacks
) -> None:
    daily_at_eight()
    (prompt_id,) = dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    # Never claimed: the broker lost the message.
    later = EIGHT + timedelta(minutes=6)
    assert dispatch_at(later, django_capture_on_commit_callbacks) == [prompt_id]


def test_it_snoozes_and_asks_again_later(
    alice_api, daily_at_eight, django_capture_on_commit_callbacks, settings
) -> None:
    daily_at_eight()
    (prompt_id,) = dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    send(prompt_id)
    # Snoozing counts from the real clock; keep later slots out of the way.
    Schedule.objects.update(active=False)
    response = alice_api.post(
        f"/api/v1/checkins/prompts/{prompt_id}/snooze", {"minutes": 30}, format="json"
    )
    assert response.status_code == 200
    until = Prompt.objects.get().snoozed_until
    assert response.json()["snoozed_until"]

    assert dispatch_at(until - timedelta(seconds=1), django_capture_on_commit_callbacks) == []
    assert dispatch_at(until, django_capture_on_commit_callbacks) == [prompt_id]
    assert send(prompt_id) is True
    assert len(mail.outbox) == 2
    assert Prompt.objects.get().snoozed_until is None


def test_it_skips_a_prompt(alice_api, daily_at_eight, django_capture_on_commit_callbacks):
    daily_at_eight()
    (prompt_id,) = dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    response = alice_api.post(f"/api/v1/checkins/prompts/{prompt_id}/skip")
    assert response.status_code == 200 and response.json()["status"] == "skipped"
    assert send(prompt_id) is False
    assert mail.outbox == []
    again = alice_api.post(f"/api/v1/checkins/prompts/{prompt_id}/skip")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "prompt_not_pending"


@pytest.mark.parametrize("minutes", [0, 4, 1441, "30", None])
def test_it_refuses_a_bad_snooze(
    alice_api, daily_at_eight, django_capture_on_commit_callbacks, minutes
):
    daily_at_eight()
    (prompt_id,) = dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    response = alice_api.post(
        f"/api/v1/checkins/prompts/{prompt_id}/snooze", {"minutes": minutes}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "minutes"
    assert Prompt.objects.get().snoozed_until is None


def test_it_lists_pending_prompts(alice_api, daily_at_eight, django_capture_on_commit_callbacks):
    daily_at_eight()
    dispatch_at(EIGHT, django_capture_on_commit_callbacks)
    dispatch_at(EIGHT + timedelta(days=1), django_capture_on_commit_callbacks)
    pending = alice_api.get("/api/v1/checkins/prompts?status=pending").json()["results"]
    assert [p["slot_at"] for p in pending] == ["2026-03-02T08:00:00Z"]
    assert len(alice_api.get("/api/v1/checkins/prompts").json()["results"]) == 2
    assert alice_api.get("/api/v1/checkins/prompts?status=nope").status_code == 400


def test_the_management_command_runs_the_dispatcher_once(daily_at_eight) -> None:
    import io

    daily_at_eight()
    out = io.StringIO()
    call_command("dispatch_checkins", stdout=out)
    assert "prompts: 1" in out.getvalue()
    assert Prompt.objects.count() == 1
