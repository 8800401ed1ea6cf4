"""The kernel's part of `GET /api/v1/me/export`: each membership carries the
person's own agreement to look back together (`over_time_since`)."""

from __future__ import annotations

from datetime import datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from partners import services
from partners.models import Membership

pytestmark = pytest.mark.django_db


def exported_partnerships(api: APIClient) -> list[dict]:
    response = api.get("/api/v1/me/export")
    assert response.status_code == 200
    return response.json()["partnerships"]


def test_it_exports_since_when_each_person_agreed_to_look_back_together(
    alice: User, bob: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    services.partnership_set_over_time(user=alice, agreed=True)
    since = Membership.objects.get(user=alice, ended_at=None).over_time_since
    assert since is not None

    (hers,) = exported_partnerships(alice_api)
    assert datetime.fromisoformat(hers["over_time_since"]) == since
    # Bob's export is his own side: he has not agreed.
    (his,) = exported_partnerships(bob_api)
    assert his["id"] == hers["id"]
    assert his["over_time_since"] is None


def test_it_exports_no_agreement_once_it_is_withdrawn(
    alice: User, bob: User, alice_api: APIClient
) -> None:
    services.partnership_set_over_time(user=alice, agreed=True)
    services.partnership_set_over_time(user=alice, agreed=False)

    (hers,) = exported_partnerships(alice_api)
    assert hers["over_time_since"] is None
    assert Membership.objects.get(user=alice, ended_at=None).over_time_since is None
