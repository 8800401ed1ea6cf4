"""The sync feed: a client that only replays it stays identical to the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners import services as accounts_services
from tests.conftest import pair
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


class Client:
    """What a phone app keeps: the objects the feed has told it about."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.cursor: str | None = None
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}

    def sync(self, page_size: int = 100) -> None:
        while True:
            params: dict[str, int | str] = {"page_size": page_size}
            if self.cursor:
                params["cursor"] = self.cursor
            response = self.api.get("/api/v1/sync", params)
            assert response.status_code == 200, response.content
            body = response.json()
            for change in body["changes"]:
                key = (change["type"], change["id"])
                if change["op"] == "upsert":
                    self.objects[key] = change["data"]
                else:
                    self.objects.pop(key, None)
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return

    def ids(self, kind: str) -> set[str]:
        return {object_id for (k, object_id) in self.objects if k == kind}


def listed(api: Any, path: str) -> set[str]:
    return {item["id"] for item in api.get(f"/api/v1/{path}?page_size=100").json()["results"]}


def test_it_starts_with_the_full_current_state(alice, bob, alice_api, bob_api) -> None:
    mine = alice_api.post("/api/v1/triggers", {"title": "Raised voices"}, format="json").json()
    alice_api.post(f"/api/v1/triggers/{mine['id']}/share")
    alice_api.post("/api/v1/boundaries", {"statement": "No phones"}, format="json")
    alice_api.post("/api/v1/checkins", {"pleasantness": 1, "energy": 0}, format="json")

    client = Client(alice_api)
    client.sync(page_size=2)
    assert client.ids("trigger") == listed(alice_api, "triggers")
    assert client.ids("boundary") == listed(alice_api, "boundaries")
    assert client.ids("checkin") == listed(alice_api, "checkins")
    assert client.objects[("trigger", mine["id"])]["shared"] is True

    partner = Client(bob_api)
    partner.sync()
    assert partner.ids("partner_trigger") == {mine["id"]}
    assert "notes" not in partner.objects[("partner_trigger", mine["id"])]
    assert partner.ids("boundary") == set() and partner.ids("partner_boundary") == set()


def test_it_tells_the_partner_to_forget_on_revoke_pause_and_unpair(
    alice, bob, alice_api, bob_api
) -> None:
    item = alice_api.post(
        "/api/v1/triggers", {"title": "Being late", "notes": "PRIVATE"}, format="json"
    ).json()
    url = f"/api/v1/triggers/{item['id']}/share"
    partner = Client(bob_api)

    alice_api.post(url)
    question = bob_api.post(
        f"/api/v1/partner/triggers/{item['id']}/questions", {"text": "Why?"}, format="json"
    ).json()
    partner.sync()
    assert partner.ids("partner_trigger") == {item["id"]}
    assert partner.ids("question") == {question["id"]}

    alice_api.delete(url)
    partner.sync()
    assert partner.ids("partner_trigger") == set() and partner.ids("question") == set()

    alice_api.post(url)
    partner.sync()
    assert partner.ids("partner_trigger") == {item["id"]}
    assert partner.ids("question") == {question["id"]}

    alice_api.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    partner.sync()
    assert partner.ids("partner_trigger") == set() and partner.ids("question") == set()
    alice_api.patch("/api/v1/partnership", {"sharing_paused": False}, format="json")
    partner.sync()
    assert partner.ids("partner_trigger") == {item["id"]}

    alice_api.delete("/api/v1/partnership")
    partner.sync()
    assert partner.ids("partner_trigger") == set() and partner.ids("question") == set()
    assert "PRIVATE" not in str(partner.objects)


def test_it_tells_the_partner_when_an_item_or_account_is_deleted(
    alice, bob, alice_api, bob_api
) -> None:
    first = alice_api.post("/api/v1/triggers", {"title": "One"}, format="json").json()
    second = alice_api.post("/api/v1/boundaries", {"statement": "Two"}, format="json").json()
    answer = alice_api.post(
        "/api/v1/checkins", {"pleasantness": 0, "energy": 0, "shared": True}, format="json"
    ).json()
    alice_api.post(f"/api/v1/triggers/{first['id']}/share")
    alice_api.post(f"/api/v1/boundaries/{second['id']}/share")
    partner = Client(bob_api)
    partner.sync()
    assert partner.ids("partner_checkin") == {answer["id"]}

    alice_api.delete(f"/api/v1/triggers/{first['id']}")
    partner.sync()
    assert partner.ids("partner_trigger") == set()
    assert partner.ids("partner_boundary") == {second["id"]}

    alice_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    partner.sync()
    assert partner.objects == {}


