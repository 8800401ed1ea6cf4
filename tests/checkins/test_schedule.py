from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from checkins.models import Schedule

pytestmark = pytest.mark.django_db


def test_it_starts_with_an_inactive_schedule_in_the_profile_timezone(alice, alice_api) -> None:
    alice.timezone = "Europe/Berlin"
    alice.save()
    body = alice_api.get("/api/v1/checkins/schedule").json()
    assert body == {
        "active": False,
        "weekdays": [],
        "times": [],
        "timezone": "Europe/Berlin",
        "next_due_at": None,
    }
    assert not Schedule.objects.exists()


def test_it_saves_a_schedule_and_computes_the_next_slot(alice, alice_api) -> None:
    body = alice_api.put(
        "/api/v1/checkins/schedule",
        {
            "active": True,
            "weekdays": [0, 1, 2, 3, 4, 5, 6],
            "times": ["20:00", "08:30"],
            "timezone": "America/New_York",
        },
        format="json",
    )
    assert body.status_code == 200, body.content
    data = body.json()
    assert data["times"] == ["08:30", "20:00"]
    due = datetime.fromisoformat(data["next_due_at"])
    local = due.astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) in ((8, 30), (20, 0))
    assert timezone.now() < due <= timezone.now() + timedelta(hours=24)
    schedule = Schedule.objects.get(user=alice)
    assert schedule.next_slot_at == schedule.next_due_at


def test_it_defaults_the_timezone_to_the_profiles(alice, alice_api) -> None:
    alice.timezone = "Asia/Tokyo"
    alice.save()
    alice_api.put(
        "/api/v1/checkins/schedule",
        {"active": True, "weekdays": [0], "times": ["09:00"]},
        format="json",
    )
    assert Schedule.objects.get().timezone == "Asia/Tokyo"


def test_it_moves_a_slot_inside_quiet_hours_to_their_end(alice, alice_api) -> None:
    alice.quiet_hours_start = datetime(2000, 1, 1, 21, 0).time()
    alice.quiet_hours_end = datetime(2000, 1, 1, 23, 0).time()
    alice.save()
    alice_api.put(
        "/api/v1/checkins/schedule",
        {"active": True, "weekdays": list(range(7)), "times": ["22:00"], "timezone": "UTC"},
        format="json",
    )
    schedule = Schedule.objects.get()
    assert schedule.next_slot_at.astimezone(UTC).hour == 22
    assert schedule.next_due_at.astimezone(UTC).hour == 23
    assert schedule.next_due_at - schedule.next_slot_at == timedelta(hours=1)


def test_it_clears_the_due_time_when_deactivated(alice, alice_api) -> None:
    alice_api.put(
        "/api/v1/checkins/schedule",
        {"active": True, "weekdays": [0], "times": ["09:00"]},
        format="json",
    )
    body = alice_api.put(
        "/api/v1/checkins/schedule",
        {"active": False, "weekdays": [0], "times": ["09:00"]},
        format="json",
    ).json()
    assert body["next_due_at"] is None
    assert Schedule.objects.get().next_due_at is None


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"active": True, "weekdays": [7], "times": ["09:00"]}, "weekdays.0"),
        ({"active": True, "weekdays": [0, 0], "times": ["09:00"]}, "weekdays"),
        ({"active": True, "weekdays": [0], "times": ["9am"]}, "times.0"),
        (
            {
                "active": True,
                "weekdays": [0],
                "times": ["01:00", "02:00", "03:00", "04:00", "05:00"],
            },
            "times",
        ),
        ({"active": True, "weekdays": [0], "times": []}, "times"),
        ({"active": "yes", "weekdays": [0], "times": ["09:00"]}, "active"),
        (
            {"active": True, "weekdays": [0], "times": ["09:00"], "timezone": "Moon/Base"},
            "timezone",
        ),
        ({"active": True, "weekdays": [0], "times": ["09:00"], "next_due_at": None}, "next_due_at"),
        ({"weekdays": [0], "times": ["09:00"]}, "active"),
    ],
)
def test_it_explains_a_bad_schedule(alice_api, payload, param) -> None:
    response = alice_api.put("/api/v1/checkins/schedule", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["param"] == param
    assert not Schedule.objects.exists()


@pytest.mark.parametrize(
    ("weekdays", "times", "told_on"),
    [([], ["20:00"], {"weekdays"}), ([0], [], {"times"}), ([], [], {"weekdays", "times"})],
)
def test_it_tells_each_missing_part_of_an_active_schedule_on_its_own_field(
    alice, alice_api, weekdays, times, told_on
) -> None:
    response = alice_api.put(
        "/api/v1/checkins/schedule",
        {"active": True, "weekdays": weekdays, "times": times},
        format="json",
    )
    assert response.status_code == 400
    assert {error["param"] for error in response.json()["errors"]} == told_on
    assert not Schedule.objects.filter(user=alice, active=True).exists()
