"""Every documented rate limit answers 429 in the shared error shape, just past it."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from triggers import services as trigger_services
from triggers.models import Question, Trigger

pytestmark = pytest.mark.django_db


def assert_429(response: Any) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["status"] == 429
    assert body["errors"] and body["errors"][0]["code"]
    assert body["errors"][0]["message"]


def hammer(send, limit: int) -> Any:  # type: ignore[no-untyped-def]
    """Send `limit` requests that must pass, then one more, which is returned."""
    for attempt in range(limit):
        response = send(attempt)
        assert response.status_code != 429, f"limited early, at request {attempt + 1}"
    return send(limit)


@pytest.fixture
def tight_limits(settings):  # type: ignore[no-untyped-def]
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "signup": "3/m/ip",
        "login": "3/m/ip",
        "reset_password": "3/m/ip",
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "invitations": "3/hour",
            "invitation_accept": "3/hour",
            "questions": "3/hour",
            "responses": "3/hour",
        },
    }


def test_signup_is_limited(tight_limits) -> None:
    client = APIClient()
    response = hammer(
        lambda n: client.post(
            "/_allauth/app/v1/auth/signup",
            {"email": f"new{n}@example.com", "password": "a long quiet passphrase"},
            format="json",
        ),
        3,
    )
    assert_429(response)


def test_login_is_limited(tight_limits, alice) -> None:
    client = APIClient()
    response = hammer(
        lambda n: client.post(
            "/_allauth/app/v1/auth/login",
            {"email": f"nobody{n}@example.com", "password": "wrong password"},
            format="json",
        ),
        3,
    )
    assert_429(response)


def test_password_reset_is_limited(tight_limits, alice) -> None:
    client = APIClient()
    response = hammer(
        lambda n: client.post(
            "/_allauth/app/v1/auth/password/request", {"email": alice.email}, format="json"
        ),
        3,
    )
    assert_429(response)


def test_invitation_create_and_accept_are_limited(tight_limits, alice_api, carol_api) -> None:
    assert_429(hammer(lambda n: alice_api.post("/api/v1/invitations", {}, format="json"), 3))
    assert_429(
        hammer(
            lambda n: carol_api.post(
                "/api/v1/invitations/accept", {"token": f"wrong-{n}"}, format="json"
            ),
            3,
        )
    )


def test_questions_and_answers_are_limited(tight_limits, alice, bob, bob_api, alice_api):
    item = Trigger.objects.create(owner=alice, title="t")
    trigger_services.item_share(item=item, by=alice)
    url = f"/api/v1/partner/triggers/{item.pk}/questions"
    assert_429(hammer(lambda n: bob_api.post(url, {"text": f"q{n}"}, format="json"), 3))
    question = Question.objects.about(item).first()
    answer = f"/api/v1/questions/{question.pk}/answer"
    assert_429(hammer(lambda n: alice_api.post(answer, {"text": f"a{n}"}, format="json"), 3))


def test_responses_are_limited(tight_limits, alice, bob, alice_api, bob_api) -> None:
    answer = alice_api.post(
        "/api/v1/checkins", {"pleasantness": 0, "energy": 0, "shared": True}, format="json"
    ).json()
    url = f"/api/v1/partner/checkins/{answer['id']}/responses"
    assert_429(hammer(lambda n: bob_api.post(url, {"kind": "heard"}, format="json"), 3))


def test_limits_are_per_person(tight_limits, alice_api, carol_api) -> None:
    for _ in range(3):
        alice_api.post("/api/v1/invitations", {}, format="json")
    assert carol_api.post("/api/v1/invitations", {}, format="json").status_code == 201