def test_a_new_partner_sees_nothing_until_shared_again(alice, bob, alice_api, carol, login):
    item = alice_api.post("/api/v1/triggers", {"title": "Old"}, format="json").json()
    alice_api.post(f"/api/v1/triggers/{item['id']}/share")
    accounts_services.partnership_end(user=bob)
    pair(alice, carol)
    newcomer = Client(login(carol))
    newcomer.sync()
    assert newcomer.objects == {}
    alice_api.post(f"/api/v1/triggers/{item['id']}/share")
    newcomer.sync()
    assert newcomer.ids("partner_trigger") == {item["id"]}


def test_it_pages_with_a_cursor_and_reports_when_there_is_more(alice, alice_api) -> None:
    for number in range(5):
        alice_api.post("/api/v1/triggers", {"title": f"T{number}"}, format="json")
    first = alice_api.get("/api/v1/sync?page_size=2").json()
    assert len(first["changes"]) == 2 and first["has_more"] is True
    rest = alice_api.get(f"/api/v1/sync?page_size=10&cursor={first['cursor']}").json()
    assert len(rest["changes"]) == 3 and rest["has_more"] is False
    again = alice_api.get(f"/api/v1/sync?cursor={rest['cursor']}").json()
    assert again == {"changes": [], "cursor": rest["cursor"], "has_more": False}


