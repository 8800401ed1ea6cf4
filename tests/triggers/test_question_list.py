"""GET questions: every thread I can read in one list, so a client does not ask
item by item."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from tests.triggers.test_query_counts import Couple, couple  # noqa: F401 - a fixture
from triggers import services

pytestmark = pytest.mark.django_db


def listed(client: APIClient, **params: str) -> list[tuple[str, str, bool]]:
    response = client.get("/api/v1/questions", params)
    assert response.status_code == 200, response.content
    return [(q["text"], q["about"], q["answer"] is not None) for q in response.json()["results"]]


def test_it_lists_the_threads_on_both_sides_and_narrows_them(
    couple: Couple,  # noqa: F811
    login: Callable[[User], APIClient],
) -> None:
    alices = couple.shared_by(couple.alice, "triggers")
    bobs = couple.shared_by(couple.bob, "boundaries")
    services.question_ask(item=alices, by=couple.bob, text="To alice")
    answered = services.question_ask(item=bobs, by=couple.alice, text="To bob")
    services.question_answer(question=answered, text="Yes")
    alice = login(couple.alice)

    assert listed(alice) == [("To bob", "partner", True), ("To alice", "mine", False)]
    assert listed(alice, about="mine") == [("To alice", "mine", False)]
    assert listed(alice, about="partner") == [("To bob", "partner", True)]
    assert listed(alice, answered="false") == [("To alice", "mine", False)]
    assert listed(login(couple.bob), about="mine") == [("To bob", "mine", True)]

    # Bob pauses: his boundary's thread leaves alice's list at once.
    bob = login(couple.bob)
    paused = bob.patch("/api/v1/partnership", {"sharing_paused": True}, format="json")
    assert paused.status_code == 200
    assert listed(alice) == [("To alice", "mine", False)]


@pytest.mark.parametrize(("param", "value"), [("about", "theirs"), ("answered", "yes")])
def test_it_explains_a_bad_filter(alice_api: APIClient, param: str, value: str) -> None:
    response = alice_api.get("/api/v1/questions", {param: value})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["param"] == param


def test_it_lists_1_and_20_questions_with_the_same_queries(
    couple: Couple,  # noqa: F811
    login: Callable[[User], APIClient],
) -> None:
    client = login(couple.alice)
    client.get("/api/v1/me")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/questions").status_code == 200
        return len(queries)

    item = couple.shared_by(couple.alice, "triggers")
    services.question_ask(item=item, by=couple.bob, text="1")
    one = count()
    for n in range(19):
        services.question_ask(item=item, by=couple.bob, text=str(n))
    assert count() == one


def test_the_short_reads_of_a_page_agree_with_the_one_condition(
    couple: Couple,  # noqa: F811
) -> None:
    """Sync reads a page's questions by `questions_among`; it must give exactly
    what `questions_visible` gives, in every state of sharing."""
    from partners import services as partners_services
    from partners.viewer import viewer_of
    from triggers.models import Question
    from triggers.selectors import questions_among, questions_visible

    alices = [couple.shared_by(couple.alice, kind) for kind in ("triggers", "boundaries")]
    bobs = couple.shared_by(couple.bob, "self-care")
    for item in alices:
        services.question_ask(item=item, by=couple.bob, text="To alice")
    services.question_ask(item=bobs, by=couple.alice, text="To bob")
    asked_about = couple.shared_by(couple.alice, "triggers")
    services.question_ask(item=asked_about, by=couple.bob, text="?")
    services.item_delete(item=asked_about)  # its question stays, detached
    every = list(Question.objects.values_list("pk", flat=True))

    def agree() -> list[int]:
        sizes = []
        for person in (couple.alice, couple.bob):
            viewer = viewer_of(user=person)
            rows = questions_among(viewer, every)
            among = {row["id"] for row in rows}
            visible = questions_visible(viewer)
            assert among == set(visible.values_list("pk", flat=True))
            # The rows are opened, and carry what a question read does.
            assert sorted((r["text"], r["reply_count"]) for r in rows) == sorted(
                (q.text, q.reply_count)  # type: ignore[attr-defined]  # the manager's count
                for q in visible
            )
            assert {row["id"] for row in questions_among(viewer, every[:1])} <= among
            sizes.append(len(among))
        return sizes

    assert agree() == [3, 3]
    services.item_unshare(item=alices[0], by=couple.alice)
    assert agree() == [3, 2]
    partners_services.partnership_set_paused(user=couple.bob, paused=True)
    assert agree() == [2, 2]
    partners_services.partnership_end(user=couple.alice)
    assert agree() == [0, 0]
