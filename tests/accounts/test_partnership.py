import pytest

from partners.models import ConsentEvent, Membership, Partnership
from tests.conftest import pair
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_partnership_to_both_partners(alice, bob, alice_api, bob_api) -> None:
    mine = alice_api.get("/api/v1/partnership").json()
    theirs = bob_api.get("/api/v1/partnership").json()
    assert mine["id"] == theirs["id"]
    assert mine["since"] == theirs["since"]
    assert mine["partner"] == {"id": str(bob.id), "display_name": "Bob"}
    assert theirs["partner"] == {"id": str(alice.id), "display_name": "Alice"}
    # A partner is named, and nothing else of them.
    assert set(mine) == {"id", "partner", "since", "sharing_paused", "over_time"}
    assert mine["over_time"] == theirs["over_time"] == {"mine": False, "partner": False}
    assert "bob@example.com" not in alice_api.get("/api/v1/partnership").content.decode()


def test_it_answers_404_without_a_partner(carol_api) -> None:
    response = carol_api.get("/api/v1/partnership")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_it_pauses_only_my_own_sharing(alice, bob, alice_api, bob_api) -> None:
    response = alice_api.patch("/api/v1/partnership", {"sharing_paused": True})
    assert response.status_code == 200
    assert response.json()["sharing_paused"] is True
    assert bob_api.get("/api/v1/partnership").json()["sharing_paused"] is False
    assert Membership.objects.get(user=alice, ended_at=None).sharing_paused is True

    # Pausing again changes nothing and logs nothing new.
    alice_api.patch("/api/v1/partnership", {"sharing_paused": True})
    alice_api.patch("/api/v1/partnership", {"sharing_paused": False})
    kinds = list(alice.consent_events.order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["paired", "sharing_paused", "sharing_resumed"]
    assert list(bob.consent_events.values_list("kind", flat=True)) == ["paired"]


def test_it_refuses_a_pause_that_is_not_a_boolean(alice, bob, alice_api) -> None:
    for value in ("yes", 1, None):
        response = alice_api.patch("/api/v1/partnership", {"sharing_paused": value})
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == "sharing_paused"
    assert Membership.objects.get(user=alice, ended_at=None).sharing_paused is False


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_it_lets_either_partner_end_it_alone(who, alice, bob, login) -> None:
    ender, other = (alice, bob) if who == "alice" else (bob, alice)
    partnership = Partnership.objects.get()
    response = login(ender).delete("/api/v1/partnership")

    assert response.status_code == 204
    partnership.refresh_from_db()
    assert partnership.ended_at is not None
    assert not Membership.objects.filter(ended_at=None).exists()
    # The other learns only that it ended.
    other_api = login(other)
    assert other_api.get("/api/v1/partnership").status_code == 404
    log = other_api.get("/api/v1/consent-log").json()["results"]
    assert [event["kind"] for event in log] == ["unpaired", "paired"]
    assert set(log[0]) == {"id", "kind", "partnership", "item_type", "item_id", "created_at"}
    assert ConsentEvent.objects.filter(kind="unpaired").count() == 2


def test_it_lets_both_pair_again_with_someone_new(alice, bob, alice_api, carol) -> None:
    assert alice_api.delete("/api/v1/partnership").status_code == 204
    assert alice_api.delete("/api/v1/partnership").status_code == 404
    pair(alice, carol)
    pair(bob, UserFactory.create())
    assert alice_api.get("/api/v1/partnership").json()["partner"]["display_name"] == "Carol"
    assert Membership.objects.filter(ended_at=None).count() == 4


def test_the_database_refuses_a_second_active_partnership(alice, bob, carol) -> None:
    from django.db import IntegrityError, transaction

    partnership = Partnership.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(partnership=partnership, user=alice)


def test_the_consent_log_is_append_only(alice, bob) -> None:
    event = alice.consent_events.get()
    event.kind = "unpaired"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
