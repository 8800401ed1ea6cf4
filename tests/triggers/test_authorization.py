"""Who may see and do what with alice's triggers, boundaries, self-care notes
and their questions.

alice owns one trigger, one boundary and one self-care note, each with private
notes, and bob asked a question on each while they were shared. The actors are the harness's
(tests/authz.py); the partner's state is the row's setup, built by the services:

- shared: alice shares both items with bob (erin's rows start here too, then alice
  leaves bob and pairs with erin, sharing nothing yet);
- unshared: she never shared them (bob's question rows exist only so the answer
  route has an id to try);
- paused: shared, but alice has paused sharing;
- revoked: shared, then alice revoked both shares.

`{id}` is alice's item of the route's kind, or bob's question on her trigger.
Whoever may not see an item gets 404 (never 403), learns nothing of it, and writes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from partners import services as partners_services
from partners.models import ConsentEvent, Membership, Notification
from tests import authz
from tests.authz import Cast, Row, assert_error_body, ids
from tests.conftest import pair
from tests.factories import (
    BoundaryFactory,
    QuestionFactory,
    SelfCareNoteFactory,
    TriggerFactory,
)
from triggers import services
from triggers.models import Boundary, Question, Reply, SelfCareNote, SharedItem, Trigger

pytestmark = pytest.mark.django_db

# Distinctive strings, searched for in raw response text.
NOTES = f"{authz.SECRET}-note-7f3a"
TITLE = "Raised-voices-4c1d"
STATEMENT = "No-phones-at-dinner-9e2b"
SELF_CARE = "Long-walks-alone-2d8e"
ASKED = {
    "triggers": "What-helps-b71e?",
    "boundaries": "Why-dinner-c03f?",
    "self-care": "Which-walks-81aa?",
}
ASKED_BY_DAVE = "Dave-asked-long-ago-5a60"

NEW: dict[str, dict[str, Any]] = {
    "triggers": {"title": "t", "category": "situation", "intensity": 3},
    "boundaries": {"statement": "s", "area": "time", "firmness": "firm"},
    "self-care": {"title": "Quiet mornings", "effect": "restores", "how_you_can_help": "Let me be"},
}
RENAME: dict[str, dict[str, Any]] = {
    "triggers": {"title": "Renamed"},
    "boundaries": {"statement": "Renamed"},
    "self-care": {"title": "Renamed"},
}
ASK = {"text": "What helps most?"}
ANSWER = {"text": "A slow walk"}
REPLY = {"text": "And after the walk?"}


def _lines(kind: str) -> list[tuple[str, str, dict[str, Any] | None, str]]:
    item = f"{kind}/{{id}}"
    # fmt: off
    # (method, path template, body, statuses in the order of authz.SHARING)
    #                                                   ali bob bun bpa bre dav eri car ano
    return [
        # My own items: everyone has a list of their own; alice's is only in hers.
        ("GET", kind, None,                            "200 200 200 200 200 200 200 200 401"),
        ("POST", kind, NEW[kind],                      "201 201 201 201 201 201 201 201 401"),
        ("GET", item, None,                            "200 404 404 404 404 404 404 404 401"),
        ("PATCH", item, RENAME[kind],                  "200 404 404 404 404 404 404 404 401"),
        ("DELETE", item, None,                         "204 404 404 404 404 404 404 404 401"),
        ("POST", f"{item}/share", None,                "200 404 404 404 404 404 404 404 401"),
        ("DELETE", f"{item}/share", None,              "200 404 404 404 404 404 404 404 401"),
        ("GET", f"{item}/questions", None,             "200 404 404 404 404 404 404 404 401"),
        # What my partner shares with me now: bob, while shared and not paused.
        ("GET", f"partner/{kind}", None,               "200 200 200 200 200 200 200 200 401"),
        ("GET", f"partner/{item}", None,               "404 200 404 404 404 404 404 404 401"),
        ("POST", f"partner/{item}/acknowledge", None,  "404 200 404 404 404 404 404 404 401"),
        ("GET", f"partner/{item}/questions", None,     "404 200 404 404 404 404 404 404 401"),
        ("POST", f"partner/{item}/questions", ASK,     "404 201 404 404 404 404 404 404 401"),
    ]
    # fmt: on


KINDS = ("triggers", "boundaries", "self-care")
FACTORIES = {
    "triggers": TriggerFactory,
    "boundaries": BoundaryFactory,
    "self-care": SelfCareNoteFactory,
}

ROWS = authz.rows(
    "shared",
    authz.SHARING,
    [
        *_lines("triggers"),
        *_lines("boundaries"),
        *_lines("self-care"),
        ("POST", "questions/{id}/answer", ANSWER, "200 404 404 404 404 404 404 404 401"),
        # The thread's replies: its two people, while each may read the question.
        ("GET", "questions/{id}/replies", None, "200 200 404 404 404 404 404 404 401"),
        ("POST", "questions/{id}/replies", REPLY, "201 201 404 404 404 404 404 404 401"),
        # Every thread I can read: alice hers, bob his on what she shares; nobody else hers.
        ("GET", "questions", None, "200 200 200 200 200 200 200 200 401"),
    ],
)


def kind_of(template: str) -> str:
    return next((kind for kind in ("boundaries", "self-care") if kind in template), "triggers")


def may_see_alices_items(row: Row) -> bool:
    if row.status >= 400:
        return False
    if row.template == "questions":
        return row.actor == "alice" or authz.partner_sees(row)
    if row.actor == "alice":
        return not row.template.startswith("partner/")
    if row.template.endswith("/replies"):
        return authz.partner_sees(row)
    return authz.partner_sees(row) and row.template.startswith("partner/")


@dataclass
class World:
    users: dict[str, User]
    items: dict[str, SharedItem]  # by route kind: "triggers", "boundaries", "self-care"
    questions: dict[str, Question]  # bob's, by route kind
    daves_question: Question  # asked in dave's partnership with alice, long ended

    def item_id(self, template: str) -> Any:
        if template.startswith("questions/"):
            return self.questions["triggers"].pk
        return self.items[kind_of(template)].pk

    def path(self, template: str, item_id: Any = None) -> str:
        return authz.api(template, item_id or self.item_id(template))

    def hidden(self, row: Row) -> set[str]:
        never = {ASKED_BY_DAVE, str(self.daves_question.pk)}
        return never if may_see_alices_items(row) else never | self.markers()

    def markers(self) -> set[str]:
        """What tells that alice's items exist: ids, shared text, bob's questions."""
        found = {TITLE, STATEMENT, SELF_CARE, *ASKED.values()}
        found.update(str(item.pk) for item in self.items.values())
        found.update(str(question.pk) for question in self.questions.values())
        found.add(str(self.daves_question.pk))
        return found


def build(setup: str) -> Callable[[Cast], World]:
    def make(cast: Cast) -> World:
        alice, bob = cast.alice, cast.bob
        users = cast.users
        items: dict[str, SharedItem] = {
            "triggers": TriggerFactory.create(owner=alice, title=TITLE, notes=NOTES),
            "boundaries": BoundaryFactory.create(owner=alice, statement=STATEMENT, notes=NOTES),
            "self-care": SelfCareNoteFactory.create(owner=alice, title=SELF_CARE, notes=NOTES),
        }
        # dave asked long ago, in his partnership with alice; it must never show.
        with_dave = Membership.objects.get(user=cast.dave).partnership
        daves_question = QuestionFactory.create(
            item=items["triggers"], asker=cast.dave, partnership=with_dave, text=ASKED_BY_DAVE
        )
        if setup == "unshared":
            questions = {
                kind: QuestionFactory.create(
                    item=item,
                    asker=bob,
                    text=ASKED[kind],
                )
                for kind, item in items.items()
            }
        else:
            items = {kind: services.item_share(item=item, by=alice) for kind, item in items.items()}
            questions = {
                kind: services.question_ask(item=item, by=bob, text=ASKED[kind])
                for kind, item in items.items()
            }
        if setup == "paused":
            partners_services.partnership_set_paused(user=alice, paused=True)
        if setup == "revoked":
            for item in items.values():
                services.item_unshare(item=item, by=alice)
        for item in items.values():
            item.refresh_from_db()
        return World(users=users, items=items, questions=questions, daves_question=daves_question)

    return make


SETUPS = {name: build(name) for name in authz.SHARING_SETUPS}


@pytest.fixture
def make_world(cast: Cast) -> Callable[[str], World]:
    """`make_world(setup)`: the world that setup builds."""
    return lambda setup: SETUPS[setup](cast)


ITEM_COLUMNS = ("pk", "owner_id", "notes", "shared_with_id", "shared_at", "acknowledged_at")


def snapshot() -> authz.Snapshot:
    """The stored state these endpoints can change."""
    return {
        "triggers": authz.rows_of(Trigger, *ITEM_COLUMNS, "title", "updated_at"),
        "boundaries": authz.rows_of(Boundary, *ITEM_COLUMNS, "statement", "updated_at"),
        "self-care": authz.rows_of(SelfCareNote, *ITEM_COLUMNS, "title", "updated_at"),
        "questions": authz.rows_of(
            Question,
            "pk",
            "item_type",
            "item_id",
            "asker_id",
            "partnership_id",
            "text",
            "answer",
        ),
        "replies": authz.rows_of(Reply, "pk", "question_id", "author_id", "text"),
        "memberships": authz.rows_of(Membership, "pk", "user_id", "ended_at", "sharing_paused"),
        "consent_events": authz.rows_of(ConsentEvent, "pk", "kind"),
        "notifications": authz.rows_of(Notification, "pk"),
    }


def expected_results(world: World, row: Row) -> list[str]:
    """Who finds what in a list: alice her own items, bob what she shares."""
    if row.template == "questions":
        # Both of bob's questions, newest first, to alice (about hers) and to bob.
        if not (row.actor == "alice" or authz.partner_sees(row)):
            return []
        asked = sorted(world.questions.values(), key=lambda q: (q.created_at, q.pk), reverse=True)
        return [str(question.pk) for question in asked]
    if row.template.endswith("/replies"):
        return []  # no replies yet in any setup
    kind = kind_of(row.template)
    partner_route = row.template.startswith("partner/")
    if not (authz.partner_sees(row) if partner_route else row.actor == "alice"):
        return []
    if row.template.endswith("/questions"):
        return [str(world.questions[kind].pk)]
    return [str(world.items[kind].pk)]


def shows(world: World, row: Row, body: Any) -> None:
    listed = body.get("results")
    if listed is not None:
        assert [entry["id"] for entry in listed] == expected_results(world, row)
    else:
        assert body["id"] == str(world.items[kind_of(row.template)].pk)
        assert ("notes" in body) == (row.actor == "alice")


# What each successful write must have done, and nothing more.


def _created(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    kind = kind_of(row.template)
    new = after[kind] - before[kind]
    assert len(new) == 1
    (created,) = new
    assert created[1] == world.users[row.actor].pk  # owner
    assert created[3] is None  # not shared
    assert after[kind] >= before[kind]
    authz.unchanged_but(before, after, kind)


def _renamed(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    kind = kind_of(row.template)
    item = type(world.items[kind])._default_manager.get(pk=world.items[kind].pk)
    assert getattr(item, "statement" if kind == "boundaries" else "title") == "Renamed"
    assert item.notes == NOTES
    assert item.shared_with_id == world.items[kind].shared_with_id
    assert len(after[kind] - before[kind]) == 1
    authz.unchanged_but(before, after, kind)


def _deleted(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    kind = kind_of(row.template)
    item = world.items[kind]
    assert {r[0] for r in after[kind]} == {r[0] for r in before[kind]} - {item.pk}
    assert not Question.objects.about(item).exists()
    authz.unchanged_but(before, after, kind, "questions")


def _shared(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    item = world.items[kind_of(row.template)]
    item.refresh_from_db()
    assert item.shared_with_id == authz.current_partnership(world.users["alice"]).pk
    # alice's items are shared already in her world: sharing again writes nothing.
    assert after == before


def _unshared(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    kind = kind_of(row.template)
    item = world.items[kind]
    item.refresh_from_db()
    assert item.shared_with_id is None
    assert item.shared_at is None
    new_events = after["consent_events"] - before["consent_events"]
    assert [k for _, k in new_events] == [ConsentEvent.Kind.SHARE_REVOKED]
    authz.unchanged_but(before, after, kind, "consent_events")


def _acknowledged(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    kind = kind_of(row.template)
    item = world.items[kind]
    item.refresh_from_db()
    assert item.acknowledged_at is not None
    authz.unchanged_but(before, after, kind, "notifications")


def _asked(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    item = world.items[kind_of(row.template)]
    new = Question.objects.exclude(pk__in=[r[0] for r in before["questions"]])
    (question,) = new
    assert question.item.pk == item.pk
    assert question.asker == world.users[row.actor]
    assert question.partnership_id == authz.current_partnership(world.users["alice"]).pk
    assert question.text == ASK["text"]
    authz.unchanged_but(before, after, "questions", "notifications")


def _answered(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    question = world.questions["triggers"]
    question.refresh_from_db()
    assert question.answer == ANSWER["text"]
    assert question.answered_at is not None
    assert len(after["questions"] - before["questions"]) == 1
    authz.unchanged_but(before, after, "questions", "notifications")


def _replied(world: World, row: Row, body: Any, before: dict, after: dict) -> None:
    question = world.questions["triggers"]
    (reply,) = Reply.objects.all()
    author = world.users[row.actor]
    assert (reply.question_id, reply.author_id, reply.text) == (
        question.pk,
        author.pk,
        REPLY["text"],
    )
    assert (body["id"], body["by"], body["mine"]) == (
        str(reply.pk),
        "asker" if row.actor == "bob" else "owner",
        True,
    )
    # The other side hears of it: bob as of an answer, alice as of a question.
    other, kind = (
        (world.users["alice"], Notification.Kind.QUESTION)
        if row.actor == "bob"
        else (world.users["bob"], Notification.Kind.ANSWER)
    )
    new = Notification.objects.exclude(pk__in=[r[0] for r in before["notifications"]])
    assert [(n.recipient_id, n.kind) for n in new] == [(other.pk, kind)]
    authz.unchanged_but(before, after, "replies", "notifications")


EFFECTS: dict[tuple[str, str], authz.Effect] = {
    ("POST", "questions/{id}/answer"): _answered,
    ("POST", "questions/{id}/replies"): _replied,
    **{
        (method, template.format(kind=kind, id="{id}")): effect
        for kind in KINDS
        for (method, template), effect in {
            ("POST", "{kind}"): _created,
            ("PATCH", "{kind}/{id}"): _renamed,
            ("DELETE", "{kind}/{id}"): _deleted,
            ("POST", "{kind}/{id}/share"): _shared,
            ("DELETE", "{kind}/{id}/share"): _unshared,
            ("POST", "partner/{kind}/{id}/acknowledge"): _acknowledged,
            ("POST", "partner/{kind}/{id}/questions"): _asked,
        }.items()
    },
}

TABLE = authz.Table(rows=ROWS, setups=SETUPS, snapshot=snapshot, effects=EFFECTS, shows=shows)


@TABLE.parametrize()
def test_it_answers_each_actor_as_the_table_says(row: Row, cast: Cast) -> None:
    TABLE.check(row, cast)


# The consent story, request by request.


@pytest.mark.parametrize("kind", KINDS)
def test_it_hides_a_revoked_item_on_the_very_next_request(
    kind: str, make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice_api, bob_api = login(world.users["alice"]), login(world.users["bob"])
    item_id = str(world.items[kind].pk)
    detail = f"/api/v1/partner/{kind}/{item_id}"
    assert bob_api.get(detail).status_code == 200
    assert ids(bob_api.get(f"/api/v1/partner/{kind}")) == [item_id]
    assert ids(bob_api.get(f"{detail}/questions")) == [str(world.questions[kind].pk)]

    response = alice_api.delete(f"/api/v1/{kind}/{item_id}/share")
    assert response.status_code == 200
    assert response.json()["shared"] is False

    assert ids(bob_api.get(f"/api/v1/partner/{kind}")) == []
    for response in (
        bob_api.get(detail),
        bob_api.get(f"{detail}/questions"),
        bob_api.post(f"{detail}/questions", ASK, format="json"),
        bob_api.post(f"{detail}/acknowledge"),
    ):
        assert response.status_code == 404
        assert_error_body(response, 404, "not_found")
        assert NOTES not in response.content.decode()
    assert Question.objects.filter(asker=world.users["bob"]).count() == len(KINDS)
    # alice still has it, and her thread with bob.
    assert alice_api.get(f"/api/v1/{kind}/{item_id}").json()["notes"] == NOTES
    assert ids(alice_api.get(f"/api/v1/{kind}/{item_id}/questions")) == [
        str(world.questions[kind].pk)
    ]


def partner_paths(kind: str, item: SharedItem) -> list[str]:
    return [f"/api/v1/partner/{kind}/{item.pk}", f"/api/v1/partner/{kind}/{item.pk}/questions"]


def assert_hidden(client: APIClient, kind: str, item: SharedItem) -> None:
    """To `client`, `item` does not exist: every partner route answers 404, the list omits it."""
    assert str(item.pk) not in ids(client.get(f"/api/v1/partner/{kind}"))
    for response in [
        *(client.get(path) for path in partner_paths(kind, item)),
        client.post(f"/api/v1/partner/{kind}/{item.pk}/questions", ASK, format="json"),
        client.post(f"/api/v1/partner/{kind}/{item.pk}/acknowledge"),
    ]:
        assert response.status_code == 404, response.content
        assert_error_body(response, 404, "not_found")
        assert NOTES not in response.content.decode()


def test_it_hides_everything_at_once_on_pause_and_restores_the_same_items_on_resume(
    alice: User, bob: User, login: Callable[[User], APIClient]
) -> None:
    alice_api, bob_api = login(alice), login(bob)
    shared: dict[str, list[SharedItem]] = {
        "triggers": [TriggerFactory.create(owner=alice, notes=NOTES) for _ in range(3)],
        "boundaries": [BoundaryFactory.create(owner=alice, notes=NOTES) for _ in range(2)],
        "self-care": [SelfCareNoteFactory.create(owner=alice, notes=NOTES) for _ in range(2)],
    }
    private = TriggerFactory.create(owner=alice, notes=NOTES)
    for kind, items in shared.items():
        for item in items:
            assert alice_api.post(f"/api/v1/{kind}/{item.pk}/share").status_code == 200
    before = {kind: ids(bob_api.get(f"/api/v1/partner/{kind}")) for kind in KINDS}
    assert {kind: sorted(listed) for kind, listed in before.items()} == {
        kind: sorted(str(item.pk) for item in items) for kind, items in shared.items()
    }
    question_count = Question.objects.count()

    response = alice_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    assert response.status_code == 200

    for kind, items in shared.items():
        assert ids(bob_api.get(f"/api/v1/partner/{kind}")) == []
        for item in items:
            assert_hidden(bob_api, kind, item)
    assert Question.objects.count() == question_count
    assert not Trigger.objects.exclude(acknowledged_at=None).exists()
    # Pausing is not revoking: alice's items still say shared.
    for kind in KINDS:
        listed = alice_api.get(f"/api/v1/{kind}").json()["results"]
        assert {row["id"] for row in listed if row["shared"]} == {
            str(item.pk) for item in shared[kind]
        }

    response = alice_api.patch("/api/v1/partnership", {"sharing_paused": False}, format="json")
    assert response.status_code == 200

    assert {kind: ids(bob_api.get(f"/api/v1/partner/{kind}")) for kind in KINDS} == before
    assert bob_api.get(f"/api/v1/partner/triggers/{private.pk}").status_code == 404
    assert NOTES not in bob_api.get("/api/v1/partner/triggers").content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_it_lets_bob_ask_only_while_the_item_is_shared_and_not_paused(
    kind: str, alice: User, bob: User, login: Callable[[User], APIClient]
) -> None:
    alice_api, bob_api = login(alice), login(bob)
    item = FACTORIES[kind].create(owner=alice)
    questions = f"/api/v1/partner/{kind}/{item.pk}/questions"

    def ask() -> int:
        return int(bob_api.post(questions, ASK, format="json").status_code)

    def pause(paused: bool) -> None:
        body = {"sharing_paused": paused}
        assert alice_api.patch("/api/v1/partnership", body, format="json").status_code == 200

    assert ask() == 404  # never shared
    alice_api.post(f"/api/v1/{kind}/{item.pk}/share")
    assert ask() == 201
    pause(True)
    assert ask() == 404
    assert bob_api.get(questions).status_code == 404
    pause(False)
    assert ask() == 201
    assert len(ids(bob_api.get(questions))) == 2
    alice_api.delete(f"/api/v1/{kind}/{item.pk}/share")
    assert ask() == 404
    assert bob_api.get(questions).status_code == 404
    assert Question.objects.filter(asker=bob).count() == 2
    assert len(ids(alice_api.get(f"/api/v1/{kind}/{item.pk}/questions"))) == 2


def test_it_ends_shares_with_the_partnership_and_shows_the_next_partner_nothing(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice, bob, dave, erin = (world.users[name] for name in ("alice", "bob", "dave", "erin"))
    alice_api, bob_api, dave_api = login(alice), login(bob), login(dave)
    old_question = world.questions["triggers"]

    assert alice_api.delete("/api/v1/partnership").status_code == 204

    for kind, item in world.items.items():
        assert_hidden(bob_api, kind, item)
        assert_hidden(dave_api, kind, item)
        assert alice_api.get(f"/api/v1/{kind}/{item.pk}").json()["shared"] is False

    pair(alice, erin)
    erin_api = login(erin)

    for kind, item in world.items.items():
        assert ids(erin_api.get(f"/api/v1/partner/{kind}")) == []
        assert_hidden(erin_api, kind, item)
        assert_hidden(bob_api, kind, item)
        # The old thread belongs to the old partnership.
        assert ids(alice_api.get(f"/api/v1/{kind}/{item.pk}/questions")) == []
    response = alice_api.post(f"/api/v1/questions/{old_question.pk}/answer", ANSWER, format="json")
    assert response.status_code == 404
    old_question.refresh_from_db()
    assert old_question.answer is None

    # alice shares again, with erin: only erin sees it, and none of bob's thread.
    item = world.items["triggers"]
    assert alice_api.post(f"/api/v1/triggers/{item.pk}/share").status_code == 200
    assert ids(erin_api.get("/api/v1/partner/triggers")) == [str(item.pk)]
    assert ids(erin_api.get(f"/api/v1/partner/triggers/{item.pk}/questions")) == []
    text = erin_api.get(f"/api/v1/partner/triggers/{item.pk}").content.decode()
    assert NOTES not in text
    assert ASKED["triggers"] not in text
    assert ids(erin_api.get("/api/v1/partner/boundaries")) == []
    assert_hidden(bob_api, "triggers", item)
    assert_hidden(dave_api, "triggers", item)


def test_it_shows_the_partner_only_shares_of_their_own_partnership(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice, dave = world.users["alice"], world.users["dave"]
    # A share left on the old partnership (rows, bypassing the unpairing hook)
    # must not surface in the new one.
    with_dave = Membership.objects.get(user=dave).partnership
    stale = TriggerFactory.create(owner=alice, shared_with=with_dave, shared_at=with_dave.ended_at)
    for actor in ("bob", "dave"):
        client = login(world.users[actor])
        assert_hidden(client, "triggers", stale)
    assert ids(login(world.users["bob"]).get("/api/v1/partner/triggers")) == [
        str(world.items["triggers"].pk)
    ]


def test_it_answers_only_questions_asked_in_alices_current_partnership(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    daves = world.daves_question
    bobs = world.questions["triggers"]
    for asker in ("alice", "bob", "dave"):
        response = login(world.users[asker]).post(
            f"/api/v1/questions/{daves.pk}/answer", ANSWER, format="json"
        )
        assert response.status_code == 404
        assert_error_body(response, 404, "not_found")
    # bob asked it, yet only alice answers it.
    response = login(world.users["bob"]).post(
        f"/api/v1/questions/{bobs.pk}/answer", ANSWER, format="json"
    )
    assert response.status_code == 404
    assert not Question.objects.exclude(answer=None).exists()

    response = login(world.users["alice"]).post(
        f"/api/v1/questions/{bobs.pk}/answer", ANSWER, format="json"
    )
    assert response.status_code == 200
    assert response.json()["answer"] == ANSWER["text"]


def test_it_pauses_only_the_side_of_whoever_pauses(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    bob_api = login(world.users["bob"])
    body = {"sharing_paused": True}
    assert bob_api.patch("/api/v1/partnership", body, format="json").status_code == 200
    # bob paused his own sharing; what alice shares with him stays in view.
    for kind, item in world.items.items():
        assert ids(bob_api.get(f"/api/v1/partner/{kind}")) == [str(item.pk)]
        assert bob_api.get(f"/api/v1/partner/{kind}/{item.pk}").status_code == 200


def test_it_refuses_to_share_without_a_partner_and_writes_nothing(
    carol: User, carol_api: APIClient
) -> None:
    item = TriggerFactory.create(owner=carol, notes=NOTES)
    before = snapshot()
    response = carol_api.post(f"/api/v1/triggers/{item.pk}/share")
    assert response.status_code == 409
    assert_error_body(response, 409, "no_partner")
    assert snapshot() == before


def test_it_never_puts_private_notes_in_what_the_partner_sees(
    make_world: Callable[[str], World], login: Callable[[User], APIClient]
) -> None:
    world = make_world("shared")
    alice_api, bob_api = login(world.users["alice"]), login(world.users["bob"])
    for kind, item in world.items.items():
        detail = f"/api/v1/partner/{kind}/{item.pk}"
        seen = bob_api.get(detail).json()
        assert "notes" not in seen
        assert bob_api.post(f"{detail}/acknowledge").status_code == 200
        # An edit to the notes alone leaves no trace on bob's side.
        body = {"notes": f"{NOTES}-edited"}
        assert alice_api.patch(f"/api/v1/{kind}/{item.pk}", body, format="json").status_code == 200
        after = bob_api.get(detail).json()
        assert after["updated_at"] == seen["updated_at"]
        assert after["changed_since_acknowledged"] is False
        for path in (f"/api/v1/partner/{kind}", detail, f"{detail}/questions"):
            assert NOTES not in bob_api.get(path).content.decode()
