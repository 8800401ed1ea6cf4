"""Who may see and do what with alice's check-ins, prompts and schedule.

alice has a schedule, a pending prompt and two answers: the subject, which the
`{id}` of every check-in route names, and a private one she never shares. A
private trigger of hers is linked to the subject, and dave responded to the subject
long ago, in his partnership with alice. bob has a prompt and a private answer of
his own. The actors are the harness's (tests/authz.py); the partner's state is the
row's setup, built by the services:

- shared: alice shares the subject with bob, and he responded to it (erin's rows
  start here too, then alice leaves bob and pairs with erin, sharing nothing yet);
- unshared: she never shared it;
- paused: shared (and responded to), but alice has paused sharing;
- revoked: shared (and responded to), then alice revoked the share.

Schedules and prompts are
per person: everyone has their own, and alice's prompt id is a stranger's to all
but her. Whoever may not see an item gets 404 (never 403), learns nothing of it,
and writes nothing. When alice shares an answer, its note is what bob reads — by
design — so the note that must never leak is the private answer's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from checkins import services
from checkins.models import CheckIn, Prompt, Response, Schedule
from partners import services as partners_services
from partners.models import ConsentEvent, Membership, Notification
from tests import authz
from tests.authz import Cast, Row, assert_error_body, ids, leaked
from tests.conftest import pair
from tests.factories import (
    PASSWORD,
    CheckInFactory,
    PromptFactory,
    ResponseFactory,
    TriggerFactory,
)
from triggers.models import Trigger

pytestmark = pytest.mark.django_db

# Distinctive strings, searched for in raw response text.
PRIVATE_NOTE = f"{authz.SECRET}-checkin-note-4c2e"
SHARED_NOTE = "Shared-checkin-note-8d17"
BOBS_NOTE = "Bobs-own-checkin-note-61f0"
BOBS_RESPONSE = "Bob-hears-you-2a9b"
DAVES_RESPONSE = "Dave-responded-long-ago-e5c3"
ALICES_ZONE = "Pacific/Chatham"

SCHEDULE = {"active": True, "weekdays": [0], "times": ["09:00"], "timezone": "UTC"}
SNOOZE = {"minutes": 30}
NEW = {"pleasantness": 0, "energy": 0, "note": "A new answer", "shared": False}
EDIT = {"energy": 2, "shared": True}
RESPOND = {"kind": "heard", "note": "I hear you"}

# fmt: off
# (method, path template, body, statuses in the order of authz.SHARING)
#                                                         ali bsh bun bpa bre dav eri car ano
_TABLE: list[tuple[str, str, dict[str, Any] | None, str]] = [
    # Per person: everyone has a schedule and prompts of their own.
    ("GET", "checkins/schedule", None,                   "200 200 200 200 200 200 200 200 401"),
    ("PUT", "checkins/schedule", SCHEDULE,               "200 200 200 200 200 200 200 200 401"),
    ("GET", "checkins/prompts", None,                    "200 200 200 200 200 200 200 200 401"),
    ("POST", "checkins/prompts/{id}/skip", None,         "200 404 404 404 404 404 404 404 401"),
    ("POST", "checkins/prompts/{id}/snooze", SNOOZE,     "200 404 404 404 404 404 404 404 401"),
    # My own answers: everyone has a list of their own; alice's is only in hers.
    ("GET", "checkins", None,                            "200 200 200 200 200 200 200 200 401"),
    ("POST", "checkins", NEW,                            "201 201 201 201 201 201 201 201 401"),
    ("GET", "checkins/{id}", None,                       "200 404 404 404 404 404 404 404 401"),
    ("PATCH", "checkins/{id}", EDIT,                     "200 404 404 404 404 404 404 404 401"),
    ("DELETE", "checkins/{id}", None,                    "204 404 404 404 404 404 404 404 401"),
    # What my partner shares with me now: bob, while shared and not paused.
    ("GET", "partner/checkins", None,                    "200 200 200 200 200 200 200 200 401"),
    ("GET", "partner/checkins/{id}", None,               "404 200 404 404 404 404 404 404 401"),
    # bob responded already where shared: a second POST replaces his one response.
    ("POST", "partner/checkins/{id}/responses", RESPOND, "404 200 404 404 404 404 404 404 401"),
    ("DELETE", "partner/checkins/{id}/responses", None,  "404 204 404 404 404 404 404 404 401"),
    # Us over time, before anyone agreed (once both agree: tests/checkins/test_over_time.py).
    ("GET", "checkins/over-time", None,                  "409 409 409 409 409 404 409 404 401"),
]
# fmt: on

ROWS = authz.rows("shared", authz.SHARING, _TABLE)


@dataclass
class World:
    users: dict[str, User]
    subject: CheckIn  # alice's answer that `{id}` names
    private: CheckIn  # alice's answer, never shared
    linked: Trigger  # alice's private trigger, linked to the subject
    prompt: Prompt  # alice's pending prompt
    bobs_prompt: Prompt
    bobs_checkin: CheckIn
    bobs_response: Response | None  # on the subject, while it was shared with him
    daves_response: Response  # on the subject, in dave's long-ended partnership

    def item_id(self, template: str) -> Any:
        if template.startswith("checkins/prompts/"):
            return self.prompt.pk
        return self.subject.pk

    def path(self, template: str, item_id: Any = None) -> str:
        return authz.api(template, item_id or self.item_id(template))

    def hidden(self, row: Row) -> set[str]:
        found = self.never()
        if row.actor != "alice":
            found |= self.alices_only()
        if row.actor != "bob":
            found |= self.bobs_only()
        if not may_see_the_subject(row):
            found |= self.subject_markers()
        return found

    def never(self) -> set[str]:
        """Shown to nobody, not even alice: the ended partnership's response."""
        return {DAVES_RESPONSE, str(self.daves_response.pk)}

    def alices_only(self) -> set[str]:
        """What only alice may see: her private answer, prompt, schedule, trigger."""
        return {
            PRIVATE_NOTE,
            str(self.private.pk),
            str(self.prompt.pk),
            str(self.linked.pk),
            self.linked.title,
            ALICES_ZONE,
        }

    def bobs_only(self) -> set[str]:
        return {BOBS_NOTE, str(self.bobs_checkin.pk), str(self.bobs_prompt.pk)}

    def subject_markers(self) -> set[str]:
        """What tells that the subject exists: its id, its note, bob's response."""
        found = {str(self.subject.pk), SHARED_NOTE, BOBS_RESPONSE}
        if self.bobs_response is not None:
            found.add(str(self.bobs_response.pk))
        return found


