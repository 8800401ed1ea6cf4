"""The consent rule's conditions and reads compiled once per shape of viewer
(`partners.compiled`) must answer exactly what the ORM answers when built for
each viewer: for two couples sharing one compiled statement, in every state of
the partnership, and when a condition cannot be kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import User
from partners import compiled, services
from partners.viewer import Viewer, viewer_of
from tests.conftest import pair
from tests.factories import TriggerFactory, UserFactory
from triggers import services as triggers_services
from triggers.models import Trigger

pytestmark = pytest.mark.django_db


def visible_q(viewer: Viewer) -> Q:
    return Q(pk__in=Trigger.objects.visible_to(viewer).values("pk"))  # type: ignore[attr-defined]


def shared_rows(viewer: Viewer) -> QuerySet[Trigger]:
    return Trigger.objects.shared_with(viewer)  # type: ignore[attr-defined,no-any-return]


def own_rows(viewer: Viewer) -> QuerySet[Trigger]:
    return Trigger.objects.owned_by(viewer)  # type: ignore[attr-defined,no-any-return]


def ids_inlined(viewer: Viewer) -> Q:
    # The viewer's id written into the text: nothing can be swapped in it.
    owner = Trigger._meta.get_field("owner").target_field  # type: ignore[union-attr]
    value = owner.get_db_prep_value(viewer.user_id, connection)
    table = Trigger._meta.db_table
    return Q(pk__in=RawSQL(f"SELECT id FROM {table} WHERE owner_id = '{value}'", []))


def couple_with_items(name: str) -> tuple[User, User, list[Trigger]]:
    one = UserFactory.create(email=f"{name}-one@example.com")
    two = UserFactory.create(email=f"{name}-two@example.com")
    pair(one, two)
    items = [
        TriggerFactory.create(owner=owner, title=f"{name} {n}")
        for owner in (one, two)
        for n in range(3)
    ]
    for item in items[::2]:
        triggers_services.item_share(item=item, by=item.owner)
    return one, two, items


def rows_where_ids(user: User) -> set[Any]:
    viewer = viewer_of(user=user)
    found = Trigger.objects.filter(compiled.rows_where(Trigger, visible_q, viewer))
    return set(found.values_list("pk", flat=True))


def orm_ids(user: User) -> set[Any]:
    return set(Trigger.objects.filter(visible_q(viewer_of(user=user))).values_list("pk", flat=True))


def test_it_answers_each_couple_as_the_orm_does_in_every_state(db) -> None:
    couples = [couple_with_items(name) for name in ("first", "second")]
    people = [person for one, two, _ in couples for person in (one, two)]
    stranger = UserFactory.create(email="stranger@example.com")

    def check() -> None:
        for person in [*people, stranger]:
            assert rows_where_ids(person) == orm_ids(person)
            viewer = viewer_of(user=person)
            every = [item.pk for _, _, items in couples for item in items]
            for rows in (shared_rows, own_rows):
                among = compiled.values_among(rows, viewer, every, ("id", "title"))
                expected = list(rows(viewer).filter(pk__in=every).values("id", "title"))
                assert sorted(map(str, (r["id"] for r in among))) == sorted(
                    map(str, (r["id"] for r in expected))
                )
                # Rows come out as the ORM gives them: the text still sealed.
                assert {r["title"] for r in among} == {r["title"] for r in expected}

    check()
    first_one, first_two, _ = couples[0]
    # Their own three, and the one of three their partner shares.
    assert len(rows_where_ids(first_one)) == 4
    services.partnership_set_paused(user=first_two, paused=True)
    check()
    assert len(rows_where_ids(first_one)) == 3
    services.partnership_set_paused(user=first_two, paused=False)
    services.partnership_end(user=couples[1][0])
    check()
    assert len(rows_where_ids(couples[1][1])) == 3


def test_it_reads_the_ids_given_whatever_their_number_and_repeats(alice: User, bob: User) -> None:
    items = [TriggerFactory.create(owner=alice) for _ in range(4)]
    viewer = viewer_of(user=alice)
    assert compiled.values_among(own_rows, viewer, [], ("id",)) == []
    for count in (1, 3, 4):
        wanted = [item.pk for item in items[:count]]
        got = compiled.values_among(own_rows, viewer, [*wanted, *wanted], ("id",))
        assert sorted(str(row["id"]) for row in got) == sorted(map(str, wanted))
    # Not bob's to read as his own.
    assert compiled.values_among(own_rows, viewer_of(user=bob), [items[0].pk], ("id",)) == []


def test_a_condition_with_the_ids_in_its_text_is_built_each_time(alice: User, carol: User) -> None:
    mine, hers = TriggerFactory.create(owner=alice), TriggerFactory.create(owner=carol)
    for person, item in ((alice, mine), (carol, hers)):
        found = Trigger.objects.filter(
            compiled.rows_where(Trigger, ids_inlined, viewer_of(user=person))
        )
        assert list(found.values_list("pk", flat=True)) == [item.pk]


def test_a_read_of_rows_whose_key_is_not_a_uuid_is_built_each_time(alice: User, bob: User) -> None:
    """The sync feed's entries have a number for a key: nothing is kept for
    them, and the read answers as the ORM does."""
    from partners.models import FeedEntry

    def entries(viewer: Viewer) -> QuerySet[FeedEntry]:
        return FeedEntry.objects.filter(recipient_id=viewer.user_id)

    TriggerFactory.create(owner=alice)
    triggers_services.item_share(item=TriggerFactory.create(owner=alice), by=alice)
    for person in (alice, bob):
        viewer = viewer_of(user=person)
        every = list(FeedEntry.objects.values_list("pk", flat=True))
        expected = list(entries(viewer).filter(pk__in=every).values("pk", "type"))
        assert expected
        assert compiled.values_among(entries, viewer, every, ("pk", "type")) == expected
