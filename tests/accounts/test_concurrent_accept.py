"""Two accepts at the same moment on PostgreSQL: exactly one partnership.

SQLite takes one writer at a time (BEGIN IMMEDIATE), so the race needs a server
that runs transactions side by side.
"""

import threading

import pytest
from django.db import connection, connections

from attune.errors import DomainError
from partners import services
from partners.errors import AlreadyPaired, InvalidInvitation
from partners.models import Membership, Partnership
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]


def race(*calls) -> list[object]:  # type: ignore[no-untyped-def]
    """Run each call in its own thread and connection, released at the same instant."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            results[index] = call()
        except DomainError as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("round_", range(5))
def test_it_lets_only_one_of_two_people_accept_the_same_link(round_) -> None:
    alice, bob, carol = UserFactory.create(), UserFactory.create(), UserFactory.create()
    token = services.invitation_create(inviter=alice).token

    results = race(
        lambda: services.invitation_accept(token=token, user=bob),
        lambda: services.invitation_accept(token=token, user=carol),
    )

    winners = [r for r in results if isinstance(r, Partnership)]
    losers = [r for r in results if isinstance(r, InvalidInvitation)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Partnership.objects.count() == 1
    assert Membership.objects.filter(ended_at=None).count() == 2


@pytest.mark.parametrize("round_", range(5))
def test_it_pairs_a_person_once_when_two_links_race(round_) -> None:
    alice, bob, carol = UserFactory.create(), UserFactory.create(), UserFactory.create()
    from_alice = services.invitation_create(inviter=alice).token
    from_carol = services.invitation_create(inviter=carol).token

    # Bob accepts alice's link while alice accepts carol's: alice can't end up twice.
    results = race(
        lambda: services.invitation_accept(token=from_alice, user=bob),
        lambda: services.invitation_accept(token=from_carol, user=alice),
    )

    assert sum(isinstance(r, Partnership) for r in results) == 1, results
    # The loser is told alice is taken, or (when alice won with carol) that
    # alice's own link went away with her pairing.
    assert sum(isinstance(r, AlreadyPaired | InvalidInvitation) for r in results) == 1, results
    assert Membership.objects.filter(user=alice, ended_at=None).count() == 1
    assert Partnership.objects.count() == 1