def build(setup: str) -> Callable[[Cast], World]:
    def make(cast: Cast) -> World:
        alice, bob, dave = cast.alice, cast.bob, cast.dave
        users = cast.users
        services.schedule_save(
            user=alice, active=True, weekdays=[2], times=["06:45"], timezone_name=ALICES_ZONE
        )
        now = timezone.now()
        linked = TriggerFactory.create(owner=alice, title="Linked-trigger-3b90")
        private = CheckInFactory.create(
            owner=alice, note=PRIVATE_NOTE, created_at=now - timedelta(hours=2)
        )
        subject = CheckInFactory.create(
            owner=alice, note=SHARED_NOTE, energy=-1, created_at=now - timedelta(hours=1)
        )
        subject.triggers.set([linked])
        with_dave = Membership.objects.get(user=dave).partnership
        daves_response = ResponseFactory.create(
            checkin=subject, responder=dave, partnership=with_dave, note=DAVES_RESPONSE
        )
        bobs_response = None
        if setup != "unshared":
            subject = services.checkin_update(checkin=subject, by=alice, fields={"shared": True})
            bobs_response = services.response_create(
                checkin=subject, by=bob, kind="here_for_you", note=BOBS_RESPONSE
            )
        if setup == "paused":
            partners_services.partnership_set_paused(user=alice, paused=True)
        if setup == "revoked":
            services.checkin_update(checkin=subject, by=alice, fields={"shared": False})
        subject.refresh_from_db()
        return World(
            users=users,
            subject=subject,
            private=private,
            linked=linked,
            prompt=PromptFactory.create(user=alice),
            bobs_prompt=PromptFactory.create(user=bob),
            bobs_checkin=CheckInFactory.create(owner=bob, note=BOBS_NOTE),
            bobs_response=bobs_response,
            daves_response=daves_response,
        )

    return make