@pytest.mark.parametrize(
    "query", ["cursor=garbage", "cursor=djE6eA", "page_size=0", "page_size=501", "page_size=x"]
)
def test_it_refuses_a_bad_cursor_or_page_size(alice_api, query) -> None:
    response = alice_api.get(f"/api/v1/sync?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] in ("cursor", "page_size")


def test_anonymous_callers_get_401(anon) -> None:
    assert anon.get("/api/v1/sync").status_code == 401


def test_a_page_costs_the_same_queries_whatever_it_holds(alice, bob, alice_api, bob_api) -> None:
    def cost(api: Any) -> int:
        api.get("/api/v1/sync?page_size=500")
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/sync?page_size=500")
        assert response.status_code == 200
        return len(queries)

    alice_api.post("/api/v1/triggers", {"title": "one"}, format="json")
    small = cost(alice_api)

    def add_of_everything(rounds: int) -> None:
        for number in range(rounds):
            item = alice_api.post("/api/v1/triggers", {"title": f"t{number}"}, format="json")
            alice_api.post(f"/api/v1/triggers/{item.json()['id']}/share")
            alice_api.post("/api/v1/boundaries", {"statement": f"b{number}"}, format="json")
            alice_api.post(
                "/api/v1/checkins", {"pleasantness": 0, "energy": 1, "shared": True}, format="json"
            )
            bob_api.post(
                f"/api/v1/partner/triggers/{item.json()['id']}/questions",
                {"text": "?"},
                format="json",
            )

    add_of_everything(10)
    mixed = cost(alice_api), cost(bob_api)
    add_of_everything(20)
    # The same kinds of content, three times as much of it: the same cost. Each
    # kind present adds a fixed read (and its prefetches), never one per row.
    assert (cost(alice_api), cost(bob_api)) == mixed
    # alice's page adds her boundaries, check-ins (with their linked trigger ids
    # and responses) and questions; bob's the partner's copies, whose check-ins
    # need no linked trigger ids. Questions take one read, whose condition asks
    # every kind (triggers.selectors.questions_among).
    assert mixed == (small + 5, small + 3)


def test_a_page_reads_the_partnership_once_whatever_types_it_holds(
    alice, bob, alice_api, bob_api
) -> None:
    trigger_ids = {}
    for name, api in (("alice", alice_api), ("bob", bob_api)):
        trigger = api.post("/api/v1/triggers", {"title": "t"}, format="json").json()
        api.post(f"/api/v1/triggers/{trigger['id']}/share")
        trigger_ids[name] = trigger["id"]
        boundary = api.post("/api/v1/boundaries", {"statement": "b"}, format="json").json()
        api.post(f"/api/v1/boundaries/{boundary['id']}/share")
        api.post(
            "/api/v1/checkins", {"pleasantness": 0, "energy": 1, "shared": True}, format="json"
        )
    bob_api.post(
        f"/api/v1/partner/triggers/{trigger_ids['alice']}/questions", {"text": "?"}, format="json"
    )

    bob_api.get("/api/v1/sync?page_size=500")  # loads the session
    with CaptureQueriesContext(connection) as queries:
        body = bob_api.get("/api/v1/sync?page_size=500").json()
    assert {change["type"] for change in body["changes"]} == {
        "trigger",
        "boundary",
        "checkin",
        "partner_trigger",
        "partner_boundary",
        "partner_checkin",
        "question",
    }
    memberships = [q for q in queries.captured_queries if '"accounts_membership"' in q["sql"]]
    # The viewer (bob's membership and alice's, is she sharing?): one statement
    # for the whole page.
    assert len(memberships) == 1


def test_the_partners_copies_are_read_without_their_private_notes(alice_api, bob_api) -> None:
    for kind, body in (("triggers", {"title": "t"}), ("boundaries", {"statement": "b"})):
        item = alice_api.post(f"/api/v1/{kind}", {**body, "notes": "PRIVATE"}, format="json")
        alice_api.post(f"/api/v1/{kind}/{item.json()['id']}/share")

    bob_api.get("/api/v1/sync?page_size=500")  # loads the session
    with CaptureQueriesContext(connection) as queries:
        body = bob_api.get("/api/v1/sync?page_size=500").json()
    assert {change["type"] for change in body["changes"]} >= {"partner_trigger", "partner_boundary"}
    # bob owns nothing, so no statement of his page needs anyone's notes.
    assert not [q for q in queries.captured_queries if '"notes"' in q["sql"]]


def test_a_page_reads_both_sides_check_ins_together_and_shows_each_as_its_list_does(
    alice, bob, alice_api, bob_api
) -> None:
    def answer(api: Any, shared: bool) -> str:
        body = {"pleasantness": 1, "energy": 0, "note": "a note", "shared": shared}
        response = api.post("/api/v1/checkins", body, format="json")
        assert response.status_code == 201, response.content
        return str(response.json()["id"])

    trigger = bob_api.post("/api/v1/triggers", {"title": "t"}, format="json").json()["id"]
    mine = bob_api.post(
        "/api/v1/checkins",
        {"pleasantness": 0, "energy": 0, "trigger_ids": [trigger], "shared": True},
        format="json",
    ).json()["id"]
    answer(bob_api, shared=False)
    theirs, _ = answer(alice_api, shared=True), answer(alice_api, shared=False)
    assert (
        bob_api.post(f"/api/v1/partner/checkins/{theirs}/responses", {"kind": "heard"}).status_code
        == 201
    )

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert bob_api.get("/api/v1/sync?page_size=500").status_code == 200
        return len(queries)

    bob = Client(bob_api)
    bob.sync()
    lists = {
        "checkin": bob_api.get("/api/v1/checkins").json()["results"],
        "partner_checkin": bob_api.get("/api/v1/partner/checkins").json()["results"],
    }
    for kind, listed_items in lists.items():
        assert {i["id"]: i for i in listed_items} == {
            object_id: data for (k, object_id), data in bob.objects.items() if k == kind
        }
    assert bob.objects[("checkin", mine)]["trigger_ids"] == [trigger]
    assert "trigger_ids" not in bob.objects[("partner_checkin", theirs)]
    both = page_queries()

    # Without alice's copies on the page, the page reads no less.
    assert (
        alice_api.patch(f"/api/v1/checkins/{theirs}", {"shared": False}, format="json").status_code
        == 200
    )
    bob.sync()
    assert bob.ids("partner_checkin") == set()
    accounts_services.partnership_end(user=alice)
    assert page_queries() >= both
