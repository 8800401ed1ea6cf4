"""A share racing the end of the partnership, on PostgreSQL.

Either the share lands first and the ending takes it back with everything else,
or the ending lands first and the share finds no partner (409 `no_partner`).
Never an item left shared into the ended partnership, a grant logged into it
afterwards, or news waiting for the ex-partner.
"""

import pytest
from django.db import connection

from checkins import services as checkin_services
from checkins.models import CheckIn
from partners import services
from partners.errors import NoPartner
from partners.models import ConsentEvent, Notification, Partnership
from tests.accounts.test_concurrent_accept import race
from tests.conftest import pair
from tests.factories import UserFactory
from triggers import services as trigger_services
from triggers.models import Trigger

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]


def assert_nothing_reaches_the_ex_partner(*, shared, item, owner, ex) -> None:  # type: ignore[no-untyped-def]
    partnership = Partnership.objects.get()
    assert partnership.ended_at is not None
    item.refresh_from_db()
    assert item.shared_with_id is None and item.shared_at is None
    # The ex-partner's stream holds only the news that it ended.
    news = Notification.objects.filter(recipient=ex)
    assert list(news.values_list("kind", flat=True)) in ([], ["unpaired"])
    grants = ConsentEvent.objects.filter(
        user=owner, kind=ConsentEvent.Kind.SHARE_GRANTED, partnership=partnership
    )
    if isinstance(shared, NoPartner):
        assert not grants.exists()
    else:
        # The share came first: its grant is in the log, and the unpairing ended it.
        assert grants.count() == 1, shared


@pytest.mark.parametrize("ender", ["partner", "owner"])
@pytest.mark.parametrize("round_", range(4))
def test_it_never_shares_into_a_partnership_that_is_ending(ender, round_) -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    pair(alice, bob)
    trigger = Trigger.objects.create(owner=alice, title="loud voices")

    shared, ended = race(
        lambda: trigger_services.item_share(item=trigger, by=alice),
        lambda: services.partnership_end(user=bob if ender == "partner" else alice),
    )

    assert ended is None, ended
    assert isinstance(shared, Trigger | NoPartner), shared
    assert_nothing_reaches_the_ex_partner(shared=shared, item=trigger, owner=alice, ex=bob)


@pytest.mark.parametrize("round_", range(4))
def test_it_never_shares_a_new_answer_into_a_partnership_that_is_ending(round_) -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    pair(alice, bob)
    fields = {"pleasantness": 1, "energy": 0, "note": "a long day", "shared": True}

    created, ended = race(
        lambda: checkin_services.checkin_create(owner=alice, fields=fields),
        lambda: services.partnership_end(user=bob),
    )

    assert ended is None, ended
    if isinstance(created, NoPartner):
        assert not CheckIn.objects.exists()  # refused whole: nothing written half-way
        return
    assert isinstance(created, tuple), created
    checkin = created[0]
    assert_nothing_reaches_the_ex_partner(shared=checkin, item=checkin, owner=alice, ex=bob)