SETUPS = {name: build(name) for name in authz.SHARING_SETUPS}


@pytest.fixture
def make_world(cast: Cast) -> Callable[[str], World]:
    """`make_world(setup)`: the world that setup builds."""
    return lambda setup: SETUPS[setup](cast)


def snapshot() -> dict[str, set[tuple[Any, ...]]]:
    """The stored state these endpoints can change."""
    return {
        "checkins": authz.rows_of(
            CheckIn,
            "pk",
            "owner_id",
            "prompt_id",
            "pleasantness",
            "energy",
            "feelings",
            "need",
            "note",
            "shared_with_id",
            "shared_at",
            "updated_at",
        ),
        "checkin_triggers": authz.rows_of(CheckIn.triggers.through, "checkin_id", "trigger_id"),
        "prompts": authz.rows_of(
            Prompt, "pk", "user_id", "status", "snoozed_until", "answered_at", "sent_at"
        ),
        "responses": authz.rows_of(
            Response, "pk", "checkin_id", "responder_id", "partnership_id", "kind", "note"
        ),
        "schedules": authz.rows_of(
            Schedule, "pk", "user_id", "active", "weekdays", "times", "timezone", "next_due_at"
        ),
        "triggers": authz.rows_of(Trigger, "pk", "owner_id", "shared_with_id", "updated_at"),
        "memberships": authz.rows_of(Membership, "pk", "user_id", "ended_at", "sharing_paused"),
        "consent_events": authz.rows_of(ConsentEvent, "pk", "user_id", "kind", "item_id"),
        "notifications": authz.rows_of(Notification, "pk", "recipient_id", "kind"),
    }


def expected_results(world: World, row: Row) -> list[str]:
    """Who finds what in a list: each person their own, bob what alice shares."""
    person = row.actor
    found: dict[str, dict[str, list[Any]]] = {
        "checkins/prompts": {"alice": [world.prompt], "bob": [world.bobs_prompt]},
        # Newest first: the subject is an hour old, the private answer two.
        "checkins": {"alice": [world.subject, world.private], "bob": [world.bobs_checkin]},
        "partner/checkins": {"bob": [world.subject] if authz.partner_sees(row) else []},
    }
    return [str(found_row.pk) for found_row in found[row.template].get(person, [])]


def may_see_the_subject(row: Row) -> bool:
    if row.status >= 400:
        return False
    if row.actor == "alice":
        return not row.template.startswith("partner/")
    return authz.partner_sees(row) and row.template.startswith("partner/")


# What each successful read must show.


def _assert_detail(world: World, row: Row, body: dict[str, Any]) -> None:
    actor, template = row.actor, row.template
    if template == "checkins/schedule":
        assert body["timezone"] == (ALICES_ZONE if actor == "alice" else "UTC")
        assert body["active"] is (actor == "alice")
        return
    assert body["id"] == str(world.subject.pk)
    assert body["note"] == SHARED_NOTE
    assert world.bobs_response is not None
    assert [r["id"] for r in body["responses"]] == [str(world.bobs_response.pk)]
    if template == "checkins/{id}":
        assert actor == "alice"
        assert body["shared"] is True
        assert body["trigger_ids"] == [str(world.linked.pk)]
    else:
        assert authz.partner_sees(row)
        assert not {"shared", "trigger_ids", "prompt"} & body.keys()


# What each successful write must have done, and nothing more.


def _others(rows: set[tuple[Any, ...]], user: User) -> set[tuple[Any, ...]]:
    return {row for row in rows if row[1] != user.pk}


