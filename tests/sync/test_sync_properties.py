"""Property: whatever three people do, a client that only replays the sync feed
holds exactly what the API lists for its user, and nothing its owner stopped sharing;
and what each partner learns through sync, inbox and email is exactly the changes
to what they could see."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from partners import services as partner_services
from partners.models import Notification
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


# What the partner learns, by every channel, is exactly the changes to what they
# could see (issue 12): the feed, the inbox and the email all derive from one
# stream, filtered by the same consent rule.

PARTNER_LISTS = {
    "partner_trigger": "partner/triggers",
    "partner_boundary": "partner/boundaries",
    "partner_checkin": "partner/checkins",
}
# A line of the email about a share, and the place it links to.
SHARE_LINK = re.compile(
    r"shared something with you\.\n.*?/(?:partner|today)#(trigger|boundary|checkin)-([0-9a-f-]{36})"
)
Key = tuple[str, str]
# Edits to what a partner never sees belong in the story too.
witness_steps = st.lists(
    st.tuples(st.sampled_from((*OPERATIONS, "edit_notes")), st.integers(0, 2), st.integers(0, 7)),
    min_size=1,
    max_size=20,
)


class Witness(World):
    """Three people acting; after each step, what each learnt since the last."""

    def __init__(self) -> None:
        super().__init__()
        mail.outbox.clear()
        self.cursors: list[str | None] = [None, None, None]
        for who in range(3):
            self.learnt_by_sync(who)
        self.views = [self.partner_view(who) for who in range(3)]
        self.history: list[tuple[str, int, int]] = []

    def partner_view(self, who: int) -> dict[Key, Any]:
        """What `who` can see of their partner's things now, through the API."""
        seen: dict[Key, Any] = {}
        for kind, path in PARTNER_LISTS.items():
            for item in self.apis[who].get(f"/api/v1/{path}?page_size=100").json()["results"]:
                seen[(kind, item["id"])] = item
        return seen

    def learnt_by_sync(self, who: int) -> set[Key]:
        """The partner copies the feed mentioned since this person's last sync."""
        keys: set[Key] = set()
        while True:
            cursor = self.cursors[who]
            query = f"?page_size=100&cursor={cursor}" if cursor else "?page_size=100"
            body = self.apis[who].get(f"/api/v1/sync{query}").json()
            keys |= {(c["type"], c["id"]) for c in body["changes"] if c["type"] in PARTNER_LISTS}
            self.cursors[who] = body["cursor"]
            if not body["has_more"]:
                return keys

    def inbox(self, who: int) -> list[dict[str, Any]]:
        return list(self.apis[who].get("/api/v1/inbox?page_size=100").json()["results"])

    @staticmethod
    def about(items: list[dict[str, Any]], *kinds: str) -> set[Key]:
        return {
            (item["target"]["type"], item["target"]["id"])
            for item in items
            if item["target"] and item["target"]["type"] in PARTNER_LISTS and item["kind"] in kinds
        }

    def run(self, operation: str, who: int, index: int) -> None:
        if operation != "edit_notes":
            return super().run(operation, who, index)
        item = self.pick(self.apis[who], "triggers", index)
        if item is not None:
            notes = {"notes": f"PRIVATE {index}"}
            self.apis[who].patch(f"/api/v1/triggers/{item}", notes, format="json")

    def step(self, operation: str, actor: int, index: int) -> None:
        self.history.append((operation, actor, index))
        self.run(operation, actor, index)
        for who in range(3):
            before, now = self.views[who], self.partner_view(who)
            changed = {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
            synced = self.learnt_by_sync(who)
            if who == actor:
                # Acting on a partner's item (responding) may refresh one's own copy.
                assert changed <= synced, (str(self.history), changed, synced)
            else:
                assert synced == changed, (str(self.history), who)
            inbox = self.inbox(who)
            # Nothing in the inbox about what they cannot see now.
            assert self.about(inbox, "shared", "changed") <= now.keys(), str(self.history)
            if who != actor and operation != "resume":
                # Every change they can see waits for them as news (a resume
                # says "resumed" once, not once per item).
                unread = [item for item in inbox if not item["read"]]
                news = self.about(unread, "shared", "changed")
                assert changed & now.keys() <= news, (str(self.history), who)
            self.views[who] = now

    def check_emails(self) -> None:
        """Send every pending email now: its shares link only to what its reader
        can see, and to every share their inbox shows."""
        Notification.objects.filter(emailed_at=None, due_at__isnull=False).update(
            due_at=timezone.now()
        )
        for who, user in enumerate(self.users):
            outbox = len(mail.outbox)
            partner_services.notifications_send(recipient_id=str(user.pk))
            linked = {
                (f"partner_{anchor}", object_id)
                for message in mail.outbox[outbox:]
                for anchor, object_id in SHARE_LINK.findall(str(message.body))
            }
            assert linked <= self.views[who].keys(), (who, str(self.history))
            assert linked == self.about(self.inbox(who), "shared"), (who, str(self.history))
            for message in mail.outbox[outbox:]:
                assert "PRIVATE" not in message.subject + message.body


@settings(
    max_examples=15,
    # A failure prints its steps (`history`); shrinking one took minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=witness_steps)
def test_the_partner_learns_exactly_the_changes_to_what_they_could_see(
    steps: list[tuple[str, int, int]],
) -> None:
    try:
        with transaction.atomic():
            world = Witness()
            for operation, who, index in steps:
                world.step(operation, who, index)
            world.check_emails()
            raise Rollback
    except Rollback:
        pass


def test_what_the_partner_learns_in_a_hand_written_story() -> None:
    with transaction.atomic():
        world = Witness()
        story = [
            ("pair", 0, 0),
            ("create_trigger", 0, 1),
            ("share", 0, 0),
            ("edit_trigger", 0, 2),
            ("edit_notes", 0, 0),
            ("ask", 1, 0),
            ("answer", 0, 0),
            ("checkin", 0, 0),
            ("respond", 1, 0),
            ("pause", 0, 0),
            ("resume", 0, 0),
            ("create_trigger", 0, 3),
            ("share", 0, 1),
            ("revoke", 0, 1),
            ("unpair", 1, 0),
            ("pair", 0, 1),
            ("share", 0, 0),
        ]
        for operation, who, index in story:
            world.step(operation, who, index)
        world.check_emails()
        transaction.set_rollback(True)
