"""The invitation email goes through the configured broker to a real worker.

On the default settings that is kombu's filesystem transport; in CI it is Redis.
"""

import time

import pytest
from django.core import mail

from accounts.models import Invitation
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
    alice_api = login(alice)
    with thread_worker():
        response = alice_api.post(
            "/api/v1/invitations", {"email": "friend@example.com"}, format="json"
        )
        assert response.status_code == 201
        assert wait_for(lambda: len(mail.outbox) == 1), "the worker sent no email"
        # A second delivery of the same message would find the claim taken.
        time.sleep(0.5)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["friend@example.com"]
    assert response.json()["url"] in mail.outbox[0].body
    assert Invitation.objects.get().emailed_at is not None
