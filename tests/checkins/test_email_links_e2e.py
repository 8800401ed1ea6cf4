"""The reminder email's links, from a message a real worker wrote to the file
email backend, pressed signed out and then again. Needs PostgreSQL and Redis,
as tests/checkins/test_delivery_e2e.py does."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from checkins import services
from checkins.models import Prompt
from tests.checkins import test_delivery_e2e as delivery
from tests.checkins.test_delivery_e2e import Processes, due_now, outbox, wait_until

# The same worker processes, skipped the same way on SQLite.
pytestmark = delivery.pytestmark
processes = delivery.processes


def _token(body: str, label: str) -> str:
    match = re.search(rf"{label}: https://attune\.test/reminder#(\S+)", body)
    assert match, body
    return match.group(1)


def test_it_skips_from_a_worker_sent_email_once(processes: Processes) -> None:
    due_now(1)
    processes.start("worker", "--pool", "solo", "-n", "e2e-links@%h")
    services.dispatch()
    assert wait_until(lambda: len(outbox(processes)) >= 1, timeout=180), "no reminder arrived"
    (message,) = outbox(processes)
    body = message.get_payload(decode=True).decode()
    token = _token(body, "Or skip this one")
    assert "?t=" not in body
    api = APIClient()  # signed out

    def press(token: str) -> Any:
        return api.post("/api/v1/reminder-link/act", {"token": token}, format="json")

    # A link scanner's GET of the page acts on nothing.
    assert Client().get("/reminder").status_code == 200
    preview = api.post("/api/v1/reminder-link/preview", {"token": token}, format="json")
    assert preview.json()["action"] == "skip"
    assert Prompt.objects.get().status == Prompt.Status.PENDING

    assert press(token).json()["result"] == "skipped"
    assert Prompt.objects.get().status == Prompt.Status.SKIPPED
    replay = press(_token(body, "Snooze it"))
    assert replay.status_code == 409
    assert replay.json()["errors"][0]["code"] == "reminder_link_used"
    prompt = Prompt.objects.get()
    assert (prompt.status, prompt.snoozed_until) == (Prompt.Status.SKIPPED, None)
