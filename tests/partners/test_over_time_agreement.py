"""Agreeing to look back together: `PATCH /api/v1/partnership {"over_time": …}`.

Each person agrees for themselves, in their current partnership; both see who
agrees in `GET partnership`; every change is in the agreeing person's consent
log; an ending ends it. The weekly view itself is tests/checkins/test_over_time.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from partners import services
from partners.models import ConsentEvent, Membership
from tests.authz import Cast, assert_error_body

pytestmark = pytest.mark.django_db

PATH = "/api/v1/partnership"


def kinds(user: User) -> list[str]:
    return list(
        ConsentEvent.objects.filter(user=user, kind__startswith="over_time")
        .order_by("created_at")
        .values_list("kind", flat=True)
    )


def test_it_lets_each_partner_agree_and_shows_both_who_agrees(
    alice: User, bob: User, alice_api: APIClient, bob_api: APIClient
) -> None:
    assert alice_api.get(PATH).json()["over_time"] == {"mine": False, "partner": False}

    response = alice_api.patch(PATH, {"over_time": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["over_time"] == {"mine": True, "partner": False}
    assert response.json()["sharing_paused"] is False
    assert bob_api.get(PATH).json()["over_time"] == {"mine": False, "partner": True}
    assert Membership.objects.get(user=alice, ended_at=None).over_time_since is not None
    assert Membership.objects.get(user=bob, ended_at=None).over_time_since is None
    assert kinds(alice) == ["over_time_agreed"]
    assert kinds(bob) == []

    bob_api.patch(PATH, {"over_time": True}, format="json")
    assert alice_api.get(PATH).json()["over_time"] == {"mine": True, "partner": True}


def test_it_logs_each_change_once(alice: User, bob: User, alice_api: APIClient) -> None:
    for agreed in (True, True, False, False, True):
        assert alice_api.patch(PATH, {"over_time": agreed}, format="json").status_code == 200

    assert kinds(alice) == ["over_time_agreed", "over_time_withdrawn", "over_time_agreed"]
    logged = alice_api.get("/api/v1/consent-log").json()["results"]
    assert [e["kind"] for e in logged if e["kind"].startswith("over_time")] == [
        "over_time_agreed",
        "over_time_withdrawn",
        "over_time_agreed",
    ]


def test_it_keeps_the_first_moment_of_agreeing(alice: User, bob: User) -> None:
    services.partnership_set_over_time(user=alice, agreed=True)
    since = Membership.objects.get(user=alice, ended_at=None).over_time_since

    services.partnership_set_over_time(user=alice, agreed=True)

    assert Membership.objects.get(user=alice, ended_at=None).over_time_since == since


def test_it_changes_pause_and_agreement_in_one_request(
    alice: User, bob: User, alice_api: APIClient
) -> None:
    response = alice_api.patch(PATH, {"sharing_paused": True, "over_time": True}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["sharing_paused"], body["over_time"]["mine"]) == (True, True)
    assert ConsentEvent.objects.filter(user=alice, kind="sharing_paused").count() == 1
    assert kinds(alice) == ["over_time_agreed"]


@pytest.mark.parametrize(
    ("body", "param", "message"),
    [
        ({}, None, "Say what to change"),
        ({"over_time": "yes"}, "over_time", None),
        ({"over_time": None}, "over_time", None),
    ],
)
def test_it_refuses_a_change_it_cannot_read(
    body: dict, param: str | None, message: str | None, alice: User, bob: User, alice_api: APIClient
) -> None:
    response = alice_api.patch(PATH, body, format="json")

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error.get("param") == param
    if message:
        assert message in error["message"]
    assert "may not" not in error["message"]
    assert kinds(alice) == []
    assert Membership.objects.get(user=alice, ended_at=None).over_time_since is None


def test_it_answers_404_to_someone_without_a_partner(
    dave: User, carol: User, login: Callable[[User], APIClient], anon: APIClient
) -> None:
    for person in (dave, carol):
        response = login(person).patch(PATH, {"over_time": True}, format="json")
        assert_error_body(response, 404, "not_found")
    assert anon.patch(PATH, {"over_time": True}, format="json").status_code == 401
    assert not Membership.objects.exclude(over_time_since=None).exists()
    assert not ConsentEvent.objects.filter(kind__startswith="over_time").exists()


def test_it_ends_with_the_partnership(
    alice: User, bob: User, dave: User, erin: User, carol: User, login: Callable[[User], APIClient]
) -> None:
    services.partnership_set_over_time(user=alice, agreed=True)
    services.partnership_set_over_time(user=bob, agreed=True)

    Cast(alice=alice, bob=bob, dave=dave, erin=erin, carol=carol).move_on()

    assert login(alice).get(PATH).json()["over_time"] == {"mine": False, "partner": False}
    assert login(erin).get(PATH).json()["over_time"] == {"mine": False, "partner": False}
    assert_error_body(login(bob).get(PATH), 404, "not_found")


def test_it_documents_the_agreement_in_the_schema(anon: APIClient) -> None:
    schema = anon.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    over_time_field = json.dumps(components["Partnership"]["properties"]["over_time"])
    assert "#/components/schemas/OverTimeAgreement" in over_time_field
    assert set(components["OverTimeAgreement"]["properties"]) == {"mine", "partner"}
    assert "over_time" in components["PatchedPartnershipUpdateRequest"]["properties"]
    over_time = schema["paths"]["/api/v1/checkins/over-time"]["get"]
    assert [p["name"] for p in over_time["parameters"]] == ["weeks"]
