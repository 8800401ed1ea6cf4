"""The invitation email goes through the configured broker to a real worker.

On the default settings that is kombu's filesystem transport; in CI it is Redis.
Broker messages are not secret (Redis keeps them in its append-only file), so
the message carries the invitation's id and never its token.
"""

import json
import time
from typing import Any

import pytest
from celery.signals import before_task_publish
from django.core import mail

from partners.models import Invitation
from tests.workers import thread_worker


def wait_for(condition, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_it_delivers_the_invitation_email_through_a_real_worker(alice, login) -> None:
    published: list[str] = []

    def record(body: Any = None, headers: Any = None, **kwargs: Any) -> None:
        # Exactly what goes onto the broker: the arguments and every header.
        published.append(json.dumps([body, headers], default=str))

    alice_api = login(alice)
    before_task_publish.connect(record, weak=False)
    try:
        with thread_worker():
            response = alice_api.post(
                "/api/v1/invitations", {"email": "friend@example.com"}, format="json"
            )
            assert response.status_code == 201
            token = response.json()["token"]
            # Until it is sent, the token waits on the row, sealed.
            sealed = Invitation.objects.get().token_sealed
            assert sealed and token not in sealed
            assert wait_for(lambda: len(mail.outbox) == 1), "the worker sent no email"
            # A second delivery of the same message would find the claim taken.
            time.sleep(0.5)
    finally:
        before_task_publish.disconnect(record)

    invitation = Invitation.objects.get()
    sends = [message for message in published if "send_invitation_email" in message]
    assert len(sends) == 1
    assert str(invitation.pk) in sends[0]
    assert token not in sends[0]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["friend@example.com"]
    assert response.json()["url"] in mail.outbox[0].body
    assert invitation.emailed_at is not None
    assert invitation.token_sealed == ""
