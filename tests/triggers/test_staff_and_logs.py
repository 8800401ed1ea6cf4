"""Staff and logs are not an exception: neither ever shows private free text."""

import logging

import pytest

from tests.accounts.test_admin import admin_client
from tests.factories import UserFactory
from triggers.models import Boundary, Trigger

pytestmark = pytest.mark.django_db

SECRET = "SECRET-only-alice-knows"


def test_the_admin_shows_metadata_but_no_private_text(alice, settings, login) -> None:
    settings.ROOT_URLCONF = "tests.admin_urls"
    trigger = Trigger.objects.create(owner=alice, title=SECRET, signs=SECRET, notes=SECRET)
    boundary = Boundary.objects.create(owner=alice, statement=SECRET, why=SECRET)
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client = admin_client(staff, login)  # the admin asks for a second factor

    pages = [
        "/admin/triggers/trigger/",
        f"/admin/triggers/trigger/{trigger.pk}/change/",
        "/admin/triggers/boundary/",
        f"/admin/triggers/boundary/{boundary.pk}/change/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert SECRET not in response.content.decode(), page
    assert str(trigger.pk) in client.get(pages[0]).content.decode()


def test_the_logs_never_carry_private_text(alice, bob, alice_api, bob_api, caplog, settings):
    settings.DEBUG = True  # SQL is logged with its parameters in DEBUG
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    item = alice_api.post(
        "/api/v1/triggers", {"title": SECRET, "notes": SECRET, "signs": SECRET}, format="json"
    ).json()
    alice_api.post(f"/api/v1/triggers/{item['id']}/share")
    bob_api.get("/api/v1/partner/triggers")
    asked = bob_api.post(
        f"/api/v1/partner/triggers/{item['id']}/questions", {"text": SECRET}, format="json"
    )
    alice_api.post(f"/api/v1/questions/{asked.json()['id']}/answer", {"text": SECRET})
    alice_api.patch(f"/api/v1/triggers/{item['id']}", {"title": 5}, format="json")  # a 400
    assert any("triggers_trigger" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text
