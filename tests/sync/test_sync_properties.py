"""Property: whatever three people do, a client that only replays the sync feed
holds exactly what the API lists for its user, and nothing its owner stopped sharing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from partners.viewer import viewer_of
from tests.factories import PASSWORD, UserFactory
from tests.sync.test_sync import Client

pytestmark = pytest.mark.django_db

OPERATIONS = (
    "create_trigger",
    "edit_trigger",
    "delete_trigger",
    "create_boundary",
    "share",
    "revoke",
    "pause",
    "resume",
    "unpair",
    "pair",
    "checkin",
    "share_checkin",
    "unshare_checkin",
    "ask",
    "answer",
    "respond",
)
steps = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 2), st.integers(0, 7)),
    min_size=1,
    max_size=20,
)


class Rollback(Exception):
    pass


class World:
    def __init__(self) -> None:
        cache.clear()  # each example logs in afresh; login rate limits count in the cache
        self.users = [UserFactory.create() for _ in range(3)]
        self.apis = [self._login(user) for user in self.users]
        self.clients = [Client(api) for api in self.apis]

    @staticmethod
    def _login(user: Any) -> APIClient:
        api = APIClient()
        response = api.post(
            "/_allauth/app/v1/auth/login",
            {"email": user.email, "password": PASSWORD},
            format="json",
        )
        api.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
        return api

    def pick(self, api: APIClient, path: str, index: int) -> str | None:
        ids = [i["id"] for i in api.get(f"/api/v1/{path}?page_size=100").json()["results"]]
        return ids[index % len(ids)] if ids else None

    def run(self, operation: str, who: int, index: int) -> None:
        api = self.apis[who]
        if operation == "create_trigger":
            api.post("/api/v1/triggers", {"title": f"t{index}", "notes": "PRIVATE"}, format="json")
        elif operation == "create_boundary":
            api.post("/api/v1/boundaries", {"statement": f"b{index}"}, format="json")
        elif operation in ("edit_trigger", "delete_trigger", "share", "revoke"):
            item = self.pick(api, "triggers", index)
            if item is None:
                return
            if operation == "edit_trigger":
                api.patch(f"/api/v1/triggers/{item}", {"intensity": index % 5 + 1}, format="json")
            elif operation == "delete_trigger":
                api.delete(f"/api/v1/triggers/{item}")
            elif operation == "share":
                api.post(f"/api/v1/triggers/{item}/share")
            else:
                api.delete(f"/api/v1/triggers/{item}/share")
        elif operation in ("pause", "resume"):
            api.patch(
                "/api/v1/partnership", {"sharing_paused": operation == "pause"}, format="json"
            )
        elif operation == "unpair":
            api.delete("/api/v1/partnership")
        elif operation == "pair":
            other = self.users[(who + 1 + index % 2) % 3]
            link = api.post("/api/v1/invitations", {}, format="json")
            if link.status_code == 201:
                self.apis[self.users.index(other)].post(
                    "/api/v1/invitations/accept", {"token": link.json()["token"]}, format="json"
                )
        elif operation == "checkin":
            api.post(
                "/api/v1/checkins",
                {"pleasantness": index % 5 - 2, "energy": 0, "shared": index % 2 == 0},
                format="json",
            )
        elif operation in ("share_checkin", "unshare_checkin"):
            answer = self.pick(api, "checkins", index)
            if answer is not None:
                api.patch(
                    f"/api/v1/checkins/{answer}",
                    {"shared": operation == "share_checkin"},
                    format="json",
                )
        elif operation == "ask":
            item = self.pick(api, "partner/triggers", index)
            if item is not None:
                api.post(f"/api/v1/partner/triggers/{item}/questions", {"text": "?"}, format="json")
        elif operation == "answer":
            item = self.pick(api, "triggers", index)
            if item is not None:
                question = self.pick(api, f"triggers/{item}/questions", index)
                if question is not None:
                    api.post(f"/api/v1/questions/{question}/answer", {"text": "!"}, format="json")
        elif operation == "respond":
            answer = self.pick(api, "partner/checkins", index)
            if answer is not None:
                api.post(
                    f"/api/v1/partner/checkins/{answer}/responses",
                    {"kind": "heard"},
                    format="json",
                )

    def expected(self, who: int) -> dict[tuple[str, str], Any]:
        """What the API lists for this person, keyed the way the feed keys it."""
        api = self.apis[who]
        seen: dict[tuple[str, str], Any] = {}
        for kind, path in (
            ("trigger", "triggers"),
            ("boundary", "boundaries"),
            ("checkin", "checkins"),
            ("partner_trigger", "partner/triggers"),
            ("partner_boundary", "partner/boundaries"),
            ("partner_checkin", "partner/checkins"),
        ):
            for item in api.get(f"/api/v1/{path}?page_size=100").json()["results"]:
                seen[(kind, item["id"])] = item
        for kind, path in (("trigger", "triggers"), ("partner_trigger", "partner/triggers")):
            for item_kind, item_id in list(seen):
                if item_kind == kind:
                    thread = api.get(f"/api/v1/{path}/{item_id}/questions?page_size=100")
                    for question in thread.json()["results"]:
                        seen[("question", question["id"])] = question
        return seen

    def check(self) -> None:
        for who, client in enumerate(self.clients):
            client.sync(page_size=7)
            assert client.objects == self.expected(who)
            assert "PRIVATE" not in str(
                {k: v for k, v in client.objects.items() if k[0].startswith("partner_")}
            )
            viewer = viewer_of(user=self.users[who])
            for (kind, _), data in client.objects.items():
                if kind.startswith("partner_"):
                    # Never anything its owner no longer shares with this person.
                    assert viewer.sees_partner_shares, data


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_a_client_replaying_the_feed_matches_the_api(steps: list[tuple[str, int, int]]) -> None:
    try:
        with transaction.atomic():
            world = World()
            for operation, who, index in steps:
                world.run(operation, who, index)
                world.check()
            raise Rollback
    except Rollback:
        pass


def test_the_property_holds_for_a_hand_written_story() -> None:
    """A fixed sequence through every kind of step, so a regression shows plainly."""
    with transaction.atomic():
        world = World()
        story = [
            ("pair", 0, 0),
            ("create_trigger", 0, 1),
            ("share", 0, 0),
            ("ask", 1, 0),
            ("answer", 0, 0),
            ("checkin", 0, 0),
            ("respond", 1, 0),
            ("pause", 0, 0),
            ("resume", 0, 0),
            ("revoke", 0, 0),
            ("share", 0, 0),
            ("edit_trigger", 0, 2),
            ("unpair", 1, 0),
            ("pair", 0, 1),
            ("share", 0, 0),
            ("delete_trigger", 0, 0),
        ]
        for operation, who, index in story:
            world.run(operation, who, index)
            world.check()
        transaction.set_rollback(True)