def _scheduled(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    user = world.users[row.actor]
    schedule = Schedule.objects.get(user=user)
    assert (schedule.active, schedule.weekdays, schedule.times, schedule.timezone) == (
        True,
        [0],
        ["09:00"],
        "UTC",
    )
    assert schedule.next_due_at is not None
    assert body["timezone"] == "UTC"
    assert _others(after["schedules"], user) == _others(before["schedules"], user)
    authz.unchanged_but(before, after, "schedules")


def _only_alices_prompt_changed(world: World, before: dict, after: dict) -> Prompt:
    changed = {row[0] for row in after["prompts"] - before["prompts"]}
    assert changed == {world.prompt.pk}
    authz.unchanged_but(before, after, "prompts")
    return Prompt.objects.get(pk=world.prompt.pk)


def _skipped(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    prompt = _only_alices_prompt_changed(world, before, after)
    assert prompt.status == Prompt.Status.SKIPPED
    assert body["status"] == "skipped"


def _snoozed(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    prompt = _only_alices_prompt_changed(world, before, after)
    assert prompt.status == Prompt.Status.PENDING
    assert prompt.snoozed_until is not None
    left = prompt.snoozed_until - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)


def _created(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    new = CheckIn.objects.exclude(pk__in=[row[0] for row in before["checkins"]])
    (checkin,) = new
    assert checkin.owner == world.users[row.actor]
    assert checkin.note == NEW["note"]
    assert checkin.shared_with_id is None
    assert body["id"] == str(checkin.pk)
    assert after["checkins"] >= before["checkins"]
    # A check-in made without a prompt answers the one waiting for its maker.
    answered = {row[0] for row in after["prompts"] - before["prompts"]}
    waiting = {world.prompt.pk, world.bobs_prompt.pk}
    assert answered == {p.pk for p in Prompt.objects.filter(pk__in=waiting, user=checkin.owner)}
    assert checkin.prompt_id in answered | {None}
    authz.unchanged_but(before, after, "checkins", "prompts")


def _edited(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    checkin = CheckIn.objects.get(pk=world.subject.pk)
    assert checkin.energy == 2
    assert checkin.note == SHARED_NOTE
    # Shared with bob already in alice's world: sharing again records nothing.
    assert checkin.shared_with_id == authz.current_partnership(world.users["alice"]).pk
    assert checkin.shared_at == world.subject.shared_at
    assert {row[0] for row in after["checkins"] - before["checkins"]} == {checkin.pk}
    assert (body["energy"], body["shared"]) == (2, True)
    authz.unchanged_but(before, after, "checkins")


def _deleted(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    gone = world.subject.pk
    assert {row[0] for row in after["checkins"]} == {row[0] for row in before["checkins"]} - {gone}
    assert not Response.objects.filter(checkin_id=gone).exists()
    # Responses are their responders': they stay, detached from the deleted check-in.
    detached = {(row[0], None, *row[2:]) if row[1] == gone else row for row in before["responses"]}
    assert detached == after["responses"]
    assert {row for row in before["checkin_triggers"] if row[0] != gone} == after[
        "checkin_triggers"
    ]
    assert Trigger.objects.filter(pk=world.linked.pk).exists()
    authz.unchanged_but(before, after, "checkins", "responses", "checkin_triggers")


def _responded(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    # bob's one response is replaced, not joined by a second; alice is not told again.
    assert world.bobs_response is not None
    response = Response.objects.get(checkin=world.subject, responder=world.users[row.actor])
    assert response.pk == world.bobs_response.pk
    assert response.partnership_id == authz.current_partnership(world.users["alice"]).pk
    assert (response.kind, response.note) == (RESPOND["kind"], RESPOND["note"])
    assert body["id"] == str(response.pk)
    assert {r[0] for r in after["responses"]} == {r[0] for r in before["responses"]}
    authz.unchanged_but(before, after, "responses")


def _withdrawn(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    assert world.bobs_response is not None
    gone = world.bobs_response.pk
    assert {r[0] for r in after["responses"]} == {r[0] for r in before["responses"]} - {gone}
    authz.unchanged_but(before, after, "responses")


EFFECTS: dict[tuple[str, str], authz.Effect] = {
    ("PUT", "checkins/schedule"): _scheduled,
    ("POST", "checkins/prompts/{id}/skip"): _skipped,
    ("POST", "checkins/prompts/{id}/snooze"): _snoozed,
    ("POST", "checkins"): _created,
    ("PATCH", "checkins/{id}"): _edited,
    ("DELETE", "checkins/{id}"): _deleted,
    ("POST", "partner/checkins/{id}/responses"): _responded,
    ("DELETE", "partner/checkins/{id}/responses"): _withdrawn,
}


def shows(world: World, row: Row, body: Any) -> None:
    listed = body.get("results")
    if listed is not None:
        assert [entry["id"] for entry in listed] == expected_results(world, row)
    else:
        _assert_detail(world, row, body)
    if authz.partner_sees(row) and row.template.startswith("partner/"):
        # Shared means shared: bob reads the note alice chose to share.
        assert SHARED_NOTE in str(body)


TABLE = authz.Table(rows=ROWS, setups=SETUPS, snapshot=snapshot, effects=EFFECTS, shows=shows)


@TABLE.parametrize()
def test_it_answers_each_actor_as_the_table_says(row: Row, cast: Cast) -> None:
    TABLE.check(row, cast)


# The consent story, request by request.


def partner_list(client: APIClient) -> list[str]:
    return ids(client.get("/api/v1/partner/checkins"))


def respond(client: APIClient, checkin: CheckIn) -> Any:
    return client.post(f"/api/v1/partner/checkins/{checkin.pk}/responses", RESPOND, format="json")


def assert_hidden(client: APIClient, checkin: CheckIn) -> None:
    """To `client`, `checkin` does not exist: the list omits it, detail and
    responses answer 404 like an unknown id, and nothing of it shows."""
    assert str(checkin.pk) not in partner_list(client)
    responses = Response.objects.count()
    for response in (
        client.get(f"/api/v1/partner/checkins/{checkin.pk}"),
        respond(client, checkin),
    ):
        assert response.status_code == 404, response.content
        assert_error_body(response, 404, "not_found")
        assert not leaked({SHARED_NOTE, PRIVATE_NOTE, BOBS_RESPONSE}, response.content.decode())
    assert Response.objects.count() == responses


def test_it_hides_a_revoked_checkin_on_the_very_next_request(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice_api, bob_api = login(world.users["alice"]), login(world.users["bob"])
    subject = world.subject
    assert partner_list(bob_api) == [str(subject.pk)]
    assert bob_api.get(f"/api/v1/partner/checkins/{subject.pk}").status_code == 200

    response = alice_api.patch(f"/api/v1/checkins/{subject.pk}", {"shared": False}, format="json")
    assert response.status_code == 200
    assert response.json()["shared"] is False

    assert partner_list(bob_api) == []
    assert_hidden(bob_api, subject)
    assert list(ConsentEvent.objects.filter(item_id=subject.pk).values_list("kind", flat=True)) == [
        ConsentEvent.Kind.SHARE_GRANTED,
        ConsentEvent.Kind.SHARE_REVOKED,
    ]
    # alice still has it, with bob's response from their partnership.
    mine = alice_api.get(f"/api/v1/checkins/{subject.pk}").json()
    assert mine["note"] == SHARED_NOTE
    assert [r["note"] for r in mine["responses"]] == [BOBS_RESPONSE]


def test_it_hides_every_shared_checkin_on_pause_and_restores_them_on_resume(
    alice: User, bob: User, login: Callable[[User], APIClient]
) -> None:
    alice_api, bob_api = login(alice), login(bob)
    shared = [
        alice_api.post("/api/v1/checkins", {**NEW, "shared": True}, format="json").json()["id"]
        for _ in range(3)
    ]
    private = CheckInFactory.create(owner=alice, note=PRIVATE_NOTE)
    before = partner_list(bob_api)
    assert sorted(before) == sorted(shared)
    responses = Response.objects.count()

    response = alice_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    assert response.status_code == 200

    assert partner_list(bob_api) == []
    for checkin in CheckIn.objects.filter(pk__in=shared):
        assert_hidden(bob_api, checkin)
    assert Response.objects.count() == responses
    # Pausing is not revoking: alice's answers still say shared.
    listed = alice_api.get("/api/v1/checkins").json()["results"]
    assert {row["id"] for row in listed if row["shared"]} == set(shared)

    response = alice_api.patch("/api/v1/partnership", {"sharing_paused": False}, format="json")
    assert response.status_code == 200

    assert partner_list(bob_api) == before
    assert_hidden(bob_api, private)
    assert PRIVATE_NOTE not in bob_api.get("/api/v1/partner/checkins").content.decode()


def test_it_accepts_a_response_only_while_the_checkin_is_visible(
    alice: User, bob: User, login: Callable[[User], APIClient]
) -> None:
    alice_api, bob_api = login(alice), login(bob)
    checkin = CheckInFactory.create(owner=alice)
    detail = f"/api/v1/checkins/{checkin.pk}"

    def answer() -> int:
        return int(respond(bob_api, checkin).status_code)

    def share(shared: bool) -> None:
        assert alice_api.patch(detail, {"shared": shared}, format="json").status_code == 200

    def pause(paused: bool) -> None:
        body = {"sharing_paused": paused}
        assert alice_api.patch("/api/v1/partnership", body, format="json").status_code == 200

    assert answer() == 404  # never shared
    share(True)
    assert answer() == 201
    pause(True)
    assert answer() == 404
    pause(False)
    assert answer() == 200  # his one response, sent again
    share(False)
    assert answer() == 404
    share(True)
    assert answer() == 200
    assert Response.objects.filter(checkin=checkin, responder=bob).count() == 1
    assert len(alice_api.get(detail).json()["responses"]) == 1


def test_it_ends_shares_with_the_partnership_and_shows_the_next_partner_nothing(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice, bob, dave, erin = (world.users[name] for name in ("alice", "bob", "dave", "erin"))
    alice_api, bob_api, dave_api = login(alice), login(bob), login(dave)
    subject = world.subject
    assert partner_list(bob_api) == [str(subject.pk)]

    assert alice_api.delete("/api/v1/partnership").status_code == 204

    for client in (bob_api, dave_api):
        assert partner_list(client) == []
        assert_hidden(client, subject)
    mine = alice_api.get(f"/api/v1/checkins/{subject.pk}").json()
    assert mine["shared"] is False
    # The responses belong to the partnership that gave them.
    assert mine["responses"] == []

    pair(alice, erin)
    erin_api = login(erin)

    assert partner_list(erin_api) == []
    for client in (erin_api, bob_api, dave_api):
        assert_hidden(client, subject)
        assert_hidden(client, world.private)

    # alice shares again, with erin: only erin sees it, and none of the old responses.
    response = alice_api.patch(f"/api/v1/checkins/{subject.pk}", {"shared": True}, format="json")
    assert response.status_code == 200
    assert partner_list(erin_api) == [str(subject.pk)]
    seen = erin_api.get(f"/api/v1/partner/checkins/{subject.pk}")
    assert seen.json()["note"] == SHARED_NOTE
    assert seen.json()["responses"] == []
    assert not leaked(world.never() | {BOBS_RESPONSE}, seen.content.decode())
    assert_hidden(bob_api, subject)
    assert_hidden(dave_api, subject)
    assert_hidden(erin_api, world.private)
    assert respond(erin_api, subject).status_code == 201
    mine = alice_api.get(f"/api/v1/checkins/{subject.pk}").json()
    assert [r["note"] for r in mine["responses"]] == [RESPOND["note"]]


def test_it_shows_the_partner_only_shares_of_their_own_partnership(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice, dave = world.users["alice"], world.users["dave"]
    # A share left on the old partnership (rows, bypassing the unpairing hook)
    # must not surface in the new one.
    with_dave = Membership.objects.get(user=dave).partnership
    stale = CheckInFactory.create(
        owner=alice, shared_with=with_dave, shared_at=with_dave.ended_at, note=PRIVATE_NOTE
    )
    for actor in ("bob", "dave"):
        assert_hidden(login(world.users[actor]), stale)
    assert partner_list(login(world.users["bob"])) == [str(world.subject.pk)]


def test_it_pauses_only_the_side_of_whoever_pauses(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    bob_api = login(world.users["bob"])
    body = {"sharing_paused": True}
    assert bob_api.patch("/api/v1/partnership", body, format="json").status_code == 200
    # bob paused his own sharing; what alice shares with him stays in view.
    assert partner_list(bob_api) == [str(world.subject.pk)]
    assert bob_api.get(f"/api/v1/partner/checkins/{world.subject.pk}").status_code == 200
    assert respond(bob_api, world.subject).status_code == 200  # his one response, sent again


def test_it_lets_nobody_but_the_owner_share_edit_or_delete_an_answer(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("revoked")
    bob_api = login(world.users["bob"])
    before = snapshot()
    for checkin in (world.subject, world.private):
        path = f"/api/v1/checkins/{checkin.pk}"
        for response in (
            bob_api.patch(path, {"shared": True}, format="json"),
            bob_api.patch(path, {"note": "Rewritten by bob"}, format="json"),
            bob_api.delete(path),
        ):
            assert response.status_code == 404
            assert_error_body(response, 404, "not_found")
    assert snapshot() == before
    assert partner_list(bob_api) == []


def test_it_treats_another_persons_prompt_and_triggers_as_unknown(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    bob_api = login(world.users["bob"])
    before = snapshot()

    def post(**fields: Any) -> Any:
        return bob_api.post("/api/v1/checkins", {**NEW, **fields}, format="json")

    for field, alices, unknown in (
        ("prompt", str(world.prompt.pk), str(uuid.uuid4())),
        ("trigger_ids", [str(world.linked.pk)], [str(uuid.uuid4())]),
    ):
        theirs, nobodys = post(**{field: alices}), post(**{field: unknown})
        assert theirs.status_code == 400, theirs.content
        assert (theirs.status_code, theirs.json()) == (nobodys.status_code, nobodys.json())
        assert theirs.json()["errors"][0]["param"] == field
    assert snapshot() == before
    assert Prompt.objects.get(pk=world.prompt.pk).status == Prompt.Status.PENDING


def test_it_keeps_idempotency_keys_to_their_owner(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice_api, bob_api = login(world.users["alice"]), login(world.users["bob"])
    key = "retry-0b4d"
    mine = {**NEW, "note": PRIVATE_NOTE}
    alices = alice_api.post("/api/v1/checkins", mine, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert alices.status_code == 201

    bobs = bob_api.post("/api/v1/checkins", NEW, format="json", HTTP_IDEMPOTENCY_KEY=key)

    # The same key from someone else is a new answer of theirs, not alice's.
    assert bobs.status_code == 201, bobs.content
    assert bobs.json()["id"] != alices.json()["id"]
    assert PRIVATE_NOTE not in bobs.content.decode()
    assert CheckIn.objects.get(pk=bobs.json()["id"]).owner == world.users["bob"]


def test_it_refuses_to_share_without_a_partner_and_writes_nothing(
    carol: User, carol_api: APIClient
) -> None:
    checkin = CheckInFactory.create(owner=carol, note=PRIVATE_NOTE)
    before = snapshot()
    for response in (
        carol_api.patch(f"/api/v1/checkins/{checkin.pk}", {"shared": True}, format="json"),
        carol_api.post("/api/v1/checkins", {**NEW, "shared": True}, format="json"),
    ):
        assert response.status_code == 409
        assert_error_body(response, 409, "no_partner")
    assert snapshot() == before


def test_it_does_not_tell_an_ex_partner_by_his_export_whether_a_checkin_still_exists(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice_api, bob_api = login(world.users["alice"]), login(world.users["bob"])
    subject = world.subject

    def given() -> list[dict[str, Any]]:
        response = bob_api.get("/api/v1/me/export")
        assert response.status_code == 200
        assert not leaked({SHARED_NOTE, PRIVATE_NOTE} | world.never(), response.content.decode())
        return list(response.json()["checkins"]["responses_given"])

    # While it is shared, bob's export names the answer he responded to.
    assert [(r["note"], r["checkin"]) for r in given()] == [(BOBS_RESPONSE, str(subject.pk))]

    assert alice_api.delete("/api/v1/partnership").status_code == 204
    before = given()
    # His own words stay his; her answer is no longer his to name.
    assert [r["note"] for r in before] == [BOBS_RESPONSE]
    assert str(subject.pk) not in bob_api.get("/api/v1/me/export").content.decode()

    assert alice_api.delete(f"/api/v1/checkins/{subject.pk}").status_code == 204

    # Whether her answer still exists is none of his business.
    assert given() == before


def test_it_hides_everything_at_once_when_the_owner_deletes_her_account(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice_api, bob_api = login(world.users["alice"]), login(world.users["bob"])
    assert partner_list(bob_api) == [str(world.subject.pk)]

    response = alice_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 204, response.content

    assert partner_list(bob_api) == []
    assert_hidden(bob_api, world.subject)
    assert not CheckIn.objects.filter(owner_id=world.users["alice"].pk).exists()
