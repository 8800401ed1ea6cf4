"""Writers committing out of order while a client pages through the feed: the
client ends with every change, none skipped (PostgreSQL, real concurrency)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory
from tests.sync.test_sync import Client
from triggers import services
from triggers.models import Trigger

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]


def test_a_client_paging_during_concurrent_writes_skips_nothing() -> None:
    alice = UserFactory.create()
    api = APIClient()
    token = api.post(
        "/_allauth/app/v1/auth/login", {"email": alice.email, "password": PASSWORD}, format="json"
    ).json()["meta"]["session_token"]
    api.credentials(HTTP_X_SESSION_TOKEN=token)
    client = Client(api)
    done = threading.Event()

    def write(worker: int) -> None:
        try:
            for number in range(25):
                # A slow transaction: it takes its feed number, then lingers
                # before committing, so others commit in between.
                with transaction.atomic():
                    services.item_create(
                        model=Trigger, owner=alice, fields={"title": f"{worker}-{number}"}
                    )
                    time.sleep(0.002 * (worker + 1))
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in writers:
        thread.start()

    def watch() -> None:
        while any(thread.is_alive() for thread in writers):
            client.sync(page_size=5)
        done.set()

    watch()
    for thread in writers:
        thread.join()
    client.sync(page_size=5)

    assert done.is_set()
    assert client.ids("trigger") == {str(pk) for pk in Trigger.objects.values_list("pk", flat=True)}
    assert len(client.ids("trigger")) == 75
